import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from safetensors.torch import load_file

from engine.cli import main
from engine.spec import ExperimentSpec

ROOT = Path(__file__).resolve().parents[2]
FAST = ["--set", "training.batch_size=8", "--set", "task.train_size=200", "--set", "task.val_size=16"]


def run_main(*args, timeout=300):
    """`python main.py ARGS` as a user runs it (not a terminal: plain lines)."""
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning:engine"})


def test_presets_lists_one_line_each():
    result = run_main("presets")
    assert result.returncode == 0
    lines = [l for l in result.stdout.splitlines() if l.strip() and not l.startswith("* ")]
    assert any(l.startswith("*reverse-attention") for l in lines)
    assert any("hello-rnn" in l and "hello" in l for l in lines)
    assert len(lines) >= 20


def test_train_a_preset_writes_a_summary_and_the_run(tmp_path):
    summary, out = tmp_path / "summary.json", tmp_path / "run"
    result = run_main("train", "--preset", "sentiment-gru", "--steps", "30", *FAST,
                      "--set", "training.eval_every=10", "--seed", "3", "--out", str(out),
                      "--summary-json", str(summary))
    assert result.returncode == 0, result.stderr
    assert "sentiment-gru: rnn on sentiment (classify)" in result.stdout
    assert sum(l.startswith("step ") for l in result.stdout.splitlines()) == 3  # plain lines at each evaluation when not a terminal
    data = json.loads(summary.read_text())
    assert data["final_step"] == 30 and data["device"] == "cpu"
    assert data["metric"]["name"] == "accuracy" and 0.0 <= data["metric"]["value"] <= 1.0
    assert data["train_loss"] > 0 and data["val_loss"] > 0 and data["tokens_per_second"] > 0
    assert data["parameter_count"] > 1000 and data["stopped_early"] is False
    spec = ExperimentSpec.from_json((out / "spec.json").read_text())
    assert spec.training.seed == 3 and spec.training.steps == 30
    weights = load_file(str(out / "weights.safetensors"))
    assert sum(w.numel() for w in weights.values()) == data["parameter_count"]
    scalars = (out / "scalars.csv").read_text().splitlines()
    assert scalars[0] == "step,wall_time,train_loss,grad_norm,lr,tokens_per_second" and len(scalars) == 31
    assert len((out / "evaluations.csv").read_text().splitlines()) == 4
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp files left


def test_train_a_spec_file_with_dotted_overrides(tmp_path):
    spec = ExperimentSpec().with_overrides({"task.name": "copy", "task.length": 5, "name": "my-copy"})
    path = tmp_path / "spec.json"
    path.write_text(spec.to_json())
    summary = tmp_path / "s.json"
    code = main(["train", str(path), "--set", "model.cell=gru", "--set", "model.hidden_size=16",
                 "--steps", "5", "--quiet", "--summary-json", str(summary), *FAST])
    assert code == 0
    assert json.loads(summary.read_text())["name"] == "my-copy"


def test_spec_command_prints_a_complete_spec_that_trains(tmp_path, capsys):
    assert main(["spec", "--preset", "dates-attention", "--set", "model.hidden_size=32"]) == 0
    printed = ExperimentSpec.from_json(capsys.readouterr().out)
    assert printed.model.hidden_size == 32 and printed.model.attention == "additive"


def test_describe_prints_shapes_and_parameters(capsys):
    assert main(["describe", "--preset", "shakespeare-gpt", "--device", "cpu"]) == 0
    out = capsys.readouterr().out
    assert "stack.blocks.3" in out and "parameters" in out and "total" in out


