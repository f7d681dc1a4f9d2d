"""The built-in tasks. Nothing is downloaded: data is generated or shipped."""

from __future__ import annotations

from engine.task_file import TaskFile, needs_file
from engine.tasks.addition import AdditionTask
from engine.data import BOS, EOS, KINDS, PAD, Batch, TaskInfo
from engine.tasks.base import Task, Vocab
from engine.tasks.dates import DatesTask
from engine.tasks.recall import RecallTask
from engine.tasks.sentiment import SentimentGenerationTask, SentimentTask
from engine.tasks.sequence_ops import CopyTask, ReverseTask, SortTask
from engine.tasks.text import HelloTask, ShakespeareTask, TextFileTask
from engine.tasks.timeseries import CsvTask, RandomWalkTask, SinesTask

TASKS: dict[str, type[Task]] = {cls.name: cls for cls in (
    HelloTask, ShakespeareTask, TextFileTask,
    CopyTask, ReverseTask, SortTask,
    RecallTask, AdditionTask, DatesTask,
    SentimentTask, SentimentGenerationTask,
    SinesTask, RandomWalkTask, CsvTask,
)}


def build_task(spec, kind: str, seed: int, task_file: TaskFile | None = None) -> Task:
    """Build the task named by `spec.name` in the layout `kind`. A task that
    learns from a user's file (text_file, csv) takes its content as `task_file`
    and reads nothing from disk (engine.task_file)."""
    if needs_file(spec):
        return TASKS[spec.name](spec, kind, seed, task_file)
    return TASKS[spec.name](spec, kind, seed)


__all__ = ["TASKS", "KINDS", "build_task", "Batch", "Task", "TaskInfo", "Vocab", "PAD", "BOS", "EOS"]
