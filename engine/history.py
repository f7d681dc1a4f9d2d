"""Run history: every scalar at every step, and probe snapshots thinned out as
the run grows so memory stays bounded however long it runs."""

from __future__ import annotations

import csv
import io
import re
import warnings

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
        """Every step's scalars as CSV; a value a step does not have is empty.

        Floats are written by the csv module's C writer from Python floats
        (shortest exact repr), so a float32 reads back bit for bit; ~1 s per
        million values."""
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.names)
        columns = []
        for name in self.names:
            column = self.column(name)
            if column.dtype.kind == "f" and np.isnan(column).any():
                column = np.where(np.isnan(column), None, column.astype(object))  # None -> ""
            columns.append(column.tolist())
        writer.writerows(zip(*columns))
        return out.getvalue()

    @classmethod
    def from_csv(cls, text: str, source: str = "scalars.csv") -> "ScalarHistory":
        """The history `csv_text` wrote; anything else raises ValueError naming `source`."""
        header, _, body = text.partition("\n")
        names = header.split(",")
        if names[:2] != ["step", "wall_time"] or len(set(names)) != len(names) or \
                not all(_COLUMN.match(n) for n in names):
            raise ValueError(f"{source}: the header must be step,wall_time and scalar names")
        history = cls()
        body = body.rstrip("\n")
        if not body:
            return history
        rows = body.count("\n") + 1
        # Empty fields become "nan" so numpy's C parser reads the whole body at once.
        body = body.replace(",\n", ",nan\n")
        for _ in range(2):
            body = body.replace(",,", ",nan,")
        if body.endswith(","):
            body += "nan"
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                values = np.fromstring(body.replace("\n", ","), sep=",")  # noqa: NPY201 (text mode is supported)
            except (ValueError, DeprecationWarning):
                values = np.zeros(0)
        if values.size != rows * len(names):
            raise ValueError(f"{source}: expected {rows} rows of {len(names)} numbers")
        table = values.reshape(rows, len(names))
        steps = table[:, 0]
        if not np.all(np.isfinite(steps)) or np.any(steps != np.round(steps)) or np.any(steps < 0):
            raise ValueError(f"{source}: the step column must hold whole numbers")
        history.add(Scalars(steps.astype(np.int64), table[:, 1].copy(),
                            {name: table[:, i].astype(np.float32) for i, name in enumerate(names) if i >= 2}))
        return history

    def evaluations_csv_text(self) -> str:
        names = sorted({k for e in self.evaluations for k in e.values})
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["step", "wall_time", *names])
        for e in self.evaluations:
            writer.writerow([e.step, e.wall_time, *(e.values.get(n, "") for n in names)])
        return out.getvalue()

    def read_evaluations_csv(self, text: str, source: str = "evaluations.csv") -> None:
        """Add the evaluations `evaluations_csv_text` wrote; ValueError naming `source` otherwise."""
        rows = list(csv.reader(io.StringIO(text, newline="")))
        if not rows or rows[0][:2] != ["step", "wall_time"] or not all(_COLUMN.match(n) for n in rows[0]):
            raise ValueError(f"{source}: the header must be step,wall_time and metric names")
        names = rows[0][2:]
        for number, row in enumerate(rows[1:], start=2):
            try:
                if len(row) != len(rows[0]):
                    raise ValueError
                values = {n: float(v) for n, v in zip(names, row[2:]) if v != ""}
                self.evaluations.append(Evaluation(int(row[0]), float(row[1]), values))
            except ValueError:
                raise ValueError(f"{source}: line {number} is not {len(rows[0])} numbers") from None


_COLUMN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


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

    @property
    def arrivals(self) -> int:
        return self._arrivals

    @property
    def arrival_numbers(self) -> list[int]:
        return list(self._kept)

    @classmethod
    def restored(cls, snapshots: list[ProbeSnapshot], numbers: list[int], arrivals: int,
                 recent: int = 64) -> "ProbeHistory":
        """A history as saved, so thinning goes on exactly as if never interrupted."""
        if len(numbers) != len(snapshots) or sorted(set(numbers)) != list(numbers) or \
                (numbers and not 0 <= numbers[0] <= numbers[-1] < arrivals):
            raise ValueError("probe arrival numbers must be increasing and below the arrival count")
        history = cls(recent)
        history._kept = dict(zip(numbers, snapshots))
        history._arrivals = arrivals
        return history

    def snapshots(self) -> list[ProbeSnapshot]:
        return list(self._kept.values())

    def latest(self) -> ProbeSnapshot | None:
        return self._kept[max(self._kept)] if self._kept else None

    def at(self, step: int) -> ProbeSnapshot | None:
        """The kept snapshot nearest to `step` (for scrubbing)."""
        if not self._kept:
            return None
        return min(self._kept.values(), key=lambda s: (abs(s.step - step), s.step))
