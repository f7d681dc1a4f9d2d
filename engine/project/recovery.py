"""Autosave: recovery copies of open projects under the user's state folder.

While a run trains (and when a project changes), a recovery copy is written,
never the user's own file. Saving the project for real removes the copy. A
copy newer than its project is what a crash or a kill left behind: on the next
start the window (or `main.py recover`) offers it back.

Each copy is `<key>.seqlab` with a `<key>.json` beside it naming the project
it belongs to. The folder is platformdirs' user state folder, or
$SEQLAB_STATE_DIR when set (tests, portable installs). A copy holds someone's
work, perhaps private: the folder is 0700 and the copies 0600 (POSIX).

The key is the project's path, so one project has one copy: only the window
or command holding the project's lock (engine.project.lock) autosaves under
it. A window that opened a locked project read-only autosaves as an unsaved
project (Autosaver(None)), under a key of its own.

A failed autosave (a full disk) does not stop training: the failure is
reported once (again only if the problem changes, or comes back after an
autosave that worked), and the next try waits for the interval.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from engine.atomic_file import write_atomic
from engine.errors import SeqLabError
from engine.project.files import save_project
from engine.project.model import Project, now_iso
from engine.translation import RECOVERY_COPY, UNSAVED_PROJECT


def recovery_folder() -> Path:
    override = os.environ.get("SEQLAB_STATE_DIR")
    if override:
        return Path(override) / "recovery"
    from platformdirs import user_state_dir

    return Path(user_state_dir("seqlab", appauthor=False)) / "recovery"


def _make_private(path: Path, mode: int) -> None:
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) != mode:
        os.chmod(path, mode)


def _private_folder(folder: Path) -> None:
    """The folder, made if missing, readable by its owner only (also one made before with a looser mode)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    _make_private(folder, 0o700)


def _key(project_path: Path | None) -> str:
    if project_path is None:
        return f"untitled-{uuid.uuid4().hex[:12]}"
    resolved = str(Path(project_path).expanduser().resolve())
    return f"{Path(resolved).stem[:40]}-{hashlib.sha256(resolved.encode()).hexdigest()[:12]}"


@dataclass(frozen=True)
class RecoveryCopy:
    path: Path  # the recovery copy (.seqlab)
    project_path: Path | None  # the project it belongs to; None if never saved
    saved: str  # ISO time of the autosave

    def describe(self) -> str:
        owner = str(self.project_path) if self.project_path else UNSAVED_PROJECT
        return RECOVERY_COPY.format(owner=owner, saved=self.saved)

    def discard(self) -> None:
        for path in (self.path, self.path.with_suffix(".json")):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


class Autosaver:
    """Writes recovery copies of one project, at most every `interval` seconds
    unless told the project changed."""

    def __init__(self, project_path: Path | None, interval: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        self.project_path = None if project_path is None else Path(project_path).expanduser().resolve()
        self.interval = interval
        self.clock = clock
        self.folder = recovery_folder()
        self.key = _key(self.project_path)
        self.last = clock()
        self.changed = False
        self.failing: tuple | None = None  # the problem last reported, while autosaves fail

    @property
    def path(self) -> Path:
        return self.folder / f"{self.key}.seqlab"

    def mark_changed(self) -> None:
        self.changed = True

    def due(self) -> bool:
        return self.changed or self.clock() - self.last >= self.interval

    def save(self, project: Project) -> None:
        """Write the recovery copy now (atomically, like every save)."""
        _private_folder(self.folder)
        save_project(project, self.path)
        _make_private(self.path, 0o600)
        note = self.path.with_suffix(".json")
        owner = {"project": None if self.project_path is None else str(self.project_path), "saved": now_iso()}
        write_atomic(note, json.dumps(owner) + "\n")
        _make_private(note, 0o600)
        self.last = self.clock()
        self.changed = False

    def save_or_report(self, project: Project) -> str | None:
        """Save now; if that fails, a one-line message to show, or None when this
        problem was already reported (a failed save is tried again after the interval)."""
        try:
            self.save(project)
        except (SeqLabError, OSError) as exc:
            self.last, self.changed = self.clock(), False
            cause = exc if isinstance(exc, OSError) else exc.__cause__ or exc.__context__
            if isinstance(cause, OSError):  # the same errno is the same problem, whatever the file
                problem = (cause.errno, cause.strerror or str(cause))
                reason = f"{problem[1]} (writing in {self.folder})"
            else:
                problem = (None, str(exc))
                reason = str(exc)
            if problem == self.failing:
                return None
            self.failing = problem
            return f"autosave failed: {reason}; training goes on, and autosave tries again every " \
                   f"{self.interval:g} s"
        self.failing = None
        return None

    def discard(self) -> None:
        """The project was saved for real: its recovery copy is not needed."""
        RecoveryCopy(self.path, self.project_path, "").discard()


def recovery_copies() -> list[RecoveryCopy]:
    """Every recovery copy, newest first (what to offer back on start)."""
    folder = recovery_folder()
    copies = []
    for owner_file in folder.glob("*.json") if folder.is_dir() else []:
        copy = owner_file.with_suffix(".seqlab")
        try:
            owner = json.loads(owner_file.read_text("utf-8"))
            project = owner["project"]
            copies.append(RecoveryCopy(copy, None if project is None else Path(project), str(owner["saved"])))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a damaged note is not worth an error at start-up
    return sorted((c for c in copies if c.path.is_file()), key=lambda c: c.saved, reverse=True)


def newer_recovery(project_path: Path) -> RecoveryCopy | None:
    """The recovery copy of `project_path` if it is newer than the file itself."""
    resolved = Path(project_path).expanduser().resolve()
    for copy in recovery_copies():
        if copy.project_path == resolved:
            try:
                project_time = resolved.stat().st_mtime
            except FileNotFoundError:
                return copy
            if copy.path.stat().st_mtime > project_time:
                return copy
    return None
