"""SeqLab's log folder: the log file the window, the engine process and the command
line write to, faulthandler's trace of a process that died in native code, and
`main.py --version`, the one version SeqLab has."""

import logging
import os
import pickle
import subprocess
import sys
import textwrap
import time
import tomllib
from logging.handlers import RotatingFileHandler
from pathlib import Path

import pytest

import engine
from engine import logs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def log_dir(tmp_path, monkeypatch):
    """A log folder of the test's own; the handlers a test adds are taken off after it."""
    monkeypatch.setenv("SEQLAB_LOG_DIR", str(tmp_path / "logs"))
    root, seqlab = logging.getLogger(), logging.getLogger("seqlab")
    handlers, level = list(root.handlers), seqlab.level
    yield tmp_path / "logs"
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    seqlab.setLevel(level)


def _run(script: str, log_dir: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "SEQLAB_LOG_DIR": str(log_dir)})


def test_the_log_folder_is_the_users_unless_seqlab_log_dir_names_one(monkeypatch, tmp_path):
    from platformdirs import user_log_dir

    monkeypatch.delenv("SEQLAB_LOG_DIR", raising=False)
    assert logs.log_folder() == Path(user_log_dir("seqlab", appauthor=False))
    monkeypatch.setenv("SEQLAB_LOG_DIR", str(tmp_path))
    assert logs.log_folder() == tmp_path and logs.log_file() == tmp_path / "seqlab.log"


def test_seqlabs_records_and_other_libraries_warnings_go_to_the_file_once(log_dir):
    path = logs.log_to_file()
    assert logs.log_to_file() == path == log_dir / "seqlab.log"  # a second call adds no second handler
    assert sum(isinstance(h, RotatingFileHandler) for h in logging.getLogger().handlers) == 1
    logging.getLogger("seqlab.window").info("started")
    logging.getLogger("some.library").info("chatter")
    logging.getLogger("some.library").warning("a library's warning")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "INFO MainProcess seqlab.window: started" in text
    assert "WARNING MainProcess some.library: a library's warning" in text and "chatter" not in text
    if os.name == "posix":
        assert log_dir.stat().st_mode & 0o077 == 0  # paths and project names: the user's own


def test_a_folder_that_cannot_be_made_means_no_log_and_no_error(tmp_path, monkeypatch):
    (tmp_path / "a file").write_text("")
    monkeypatch.setenv("SEQLAB_LOG_DIR", str(tmp_path / "a file" / "logs"))
    assert logs.log_to_file() is None and logs.trace_faults("test") is None


def test_a_bug_on_the_command_line_is_one_line_in_the_terminal_and_its_traceback_in_the_log(tmp_path):
    """What the window's log gets, `main.py train` writes to the same file; the
    terminal shows the traceback once (in the error), and where the log is."""
    result = _run("""
        import sys
        from engine.training import Trainer
        def broken(self):
            return 1 / 0
        Trainer.train_step = broken
        import main
        sys.exit(main.main(["train", "--preset", "hello-rnn", "--steps", "3", "--quiet"]))
    """, tmp_path / "logs")
    assert result.returncode == 1, result.stderr
    log_file = tmp_path / "logs" / "seqlab.log"
    assert result.stderr.splitlines()[:2] == [
        f"seqlab: training failed at step 0 on cpu: ZeroDivisionError: division by zero (details in {log_file})",
        "seqlab: error: training failed at step 0: ZeroDivisionError: division by zero"], result.stderr
    assert result.stderr.count("Traceback") == 1, result.stderr
    text = log_file.read_text(encoding="utf-8")
    assert text.count("Traceback") == 1 and "in broken" in text


class _Segfault:
    """Unpickled in the engine process, it crashes it in native code: no test hook needed there."""

    def __reduce__(self):
        return (__import__("faulthandler")._sigsegv, ())


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals and core limits")
def test_an_engine_process_that_segfaults_leaves_its_stack_in_faults_log(log_dir):
    import resource

    from engine.host import ProcessHost

    pickle.dumps(_Segfault())  # what the pipe does; the crash waits for the other end
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (0, hard))  # the engine inherits it: no core file in the tree
    host = ProcessHost()
    try:
        host.launch()
        host.send(_Segfault())
        deadline = time.monotonic() + 120
        while host.alive and time.monotonic() < deadline:
            time.sleep(0.05)
        pid, code = host.pid, host._process.exitcode
    finally:
        resource.setrlimit(resource.RLIMIT_CORE, (soft, hard))
        host.shutdown(10)
    assert code == -11  # SIGSEGV
    trace = (log_dir / "faults.log").read_text(encoding="utf-8")
    assert f"engine process (pid {pid})" in trace
    assert "Fatal Python error: Segmentation fault" in trace
    assert "in read_commands" in trace  # the engine's thread that was reading the command


def test_version_prints_the_one_version_and_exits_0():
    result = subprocess.run([sys.executable, "main.py", "--version"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"SeqLab {engine.__version__}\n", "")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "engine.__version__"}
