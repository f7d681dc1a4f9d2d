"""Saving never loses the previous file; autosave and recovery; the project
commands on the command line; exports."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from engine.cli import main
from engine.errors import ProjectError
from engine.export import standalone_script
from engine.project import open_project, save_project
from engine.project.recovery import Autosaver, newer_recovery, recovery_copies
from engine.training import Trainer
from tests.engine.helpers import small_spec
from tests.engine.project_helpers import trained_project

ROOT = Path(__file__).resolve().parents[2]

SAVER = """
import sys, time, torch
from engine.project import open_project, save_project
project = open_project(sys.argv[1])
run = project.run()
tensors, meta = run.state
tensors["model/big"] = torch.randn(40_000_000)  # ~160 MB: each save takes a while
print("saving", flush=True)
while True:
    save_project(project, sys.argv[1])
"""


@pytest.mark.parametrize("delay", [0.0, 0.03, 0.1, 0.25, 0.6])
def test_a_kill_at_any_moment_of_a_save_leaves_the_old_file_and_no_temporaries(tmp_path, delay):
    path = tmp_path / "p.seqlab"
    save_project(trained_project(), path)
    before = path.read_bytes()
    process = subprocess.Popen([sys.executable, "-c", SAVER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "saving"
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert os.listdir(tmp_path) == ["p.seqlab"]  # nothing half-written beside it
    after = open_project(path)  # the old file, or a complete new one: it opens
    if path.read_bytes() == before:
        assert "model/big" not in after.run().state[0]
    else:
        assert "model/big" in after.run().state[0]


def test_a_failed_save_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "p.seqlab"
    project = trained_project()
    save_project(project, path)
    before = path.read_bytes()
    import engine.project.archive as archive

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(archive.zipfile.ZipFile, "writestr", broken)
    with pytest.raises(ProjectError, match="p.seqlab: cannot be saved .No space left on device.; "
                                           "the file there before is unchanged"):
        save_project(project, path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["p.seqlab"]


def test_without_unnamed_files_a_named_temporary_is_used_and_a_dead_ones_is_cleaned(tmp_path, monkeypatch):
    monkeypatch.delattr(os, "O_TMPFILE", raising=False)
    stale = tmp_path / ".p.seqlab.999999999.0123abcd.partial"  # left by a process that no longer runs
    stale.write_bytes(b"half")
    save_project(trained_project(), tmp_path / "p.seqlab")
    assert os.listdir(tmp_path) == ["p.seqlab"] and open_project(tmp_path / "p.seqlab").run().step == 6


def test_unreadable_or_unwritable_places_are_one_message(tmp_path):
    with pytest.raises(ProjectError, match="cannot be saved"):
        save_project(trained_project(), Path("/proc/p.seqlab"))


# ------------------------------------------------------------------ autosave
@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    folder = tmp_path / "state"
    monkeypatch.setenv("SEQLAB_STATE_DIR", str(folder))
    return folder


def test_autosave_writes_a_recovery_copy_that_is_offered_back(tmp_path, state_dir):
    path = tmp_path / "p.seqlab"
    project = trained_project()
    save_project(project, path)
    assert newer_recovery(path) is None and recovery_copies() == []
    clock = [0.0]
    saver = Autosaver(path, interval=60, clock=lambda: clock[0])
    assert not saver.due()
    clock[0] = 61
    assert saver.due()
    time.sleep(0.01)
    saver.save(project)
    assert saver.path.parent == state_dir / "recovery" and not saver.due()
    saver.mark_changed()
    assert saver.due()
    copy = newer_recovery(path)
    assert copy is not None and copy.project_path == path.resolve() and recovery_copies() == [copy]
    assert open_project(copy.path).run().step == 6
    # The user's file is newer again (saved for real): nothing to offer.
    time.sleep(0.01)
    save_project(project, path)
    assert newer_recovery(path) is None
    saver.discard()
    assert recovery_copies() == []


def test_the_command_line_autosaves_while_training_and_offers_the_copy_after_a_kill(tmp_path, state_dir):
    path = tmp_path / "p.seqlab"
    save_project(trained_project(), path)
    before = path.read_bytes()
    env = {**os.environ, "SEQLAB_STATE_DIR": str(state_dir)}
    process = subprocess.Popen([sys.executable, "main.py", "train", str(path), "--steps", "1000000",
                                "--autosave-seconds", "0.5"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not list(state_dir.glob("recovery/*.json")) and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert path.read_bytes() == before  # killed: the project itself was not touched
    assert main(["train", str(path), "--steps", "5"]) == 2  # refuses while a newer copy waits
    copy = newer_recovery(path)
    assert copy is not None and open_project(copy.path).run().step > 6
    assert main(["recover"]) == 0
    assert main(["recover", str(path)]) == 0
    assert open_project(path).run().step > 6 and newer_recovery(path) is None and recovery_copies() == []


def test_recover_discard_and_the_messages(tmp_path, state_dir, capsys):
    path = tmp_path / "p.seqlab"
    project = trained_project()
    save_project(project, path)
    assert main(["recover", str(path)]) == 2
    assert "has no recovery copy newer than the file" in capsys.readouterr().err
    time.sleep(0.01)
    Autosaver(path).save(project)
    assert main(["train", str(path), "--steps", "2"]) == 2
    err = capsys.readouterr().err
    assert "is newer than the file. Restore it with `main.py recover" in err and "--discard" in err
    assert main(["recover", str(path), "--discard"]) == 0
    assert recovery_copies() == [] and main(["train", str(path), "--steps", "2", "--quiet"]) == 0


# ------------------------------------------------------------------ commands
def test_train_into_a_project_continue_it_and_summarise_it(tmp_path, state_dir, capsys):
    path = tmp_path / "lab.seqlab"
    assert main(["train", "--preset", "hello-rnn", "--steps", "6", "--project", str(path), "--quiet"]) == 0
    assert main(["train", "--preset", "hello-rnn", "--set", "model.cell=gru", "--steps", "4",
                 "--project", str(path), "--quiet"]) == 0
    assert main(["train", str(path), "--run", "run-1", "--steps", "3", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "2 run(s)" in out and "run-1" in out and "9/9" in out and "4/4" in out and "*  run-1" in out
    project = open_project(path)
    assert [r.spec.model.cell for r in project.runs] == ["rnn_tanh", "gru"] or project.runs[1].spec.model.cell == "gru"
    assert len(project.run("run-1").history) == 9 and recovery_copies() == []
    assert main(["train", str(path), "--set", "model.cell=gru"]) == 2
    assert "a project's run keeps its spec" in capsys.readouterr().err
    assert main(["info", str(tmp_path / "lab.json")]) == 2
    assert "a project file's name ends in .seqlab" in capsys.readouterr().err


def test_export_csv_tensorboard_and_script(tmp_path, capsys):
    path = tmp_path / "p.seqlab"
    save_project(trained_project(), path)
    assert main(["export", str(path), "--csv", str(tmp_path / "s.csv")]) == 0
    lines = (tmp_path / "s.csv").read_text().splitlines()
    assert lines[0].startswith("step,wall_time,train_loss") and len(lines) == 7
    assert main(["export", str(path), "--tensorboard", str(tmp_path / "tb")]) == 0
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(tmp_path / "tb" / "run-1"))
    events.Reload()
    losses = [e.value for e in events.Scalars("train/train_loss")]
    assert np.allclose(losses, open_project(path).run().history.column("train_loss"))
    assert main(["export", str(path), "--script", str(tmp_path / "train.py")]) == 0


def test_tensorboard_export_without_the_package_says_what_to_install(tmp_path, monkeypatch, capsys):
    path = tmp_path / "p.seqlab"
    save_project(trained_project(), path)
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)
    assert main(["export", str(path), "--tensorboard", str(tmp_path / "tb")]) == 2
    assert "needs the tensorboard package: pip install tensorboard" in capsys.readouterr().err


@pytest.mark.parametrize("overrides", [
    {"model__cell": "gru", "model__dropout": 0.2, "model__layers": 2, "training__clip_norm": 0.5},
    {"model__family": "seq2seq", "model__attention": "additive", "task__name": "reverse", "model__dropout": 0.2,
     "training__teacher_forcing_end": 0.3},
    {"model__family": "transformer", "model__arch": "encoder_decoder", "task__name": "addition",
     "model__dropout": 0.1, "training__schedule": "cosine", "training__warmup_steps": 3},
    {"task__name": "sines", "training__optimizer": "sgd", "training__momentum": 0.9},
    {"model__family": "window", "model__context": 4, "model__layers": 2, "model__dropout": 0.1},
    {"model__family": "markov", "model__order": 2, "task__name": "shakespeare", "task__length": 16},
])
def test_the_exported_script_trains_with_torch_alone_and_repeats_the_runs_losses(tmp_path, overrides):
    spec = small_spec(training__steps=10, training__eval_every=5, **overrides)
    project = trained_project(steps=2, **overrides)
    project.run().spec = spec
    script = tmp_path / "train.py"
    script.write_text(standalone_script(project.run()))
    assert "engine" not in [line.split()[1].split(".")[0] for line in script.read_text().splitlines()
                            if line.startswith(("import ", "from "))]
    blocked = ("import runpy, sys; sys.modules['engine'] = None; sys.argv = [sys.argv[1], '--log-every', '1']; "
               "runpy.run_path(sys.argv[0], run_name='__main__')")
    process = subprocess.run([sys.executable, "-I", "-c", blocked, str(script)], cwd=tmp_path,
                             capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, process.stderr
    losses = [float(line.split()[-1]) for line in process.stdout.splitlines() if " loss " in line]
    assert np.array_equal(np.float32(losses), Trainer(spec).run_steps(10))
    assert "step 10 val_loss" in process.stdout
