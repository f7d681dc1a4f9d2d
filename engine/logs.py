"""Where SeqLab writes down what went wrong, for whoever fixes it.

Both go to the user's log folder (platformdirs' user log folder, or
$SEQLAB_LOG_DIR when set: tests, portable installs):

- `seqlab.log` (rotating): the log records of the window, of the engine process
  (which sends them to the window's process: engine.host) and of the command line.
- `faults.log`: Python's faulthandler trace when a process dies in native code
  (a segfault in torch, say), where no log record can be written any more.

Nothing here is fatal: a folder that cannot be written means SeqLab runs unlogged.
"""

from __future__ import annotations

import datetime
import faulthandler
import logging
import os
from logging.handlers import QueueHandler, RotatingFileHandler
from pathlib import Path

from engine import __version__

LOG_NAME = "seqlab.log"
FAULTS_NAME = "faults.log"
MAX_LOG_BYTES = 2**20  # then seqlab.log.1 ... .3: a few megabytes at most
LOG_BACKUPS = 3
MAX_FAULTS_BYTES = 2**20  # each start adds a line; past this the file starts afresh
FORMAT = "%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s"

_fault_file = None  # kept open: faulthandler writes to its descriptor when the process dies


def log_folder() -> Path:
    override = os.environ.get("SEQLAB_LOG_DIR")
    if override:
        return Path(override)
    from platformdirs import user_log_dir

    # appauthor=False: beside the recovery copies' folder (engine.project.recovery), not in a second one.
    return Path(user_log_dir("seqlab", appauthor=False))


def log_file() -> Path:
    return log_folder() / LOG_NAME


def _made_folder() -> Path | None:
    folder = log_folder()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # paths and project names: the user's own
    except OSError:
        return None
    return folder


def log_to_file() -> Path | None:
    """Send SeqLab's records (from INFO) and other libraries' warnings to the log file,
    once per process; the file's path, or None when the folder cannot be written."""
    folder = _made_folder()
    if folder is None:
        return None
    path = folder / LOG_NAME
    root = logging.getLogger()
    for handler in root.handlers:
        if isinstance(handler, RotatingFileHandler) and Path(handler.baseFilename) == path:
            return path
    try:
        handler = RotatingFileHandler(path, maxBytes=MAX_LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8",
                                      delay=True)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    logging.getLogger("seqlab").setLevel(logging.INFO)
    return path


def trace_faults(label: str) -> Path | None:
    """Have faulthandler write every thread's Python stack to faults.log if this process
    dies in native code; each start writes one line first (`label`, pid, time), to
    tell the trace's process and day. The file's path, or None when it cannot be written."""
    global _fault_file
    folder = _made_folder()
    if folder is None:
        return None
    path = folder / FAULTS_NAME
    try:
        mode = "w" if path.exists() and path.stat().st_size > MAX_FAULTS_BYTES else "a"
        opened = open(path, mode, encoding="utf-8")
        started = datetime.datetime.now().isoformat(sep=" ", timespec="seconds")
        opened.write(f"--- SeqLab {__version__}, {label} (pid {os.getpid()}), started {started}\n")
        opened.flush()
    except OSError:
        return None
    faulthandler.enable(opened, all_threads=True)
    if _fault_file is not None:
        _fault_file.close()
    _fault_file = opened
    return path


def warn_in_terminal(log_path: Path) -> None:
    """Warnings and errors also on stderr, one line each (the command line's):
    the traceback is written once, in the log file, and the line says where."""
    handler = logging.StreamHandler()
    handler.setLevel(logging.WARNING)
    handler.setFormatter(_OneLine(log_path))
    logging.getLogger().addHandler(handler)


class _OneLine(logging.Formatter):
    def __init__(self, log_path: Path):
        super().__init__()
        self.log_path = log_path

    def format(self, record: logging.LogRecord) -> str:
        lines = record.getMessage().splitlines() or [""]
        where = f" (details in {self.log_path})" if record.exc_info or len(lines) > 1 else ""
        return f"seqlab: {lines[0]}{where}"


class ToTheWindow(QueueHandler):
    """A child process's log records go to the window's process (as text: a traceback
    cannot be pickled) through `send`, which logs them again there, through whatever
    logging it has set up: one log for the window and the processes it starts."""

    def __init__(self, send):
        super().__init__(None)
        self.send = send

    def enqueue(self, record: logging.LogRecord) -> None:
        self.send(record)
