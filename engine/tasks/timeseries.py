"""Time-series forecasting: predict the value `task.horizon` steps ahead at
every position of a window of `task.length` values.

Values are standardised (zero mean, unit variance on the training part), so the
MSE reads the same across series: 1.0 is what predicting the mean would score.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import torch

from engine.errors import TaskDataError
from engine.data import TaskInfo
from engine.task_file import TaskFile, file_for, text_of
from engine.tasks.base import Pool, Task, rng


class SeriesTask(Task):
    kinds = ("regression",)

    @classmethod
    def max_lengths(cls, spec):
        return spec.length, 0

    def _pool_from_windows(self, windows: np.ndarray) -> Pool:
        """windows: (N, length + horizon) standardised values."""
        length, horizon = self.spec.length, self.spec.horizon
        x = torch.as_tensor(windows[:, :length, None], dtype=torch.float32)
        y = torch.as_tensor(windows[:, horizon:horizon + length], dtype=torch.float32)
        return Pool(x, [length] * len(windows), y)

    @property
    def info(self):
        return TaskInfo("regression", 0, 0, 1, self.spec.length, 0, "mse")

    def token_labels(self, batch, i):
        return {"input": [f"{v:.2f}" for v in batch.src[i, :, 0].tolist()],
                "target": [f"{v:.2f}" for v in batch.target[i].tolist()]}

    def input_text(self, batch, i):
        return _numbers(batch.src[i, :, 0])

    def target_text(self, batch, i):
        return _numbers(batch.target[i])

    def output_text(self, output):
        return _numbers(torch.as_tensor(output))


def _numbers(values, shown: int = 6) -> str:
    values = [f"{float(v):+.2f}" for v in values]
    return " ".join(values if len(values) <= shown else values[:3] + ["..."] + values[-3:])


class GeneratedSeriesTask(SeriesTask):
    """Every example is a fresh series; train and validation use separate seeds."""

    def series(self, gen: np.random.Generator, n: int, steps: int) -> np.ndarray:
        raise NotImplementedError

    def __init__(self, spec, kind, seed):
        super().__init__(spec, kind, seed)
        steps = spec.length + spec.horizon
        self.train_pool = self._pool_from_windows(self.series(rng(seed, 0), spec.train_size, steps))
        self.val_pool = self._pool_from_windows(self.series(rng(seed, 1), spec.val_size, steps))


class SinesTask(GeneratedSeriesTask):
    name, title = "sines", "Forecast a mixture of sines"

    def series(self, gen, n, steps):
        t = np.arange(steps)[None, :, None]
        periods = gen.uniform(4.0, 40.0, size=(n, 1, 3))
        phases = gen.uniform(0, 2 * math.pi, size=(n, 1, 3))
        amplitudes = gen.uniform(0.2, 1.0, size=(n, 1, 3))
        clean = (amplitudes * np.sin(2 * math.pi * t / periods + phases)).sum(-1)
        noisy = clean + gen.normal(0.0, 0.05, size=clean.shape)
        return noisy / np.sqrt((amplitudes ** 2).sum(-1) / 2)  # unit variance on average


class RandomWalkTask(GeneratedSeriesTask):
    """A "stock price": a geometric random walk with drift, shown relative to
    the window's first price and scaled to unit spread."""

    name, title = "random_walk", 'Forecast a random walk ("stock price")'

    def series(self, gen, n, steps):
        drift = gen.normal(0.0, 0.002, size=(n, 1))
        log_returns = drift + gen.normal(0.0, 0.02, size=(n, steps))
        log_price = np.cumsum(log_returns, axis=1)
        relative = np.expm1(log_price - log_price[:, :1])
        return relative / (0.02 * math.sqrt(steps / 2))


class CsvTask(SeriesTask):
    """A numeric column of the user's CSV file; the first 80 % trains."""

    name, title = "csv", "Forecast a column of your CSV file"

    def __init__(self, spec, kind, seed, task_file: TaskFile | None = None):
        super().__init__(spec, kind, seed)
        values, self.column_name = read_csv_column(file_for(spec, task_file), spec.column)
        steps = spec.length + spec.horizon
        split = int(len(values) * 0.8)
        train, val = values[:split], values[split:]
        path = Path(spec.path)
        for part, name in ((train, "first 80 %"), (val, "last 20 %")):
            if len(part) < steps:
                raise TaskDataError(
                    f"{path}: column {self.column_name!r} has {len(values)} values; its {name} "
                    f"must hold one window of task.length + task.horizon = {steps} values "
                    f"(lower task.length or use a longer series)")
        mean, std = float(train.mean()), float(train.std())
        if not std > 0:
            raise TaskDataError(f"{path}: column {self.column_name!r} is constant on its "
                                f"training part; there is nothing to forecast")
        self.mean, self.std = mean, std
        self.train_pool = self._pool_from_windows(_windows((train - mean) / std, steps, spec.train_size))
        self.val_pool = self._pool_from_windows(_windows((val - mean) / std, steps, spec.val_size))


def _windows(values: np.ndarray, steps: int, most: int) -> np.ndarray:
    """Up to `most` windows of `steps` values, spread evenly over the series."""
    starts = np.unique(np.linspace(0, len(values) - steps, num=min(most, len(values) - steps + 1)).astype(int))
    return values[starts[:, None] + np.arange(steps)]


def read_csv_column(task_file: TaskFile, column: str) -> tuple[np.ndarray, str]:
    """The values of one numeric column; rows with an empty cell are skipped.

    `column` is a header name, a 0-based index, or "" for the first numeric column.
    """
    path, text = task_file.path, text_of(task_file, "a CSV file")
    try:
        try:
            dialect = csv.Sniffer().sniff(text[:65536], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise TaskDataError(f"{path}: is not a readable CSV file ({exc})") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise TaskDataError(f"{path}: is empty")
    header = rows[0]
    has_header = any(not _is_number(cell) for cell in header if cell.strip())
    names = [h.strip() for h in header] if has_header else [str(i) for i in range(len(header))]
    body = rows[1:] if has_header else rows
    index = _column_index(path, names, body, column)
    values, skipped = [], 0
    for r in body:
        cell = r[index].strip() if index < len(r) else ""
        if not cell:
            skipped += 1
            continue
        if not _is_number(cell):
            raise TaskDataError(f"{path}: column {names[index]!r} has a value that is not a "
                                f"number: {cell[:40]!r}")
        values.append(float(cell))
    if len(values) < 2:
        raise TaskDataError(f"{path}: column {names[index]!r} has {len(values)} numeric value(s); "
                            f"a series needs many more")
    array = np.asarray(values, dtype=np.float64)
    if not np.isfinite(array).all():
        raise TaskDataError(f"{path}: column {names[index]!r} contains inf or nan")
    return array, names[index]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def _column_index(path: str, names: list[str], body: list[list[str]], column: str) -> int:
    if column:
        if column in names:
            return names.index(column)
        if column.isdigit() and int(column) < len(names):
            return int(column)
        raise TaskDataError(f"{path}: has no column {column!r} (columns: {', '.join(names)})")
    for i in range(len(names)):
        cells = [r[i].strip() for r in body[:100] if i < len(r) and r[i].strip()]
        if cells and all(_is_number(c) for c in cells):
            return i
    raise TaskDataError(f"{path}: has no numeric column (columns: {', '.join(names)})")
