"""Sweeps: the plan and its checks (no Ray), and trials on a real local Ray with
2 CPUs: a grid that completes into the project, a trial that diverges, a worker
killed mid-trial, Ctrl-C and --resume, and a separate Ray head reached by --address."""

from __future__ import annotations

import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pytest

from engine.cli import main
from engine.errors import ProjectError, UsageError
from engine.presets import load_preset
from engine.project import Run, open_project, save_project
from engine.project.model import Project
from engine.sweep.curve import sweep_curve, trial_metric
from engine.sweep.plan import SweepPlan, parse_variation
from engine.sweep.record import add_sweep, keep_result, sweep_of, trial_runs, trials_left
from engine.sweep.trial import COMPLETED, DIVERGED, FAILED, RUNNING, STOPPED_EARLY, TrialResult, train_trial
from tests.engine.project_helpers import edit_json, read_entries, write_entries

ROOT = Path(__file__).resolve().parents[2]
RAY = str(Path(sys.executable).with_name("ray"))
SMALL = ["--preset", "recall-rnn", "--set", "training.eval_every=20", "--set", "training.optimizer=sgd",
         "--set", "training.clip_norm=0"]


def small_plan(*vary: str, seeds: int = 1, steps: int = 60) -> SweepPlan:
    base = load_preset("recall-rnn").with_overrides({"training.steps": steps, "training.eval_every": 20})
    return SweepPlan(base, [parse_variation(text) for text in vary], seeds)


# ------------------------------------------------------------------ the plan, no Ray
def test_variations_take_lists_linear_and_log_ranges_typed_by_their_field():
    assert parse_variation("model.cell=rnn_tanh,lstm").grid() == ("rnn_tanh", "lstm")
    assert parse_variation("task.distractors=5:40:4").grid() == (5, 17, 28, 40)  # whole numbers for an int field
    assert parse_variation("task.distractors=1:3:10").grid() == (1, 2, 3)  # never the same value twice
    assert parse_variation("training.lr=log:0.0001:0.1:4").grid() == (0.0001, 0.001, 0.01, 0.1)
    assert parse_variation("training.lr=0.001:0.003:3").grid() == (0.001, 0.002, 0.003)
    plan = small_plan("model.cell=rnn_tanh,lstm,gru", "task.distractors=5,10", seeds=3)
    trials = plan.trials()
    assert len(trials) == 18 and len({t.key for t in trials}) == 18
    assert {t.seed for t in trials} == {0, 1, 2} and trials[0].spec.training.seed == 0
    assert trials[4].name == "cell=rnn_tanh distractors=10 seed=1" and trials[4].spec.task.distractors == 10
    assert SweepPlan.from_dict(plan.to_dict()).trials() == trials


def test_a_grid_too_big_is_refused_before_it_is_made():
    variations = [parse_variation(f"{key}=1:1000:1000") for key in
                  ("task.distractors", "task.train_size", "model.hidden_size", "training.batch_size")]
    with pytest.raises(UsageError, match=r"this sweep has 1000000000000 trials; at most 2000"):
        SweepPlan(load_preset("recall-rnn"), variations).trials()


def test_random_search_samples_ranges_reproducibly():
    plan = SweepPlan(load_preset("recall-rnn"), [parse_variation("training.lr=log:0.0001:0.1:2"),
                                                 parse_variation("model.cell=lstm,gru")], seeds=2, samples=5)
    points = plan.points()
    assert len(points) == 5 and len(plan.trials()) == 10
    assert all(0.0001 <= p["training.lr"] <= 0.1 and p["model.cell"] in ("lstm", "gru") for p in points)
    assert len({p["training.lr"] for p in points}) == 5 and SweepPlan.from_dict(plan.to_dict()).points() == points


@pytest.mark.parametrize("vary, message", [
    ("model.cel=lstm", "model.cel is not a spec key (did you mean model.cell?)"),
    ("task.distractors=five", "task.distractors=five must be"),
    ("task.distractors=1:10", "a range is LO:HI:N"),
    ("training.lr=log:0:1:3", "a log range needs LO above 0"),
    ("model.cell=lstm,lstm", "names a value twice"),
    ("training.seed=1,2", "vary the seed with --seeds N"),
    ("task.distractors=10,100000000", "the trial task.distractors=100000000: task.distractors=100000000 must be"),
])
def test_a_bad_variation_is_one_line_naming_it_before_anything_starts(tmp_path, capsys, vary, message):
    code = main(["sweep", *SMALL, "--vary", vary, "--project", str(tmp_path / "p.seqlab")])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1, err
    assert not (tmp_path / "p.seqlab").exists()


