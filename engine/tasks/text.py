"""Character language models: the tiny "hello" task, a shipped play, a user's text."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import numpy as np
import torch

from engine.errors import TaskDataError
from engine.data import Batch, TaskInfo
from engine.tasks.base import Pool, Task, Vocab

MAX_TEXT_BYTES = 100 * 1024 * 1024


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


class ShakespeareTask(CorpusTask):
    name, title = "shakespeare", "Characters of Hamlet"

    def load_text(self) -> str:
        return (importlib.resources.files("resources") / "corpora" / "hamlet.txt").read_text("utf-8")


class TextFileTask(CorpusTask):
    name, title = "text_file", "Characters of your text file"

    def source_name(self) -> str:
        return str(self.spec.path)

    def load_text(self) -> str:
        return read_user_text(self.spec.path)


def read_user_text(path_text: str) -> str:
    """A user's UTF-8 text file, or a TaskDataError that names the file and the problem."""
    if not path_text:
        raise TaskDataError("task.path is empty: name a UTF-8 text file to learn from")
    path = Path(path_text).expanduser()
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise TaskDataError(f"{path}: is a folder, not a text file")
        if size > MAX_TEXT_BYTES:
            raise TaskDataError(f"{path}: is {size / 2**20:.0f} MB; text files up to "
                                f"{MAX_TEXT_BYTES // 2**20} MB can be used")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TaskDataError(f"{path}: no such file") from None
    except PermissionError:
        raise TaskDataError(f"{path}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise TaskDataError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not raw.strip():
        raise TaskDataError(f"{path}: is empty")
    if b"\x00" in raw[:65536]:
        raise TaskDataError(f"{path}: looks binary (it contains NUL bytes), not like text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TaskDataError(f"{path}: is not UTF-8 text (invalid byte 0x{raw[exc.start]:02x} "
                            f"at offset {exc.start})") from None
