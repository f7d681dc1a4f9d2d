"""Every number a project or a spec holds is finite and in range, checked where
it is read; whatever a run holds (a diverged one included) can be saved; and
the command line answers a bad input with one line, never a traceback."""

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors import safe_open
from safetensors.numpy import load as load_arrays, save as save_arrays

from engine.cli import main
from engine.errors import ProjectError
from engine.project import open_project, save_project
from tests.engine.project_helpers import edit_json, read_entries, trained_project, write_entries

ROOT = Path(__file__).resolve().parents[2]
STATE = "runs/run-1/state.json"
SCALARS = "runs/run-1/scalars.safetensors"
EVALUATIONS = "runs/run-1/evaluations.csv"
SMALL = ["--preset", "relu-rnn", "--set", "training.batch_size=8", "--set", "task.train_size=200",
         "--set", "task.val_size=16"]
DIVERGING = ["--preset", "relu-rnn", "--set", "training.lr=5", "--set", "training.clip_norm=0",
             "--set", "training.optimizer=sgd"]


@pytest.fixture(autouse=True)
def own_state_folder(tmp_path, monkeypatch):
    """Recovery copies go to this test's folder, not the user's."""
    monkeypatch.setenv("SEQLAB_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("good") / "good.seqlab"
    project = trained_project()
    project.ui = {"layout": "kept"}
    save_project(project, path)
    return path


def one_line(capsys, *expected: str) -> str:
    """The error output is one line holding each of `expected`, and no traceback."""
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for text in expected:
        assert text in err, err
    return err


def refused_at_open(path: Path, capsys, *expected: str) -> None:
    """open_project refuses the file naming `expected`; `main.py info` says it in one line, exit 2."""
    with pytest.raises(ProjectError) as error:
        open_project(path)
    for text in expected:
        assert text in str(error.value), str(error.value)
    capsys.readouterr()
    assert main(["info", str(path)]) == 2
    one_line(capsys, *expected)


def planted(good: Path, tmp_path: Path, entry: str, edit=None, raw: dict[str, str] | None = None) -> Path:
    """A copy of `good` with `entry`'s JSON edited; `raw` then replaces text in it
    (for numbers json.dumps cannot write, such as 1e999)."""
    entries = read_entries(good)
    if edit is not None:
        entries = edit_json(entries, entry, edit)
    text = entries[entry].decode()
    for old, new in (raw or {}).items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "planted.seqlab"
    write_entries(path, {**entries, entry: text.encode()})
    return path


def spec_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.json"
    path.write_text(text)
    return path


# ------------------------------------------------------------ opening a project
def test_a_number_json_reads_as_infinity_is_refused_at_open_naming_where_it_is(good, tmp_path, capsys):
    path = planted(good, tmp_path, "project.json", lambda d: d["runs"][0]["summary"].update(train_loss="HUGE"),
                   {'"HUGE"': "1e999"})
    refused_at_open(path, capsys, "project.json", "runs[0].summary.train_loss", "not a finite number")
    path = planted(good, tmp_path, STATE, lambda d: d.update(last_train_loss="HUGE"), {'"HUGE"': "-1e999"})
    refused_at_open(path, capsys, STATE, "last_train_loss", "not a finite number")


@pytest.mark.parametrize("entry", ["project.json", "ui.json"])
def test_json_nested_deeper_than_it_could_be_written_back_is_refused_at_open(good, tmp_path, capsys, entry):
    """600 deep parses, but json.dumps recurses and could not save it again."""
    def deep(document):
        target = document["runs"][0]["summary"] if entry == "project.json" else document
        target["deep"] = "DEEP"
    path = planted(good, tmp_path, entry, deep, {'"DEEP"': "[" * 600 + "]" * 600})
    refused_at_open(path, capsys, entry, "is nested more than 64 deep")


@pytest.mark.parametrize("field,value", [("step", 10**30), ("tokens_seen", 2**70), ("skipped_steps", 2**60)],
                         ids=["step", "tokens_seen", "skipped_steps"])
def test_counts_in_state_json_beyond_their_bounds_are_refused_at_open(good, tmp_path, capsys, field, value):
    path = planted(good, tmp_path, STATE, lambda d: d.update({field: value}))
    refused_at_open(path, capsys, STATE, f"{field}={value} must be")


@pytest.mark.parametrize("field,value,message", [
    ("clip_norm", -1.0, "clip_norm=-1.0 must be at least 0"),
    ("teacher_forcing_override", 1.5, "teacher_forcing_override=1.5 must be in [0, 1]"),
    ("teacher_forcing_override", -0.5, "teacher_forcing_override=-0.5 must be in [0, 1]"),
    ("train_seconds", -3.0, "train_seconds=-3.0 must be at least 0"),
    ("elapsed", 10**400, "elapsed=an integer of about 401 digits is not a finite number"),
    ("last_train_loss", 10**400, "last_train_loss=an integer of about 401 digits is not a finite number"),
    ("last_evaluation", {"val_loss": "low"}, "last_evaluation['val_loss'] must be a finite number"),
    ("optimizer_numbers", {"0": {"step": 10**400}}, "optimizer_numbers['0'] must map names to finite numbers"),
], ids=lambda value: str(value)[:24])
def test_settings_in_state_json_out_of_range_are_refused_at_open(good, tmp_path, capsys, field, value, message):
    path = planted(good, tmp_path, STATE, lambda d: d.update({field: value}))
    refused_at_open(path, capsys, STATE, message)


@pytest.mark.parametrize("section,field,value", [("training", "seed", 2**64), ("training", "steps", 10**30),
                                                 ("training", "weight_decay", 1e300)])
def test_a_spec_in_a_project_outside_the_validators_bounds_is_refused_at_open(good, tmp_path, capsys,
                                                                              section, field, value):
    path = planted(good, tmp_path, "project.json", lambda d: d["runs"][0]["spec"][section].update({field: value}))
    refused_at_open(path, capsys, "run 'run-1'", f"{section}.{field}=")


@pytest.mark.parametrize("column,value,message", [
    ("wall_time", np.inf, "wall_time"), ("wall_time", -1.0, "wall_time"), ("step", 2**60, "step")])
def test_scalars_with_steps_or_times_out_of_range_are_refused_at_open(good, tmp_path, capsys, column, value, message):
    entries = read_entries(good)
    arrays = load_arrays(entries[SCALARS])
    (tmp_path / "s.safetensors").write_bytes(entries[SCALARS])
    with safe_open(str(tmp_path / "s.safetensors"), "np") as handle:
        metadata = handle.metadata()  # kept as it was: the format and the order of the columns
    arrays[column] = arrays[column].copy()
    arrays[column][-1] = value
    write_entries(tmp_path / "p.seqlab", {**entries, SCALARS: save_arrays(arrays, metadata)})
    refused_at_open(tmp_path / "p.seqlab", capsys, SCALARS, message)


@pytest.mark.parametrize("row,message", [("3,0.5,1e999,1.0", "line 2"), (f"{10**30},0.5,1.0,1.0", "line 2"),
                                         ("3,-2.0,1.0,1.0", "line 2")])
def test_evaluations_with_numbers_out_of_range_are_refused_at_open(good, tmp_path, capsys, row, message):
    entries = read_entries(good)
    header = entries[EVALUATIONS].decode().splitlines()[0]
    assert len(header.split(",")) == 4  # step, wall_time and two metrics, as `row` has
    write_entries(tmp_path / "p.seqlab", {**entries, EVALUATIONS: f"{header}\n{row}\n".encode()})
    refused_at_open(tmp_path / "p.seqlab", capsys, EVALUATIONS, message)


def test_an_evaluations_field_over_the_csv_field_limit_is_one_line(good, tmp_path, capsys):
    entries = read_entries(good)
    header = entries[EVALUATIONS].decode().splitlines()[0]
    huge = f'{header}\n3,0.5,"{"1" * 200_000}",1.0\n'
    write_entries(tmp_path / "p.seqlab", {**entries, EVALUATIONS: huge.encode()})
    refused_at_open(tmp_path / "p.seqlab", capsys, EVALUATIONS, "line 2")


# ------------------------------------------------------------ saving what training made
def test_a_diverged_relu_rnn_run_is_saved_and_reopens_with_its_last_finite_state(tmp_path, capsys):
    path = tmp_path / "wild.seqlab"
    assert main(["train", *DIVERGING, "--steps", "50", "--project", str(path), "--quiet"]) == 1
    err = one_line(capsys, "seqlab: diverged at step ")
    step = int(err.split("step ")[1].split(":")[0])
    run = open_project(path).run()
    assert run.step == step < 50 and run.summary["diverged_at"] == step
    tensors, meta = run.state
    assert all(torch.isfinite(t).all() for t in tensors.values() if t.is_floating_point())
    assert meta["last_train_loss"] is None or math.isfinite(meta["last_train_loss"])
    assert all(v is None or math.isfinite(v) for v in meta["last_evaluation"].values())
    assert all(math.isfinite(v) for e in run.history.evaluations for v in e.values.values())
    assert run.history.evaluations and run.history.evaluations[-1].step == step
    assert run.trainer("cpu").step == step  # and it restores


def test_a_save_that_fails_leaves_a_recovery_copy_named_in_one_line(tmp_path, capsys):
    (tmp_path / "a-file").write_text("not a folder")
    path = tmp_path / "a-file" / "p.seqlab"
    assert main(["train", *SMALL, "--steps", "3", "--project", str(path), "--quiet"]) == 1
    err = one_line(capsys, str(path), "recovery copy", f"main.py recover {path}")
    copy = Path(err.split("recovery copy ")[1].split(" ")[0].rstrip(";,."))
    assert copy.is_file() and copy.is_relative_to(tmp_path / "state")
    assert open_project(copy).run().step == 3


# ------------------------------------------------------------ the command line
def test_a_seed_outside_what_torch_takes_is_one_line_naming_training_seed(tmp_path, capsys):
    for seed in (str(2**63), str(2**64), "-1"):
        assert main(["spec", "--preset", "relu-rnn", "--seed", seed]) == 2
        one_line(capsys, f"training.seed={seed} must be")
    path = spec_file(tmp_path, '{"training": {"seed": 1e300}}')
    assert main(["spec", str(path)]) == 2
    one_line(capsys, str(path), "training.seed=")


def test_a_spec_file_nested_too_deep_is_one_line(tmp_path, capsys):
    path = spec_file(tmp_path, "[" * 100_000 + "]" * 100_000)
    assert main(["spec", str(path)]) == 2
    one_line(capsys, str(path), "nested too deep")


def test_an_integer_of_thousands_of_digits_is_one_line(tmp_path, capsys):
    digits = "9" * 5000
    path = spec_file(tmp_path, f'{{"training": {{"steps": {digits}}}}}')
    assert main(["spec", str(path)]) == 2
    one_line(capsys, str(path), "integer")
    assert main(["spec", "--preset", "relu-rnn", "--set", f"training.steps={digits}"]) == 2
    one_line(capsys, "training.steps=", "too large")


def test_export_to_a_place_that_cannot_be_written_is_one_line(good, tmp_path, capsys):
    (tmp_path / "a-file").write_text("not a folder")
    for option, target in (("--csv", tmp_path / "a-file" / "run.csv"), ("--csv", tmp_path),
                           ("--script", tmp_path / "a-file" / "run.py"),
                           ("--tensorboard", tmp_path / "a-file" / "events")):
        assert main(["export", str(good), option, str(target)]) == 2, option
        one_line(capsys, str(target), "cannot be written")


def test_train_outputs_that_cannot_be_written_are_one_line(tmp_path, capsys):
    (tmp_path / "a-file").write_text("not a folder")
    for option in ("--summary-json", "--out"):
        target = tmp_path / "a-file" / "x"
        assert main(["train", *SMALL, "--steps", "1", "--quiet", option, str(target)]) == 2
        one_line(capsys, str(target), "cannot be written")


def test_autosave_seconds_that_are_not_a_time_are_one_line(capsys):
    for seconds in ("nan", "inf", "-1"):
        assert main(["train", *SMALL, "--steps", "1", "--quiet", "--autosave-seconds", seconds]) == 2
        one_line(capsys, f"--autosave-seconds must be 0 to 86400, not {float(seconds)}")


@pytest.mark.parametrize("args,message", [
    (["--top-k", "-1"], "--top-k must be 1 to 50, not -1"),
    (["--top-k", "0"], "--top-k must be 1 to 50, not 0"),
    (["--steps", "--top-k", "-1"], "--top-k must be 1 to 50, not -1"),
    (["--length", "0"], "--length must be 1 to 1000, not 0"),
    (["--beam", "0", "--mode", "sample"], "--beam must be 1 to 16, not 0"),
    (["--mode", "sample", "--temperature", "1e-300"], "--temperature must be 0.01 to 100"),
    (["--mode", "sample", "--temperature", "inf"], "--temperature must be 0.01 to 100"),
    (["--mode", "sample", "--seed", str(2**64)], f"--seed must be 0 to {2**63 - 1}"),
])
def test_play_refuses_options_out_of_range_naming_the_limits(good, capsys, args, message):
    assert main(["play", str(good), *args]) == 2
    one_line(capsys, message)


def test_play_refuses_a_length_that_would_run_for_minutes(good):
    """`--length 100000000` wrote tokens for minutes: it is refused at once, with the limit."""
    process = subprocess.run([sys.executable, "main.py", "play", str(good), "--length", "100000000"], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert process.returncode == 2 and "Traceback" not in process.stderr
    assert process.stderr.strip().splitlines() == ["seqlab: error: --length must be 1 to 1000, not 100000000"]
