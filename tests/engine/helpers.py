"""Small specs that train in a second on a CPU."""

import os
import sys

from engine.spec import ExperimentSpec

SMALL = {
    "model.embedding_size": 16, "model.hidden_size": 32,
    "model.d_model": 32, "model.heads": 2, "model.ff_size": 64,
    "task.length": 6, "task.train_size": 512, "task.val_size": 64,
    "task.distractors": 3, "task.vocab_size": 6, "task.digits": 2,
    "training.batch_size": 16, "training.lr": 0.01, "training.eval_every": 1000,
    "training.eval_batches": 1, "training.device": "cpu",
}


# Trained runs (preset, steps[, overrides]) that the engine's and the window's Playground
# tests both open: the session fixture trained_preset (tests/conftest.py) trains each once.
# The reverser's rate decays to zero over its 500 steps: at the preset's constant rate its
# accuracy still swings by 0.1 or more from one hundred steps to the next (after 700 steps,
# seeds 0-11, it reversed 27 to 40 of 40 inputs), and where in a swing a run stops differs
# from one CPU to another.
PLAYGROUND_REVERSER = ("reverse-attention", 500, {"training.schedule": "cosine", "training.steps": 500})
PLAYGROUND_WRITER = ("shakespeare-lstm", 30, {"model.hidden_size": 64, "model.layers": 1})
PLAYGROUND_SINES = ("sines-lstm", 400)


def small_spec(**overrides) -> ExperimentSpec:
    """A tiny experiment; keyword names use __ for dots: model__cell="gru"."""
    merged = dict(SMALL)
    merged.update({k.replace("__", "."): v for k, v in overrides.items()})
    return ExperimentSpec().with_overrides(merged)


class FilesOpened:
    """Every file this process opens while `with` blocks run (Python's audit
    hook on "open", which open() and os.open() raise). Hooks cannot be removed:
    one made per test session goes quiet outside its blocks."""

    def __init__(self):
        self.paths: list[str] = []
        self.active = False
        sys.addaudithook(self._hook)

    def _hook(self, event, args):
        if self.active and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            self.paths.append(os.fsdecode(args[0]))

    def __enter__(self):
        self.paths.clear()
        self.active = True
        return self

    def __exit__(self, *exc):
        self.active = False


_files_opened: FilesOpened | None = None


def files_opened() -> FilesOpened:
    """The one audit of opened files for this process."""
    global _files_opened
    if _files_opened is None:
        _files_opened = FilesOpened()
    return _files_opened


def open_descriptors_of(path) -> list[str]:
    """This process's /proc/self/fd targets naming `path` (a deleted file reads
    'path (deleted)'); other files' descriptors (a worker's logs, an earlier
    test's garbage) come and go on their own."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:  # closed since listed
            continue
        if target.startswith(os.path.realpath(path)):
            found.append(target)
    return found