@pytest.mark.parametrize("args,message", [
    (["train", "--preset", "nope"], "seqlab: error: no preset named 'nope'"),
    (["train", "--preset", "hello-rnn", "--set", "model.family=transformer", "--set", "model.d_model=30",
      "--set", "model.heads=4"], "seqlab: error: model.d_model=30 is not divisible by model.heads=4"),
    (["train", "--preset", "hello-rnn", "--set", "model.layers=two"], "model.layers=two must be an integer"),
    (["train", "--preset", "hello-rnn", "--set", "model.colour=red"], "model.colour is not a spec key"),
    (["train", "--preset", "hello-rnn", "--set", "novalue"], "--set 'novalue' must look like KEY=VALUE"),
    (["train", "does-not-exist.json"], "does-not-exist.json: no such file"),
    (["train", "project.seqlab"], "project.seqlab: no such file"),
    (["train", "--preset", "text-file-gru"], "task.name=text_file needs task.path"),
    (["train", "--preset", "text-file-gru", "--set", "task.path=/no/such/file.txt"], "/no/such/file.txt: no such file"),
    (["train", "--preset", "hello-rnn", "--device", "cuda"], "training.device=cuda is not available here"),
    (["train", "--bogus"], "unrecognized arguments: --bogus"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_errors_print_one_line_and_exit_2(args, message, capsys):
    if "cuda" in args:
        import torch
        if torch.cuda.is_available():
            pytest.skip("this machine has CUDA")  # the message is only for machines without it
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err, err
    assert "Traceback" not in err


def test_a_broken_spec_file_names_the_file_and_the_field(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"model": {"hidden_size": -4}}))
    assert main(["train", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: model.hidden_size=-4 must be at least 1" in err
    path.write_text("{not json")
    assert main(["train", str(path)]) == 2
    assert "is not valid JSON" in capsys.readouterr().err


def test_running_main_with_no_arguments_trains_the_default(tmp_path):
    # The default job as the README's first command runs it, cut short.
    result = subprocess.run([sys.executable, "-c", "import sys, main; sys.argv=['main.py']; "
                             "import engine.presets as p; from engine.cli import main as m; "
                             "sys.exit(m(['train', '--preset', p.DEFAULT_PRESET, '--steps', '3', '--quiet']))"],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "completed at step 3" in result.stdout


def test_output_piped_into_a_reader_that_leaves_early_is_not_a_crash():
    # Unbuffered, each line is written at once, so later writes meet the closed pipe.
    result = subprocess.run(f"'{sys.executable}' main.py presets | head -1", shell=True, cwd=ROOT,
                            capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert result.stdout.count("\n") == 1
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr


def test_train_writes_probe_history_that_the_probes_command_shows(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--preset", "reverse-attention", "--steps", "20", "--quiet", "--out", str(out),
                 "--set", "probes.every=10", "--set", "probes.max_time_fraction=1", *FAST]) == 0
    assert (out / "probes.safetensors").stat().st_size > 0
    capsys.readouterr()
    assert main(["probes", str(out), "--step", "9", "--loss", "full"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("3 snapshots kept, at steps 0, 10, 20")
    assert "step 10: gradient norm reaching each input timestep" in text and "the full loss" in text
    assert "decoder_input" in text and "'<bos>'" in text  # labelled with the probe example's tokens
    assert "attention cross" in text and "encoder.rnn.layer0" in text


def test_the_probes_command_refuses_a_file_that_is_not_a_probe_file(tmp_path, capsys):
    bad = tmp_path / "probes.safetensors"
    bad.write_bytes(b"\x00\x01 not a probe file")
    assert main(["probes", str(bad)]) == 2
    assert f"{bad}: not a readable probe file" in capsys.readouterr().err
    assert main(["probes", str(tmp_path / "missing")]) == 2


def _start_long_run(tmp_path):
    process = subprocess.Popen([sys.executable, "main.py", "train", "--preset", "sines-lstm", "--steps", "1000000",
                                "--summary-json", str(tmp_path / "s.json")], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    first = process.stdout.readline()  # printed when training has started
    assert "sines-lstm" in first
    assert process.stdout.readline().split()[:2] == ["step", "100/1000000"]  # the first evaluation
    return process


def test_ctrl_c_stops_after_the_step_and_still_writes_the_summary(tmp_path):
    import signal

    process = _start_long_run(tmp_path)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert "stopping after this step" in out and "stopped at step" in out
    summary = json.loads((tmp_path / "s.json").read_text())
    assert summary["stopped_early"] is True and 100 <= summary["final_step"] < 1_000_000


@pytest.mark.parametrize("gap", [0.0, 0.01, 0.2])
def test_a_second_ctrl_c_ends_with_one_line_or_none(tmp_path, gap):
    """Whenever the second Ctrl-C lands (during the run, while stopping, or after
    the stop during exit), the user never sees a traceback."""
    import signal
    import time

    process = _start_long_run(tmp_path)
    process.send_signal(signal.SIGINT)
    time.sleep(gap)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    if process.returncode == 0:  # the stop had finished: it ran to its summary
        assert "stopped at step" in out and err == ""
    else:
        assert process.returncode == 130 and err.strip() == "seqlab: interrupted", (process.returncode, err)


def test_a_run_of_zero_steps_writes_probes_the_probes_command_can_show(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--preset", "hello-rnn", "--steps", "0", "--quiet", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["probes", str(out)]) == 0
    assert capsys.readouterr().out.startswith("1 snapshots kept, at steps 0")


def test_lessons_prints_the_claim_what_was_measured_and_the_verdict(tmp_path):
    out = tmp_path / "lessons.json"
    result = run_main("lessons", "--quick", "--only", "1,exploding-relu", "--device", "cpu", "--json", str(out))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["#", "lesson", "verdict"]
    assert any(l.startswith(" 1  Next character with a plain RNN") and "holds" in l for l in lines)
    assert any(l.lstrip().startswith("measured") and '"hell" -> "ello"' in l for l in lines)
    assert lines[-1].startswith("2 of 2 claims hold")
    rows = json.loads(out.read_text())
    assert [(r["number"], r["holds"]) for r in rows] == [(1, True), (3, True)]
    assert rows[1]["values"]["diverged_at"] is not None


@pytest.mark.parametrize("args, message", [
    (["--only", "99"], "no lesson '99'; the lessons are 1 (hello)"),
    (["--device", "cuda"] if "cuda" not in __import__("engine.training").training.available_devices() else
     ["--device", "tpu"], "is not available here"),
])
def test_lessons_refuses_an_unknown_lesson_or_device_in_one_line(args, message):
    result = run_main("lessons", "--quick", *args)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""


def test_play_tries_a_saved_run_on_typed_input_and_refuses_bad_input(tmp_path, capsys):
    from engine.cli import main
    from engine.project import save_project
    from tests.engine.project_helpers import trained_project

    path = tmp_path / "p.seqlab"
    project = trained_project(steps=10)
    save_project(project, path)
    task = project.run().trainer("cpu").task
    text = "".join(task.vocab.itos[4:7])
    assert main(["play", str(path), "--input", text, "--top-k", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"input:  {text}" and lines[1].startswith("output: ")
    assert len(lines) > 2 and all(len(line.split()) == 5 for line in lines[2:])  # token, 2 x (token, p)
    assert main(["play", str(path), "--steps", "--input", text]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == ["t=1", "t=2", "t=3"]
    assert main(["play", str(path), "--input", text + "☃"]) == 2
    assert "'☃'" in capsys.readouterr().err
