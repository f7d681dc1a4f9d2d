"""Projects: what is saved opens identical, resumes exactly, and versions migrate."""

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.errors import ProjectError
from engine.project import open_project, save_project
from engine.project import migrations
from engine.project.session import continue_run, prepare_run
from engine.task_file import TaskFile
from engine.training import Trainer
from tests.engine.helpers import small_spec
from tests.engine.project_helpers import edit_json, read_entries, trained_project, write_entries

SAMPLES = Path(__file__).parent.parent / "data" / "projects"

ARCHITECTURES = {
    "rnn-tanh": {"model__cell": "rnn_tanh"},
    "rnn-relu-2-layers": {"model__cell": "rnn_relu", "model__layers": 2},
    "lstm-bidirectional-tagging": {"model__cell": "lstm", "model__bidirectional": True, "task__name": "recall"},
    "gru-dropout": {"model__cell": "gru", "model__layers": 2, "model__dropout": 0.2},
    "seq2seq-none": {"model__family": "seq2seq", "task__name": "reverse"},
    "seq2seq-dot": {"model__family": "seq2seq", "model__attention": "dot", "task__name": "reverse"},
    "seq2seq-general-gru": {"model__family": "seq2seq", "model__cell": "gru", "model__attention": "general",
                            "task__name": "copy"},
    "seq2seq-additive-lstm>gru": {"model__family": "seq2seq", "model__cell": "lstm", "model__decoder_cell": "gru",
                                  "model__attention": "additive", "task__name": "sort"},
    "transformer-encoder": {"model__family": "transformer", "model__arch": "encoder", "task__name": "sentiment"},
    "transformer-decoder": {"model__family": "transformer", "model__arch": "decoder", "task__name": "hello"},
    "transformer-encoder-decoder": {"model__family": "transformer", "model__arch": "encoder_decoder",
                                    "task__name": "addition", "model__norm": "post"},
    "one-to-many": {"task__name": "sentiment_generation", "model__cell": "gru"},
    "regression": {"task__name": "sines", "model__cell": "lstm"},
}


def assert_same_run(a, b):
    assert a.spec == b.spec and a.id == b.id and a.name == b.name and a.summary == b.summary
    assert a.notes == b.notes and a.created == b.created and a.modified == b.modified
    tensors_a, meta_a = a.state
    tensors_b, meta_b = b.state
    assert meta_a == meta_b and sorted(tensors_a) == sorted(tensors_b)
    for name, tensor in tensors_a.items():
        assert tensor.dtype == tensors_b[name].dtype and torch.equal(tensor, tensors_b[name]), name
    assert a.history.names == b.history.names and len(a.history) == len(b.history) > 0
    for name in a.history.names:
        column_a, column_b = a.history.column(name), b.history.column(name)
        assert column_a.dtype == column_b.dtype and np.array_equal(column_a, column_b, equal_nan=True), name
    assert [(e.step, e.wall_time, e.values) for e in a.history.evaluations] == \
           [(e.step, e.wall_time, e.values) for e in b.history.evaluations] and a.history.evaluations
    assert a.probes.arrivals == b.probes.arrivals and a.probes.arrival_numbers == b.probes.arrival_numbers
    assert len(a.probes) >= 2
    for snap_a, snap_b in zip(a.probes.snapshots(), b.probes.snapshots()):
        arrays_a, arrays_b = snap_a.arrays(), snap_b.arrays()
        assert snap_a.step == snap_b.step and snap_a.tokens == snap_b.tokens and sorted(arrays_a) == sorted(arrays_b)
        for name in arrays_a:
            assert np.array_equal(arrays_a[name], arrays_b[name], equal_nan=True), name


@pytest.mark.parametrize("name", list(ARCHITECTURES))
def test_every_architecture_opens_exactly_as_it_was_saved(name, tmp_path):
    project = trained_project(**ARCHITECTURES[name])
    project.ui = {"dock": "left", "zoom": 1.5}
    save_project(project, tmp_path / "p.seqlab")
    again = open_project(tmp_path / "p.seqlab")
    assert (again.name, again.notes, again.current_run, again.ui, again.warnings) == \
           (project.name, project.notes, project.current_run, project.ui, [])
    assert_same_run(project.runs[0], again.runs[0])
    # Saving what was opened loses nothing either. (Byte for byte the same but for
    # the manifest's times and the order safetensors writes metadata keys in.)
    save_project(again, tmp_path / "q.seqlab")
    assert_same_run(project.runs[0], open_project(tmp_path / "q.seqlab").runs[0])
    first, second = read_entries(tmp_path / "p.seqlab"), read_entries(tmp_path / "q.seqlab")
    assert set(first) == set(second)
    assert all(first[k] == second[k] for k in first if k.endswith((".csv", "project.json", "weights.safetensors")))


