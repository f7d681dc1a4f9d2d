"""Projects: what is saved opens identical, resumes exactly, and versions migrate."""

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.errors import ProjectError
from engine.project import Run, open_project, save_project
from engine.project import migrations
from engine.project.session import continue_run, prepare_run
from engine.spec import ExperimentSpec, get_key
from engine.sweep.plan import SweepPlan, parse_variation
from engine.sweep.record import add_sweep, keep_result, sweep_of, trials_left
from engine.sweep.trial import TrialResult
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


# What format 3.0 brought, in its sample (make_sample): a window model and a Markov chain
# trained 4 steps in fp32 on the CPU, a run for a GPU, and a draft in 3.0's default precision.
_TRAINED = {"training__precision": "fp32", "training__steps": 4, "training__eval_every": 2, "probes__every": 2,
            "probes__max_time_fraction": 1.0}
SAMPLE_3_0_RUNS = {
    "run-3": {"model__family": "window", "model__context": 4, "model__embedding_size": 8, "model__hidden_size": 16,
              **_TRAINED},
    "run-4": {"model__family": "markov", "model__order": 3, "model__smoothing": 0.5, "task__name": "shakespeare",
              "task__length": 16, "training__batch_size": 8, **_TRAINED},
    "run-5": {"model__family": "window", "training__device": "cuda:1", "training__precision": "fp16"},
}
SAMPLE_3_0_TRAINED = ("run-3", "run-4")
SAMPLE_3_0_DRAFT = {"model__family": "markov", "model__order": 4, "training__device": "cuda:0"}


def test_the_format_3_0_sample_keeps_its_window_and_markov_runs_and_resumes_them():
    project = open_project(SAMPLES / "format-3.0.seqlab")
    assert project.warnings == [] and project.run().spec.training.precision == "fp32"
    for run_id, overrides in SAMPLE_3_0_RUNS.items():
        spec, expected = project.run(run_id).spec, small_spec(**overrides)
        for key in ("model.family", "model.context", "model.order", "model.smoothing", "training.device",
                    "training.precision"):
            assert get_key(spec, key) == get_key(expected, key), (run_id, key)
    assert project.run("run-5").state is None
    draft = ExperimentSpec.from_dict(project.ui["draft"])
    assert (draft.model.family, draft.model.order, draft.training.device, draft.training.precision) == \
           ("markov", 4, "cuda:0", "auto")

    window, chain = project.run("run-3"), project.run("run-4")
    tokens_per_step = 8 * 16  # a batch of 8 windows of 16 characters
    tensors, meta = chain.state
    assert int(tensors["model/counted"]) == 4 * tokens_per_step and "scaler" not in meta  # fp32: no scaler
    for j in (1, 2, 3):  # the chain's buffers: as long as what it counted, not as a fresh chain's (empty)
        assert 0 < len(tensors[f"model/codes{j}"]) == len(tensors[f"model/counts{j}"])
    assert int(tensors["model/counts1"].sum()) == 4 * tokens_per_step - 1  # every transition once
    for run in (window, chain):
        assert run.step == 4 and len(run.history) == 4 and len(run.probes) >= 2 and run.history.evaluations
        assert run.summary["precision"] == "fp32"
        continue_run(project, run, prepare_run(run, more_steps=2))
        assert run.step == 6 and len(run.history) == 6 and np.all(np.isfinite(run.history.column("train_loss")))
    tensors, _ = chain.state  # counting went on from where it stopped
    assert int(tensors["model/counted"]) == 6 * tokens_per_step
    assert int(tensors["model/counts1"].sum()) == 6 * tokens_per_step - 1


def test_a_format_2_2_file_migrates_its_precision_to_the_fp32_it_meant(tmp_path):
    """Until 3.0 training.precision defaulted to fp32, since to auto (bf16 or fp16 on a GPU).
    SeqLab wrote every spec field, so its 2.2 files say fp32 and pass unchanged; a spec
    left without one (made by hand) is pinned to fp32, in runs and in the window's draft."""
    entries = read_entries(SAMPLES / "format-2.2.seqlab")
    assert migrations.migrate(dict(entries), (2, 2), "x") == entries  # byte for byte
    assert [run.spec.training.precision for run in open_project(SAMPLES / "format-2.2.seqlab").runs] == \
           ["fp32", "fp32"]

    def leave_out_precision(document):
        del document["runs"][0]["spec"]["training"]["precision"]
        del document["runs"][1]["spec"]["training"]  # a spec without the section: its defaults

    draft = small_spec().to_dict()
    del draft["training"]["precision"]
    entries = edit_json(entries, "project.json", leave_out_precision)
    entries["ui.json"] = json.dumps({"draft": draft, "zoom": 2}).encode()
    write_entries(tmp_path / "by-hand.seqlab", entries)
    project = open_project(tmp_path / "by-hand.seqlab")
    assert [run.spec.training.precision for run in project.runs] == ["fp32", "fp32"]
    assert project.ui == {"draft": {**draft, "training": {**draft["training"], "precision": "fp32"}}, "zoom": 2}
    run = project.run()
    continue_run(project, run, prepare_run(run, more_steps=2))
    assert run.step == 8 and run.summary["precision"] == "fp32"

    # The same specs in a 3.0 file take 3.0's default.
    write_entries(tmp_path / "new.seqlab", edit_json(entries, "manifest.json",
                                                      lambda m: m.update(format_version="3.0")))
    project = open_project(tmp_path / "new.seqlab")
    assert [run.spec.training.precision for run in project.runs] == ["auto", "auto"]
    assert "precision" not in project.ui["draft"]["training"]


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
    entries = edit_json(entries, "manifest.json", lambda m: m.update(format_version="3.7", signed_by="x"))
    entries = edit_json(entries, "project.json", lambda d: (d.update(tags=["lesson"]), d["runs"][0].update(colour="red")))
    entries["runs/run-1/attributions.safetensors"] = b"future data"
    write_entries(tmp_path / "newer.seqlab", entries)

    project = open_project(tmp_path / "newer.seqlab")
    assert len(project.warnings) == 1 and "format 3.7" in project.warnings[0] and "kept" in project.warnings[0]
    save_project(project, tmp_path / "back.seqlab")
    back = read_entries(tmp_path / "back.seqlab")
    assert back["runs/run-1/attributions.safetensors"] == b"future data"
    document = json.loads(back["project.json"])
    assert document["tags"] == ["lesson"] and document["runs"][0]["colour"] == "red"
    assert json.loads(back["manifest.json"])["format_version"] == "3.7"


