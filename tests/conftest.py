import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# One torch thread in each test process, and in the processes tests start: the small models
# the tests train run no slower on one (tests/engine/test_models.py: 44 s with one thread or
# two, on half the CPU), so the test workers (pytest-xdist, one per core) do not contend.
os.environ.setdefault("OMP_NUM_THREADS", "1")
# Engine processes and command-line runs in the tests log to a folder of their own, not the person's.
os.environ.setdefault("SEQLAB_LOG_DIR", tempfile.mkdtemp(prefix="seqlab-test-logs-"))


@pytest.hookimpl(optionalhook=True)  # pytest-xdist's; `-p no:xdist` runs without it
def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto`: a worker per core this process may use, at most 4 (each holds torch and
    Qt, half a gigabyte, and the suite gains little past 4)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(4, cores))


@pytest.fixture(scope="session")
def trained_preset():
    """train(preset, steps, overrides=None): the preset trained headless on the CPU,
    once per test session: engine and window tests that ask for the same run share
    it (tests only read it)."""
    from engine.presets import load_preset
    from engine.training import Trainer

    made = {}

    def train(preset: str, steps: int, overrides: dict | None = None):
        key = (preset, steps, tuple(sorted((overrides or {}).items())))
        if key not in made:
            spec = load_preset(preset).with_overrides({"probes.every": 0, "training.eval_every": 10**6,
                                                       "training.device": "cpu", **(overrides or {})})
            trainer = Trainer(spec)
            trainer.run_steps(steps)
            made[key] = trainer
        return made[key]

    return train
