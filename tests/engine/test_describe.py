"""A run in words and numbers (engine.describe): the texts `main.py info`, the
compare table, the report and the status bar all show."""

import math
import re
from pathlib import Path

import numpy as np
import pytest

from engine import spec as spec_module
from engine.cli import main
from engine.describe import (MISSING, StatusTexts, architecture, describe_project, latest, metric_text, number_text,
                             parameters_text, run_facts, speed_text, status_texts, steps_done, target_text, task_metric,
                             time_to_target)
from engine.events import Evaluation, Scalars
from engine.project import Project, save_project
from tests.engine.helpers import small_spec
from tests.engine.project_helpers import trained_project

SUMMARY = {"parameter_count": 176398, "device": "cpu", "precision": "fp32", "train_loss": 0.123456, "val_loss": 0.25,
           "metric": {"name": "token_accuracy", "value": 0.953125}, "tokens_per_second": 12345.6,
           "diverged_at": None}


def scalars(first: int, count: int, **values) -> Scalars:
    steps = np.arange(first, first + count, dtype=np.int64)
    return Scalars(steps, steps * 0.01, {k: np.asarray(v, dtype=np.float32) for k, v in values.items()})


@pytest.fixture
def project() -> Project:
    """Two runs made by hand, no training: one with a summary, history and a
    saved state at step 1234; one just added."""
    project = Project(name="described")
    run = project.add_run(small_spec(**{"model.cell": "lstm", "model.layers": 2}), name="lstm run")
    run.summary = dict(SUMMARY)
    run.state = ({}, {"step": 1234})
    run.history.add(scalars(0, 1233, train_loss=np.linspace(2, 0.1234, 1233),
                            tokens_per_second=np.full(1233, 12345.4)))
    run.history.add(scalars(1233, 1, train_loss=[0.1234], tokens_per_second=[12345.4]))
    for step, accuracy in ((400, 0.5), (800, math.nan), (1200, 0.97)):
        run.history.add(Evaluation(step, step / 100, {"val_loss": 1.0, "token_accuracy": accuracy}))
    project.add_run(small_spec(), name="fresh")
    return project


def test_numbers_and_the_architecture():
    assert number_text(0.123456) == "0.1235" and number_text(None) == "" and number_text(None, missing="—") == "—"
    assert number_text(12345.6, "{:,.0f}") == "12,346"
    assert architecture is spec_module.architecture  # one text, importable from either module
    assert architecture(small_spec(**{"model.cell": "gru", "model.layers": 3})) == "GRU 3x32"


def test_the_facts_of_a_run_with_a_summary(project):
    run = project.runs[0]
    assert run_facts(run) == [
        ("architecture", "LSTM 2x32"), ("task", run.spec.task.name), ("parameters", "176,398"),
        ("steps trained", "1,234"), ("device", "cpu"), ("precision", "fp32"), ("final training loss", "0.1235"),
        ("validation token_accuracy", "0.9531"), ("tokens per second", "12,346")]
    run.summary["diverged_at"] = 1100
    assert run_facts(run)[-1] == ("diverged at step", "1,100")
    assert parameters_text(run) == "176,398" and metric_text(run) == "token_accuracy 0.9531"
    assert speed_text(run) == "12,346"
    # a summary is JSON a person may have edited: what is not a number shows as it is
    run.summary.update(parameter_count="many", train_loss=[1], tokens_per_second={"a": 1}, device=3)
    facts = dict(run_facts(run))
    assert (facts["parameters"], facts["final training loss"], facts["device"]) == ("many", "[1]", "3")
    assert facts["tokens per second"] == "{'a': 1}"


def test_the_facts_of_an_untrained_run(project):
    run = project.runs[1]
    facts = dict(run_facts(run))
    assert facts["parameters"] == facts["device"] == "not trained" and facts["steps trained"] == "0"
    assert facts["final training loss"] == facts["validation metric"] == facts["tokens per second"] == MISSING
    assert parameters_text(run) == metric_text(run) == speed_text(run) == target_text(run, 0.9) == ""


def test_history_steps_and_the_status_bar(project):
    run, fresh = project.runs
    assert latest(run.history, "train_loss") == pytest.approx(0.1234)
    assert latest(run.history, "no such column") is None and latest(fresh.history, "train_loss") is None
    assert steps_done(run) == 1234 and steps_done(fresh) == 0
    assert status_texts(run) == StatusTexts("step 1,234", "loss 0.1234", "12,345 tokens/s")
    assert status_texts(fresh) == ("step 0", "loss —", "— tokens/s")
    fresh.state = ({}, {"step": 7})  # a saved state and no history: its step
    assert status_texts(fresh).step == "step 7"
    # history runs ahead of the saved state while training
    run.history.add(scalars(1234, 10, train_loss=np.full(10, 0.5), tokens_per_second=np.full(10, 999.6)))
    assert steps_done(run) == 1244 and run.step == 1234
    assert status_texts(run) == ("step 1,244", "loss 0.5", "1,000 tokens/s")


def test_the_task_metric_and_the_time_to_a_target(project):
    run = project.runs[0]
    assert task_metric({"val_loss": 0.3, "accuracy": 0.75}) == ("accuracy", 0.75)
    assert task_metric({"val_loss": 0.3, "accuracy": math.nan}) is None and task_metric({"val_loss": 0.3}) is None
    assert time_to_target(run, 0.5) == (400, 4.0) and time_to_target(run, 0.9) == (1200, 12.0)
    assert time_to_target(run, 0.99) is None
    assert target_text(run, 0.9) == "step 1200, 12.0 s" and target_text(run, 0.99) == "not reached"
    forecast = project.add_run(small_spec())
    forecast.history.add(scalars(0, 2, train_loss=[1.0, 0.5]))
    forecast.history.add(Evaluation(10, 1.0, {"val_loss": 0.4, "mse": 0.4}))
    forecast.history.add(Evaluation(20, 2.0, {"val_loss": 0.1, "mse": 0.1}))
    assert time_to_target(forecast, 0.2) == (20, 2.0)  # mse: falls to the target


def test_info_shows_the_table_and_the_current_runs_facts(project, tmp_path, capsys):
    text = describe_project(project, Path("lab.seqlab"))
    lines = text.splitlines()
    assert lines[0].startswith("lab.seqlab: project 'described', 2 run(s), created ")
    assert lines[1].split() == ["run", "name", "architecture", "task", "steps", "metric", "val_loss", "params"]
    assert "LSTM 2x32" in lines[2] and "1234/" in lines[2] and "token_accuracy 0.9531" in lines[2]
    assert lines[2].endswith("0.25      176,398")
    assert lines[3].startswith("*  run-2  fresh") and lines[3].endswith(f"{MISSING}         {MISSING}")
    assert lines[4] == "* the current run: `main.py train` continues it"
    assert lines[6] == "run-2 (fresh):"
    assert [line.split("  ")[1] for line in lines[7:]] == [what for what, _ in run_facts(project.runs[1])]
    project.current_run = "run-1"
    assert "lstm run" in describe_project(project, Path("lab.seqlab")).splitlines()[6]

    trained = trained_project(steps=6)  # and through the command line, on a trained project
    path = tmp_path / "trained.seqlab"
    save_project(trained, path)
    capsys.readouterr()
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    run = trained.runs[0]
    assert steps_done(run) == run.step == 6
    for what, value in run_facts(run):
        assert f"  {what}" in out and value in out
    assert re.search(r"\n  steps trained +6\n", out) and re.search(r"\n  device +cpu\n", out)
