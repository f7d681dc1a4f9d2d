"""Every scalar at every step, in growable columns (about 8 bytes a value:
a million steps of five scalars is ~50 MB)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np

from engine.events import Evaluation, Scalars


class ScalarHistory:
    def __init__(self):
        self._size = 0
        self._columns: dict[str, np.ndarray] = {
            "step": np.zeros(1024, dtype=np.int64), "wall_time": np.zeros(1024, dtype=np.float64)}
        self.evaluations: list[Evaluation] = []

    def __len__(self) -> int:
        return self._size

    def _grow(self, needed: int) -> None:
        capacity = len(self._columns["step"])
        if needed <= capacity:
            return
        capacity = max(needed, capacity * 2)
        for name, column in self._columns.items():
            grown = np.full(capacity, np.nan if column.dtype.kind == "f" else 0, dtype=column.dtype)
            grown[: self._size] = column[: self._size]
            self._columns[name] = grown

    def add(self, event: Scalars | Evaluation) -> None:
        if isinstance(event, Evaluation):
            self.evaluations.append(event)
            return
        n = len(event)
        self._grow(self._size + n)
        end = self._size + n
        self._columns["step"][self._size:end] = event.steps
        self._columns["wall_time"][self._size:end] = event.wall_time
        for name, values in event.values.items():
            if name not in self._columns:
                self._columns[name] = np.full(len(self._columns["step"]), np.nan, dtype=np.float32)
            self._columns[name][self._size:end] = values
        self._size = end

    def column(self, name: str) -> np.ndarray:
        return self._columns[name][: self._size]

    @property
    def names(self) -> list[str]:
        return list(self._columns)

    def write_csv(self, path: Path) -> None:
        names = self.names
        columns = [self.column(n) for n in names]
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(names)
            for row in zip(*columns):
                writer.writerow(["" if isinstance(v, float) and math.isnan(v) else
                                 (repr(float(v)) if isinstance(v, np.floating) else int(v))
                                 for v in row])

    def write_evaluations_csv(self, path: Path) -> None:
        names = sorted({k for e in self.evaluations for k in e.values})
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["step", "wall_time", *names])
            for e in self.evaluations:
                writer.writerow([e.step, e.wall_time, *(e.values.get(n, "") for n in names)])
