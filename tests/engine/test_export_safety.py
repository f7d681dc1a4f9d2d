"""The exported standalone script (issue 21): a project's text is only ever
data in it, never code, and every task exports a script that trains.

Running someone's exported script (even `python train.py --help`) must not run
code that the project's author wrote into a name, a description or notes.
"""

import ast
import functools
import json
import subprocess
import sys

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

from engine.export import standalone_script
from engine.project import Project
from engine.task_file import needs_file, read_task_file
from engine.tasks import TASKS
from engine.training import Trainer
from tests.engine.helpers import small_spec

# Pieces that end a string literal, start an escape or a format, or are not
# allowed in source at all; drawn among arbitrary (surrogate-free) unicode.
TRICKY = ('"""', "'''", '"', "'", "\\", "\\U", "\\N{", "\n", "\r", "\x0c", "\x00", "%(prog)s", "%", "{}",
          "\u2028", "\x85", "é", "\U0001F600", "#", "r'''")
free_text = st.lists(st.one_of(st.sampled_from(TRICKY),
                               st.text(st.characters(blacklist_categories=("Cs",)), max_size=6)),
                     max_size=8).map("".join)


def hello_run(name="hello run", description="", path="", column="", run_name="", notes=""):
    """A run of the tiny hello task, which ignores task.path and task.column,
    so any text can stand in them."""
    spec = small_spec(name=name, description=description, task__name="hello", task__path=path,
                      task__column=column, training__steps=2)
    project = Project(name=name, notes=notes)
    run = project.add_run(spec, name=run_name)
    run.notes = notes
    return run


def read_script(source: str) -> tuple[str, dict]:
    """(the script's code with every string emptied, SETTINGS as the script
    decodes it), both from its syntax tree, without running it."""
    tree = ast.parse(source)
    settings_node = next(node.value.args[0] for node in tree.body if isinstance(node, ast.Assign)
                         and [getattr(target, "id", None) for target in node.targets] == ["SETTINGS"])
    run_settings = json.loads(ast.literal_eval(settings_node))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
    return ast.dump(tree), run_settings


@functools.cache
def plain_code() -> str:
    return read_script(standalone_script(hello_run()))[0]


@settings(max_examples=60, deadline=None)
@given(name=free_text, description=free_text, path=free_text, column=free_text, run_name=free_text,
       notes=free_text)
def test_any_text_in_a_project_stays_data_in_the_exported_script(name, description, path, column, run_name,
                                                                   notes):
    # Today only the name reaches the script; the other texts are fed so that
    # whichever a later script carries (a description in its help, say) is held
    # to the same checks: the code the script runs is the plain export's.
    source = standalone_script(hello_run(name, description, path, column, run_name, notes))
    compile(source, "train.py", "exec")
    code, run_settings = read_script(source)
    assert code == plain_code()  # the text changed no code, only strings
    assert run_settings["name"] == name  # and the script reads it back exactly


def test_a_windows_path_as_the_name_compiles_and_is_kept():
    name = "C:\\Users\\me run"
    source = standalone_script(hello_run(name))
    compile(source, "train.py", "exec")
    code, run_settings = read_script(source)
    assert code == plain_code() and run_settings["name"] == name



# Runs each script given after the arguments as `python SCRIPT ARGUMENTS...`,
# all in one interpreter (torch loads once), where SeqLab's engine cannot be
# imported: the scripts must need torch alone.
RUN_EACH = """
import runpy, sys, torch, traceback
torch.set_num_threads(1)
sys.modules["engine"] = None
arguments, scripts, failed = sys.argv[1].split(), sys.argv[2:], False
for script in scripts:
    print("=== script", script, flush=True)
    sys.argv = [script, *arguments]
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as exit:  # argparse after --help
        failed |= bool(exit.code)
    except Exception:  # the next script still runs
        traceback.print_exc()
        failed = True
sys.exit(failed)
"""