def test_a_newer_minor_version_this_one_cannot_take_says_where_it_came_from(tmp_path):
    """A spec key or choice it does not know is refused naming it, and the newer SeqLab
    (2.2 refused 3.0's model.context without saying why)."""
    save_project(trained_project(), tmp_path / "p.seqlab")
    entries = edit_json(read_entries(tmp_path / "p.seqlab"), "manifest.json",
                        lambda m: m.update(format_version="3.7"))
    entries = edit_json(entries, "project.json", lambda d: d["runs"][0]["spec"]["model"].update(family="rwkv"))
    write_entries(tmp_path / "newer.seqlab", entries)
    with pytest.raises(ProjectError, match=r"model.family=\"rwkv\" must be one of .* \(it was saved by a newer "
                                           r"SeqLab, in project format 3.7; this one reads up to 3.0\)$"):
        open_project(tmp_path / "newer.seqlab")
    write_entries(tmp_path / "same.seqlab", edit_json(entries, "manifest.json",
                                                       lambda m: m.update(format_version="3.0")))
    with pytest.raises(ProjectError) as refused:
        open_project(tmp_path / "same.seqlab")
    assert "model.family" in str(refused.value) and "newer SeqLab" not in str(refused.value)


def test_a_newer_major_version_is_refused_naming_the_version_needed(tmp_path):
    save_project(trained_project(), tmp_path / "p.seqlab")
    entries = edit_json(read_entries(tmp_path / "p.seqlab"), "manifest.json",
                        lambda m: m.update(format_version="4.1", entries="changed in 4.x"))
    write_entries(tmp_path / "future.seqlab", entries, fix_manifest=False)
    with pytest.raises(ProjectError, match=r"project format 4.1; opening it needs a SeqLab that reads "
                                           r"format 4.x \(this one reads up to 3.0\)"):
        open_project(tmp_path / "future.seqlab")


def test_nan_losses_of_a_diverged_run_are_kept(tmp_path):
    project = trained_project()
    run = project.run()
    run.history.column("train_loss")[2] = math.nan
    save_project(project, tmp_path / "p.seqlab")
    assert math.isnan(open_project(tmp_path / "p.seqlab").run().history.column("train_loss")[2])


def _sample_sweep_plan() -> SweepPlan:
    return SweepPlan(small_spec(**_TRAINED), [parse_variation("model.cell=gru,lstm")], seeds=1)


def _add_sample_sweep(project) -> None:
    """A sweep of two trials, one of them finished (as an interrupted sweep leaves it)."""
    record = add_sweep(project, _sample_sweep_plan())
    trial = record.plan.trials()[0]
    run = Run(id="", spec=trial.spec, name=trial.name)
    continue_run(project, run, prepare_run(run))
    keep_result(project, record, trial, TrialResult(trial.key, run, "completed", "", 0.5))


def test_the_format_3_0_sample_keeps_its_sweep_and_what_is_left_of_it():
    project = open_project(SAMPLES / "format-3.0.seqlab")
    record = sweep_of(project)
    assert record.id == "sweep-1" and record.plan.to_dict() == _sample_sweep_plan().to_dict()
    finished = project.sweep_runs(record.id)
    assert [(run.name, run.sweep["state"], run.step) for run in finished] == [("cell=gru seed=0", "completed", 4)]
    assert [trial.name for trial in trials_left(project, record)] == ["cell=lstm seed=0"]


def make_sample(folder: Path) -> Path:
    """How the sample files were made (run: python -m tests.engine.test_project)."""
    project = trained_project(model__cell="lstm", training__precision="fp32")
    project.name = "sample"
    text = "A sample text that a run learned from, kept inside the project. " * 8  # format 2.2 on
    project.add_run(small_spec(task__name="text_file", task__path="sample.txt", task__length=8, task__val_size=4,
                               task__train_size=16), task_file=TaskFile("sample.txt", text.encode()))
    for run_id, overrides in SAMPLE_3_0_RUNS.items():  # format 3.0 on
        run = project.add_run(small_spec(**overrides))
        assert run.id == run_id
        if run_id in SAMPLE_3_0_TRAINED:
            continue_run(project, run, prepare_run(run))
    project.ui = {"draft": small_spec(**SAMPLE_3_0_DRAFT).to_dict()}
    _add_sample_sweep(project)
    project.current_run = "run-1"
    path = folder / f"format-{migrations.version_text(migrations.FORMAT_VERSION)}.seqlab"
    save_project(project, path)
    return path


if __name__ == "__main__":
    print(make_sample(SAMPLES))
    shutil.rmtree(SAMPLES / "__pycache__", ignore_errors=True)
