"""Run history: every scalar at every step, and probe snapshots thinned out as
the run grows so memory stays bounded however long it runs."""

from __future__ import annotations

import csv
import io

import numpy as np

from engine.events import Evaluation, ProbeSnapshot, Scalars


class ScalarHistory:
    """Growable columns: 8 bytes per step for step and wall time, 4 per float
    scalar (a million steps of four scalars is ~32 MB)."""

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

    def csv_text(self) -> str:
        """Every step's scalars as CSV; a value a step does not have is empty."""
        names = self.names
        columns = [self.column(n) for n in names]
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(names)
        for row in zip(*columns):
            writer.writerow([("" if np.isnan(v) else repr(float(v))) if isinstance(v, np.floating) else int(v)
                             for v in row])
        return out.getvalue()

    def evaluations_csv_text(self) -> str:
        names = sorted({k for e in self.evaluations for k in e.values})
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(["step", "wall_time", *names])
        for e in self.evaluations:
            writer.writerow([e.step, e.wall_time, *(e.values.get(n, "") for n in names)])
        return out.getvalue()


class ProbeHistory:
    """Keeps every one of the last `recent` snapshots and ever sparser older
    ones: a snapshot `age` arrivals old survives if its arrival number is a
    multiple of 2**ceil(log2((age + 1) / recent)). About recent/2 are kept per
    doubling of the run, so a million probes keep ~500 snapshots. Once dropped,
    a snapshot is never needed again (strides only grow), so thinning is cheap
    and stable: what the viewer scrubbed to earlier stays if it still fits.
    """

    def __init__(self, recent: int = 64):
        self.recent = recent
        self._kept: dict[int, ProbeSnapshot] = {}  # arrival number -> snapshot
        self._arrivals = 0

    def __len__(self) -> int:
        return len(self._kept)

    def _keeps(self, number: int) -> bool:
        age = self._arrivals - 1 - number
        if age < self.recent:
            return True
        stride = 1 << (age // self.recent).bit_length()
        return number % stride == 0

    def add(self, snapshot: ProbeSnapshot) -> None:
        self._kept[self._arrivals] = snapshot
        self._arrivals += 1
        self._kept = {n: s for n, s in self._kept.items() if self._keeps(n)}

    @property
    def steps(self) -> list[int]:
        return [s.step for s in self._kept.values()]

    def snapshots(self) -> list[ProbeSnapshot]:
        return list(self._kept.values())

    def latest(self) -> ProbeSnapshot | None:
        return self._kept[max(self._kept)] if self._kept else None

    def at(self, step: int) -> ProbeSnapshot | None:
        """The kept snapshot nearest to `step` (for scrubbing)."""
        if not self._kept:
            return None
        return min(self._kept.values(), key=lambda s: (abs(s.step - step), s.step))
