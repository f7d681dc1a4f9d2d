"""Which files the window may read for a text_file or csv task, and their content.

A path the person typed or chose in this window is theirs: it is read when
needed, afresh when a run starts (they may have edited the file). A path that
came with a project is only a label: the content the project holds is used,
and when it holds none the window asks the person to choose the file instead
of reading whatever that path names on their disk.
"""

from __future__ import annotations

from engine.task_file import MissingTaskFile, TaskFile, needs_file, read_task_file


class TaskFiles:
    def __init__(self):
        self.chosen: set[str] = set()  # paths the person typed or chose here
        self.held: dict[str, TaskFile] = {}  # path -> content read here or held by the project

    def show_project(self, runs) -> None:
        """Another project: what the last one held, and the paths chosen for it, no
        longer apply; these runs' contents do, by the path each names (they win
        over a file of the same name on this disk)."""
        self.chosen.clear()
        self.held = {run.task_file.path: run.task_file for run in runs if run.task_file is not None}

    def choose(self, path: str) -> None:
        """The person named `path` (typed it, or picked it in a file dialog)."""
        if path:
            self.chosen.add(path)
            self.held.pop(path, None)  # their file now, read afresh

    def for_spec(self, spec, fresh: bool = False) -> TaskFile | None:
        """The content `spec`'s task learns from; None for a task that reads no file.
        `fresh` re-reads a path the person chose. Raises TaskDataError for a file
        that cannot be read, MissingTaskFile for a path nobody chose here."""
        path = spec.task.path
        if not needs_file(spec.task) or not path:
            return None  # no file, or none named yet: validation says task.path is needed
        if path in self.chosen and (fresh or path not in self.held):
            self.held[path] = read_task_file(path, spec.task.name)
        if path not in self.held:
            raise MissingTaskFile(path)
        return self.held[path]
