"""Who is editing a project, and whether its file changed since it was opened.

A project open for editing (in a window, or by `main.py train PROJECT`) is
locked: a file `.NAME.seqlab.lock` beside it names the holder (program,
process id, user, host, since when). Another window opens the project
read-only; the command line refuses. Reading commands (info, play, export)
take no lock. A lock whose process has ended (a crash, a kill) is stale and is
taken over. Whether a process lives is asked of psutil: os.kill(pid, 0) is no
probe on Windows, where signal 0 is CTRL_C_EVENT. A lock held on another host
cannot be checked from here and counts as held.

Before a save replaces a file, check_unchanged compares it with what was
opened (size, modification time, file id): a file another program edited or
replaced meanwhile is never overwritten without the user's say.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import psutil

from engine.errors import ProjectError
from engine.translation import LOCK_HOLDER, UNKNOWN_LOCK_HOLDER

# A lock file this young that cannot be read is one being written, not a damaged one.
_BEING_WRITTEN_SECONDS = 5.0
# A process with the holder's pid that started further from it than this is another process.
_SAME_START_SECONDS = 5.0
_LATEST_TIME = 2.0**35  # seconds since 1970: the year 3058


class ProjectLocked(ProjectError):
    """The project is open for editing elsewhere."""

    def __init__(self, project_path: Path, holder: "LockHolder", lock_file: Path):
        self.project_path, self.holder, self.lock_file = Path(project_path), holder, lock_file
        hint = "" if on_this_host(holder) else f" (if that program has ended, delete {lock_file})"
        super().__init__(f"{project_path}: is open for editing in {holder.describe()}; close it there "
                         f"first{hint}")


class ProjectChangedOnDisk(ProjectError):
    """The file changed since it was opened: saving would overwrite someone's work."""


@dataclass(frozen=True)
class LockHolder:
    program: str  # "a SeqLab window", "`main.py train`"
    pid: int
    host: str
    user: str
    since: float  # time.time() when taken
    process_started: float | None  # the holder's start time: tells a reused pid apart

    def describe(self) -> str:
        if self.pid == 0:
            return UNKNOWN_LOCK_HOLDER
        since = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.since))
        return LOCK_HOLDER.format(program=self.program, pid=self.pid, user=self.user, host=self.host, since=since)

    def alive(self) -> bool:
        if self.host != _host():
            return True  # no way to look at another machine's processes
        if not psutil.pid_exists(self.pid):
            return False
        if self.process_started is None:
            return True
        try:
            started = psutil.Process(self.pid).create_time()
        except psutil.NoSuchProcess:
            return False
        except psutil.Error:  # not ours to inspect: it lives
            return True
        # Else the pid went to a new process. Not to the second: start times are
        # worked out from the boot time, which moves (whole seconds) with the clock.
        return abs(started - self.process_started) < _SAME_START_SECONDS


def on_this_host(holder: LockHolder) -> bool:
    """Whether the holder's process can be looked at from here (else its lock counts as held)."""
    return holder.host == _host() and holder.pid != 0


def lock_file_of(project_path: Path) -> Path:
    path = Path(os.path.realpath(Path(project_path).expanduser()))  # one lock, however the file is named
    return path.with_name(f".{path.name}.lock")