def run_scripts(scripts: list, arguments: str) -> tuple[str, list[str]]:
    """(the errors, each script's output), all run in one fresh interpreter with
    `arguments`; the errors are "" when every script ran and exited with 0."""
    process = subprocess.run([sys.executable, "-I", "-c", RUN_EACH, arguments, *map(str, scripts)],
                             capture_output=True, text=True, timeout=300)
    outputs = process.stdout.split("=== script ")[1:]
    assert len(outputs) == len(scripts), process.stdout + process.stderr
    return (process.stderr or "failed") if process.returncode else "", outputs


def exported(tmp_path, run, file_name: str = "train.py"):
    script = tmp_path / file_name
    script.write_text(standalone_script(run), encoding="utf-8")
    return script


PAYLOADS = [
    '"""\nimport pathlib; pathlib.Path({marker!r}).touch()\n"""',
    "'''\nimport pathlib; pathlib.Path({marker!r}).touch()\n'''",
    "''' + __import__('pathlib').Path({marker!r}).touch() + '''",  # on one line, as JSON keeps it
    '""" + __import__("pathlib").Path({marker!r}).touch() + """',
]


def test_code_planted_in_a_project_does_not_run_when_its_script_shows_help(tmp_path):
    markers, scripts = [], []
    for number, payload in enumerate(PAYLOADS):
        markers.append(tmp_path / f"planted-code-{number}-ran")
        text = payload.format(marker=str(markers[-1]))  # in every text field of the run and its project
        scripts.append(exported(tmp_path, hello_run(text, text, text, text, text, text), f"train{number}.py"))
    errors, outputs = run_scripts(scripts, "--help")
    assert [marker.exists() for marker in markers] == [False] * len(PAYLOADS), "a script ran the project's code"
    assert not errors and all("usage:" in output for output in outputs), errors


def test_help_shows_a_name_with_percent_signs(tmp_path):
    name = "100% sure %(prog)s %d"  # argparse %-formats a description that holds %(prog)
    errors, [output] = run_scripts([exported(tmp_path, hello_run(name))], "--help")
    assert not errors and f"{name}: trains on hello" in output, errors


@pytest.fixture
def one_thread():
    """Tiny models train on one thread, here as in run_scripts: on a busy
    machine two threads wait for each other far longer than they compute."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# Tasks that need an encoder-decoder get one; every other task trains a small LSTM.
FAMILY = {"addition": "seq2seq", "dates": "seq2seq"}


def test_every_task_exports_a_script_that_repeats_the_runs_first_steps(tmp_path, one_thread):
    text_file = tmp_path / "story.txt"
    text_file.write_text("Once upon a time, ünïcode '''quotes''' and \"\"\"more\"\"\" \\ lived here.\n" * 40,
                         encoding="utf-8")
    csv_file = tmp_path / "prices.csv"
    csv_file.write_text("day,price\n" + "".join(f"{i},{np.sin(i / 5) + i / 50:.4f}\n" for i in range(300)))
    paths = {"text_file": str(text_file), "csv": str(csv_file)}
    trainers, scripts = {}, []
    for task in TASKS:
        spec = small_spec(name=f"C:\\Users\\me {task}", task__name=task, task__path=paths.get(task, ""),
                          model__family=FAMILY.get(task, "rnn"), training__steps=2)
        task_file = read_task_file(paths[task], task) if needs_file(spec.task) else None
        scripts.append(exported(tmp_path, Project().add_run(spec, task_file=task_file), f"{task}.py"))
        trainers[task] = Trainer(spec, "cpu", task_file)
    errors, outputs = run_scripts(scripts, "--steps 2 --log-every 1")
    assert not errors, errors
    for task, output in zip(TASKS, outputs):
        assert f"\nC:\\Users\\me {task}: " in output, (task, output)
        losses = [float(line.split()[-1]) for line in output.splitlines() if " loss " in line]
        assert np.array_equal(np.float32(losses), trainers[task].run_steps(2)), (task, output)
        assert "step 2 val_loss" in output, (task, output)
