"""A run's own text or CSV travels inside its project; a project never makes
SeqLab read a file on the opener's disk, and only regular files are read,
never more than the limit."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from engine.errors import ProjectError, TaskDataError
from engine.playground import Playground
from engine.project import Project, open_project, save_project
from engine.project.codec import task_file_entry
from engine.project.session import continue_run, prepare_run
from engine.task_file import MissingTaskFile, TaskFile, read_task_file
from engine.user_files import read_user_file
from tests.engine.helpers import files_opened, small_spec
from tests.engine.project_helpers import edit_json, read_entries, write_entries

ROOT = Path(__file__).resolve().parents[2]
STORY = "Once upon a time there was a little recurrent network that learned to spell. " * 30


def cli(*args, cwd=ROOT, timeout=300):
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


def text_spec(path: Path, **overrides):
    return small_spec(task__name="text_file", task__path=str(path), task__length=12, task__val_size=8,
                      task__train_size=64, model__family="rnn", model__attention="none",
                      training__steps=4, **overrides)


@pytest.fixture(scope="module")
def audit():
    return files_opened()


@pytest.fixture
def secret(tmp_path_factory) -> Path:
    """A file on the opener's disk that a stranger's project names."""
    path = tmp_path_factory.mktemp("home") / "secret.txt"
    path.write_text("TOP-SECRET " * 400, encoding="utf-8")
    return path


def stranger_project(path: Path, names: Path, trained: bool = False) -> Path:
    """A project whose run names `names` as its task.path but holds no content (as
    one made by hand, or saved by SeqLab before format 2.2)."""
    project = Project(name="from a stranger")
    project.add_run(text_spec(names))
    save_project(project, path)
    return path


def test_a_project_that_names_a_local_file_never_reads_it(tmp_path, secret, audit, capsys, monkeypatch):
    from engine.cli import main

    monkeypatch.setenv("SEQLAB_STATE_DIR", str(tmp_path / "state"))
    path = stranger_project(tmp_path / "stranger.seqlab", secret)
    with audit:
        project = open_project(path)
        run = project.run()
        assert run.task_file is None
        with pytest.raises(MissingTaskFile, match="--set task.path=FILE"):
            Playground.from_run(run)
        with pytest.raises(MissingTaskFile, match="has not been read"):
            prepare_run(run)
    commands = (["play", path], ["train", path, "--steps", "2"], ["export", path, "--script", tmp_path / "s.py"],
                ["describe", path])
    with audit:
        codes = [main([str(part) for part in command]) for command in commands]
    assert codes == [2] * len(commands) and str(secret) not in audit.paths
    assert capsys.readouterr().err.count("has not been read") == len(commands)
    process = cli("play", path)  # as a person sees it
    assert process.returncode == 2 and "TOP-SECRET" not in process.stdout + process.stderr
    assert process.stderr.count("\n") == 1 and "--set task.path=FILE" in process.stderr, process.stderr
    assert not (tmp_path / "s.py").exists()


def test_set_task_path_names_the_file_and_the_project_then_holds_it(tmp_path, capsys, monkeypatch):
    from engine.cli import main

    monkeypatch.setenv("SEQLAB_STATE_DIR", str(tmp_path / "state"))
    path = stranger_project(tmp_path / "stranger.seqlab", tmp_path / "not-here.txt")
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    assert main(["train", str(path), "--steps", "3", "--set", f"task.path={story}", "--quiet"]) == 0
    story.unlink()  # from here on the project alone is enough
    run = open_project(path).run()
    assert run.spec.task.path == str(story) and run.task_file.content == STORY.encode()
    assert main(["play", str(path), "--length", "5"]) == 0
    capsys.readouterr()
    assert main(["train", str(path), "--steps", "2", "--set", "training.lr=0.1"]) == 2
    assert "only task.path=FILE can be set" in capsys.readouterr().err


def test_a_run_trained_on_a_text_file_keeps_it_and_trains_on_without_it(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    project = Project(name="mine")
    spec = text_spec(story)
    first = project.add_run(spec, task_file=read_task_file(str(story)))
    continue_run(project, first, prepare_run(first))
    project.add_run(spec.with_overrides({"model.hidden_size": 8}), task_file=first.task_file)
    save_project(project, tmp_path / "mine.seqlab")
    story.unlink()

    names = set(read_entries(tmp_path / "mine.seqlab"))
    assert task_file_entry(first.task_file.digest) in names
    assert sum(name.startswith("task_files/") for name in names) == 1  # two runs, one copy
    reopened = open_project(tmp_path / "mine.seqlab")
    for run in reopened.runs:
        assert run.task_file.content == STORY.encode() and run.task_file.path == str(story)
    run = reopened.run("run-1")
    continue_run(reopened, run, prepare_run(run, more_steps=2))
    assert run.step == 6
    assert Playground.from_run(run).examples(1)


def test_a_task_file_entry_must_match_its_digest_and_its_task(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    project = Project(name="mine")
    run = project.add_run(text_spec(story), task_file=read_task_file(str(story)))
    save_project(project, tmp_path / "good.seqlab")
    entries = read_entries(tmp_path / "good.seqlab")
    name = task_file_entry(run.task_file.digest)

    edited = dict(entries, **{name: b"Other words entirely. " * 40})
    write_entries(tmp_path / "edited.seqlab", edited)
    with pytest.raises(ProjectError, match="does not match the digest that names it"):
        open_project(tmp_path / "edited.seqlab")

    def to_copy_task(document):
        document["runs"][0]["spec"]["task"]["name"] = "copy"
    write_entries(tmp_path / "copy.seqlab", edit_json(entries, "project.json", to_copy_task))
    with pytest.raises(ProjectError, match="holds a task file, but task.name=copy reads none"):
        open_project(tmp_path / "copy.seqlab")

    def bad_digest(document):
        document["runs"][0]["task_file"] = "../../etc/passwd"
    write_entries(tmp_path / "digest.seqlab", edit_json(entries, "project.json", bad_digest))
    with pytest.raises(ProjectError, match="field 'task_file' must be the XXH3-128 hex digest"):
        open_project(tmp_path / "digest.seqlab")


def test_a_task_is_never_built_from_a_file_it_was_not_given(tmp_path, secret, audit):
    from engine.tasks import build_task

    spec = text_spec(secret).task
    with audit:
        with pytest.raises(MissingTaskFile):
            build_task(spec, "lm", 0)
        with pytest.raises(MissingTaskFile):  # content named for another path is not this one's
            build_task(spec, "lm", 0, TaskFile(str(secret) + ".other", STORY.encode()))
    assert str(secret) not in audit.paths
    task = build_task(spec, "lm", 0, TaskFile(str(secret), STORY.encode()))
    assert "S" not in task.vocab.itos and "r" in task.vocab.itos  # the story's letters, not the secret's


def test_devices_proc_files_and_fifos_are_refused_without_reading(tmp_path):
    with pytest.raises(TaskDataError, match="is not a regular file"):
        read_task_file("/dev/zero")
    # /proc files call themselves regular and of size 0: the bounded read is what stops them
    with pytest.raises(TaskDataError, match="/proc/self/maps: is over 100 bytes"):
        read_user_file("/proc/self/maps", "a text file", 100, TaskDataError)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    outcome = {}

    def read():  # a FIFO with no writer blocks a plain open() forever
        try:
            read_task_file(str(fifo))
        except TaskDataError as exc:
            outcome["error"] = str(exc)
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    assert "is not a regular file" in outcome.get("error", "it hung"), outcome


def test_a_name_with_a_nul_character_is_named_not_a_traceback(tmp_path, capsys):
    with pytest.raises(TaskDataError, match=r"is not a file name \(it contains a NUL character\)"):
        read_task_file("story\x00.txt")
    spec = tmp_path / "spec.json"
    spec.write_text(text_spec(tmp_path / "x.txt").with_overrides({"task.path": "a\x00b"}).to_json())
    from engine.cli import main

    assert main(["describe", str(spec)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "NUL" in error


def test_the_read_is_bounded_whatever_fstat_says(tmp_path, monkeypatch):
    import engine.user_files

    path = tmp_path / "grows.txt"
    path.write_text("x" * 5000, encoding="utf-8")
    real_fstat = os.fstat

    def shrunk(fd):  # as a file that grew after fstat, or one that lies about its size
        info = real_fstat(fd)
        return os.stat_result((info.st_mode, *info[1:6], 10, *info[7:]))

    monkeypatch.setattr(engine.user_files.os, "fstat", shrunk)
    with pytest.raises(TaskDataError, match="grows.txt: is over 1000 bytes; a text file can be at most 1000 bytes"):
        read_user_file(str(path), "a text file", 1000, TaskDataError)


def test_task_file_entries_are_bounded_before_they_are_unpacked(tmp_path):
    from engine.project import Limits

    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    project = Project(name="mine")
    project.add_run(text_spec(story), task_file=read_task_file(str(story)))
    project.add_run(text_spec(story).with_overrides({"task.path": "other.txt"}),
                    task_file=TaskFile("other.txt", STORY.encode() + b" The end."))
    save_project(project, tmp_path / "mine.seqlab")
    with pytest.raises(ProjectError, match=r"more than a task's file may hold \(1,000\)"):
        open_project(tmp_path / "mine.seqlab", Limits(max_task_file_bytes=1000))
    with pytest.raises(ProjectError, match=r"the files its runs learn from unpack to more than 3,000 bytes"):
        open_project(tmp_path / "mine.seqlab", Limits(max_task_files_bytes=3000))
    assert len(open_project(tmp_path / "mine.seqlab").runs) == 2


def test_a_repetitive_task_file_saves_and_opens_again(tmp_path):
    """A person's CSV of one repeated value deflates 200:1: a zip-bomb ratio, but
    the entry's size is bounded on its own, and their trained work must reopen."""
    series = tmp_path / "flat.csv"
    series.write_text("value\n" + "0.5\n" * 600_000, encoding="utf-8")
    project = Project(name="mine")
    spec = small_spec(task__name="csv", task__path=str(series), task__length=8, model__family="rnn",
                      task__train_size=64, task__val_size=8)
    project.add_run(spec, task_file=read_task_file(str(series), "csv"))
    save_project(project, tmp_path / "flat.seqlab")
    import zipfile
    with zipfile.ZipFile(tmp_path / "flat.seqlab") as archive:
        info = next(i for i in archive.infolist() if i.filename.startswith("task_files/"))
        assert info.file_size > 100 * info.compress_size  # past the ratio other entries may have
    assert open_project(tmp_path / "flat.seqlab").run().task_file.content == series.read_bytes()