def test_ray_is_imported_only_when_a_sweep_starts():
    script = ("import sys; from engine.cli import main; "
              "code = main(['sweep', '--preset', 'recall-rnn', '--vary', 'model.cell=nope', '--project', 'x.seqlab']); "
              "assert code == 2, code; assert 'ray' not in sys.modules, 'ray imported'")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_a_trial_that_diverges_ends_with_its_message():
    plan = small_plan("model.cell=rnn_relu")
    trial = plan.trials()[0]
    run = Run(id="trial", spec=trial.spec.with_overrides({"training.lr": 10, "training.optimizer": "sgd",
                                                         "training.clip_norm": 0}), name=trial.name)
    reports, kept = [], []
    result = train_trial(trial.key, run, reports.append, lambda run, numbers: kept.append(run))
    assert result.state == DIVERGED and "training.lr (now 10)" in result.message
    assert result.run.step < 20 and result.run.state is not None  # its finite weights are kept


def test_the_curve_is_the_mean_and_spread_over_seeds_per_value():
    plan = small_plan("task.distractors=5,10", "model.cell=rnn_tanh,lstm", seeds=2)
    project = Project()
    record = add_sweep(project, plan)
    accuracy = {("rnn_tanh", 5): [0.9, 0.7], ("rnn_tanh", 10): [0.2, 0.4], ("lstm", 5): [1.0, 1.0],
                ("lstm", 10): [0.8, None]}  # None: a trial that diverged
    for trial in plan.trials():
        value = accuracy[trial.values["model.cell"], trial.values["task.distractors"]][trial.seed]
        run = Run(id="", spec=trial.spec, name=trial.name,
                  summary={"metric": {"name": "accuracy", "value": value}})
        keep_result(project, record, trial, TrialResult(trial.key, run, COMPLETED if value else DIVERGED))
    curve = sweep_curve(plan, project.sweep_runs(record.id))
    assert curve.metric == "accuracy" and curve.x_key == "task.distractors" and curve.numeric_x
    (a, b), (c, d) = curve.series["rnn_tanh"], curve.series["lstm"]
    assert (a.x, b.x) == (5, 10) and math.isclose(a.mean, 0.8) and math.isclose(a.spread, math.sqrt(0.02))
    assert math.isclose(b.mean, 0.3) and (c.mean, c.spread, c.count) == (1.0, 0.0, 2)
    assert (d.mean, d.count, d.trials) == (0.8, 1, 2)
    assert trial_metric(project.sweep_runs(record.id)[0]) == ("accuracy", 0.9)
    assert trials_left(project, record) == []


def test_a_project_keeps_its_sweeps_and_refuses_a_damaged_one(tmp_path):
    project = Project()
    record = add_sweep(project, small_plan("model.cell=lstm,gru", seeds=2))
    trial = record.plan.trials()[1]
    keep_result(project, record, trial, TrialResult(trial.key, Run(id="", spec=trial.spec), COMPLETED, "", 1.5))
    save_project(project, tmp_path / "p.seqlab")
    back = open_project(tmp_path / "p.seqlab")
    assert back.sweeps == project.sweeps and back.runs[0].sweep == project.runs[0].sweep
    assert [t.key for t in trials_left(back, sweep_of(back))] == [t.key for t in record.plan.trials() if t != trial]

    entries = read_entries(tmp_path / "p.seqlab")
    for change, message in [
        (lambda d: d["sweeps"][0]["plan"]["variations"][0].update(values=[[1, 2]]), "values must be numbers"),
        (lambda d: d["sweeps"][0]["plan"].update(seeds=10**9), "plan.seeds must be 1 to 100"),
        (lambda d: d["sweeps"][0]["plan"]["variations"][0].update(values=["lstm", "lstm"]), "names a value twice"),
        (lambda d: d["sweeps"][0]["plan"]["variations"].__setitem__(0, {
            "key": "task.distractors", "low": -1e308, "high": 1e308, "count": 3, "log": False, "integer": True}),
         "low and high must be numbers of at most 2\\*\\*53"),
        (lambda d: d["sweeps"][0]["plan"]["variations"][0].update(key="training.seed", values=[1, 2]),
         "training.seed is varied by the plan's seeds"),
        (lambda d: d["sweeps"][0]["plan"]["base"]["model"].update(cell="rwkv"), "plan.base: model.cell"),
        (lambda d: d["runs"][0]["sweep"].update(state="exploded"), "field 'sweep': state must be one of"),
        (lambda d: d["runs"][0]["sweep"].pop("values"), "field 'sweep': must be an object with fields"),
    ]:
        write_entries(tmp_path / "bad.seqlab", edit_json(entries, "project.json", change))
        with pytest.raises(ProjectError, match=message):
            open_project(tmp_path / "bad.seqlab")


