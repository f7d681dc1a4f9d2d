"""The file a run learns from (task.path of the text_file and csv tasks), held
as bytes.

A task never opens task.path itself. The file is read once, when a person
names it (a form field, `--set task.path=`, a spec file they wrote), and from
then on its content travels with the run: to the engine process, into the
project file (checksummed like every entry), into the exported script. So a
project from someone else opens, trains and plays anywhere, and never makes
SeqLab read a file on the opener's disk: its task.path is only a label.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import xxhash

from engine.errors import TaskDataError
from engine.user_files import decode_utf8, read_user_file, size_text

# task name -> (what it reads, in words; the most bytes it reads)
FILE_TASKS: dict[str, tuple[str, int]] = {
    "text_file": ("a text file", 100 * 2**20),
    "csv": ("a CSV file", 200 * 2**20),
}
MAX_TASK_FILE_BYTES = max(limit for _, limit in FILE_TASKS.values())


@dataclass(frozen=True)
class TaskFile:
    path: str  # as the person named it; never opened again
    content: bytes = field(repr=False)

    @functools.cached_property
    def digest(self) -> str:
        """XXH3-128 of the content: names it in a project, where runs share it."""
        return xxhash.xxh3_128_hexdigest(self.content)


def needs_file(task_spec) -> bool:
    return task_spec.name in FILE_TASKS


def read_task_file(path_text: str, task_name: str = "text_file") -> TaskFile:
    """Read the file a person chose for `task_name`; TaskDataError names the file and the problem."""
    if not path_text:
        raise TaskDataError("task.path is empty: name the file to learn from")
    what, limit = FILE_TASKS.get(task_name, ("a data file", MAX_TASK_FILE_BYTES))
    _path, raw = read_user_file(path_text, what, limit, TaskDataError, binary=True)
    task_file = TaskFile(path_text, raw)
    text_of(task_file, what)  # a picture or a binary is named now, before anything starts
    return task_file


def text_of(task_file: TaskFile, what: str) -> str:
    """The content as text, whether it was read here or came in a project; what it
    cannot be (binary, not UTF-8) is named with the file."""
    if b"\x00" in task_file.content[:65536]:
        raise TaskDataError(f"{task_file.path}: looks binary (it contains NUL bytes), not like {what}")
    return decode_utf8(task_file.path, task_file.content, TaskDataError)


def file_for(task_spec, task_file: TaskFile | None) -> TaskFile:
    """The content a file task learns from: `task_file`, which must be the one
    its task.path names. Nothing is read from disk here."""
    if task_file is None or task_file.path != task_spec.path:
        raise MissingTaskFile(task_spec.path)
    what, limit = FILE_TASKS[task_spec.name]
    if len(task_file.content) > limit:
        raise TaskDataError(f"{task_spec.path}: is {size_text(len(task_file.content))}; {what} can be "
                            f"at most {size_text(limit)}")
    return task_file


class MissingTaskFile(TaskDataError):
    """A run names a file whose content it does not hold (a project made elsewhere):
    the person must choose the file before anything reads it."""

    def __init__(self, path: str):
        self.path = path
        super().__init__(f"task.path={path!r} has not been read: this run does not hold the file's content; "
                         f"choose the file to learn from (the window asks; on the command line, "
                         f"--set task.path=FILE)")