def test_a_project_keeps_several_runs_and_which_is_current(tmp_path):
    project = trained_project()
    project.add_run(small_spec(model__cell="gru"), name="a GRU, untrained")
    project.current_run = "run-1"
    save_project(project, tmp_path / "p.seqlab")
    again = open_project(tmp_path / "p.seqlab")
    assert [r.id for r in again.runs] == ["run-1", "run-2"] and again.run().id == "run-1"
    assert again.runs[1].state is None and again.runs[1].name == "a GRU, untrained"
    assert again.runs[1].spec.model.cell == "gru"


@pytest.mark.parametrize("overrides", [
    {"model__cell": "lstm", "model__dropout": 0.3, "model__layers": 2},
    {"model__family": "seq2seq", "model__attention": "additive", "task__name": "reverse", "model__dropout": 0.2},
    {"model__family": "transformer", "model__arch": "encoder_decoder", "task__name": "addition",
     "model__dropout": 0.1, "training__optimizer": "adamw"},
])
def test_training_a_saved_run_further_gives_exactly_the_uninterrupted_losses(overrides, tmp_path):
    uninterrupted = Trainer(small_spec(training__steps=24, **overrides)).run_steps(24)
    project = trained_project(steps=10, **overrides)
    save_project(project, tmp_path / "p.seqlab")
    project = open_project(tmp_path / "p.seqlab")
    run = project.run()
    continue_run(project, run, prepare_run(run, more_steps=14))
    save_project(project, tmp_path / "p.seqlab")
    run = open_project(tmp_path / "p.seqlab").run()
    assert run.step == 24 and run.spec.training.steps == 24
    assert np.array_equal(run.history.column("step"), np.arange(24))
    assert np.array_equal(run.history.column("train_loss"), uninterrupted)
    assert np.all(np.diff(run.history.column("wall_time")) > 0)  # the clock goes on, not from zero


def test_a_finished_run_needs_more_steps_to_continue():
    project = trained_project(steps=4)
    with pytest.raises(ProjectError, match="has trained all its 4 steps; give --steps N"):
        prepare_run(project.run())
    with pytest.raises(ProjectError, match="--steps must be at least 1"):
        prepare_run(project.run(), more_steps=0)


def test_weights_that_do_not_fit_the_spec_are_refused_when_the_run_is_used(tmp_path):
    project = trained_project()
    run = project.run()
    run.spec = run.spec.with_overrides({"model.hidden_size": 16})
    with pytest.raises(ProjectError, match=r"run 'run-1': the checkpoint does not fit this model: "
                                           r"rnn.weight_ih_l0 is \(128, 16\) in the checkpoint, \(64, 16\)"):
        run.trainer()


# ---------------------------------------------------------------- versions
def test_the_sample_file_of_every_released_format_opens_and_trains_on():
    samples = sorted(SAMPLES.glob("format-*.seqlab"))
    released = {f"format-{migrations.version_text(migrations.FIRST_VERSION)}.seqlab",
                f"format-{migrations.version_text(migrations.FORMAT_VERSION)}.seqlab"}
    assert released <= {p.name for p in samples}
    for sample in samples:
        project = open_project(sample)
        run = project.run()
        assert project.name == "sample" and run.spec.model.cell == "lstm" and run.step == 6
        assert len(run.history) == 6 and len(run.probes) >= 2 and run.history.evaluations
        if sample.name >= "format-2.2":  # runs keep the file they learn from
            held = project.run("run-2").task_file
            assert held.path == "sample.txt" and held.content.startswith(b"A sample text")
        continue_run(project, run, prepare_run(run, more_steps=2))
        assert run.step == 8 and len(run.history) == 8


def test_an_older_format_migrates_forward_one_step_per_version(tmp_path, monkeypatch):
    """Plants two versions before 1.0 to check the chain runs every step, in order."""
    calls = []

    def from_0_8(entries):  # say 0.8 called the notes field "comment"
        calls.append("0.8")
        return edit_json(entries, "project.json", lambda d: d.update(notes=d.pop("comment"))), (0, 9)

    def from_0_9(entries):
        calls.append("0.9")
        return entries, (1, 0)

    real_from_1_0 = migrations.STEPS[(1, 0)]

    def from_1_0(entries):
        calls.append("1.0")
        return real_from_1_0(entries)

    monkeypatch.setattr(migrations, "STEPS", {**migrations.STEPS, (0, 8): from_0_8, (0, 9): from_0_9,
                                              (1, 0): from_1_0})
    entries = edit_json(read_entries(SAMPLES / "format-1.0.seqlab"), "project.json",
                        lambda d: d.update(comment="old notes"))
    entries = edit_json(entries, "manifest.json", lambda m: m.update(format_version="0.8"))
    write_entries(tmp_path / "old.seqlab", entries)
    project = open_project(tmp_path / "old.seqlab")
    assert calls == ["0.8", "0.9", "1.0"] and project.notes == "old notes" and project.warnings == []

    entries = edit_json(entries, "manifest.json", lambda m: m.update(format_version="0.5"))
    write_entries(tmp_path / "older.seqlab", entries)
    with pytest.raises(ProjectError, match="format 0.5 is not one SeqLab ever wrote"):
        open_project(tmp_path / "older.seqlab")