# ------------------------------------------------------------------ on a local Ray
def test_a_trial_that_fails_says_the_first_line_and_keeps_the_traceback_for_the_log(monkeypatch):
    from engine.events import RunFailed
    from engine.sweep import trial as trial_module

    message = "RuntimeError: boom\nTraceback (most recent call last):\n  File \"engine/runner.py\", line 1"
    monkeypatch.setattr(trial_module, "run_training", lambda trainer, control, on_events: on_events(
        [RunFailed(3, message)]))
    trial = small_plan("model.cell=gru").trials()[0]
    result = train_trial(trial.key, Run(id="trial", spec=trial.spec, name=trial.name), lambda n: None,
                         lambda run, numbers: None)
    assert result.state == FAILED and result.message == "RuntimeError: boom"
    assert "Traceback (most recent call last)" in result.details  # logged by the sweep's driver


def test_a_sweep_on_a_gpu_with_no_gpus_placed_is_refused_before_ray_starts(tmp_path, capsys):
    code = main(["sweep", *SMALL, "--set", "training.device=cuda", "--vary", "model.cell=gru,lstm",
                 "--project", str(tmp_path / "p.seqlab")])
    err = capsys.readouterr().err
    assert code == 2 and "needs GPUs per trial" in err and err.count("\n") == 1, err
    assert not (tmp_path / "p.seqlab").exists()


@pytest.fixture(scope="module")
def local_ray():
    """One embedded Ray with 2 CPUs for this module's sweeps (starting one takes seconds)."""
    import ray

    from engine.sweep.ray_sweep import Placement, start_ray

    start_ray(None, Placement(cpus=2))
    yield ray
    ray.shutdown()


def test_a_small_grid_completes_and_every_trial_is_a_run_of_the_project(local_ray, tmp_path, capsys):
    path = tmp_path / "grid.seqlab"
    code = main(["sweep", *SMALL, "--steps", "60", "--vary", "model.cell=rnn_relu,gru",
                 "--vary", "training.lr=0.5,10", "--project", str(path)])
    out = capsys.readouterr().out
    assert code == 0, out
    project = open_project(path)
    runs = project.sweep_runs("sweep-1")
    assert sorted(run.name for run in runs) == sorted(
        f"cell={c} lr={lr} seed=0" for c in ("rnn_relu", "gru") for lr in ("0.5", "10"))
    by_name = {run.name: run for run in runs}
    diverged = by_name["cell=rnn_relu lr=10 seed=0"]
    assert diverged.sweep["state"] == DIVERGED and "training.lr (now 10)" in diverged.sweep["message"]
    for name in ("cell=rnn_relu lr=0.5 seed=0", "cell=gru lr=0.5 seed=0"):
        run = by_name[name]
        assert run.sweep["state"] == COMPLETED and run.step == 60 and run.state is not None
        assert len(run.history) == 60 and run.history.evaluations and run.summary["metric"]["value"] is not None
    assert "accuracy (higher is better) against model.cell, by training.lr" in out
    assert "cell=rnn_relu lr=10 seed=0: diverged" in out


def test_stop_early_ends_trailing_trials_and_keeps_them_as_far_as_they_got(local_ray, tmp_path, capsys):
    path = tmp_path / "asha.seqlab"
    code = main(["sweep", "--preset", "recall-rnn", "--set", "training.eval_every=20", "--steps", "200",
                 "--vary", "training.lr=log:0.0001:0.01:6", "--stop-early", "--project", str(path)])
    assert code == 0, capsys.readouterr().err
    runs = open_project(path).sweep_runs("sweep-1")
    stopped = [run for run in runs if run.sweep["state"] == STOPPED_EARLY]
    assert len(runs) == 6 and stopped, [r.sweep["state"] for r in runs]
    assert all(20 <= run.step < 200 and run.state is not None and run.history.evaluations for run in stopped)
    assert any(run.sweep["state"] == COMPLETED and run.step == 200 for run in runs)


def test_a_trial_asking_for_more_than_ray_has_is_refused_not_left_waiting(local_ray, tmp_path, capsys):
    for flag, message in (("--gpus-per-trial=1", "GPUs per trial: 1 asked, this machine has 0"),
                          ("--cpus-per-trial=3", "CPUs per trial: 3 asked, this machine has 2")):
        code = main(["sweep", *SMALL, "--steps", "20", "--vary", "model.cell=gru,lstm", flag,
                     "--project", str(tmp_path / "p.seqlab")])
        assert code == 2 and message in capsys.readouterr().err
        assert not (tmp_path / "p.seqlab").exists()  # refused before it started: no empty sweep in the file