class ProjectLock:
    """The lock on one project, held from acquire() until release() (or the
    end of a `with` block). `held` is False where no lock could be taken
    because the folder is missing: nobody else can have the project open."""

    def __init__(self, project_path: Path, lock_file: Path, held: bool):
        self.project_path, self.file, self.held = Path(project_path), lock_file, held
        self._content = b""

    @classmethod
    def acquire(cls, project_path: Path, program: str) -> "ProjectLock":
        """Lock the project for editing by this process. Raises ProjectLocked
        naming the holder if a live process has it, and ProjectError if its
        folder cannot be written (then no save could succeed either)."""
        lock_file = lock_file_of(project_path)
        if not lock_file.parent.is_dir():
            return cls(project_path, lock_file, held=False)
        lock = cls(project_path, lock_file, held=True)
        for _ in range(3):  # a stale lock is set aside, then taken: a race may need another try
            if lock._create(program):
                return lock
            holder, content = _read_holder(lock_file)
            if holder is not None and holder.alive():
                raise ProjectLocked(project_path, holder, lock_file)
            if content is None:
                continue  # gone meanwhile: try again
            if holder is None and _age(lock_file) < _BEING_WRITTEN_SECONDS:
                raise ProjectLocked(project_path, _unknown_holder(), lock_file)
            _set_aside(lock_file, content)
        holder, _ = _read_holder(lock_file)
        raise ProjectLocked(project_path, holder or _unknown_holder(), lock_file)

    def _create(self, program: str) -> bool:
        record = {"program": program, "pid": os.getpid(), "host": _host(), "user": _user(),
                  "since": time.time(), "process_started": _started(os.getpid())}
        self._content = (json.dumps(record) + "\n").encode("utf-8")
        try:
            fd = os.open(self.file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        except OSError as exc:
            raise ProjectError(f"{self.project_path}: cannot be locked for editing, so it could not be "
                               f"saved there either ({exc.strerror or exc} in {self.file.parent})") from None
        try:
            os.write(fd, self._content)
        finally:
            os.close(fd)
        return True

    def release(self) -> None:
        """Remove the lock file, if it is still this lock's."""
        if not self.held:
            return
        self.held = False
        with contextlib.suppress(OSError):
            if self.file.read_bytes() == self._content:
                self.file.unlink()

    def __enter__(self) -> "ProjectLock":
        return self

    def __exit__(self, *exc) -> None:
        self.release()


@contextlib.contextmanager
def editing(project_path: Path, program: str) -> Iterator["FileIdentity | None"]:
    """Hold the project's lock while the block runs (ProjectLocked if another
    holds it); yields the file as it is now: open it after, check it with
    check_unchanged before saving."""
    with ProjectLock.acquire(project_path, program):
        yield file_identity(project_path)


# ------------------------------------------------------------ changed on disk
@dataclass(frozen=True)
class FileIdentity:
    """What a file was when opened. A save by SeqLab, by most editors, or a
    copy over it changes the file id (inode); an edit in place changes the
    size or the modification time."""

    size: int
    mtime_ns: int
    inode: int
    device: int


def file_identity(path: Path) -> FileIdentity | None:
    """The file at `path` now (through links), or None if there is none."""
    try:
        st = os.stat(Path(path).expanduser())
    except (FileNotFoundError, NotADirectoryError):
        return None
    return FileIdentity(st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)


def check_unchanged(path: Path, opened: FileIdentity | None) -> None:
    """Raise ProjectChangedOnDisk if the file at `path` is not the one opened
    (`opened` None: there was none). A file deleted since is no one's work: saving may go on."""
    now = file_identity(path)
    if now is None or now == opened:
        return
    modified = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now.mtime_ns / 1e9))
    if opened is None:
        raise ProjectChangedOnDisk(f"{path}: was created by another program (at {modified}) after this "
                                   f"project was started; it was not overwritten")
    raise ProjectChangedOnDisk(f"{path}: was changed by another program since it was opened here (modified "
                               f"at {modified}, now {now.size:,} bytes); it was not overwritten")


# ------------------------------------------------------------------ helpers
def _host() -> str:
    return socket.gethostname()


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name known (some containers): the id will do
        return str(getattr(os, "getuid", lambda: "?")())


def _started(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def _unknown_holder() -> LockHolder:
    return LockHolder("another program", 0, "an unknown host", "an unknown user", time.time(), None)


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _read_holder(lock_file: Path) -> tuple[LockHolder | None, bytes | None]:
    """(the holder it names, or None if it names none readably; its bytes, or None if there is no lock)."""
    try:
        content = lock_file.read_bytes()
    except FileNotFoundError:
        return None, None
    except OSError:
        return None, b""
    try:
        record = json.loads(content.decode("utf-8"))
        started = record.get("process_started")
        holder = LockHolder(str(record["program"])[:200], int(record["pid"]), str(record["host"])[:200],
                            str(record["user"])[:200], float(record["since"]),
                            None if started is None else float(started))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None, content
    # Anyone can write this file: numbers that no process or clock has are no holder
    # (psutil and time.localtime raise on them).
    if not (0 < holder.pid < 2**31 and 0 <= holder.since < _LATEST_TIME
            and (holder.process_started is None or 0 <= holder.process_started < _LATEST_TIME)):
        return None, content
    return holder, content


def _set_aside(lock_file: Path, stale: bytes) -> None:
    """Remove a stale lock, unless another process took the lock over since it was read."""
    aside = lock_file.with_name(f"{lock_file.name}.{os.getpid()}.{os.urandom(4).hex()}.stale")
    try:
        os.replace(lock_file, aside)  # atomic: of two processes setting it aside, one gets it
    except OSError:
        return
    try:
        if aside.read_bytes() != stale:  # a fresh lock taken meanwhile: put it back
            with contextlib.suppress(OSError):
                os.link(aside, lock_file)
    finally:
        with contextlib.suppress(OSError):
            aside.unlink()