def test_format_1_0_scalars_come_through_the_migration_exactly(tmp_path):
    """1.0 kept the scalars as CSV, 2.0 as safetensors columns: every value survives."""
    project = trained_project()
    project.run().history.column("grad_norm")[1] = math.nan
    history = project.run().history
    entries = read_entries(_saved(project, tmp_path / "p.seqlab"))
    entries.pop("runs/run-1/scalars.safetensors")
    entries["runs/run-1/scalars.csv"] = history.csv_text().encode()
    entries = edit_json(entries, "manifest.json", lambda m: (m.pop("checksum"), m.update(format_version="1.0")))
    write_entries(tmp_path / "old.seqlab", entries)
    again = open_project(tmp_path / "old.seqlab").run().history
    assert again.names == history.names
    for name in history.names:
        assert np.array_equal(again.column(name), history.column(name), equal_nan=True), name

    entries["runs/run-1/scalars.csv"] = b"step,wall_time\n1,2,3\n"
    write_entries(tmp_path / "bad.seqlab", entries)
    with pytest.raises(ProjectError, match=r"bad.seqlab: runs/run-1/scalars.csv: expected 1 rows of 2 numbers"):
        open_project(tmp_path / "bad.seqlab")


def _saved(project, path):
    save_project(project, path)
    return path


def test_a_newer_minor_version_opens_with_a_warning_and_keeps_what_it_does_not_know(tmp_path):
    save_project(trained_project(), tmp_path / "p.seqlab")
    entries = read_entries(tmp_path / "p.seqlab")
    entries = edit_json(entries, "manifest.json", lambda m: m.update(format_version="2.7", signed_by="x"))
    entries = edit_json(entries, "project.json", lambda d: (d.update(tags=["lesson"]), d["runs"][0].update(colour="red")))
    entries["runs/run-1/attributions.safetensors"] = b"future data"
    write_entries(tmp_path / "newer.seqlab", entries)

    project = open_project(tmp_path / "newer.seqlab")
    assert len(project.warnings) == 1 and "format 2.7" in project.warnings[0] and "kept" in project.warnings[0]
    save_project(project, tmp_path / "back.seqlab")
    back = read_entries(tmp_path / "back.seqlab")
    assert back["runs/run-1/attributions.safetensors"] == b"future data"
    document = json.loads(back["project.json"])
    assert document["tags"] == ["lesson"] and document["runs"][0]["colour"] == "red"
    assert json.loads(back["manifest.json"])["format_version"] == "2.7"


def test_a_newer_major_version_is_refused_naming_the_version_needed(tmp_path):
    save_project(trained_project(), tmp_path / "p.seqlab")
    entries = edit_json(read_entries(tmp_path / "p.seqlab"), "manifest.json",
                        lambda m: m.update(format_version="3.1", entries="changed in 3.x"))
    write_entries(tmp_path / "future.seqlab", entries, fix_manifest=False)
    with pytest.raises(ProjectError, match=r"project format 3.1; opening it needs a SeqLab that reads "
                                           r"format 3.x \(this one reads up to 2.2\)"):
        open_project(tmp_path / "future.seqlab")


def test_nan_losses_of_a_diverged_run_are_kept(tmp_path):
    project = trained_project()
    run = project.run()
    run.history.column("train_loss")[2] = math.nan
    save_project(project, tmp_path / "p.seqlab")
    assert math.isnan(open_project(tmp_path / "p.seqlab").run().history.column("train_loss")[2])


def make_sample(folder: Path) -> Path:
    """How the sample files were made (run: python -m tests.engine.test_project)."""
    project = trained_project(model__cell="lstm")
    project.name = "sample"
    text = "A sample text that a run learned from, kept inside the project. " * 8  # format 2.2 on
    project.add_run(small_spec(task__name="text_file", task__path="sample.txt", task__length=8, task__val_size=4,
                               task__train_size=16), task_file=TaskFile("sample.txt", text.encode()))
    project.current_run = "run-1"
    path = folder / f"format-{migrations.version_text(migrations.FORMAT_VERSION)}.seqlab"
    save_project(project, path)
    return path


if __name__ == "__main__":
    print(make_sample(SAMPLES))
    shutil.rmtree(SAMPLES / "__pycache__", ignore_errors=True)