def test_a_worker_killed_mid_trial_is_retried_from_its_last_checkpoint(local_ray):
    from engine.sweep.ray_sweep import Placement, run_trials

    plan = small_plan("model.cell=gru", steps=400)
    runs = trial_runs(plan.trials(), None)
    collectors, killed = [], {}

    def kill_once(table):
        for key, status in table.items():
            if not killed and status.state == RUNNING and status.step >= 40:
                pid = local_ray.get(collectors[0].worker.remote(key))
                killed[key] = status.step
                os.kill(pid, signal.SIGKILL)

    outcome = run_trials(runs, Placement(), on_progress=kill_once, on_started=collectors.append)
    assert killed, "the trial ended before it could be killed"
    (result,) = outcome.results
    assert result.state == COMPLETED and result.attempts == 2 and result.run.step == 400
    steps = result.run.history.column("step")
    assert np.array_equal(steps, np.arange(400))  # from the checkpoint on, with no step twice or missing
    assert np.all(np.isfinite(result.run.history.column("train_loss")))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def ray_head(monkeypatch):
    """A separate Ray head on localhost, as a cluster's would be; stopped by ending its
    process (`ray stop` would also stop every other Ray of this user)."""
    port = _free_port()
    # Token authentication (Ray's default for a new cluster) is for clusters others can
    # reach; this head listens on this machine only, for this test's sweeps.
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    folder = tempfile.mkdtemp(prefix="sl-ray-")  # short: Ray's socket paths must fit in 107 bytes
    head = subprocess.Popen([RAY, "start", "--head", "--block", f"--port={port}", "--num-cpus=2",
                             "--include-dashboard=false", f"--temp-dir={folder}", "--disable-usage-stats"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        seen = []
        for line in head.stdout:
            seen.append(line)
            if "Ray runtime started" in line:
                break
        else:
            pytest.fail("the Ray head did not start:\n" + "".join(seen[-20:]))
        yield f"127.0.0.1:{port}"
    finally:
        os.killpg(head.pid, signal.SIGTERM)
        try:
            head.wait(timeout=3)
        except subprocess.TimeoutExpired:  # Ray's graceful stop can take half a minute
            pass
        os.killpg(head.pid, signal.SIGKILL)  # the head's processes are all in its session's group
        head.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def test_through_address_ctrl_c_keeps_finished_trials_and_resume_runs_only_the_rest(ray_head, tmp_path):
    """The cluster path (--address), an interrupted sweep, and --resume, in one sweep: a
    head takes seconds to start."""
    path = tmp_path / "sweep.seqlab"
    command = [sys.executable, "-u", "main.py", "sweep", *SMALL, "--steps", "200", "--vary", "model.cell=rnn_tanh,gru,lstm",
               "--max-concurrent", "1", "--address", ray_head, "--project", str(path)]
    sweep = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        for line in sweep.stdout:
            if ": completed at step 200" in line:
                sweep.send_signal(signal.SIGINT)
                break
            assert time.monotonic() < deadline, "no trial finished"
        out, err = sweep.communicate(timeout=120)
    finally:
        sweep.kill()
    assert sweep.returncode == 130, err
    assert "sweep interrupted" in err and "--resume" in err
    project = open_project(path)
    kept = {run.sweep["key"] for run in project.sweep_runs("sweep-1")}
    assert 1 <= len(kept) < 3 and all(r.sweep["state"] == COMPLETED for r in project.sweep_runs("sweep-1"))

    done = subprocess.run([sys.executable, "main.py", "sweep", "--resume", "--project", str(path),
                           "--address", ray_head], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"{3 - len(kept)} of 3 trials" in done.stdout
    project = open_project(path)
    keys = [run.sweep["key"] for run in project.sweep_runs("sweep-1")]
    assert len(keys) == 3 == len(set(keys)) and kept <= set(keys)
    assert all(run.step == 200 for run in project.sweep_runs("sweep-1"))


def test_resume_refuses_extra_settings_and_a_project_without_a_sweep(tmp_path, capsys):
    save_project(Project(), tmp_path / "empty.seqlab")
    assert main(["sweep", "--resume", "--project", str(tmp_path / "empty.seqlab")]) == 2
    assert "no sweep to go on with" in capsys.readouterr().err
    assert main(["sweep", "--resume", "--vary", "model.cell=gru", "--project", str(tmp_path / "empty.seqlab")]) == 2
    assert "--resume goes on with the sweep the project holds" in capsys.readouterr().err
