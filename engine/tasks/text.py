"""Character language models: the tiny "hello" task, a shipped play, a user's text."""

from __future__ import annotations

import importlib.resources
import numpy as np
import torch

from engine.errors import TaskDataError
from engine.data import Batch, TaskInfo
from engine.task_file import TaskFile, file_for, text_of
from engine.tasks.base import Pool, Task, Vocab


class HelloTask(Task):
    """The classic first RNN example: from "hell" predict "ello"."""

    name, title = "hello", 'Next character of "hello"'
    kinds = ("lm",)
    word = "hello"

    def __init__(self, spec, kind, seed):
        super().__init__(spec, kind, seed)
        self.vocab = Vocab(sorted(set(self.word)))
        ids = self.vocab.encode(self.word)
        src, tgt = torch.tensor([ids[:-1]]), torch.tensor([ids[1:]])
        self.train_pool = self.val_pool = Pool(src, [len(ids) - 1], tgt)

    @classmethod
    def max_lengths(cls, spec):
        return len(cls.word) - 1, 0

    @property
    def info(self):
        return TaskInfo("lm", len(self.vocab), len(self.vocab), 0, len(self.word) - 1, 0, "token_accuracy")


class CorpusTask(Task):
    """Next character of a text: windows of `task.length` characters.

    The first 90 % of the text trains, the last 10 % validates.
    """

    kinds = ("lm",)

    def load_text(self) -> str:
        raise NotImplementedError

    def __init__(self, spec, kind, seed):
        super().__init__(spec, kind, seed)
        text = self.load_text()
        self.vocab = Vocab(sorted(set(text)))
        data = torch.tensor(self.vocab.encode(text), dtype=torch.int64)
        split = int(len(data) * 0.9)
        self.train_data, self.val_data = data[:split], data[split:]
        length = spec.length
        if len(self.val_data) < length + 1:
            raise TaskDataError(
                f"{self.source_name()}: {len(text)} characters is too short for windows of "
                f"task.length={length}; the last tenth must hold at least {length + 1} "
                f"(the text needs about {10 * (length + 1)} characters)")
        self._offsets = torch.arange(length + 1)
        starts = np.linspace(0, len(self.val_data) - length - 1,
                             num=min(spec.val_size, len(self.val_data) - length)).astype(np.int64)
        windows = self.val_data[torch.as_tensor(starts)[:, None] + self._offsets]
        self.val_pool = Pool(windows[:, :-1], [length] * len(windows), windows[:, 1:])
        self._lengths = None

    def source_name(self) -> str:
        return self.name

    @classmethod
    def max_lengths(cls, spec):
        return spec.length, 0

    def train_batch(self, batch_size: int, generator: torch.Generator) -> Batch:
        length = self.spec.length
        starts = torch.randint(len(self.train_data) - length - 1 + 1, (batch_size,), generator=generator)
        windows = self.train_data[starts[:, None] + self._offsets]
        if self._lengths is None or len(self._lengths) != batch_size:
            self._lengths = torch.full((batch_size,), length, dtype=torch.int64)
        return Batch(windows[:, :-1], self._lengths, windows[:, 1:])

    @property
    def info(self):
        return TaskInfo("lm", len(self.vocab), len(self.vocab), 0, self.spec.length, 0, "token_accuracy")

    def train_text(self) -> torch.Tensor:
        return self.train_data


class ShakespeareTask(CorpusTask):
    name, title = "shakespeare", "Characters of Hamlet"

    def load_text(self) -> str:
        return (importlib.resources.files("resources") / "corpora" / "hamlet.txt").read_text("utf-8")


class TextFileTask(CorpusTask):
    name, title = "text_file", "Characters of your text file"

    def __init__(self, spec, kind, seed, task_file: TaskFile | None = None):
        self.task_file = file_for(spec, task_file)  # before the corpus loads it
        super().__init__(spec, kind, seed)

    def source_name(self) -> str:
        return str(self.spec.path)

    def load_text(self) -> str:
        return user_text(self.task_file)


def user_text(task_file: TaskFile) -> str:
    """A user's file as UTF-8 text, or a TaskDataError that names the file and the problem."""
    text = text_of(task_file, "a text file")
    if not text.strip():
        raise TaskDataError(f"{task_file.path}: is empty")
    return text
