"""Run history: every scalar at every step, and probe snapshots thinned out as
the run grows so memory stays bounded however long it runs."""

from __future__ import annotations

import csv
import io
import math
import re
import warnings

import numpy as np

from engine.events import Evaluation, ProbeSnapshot, Scalars
from engine.tensor_file import TensorsEntry


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

    def safetensors_entry(self) -> TensorsEntry:
        """The columns as a safetensors file (how projects keep them: writing and
        reading it costs a copy, where CSV took ~3 s per million values)."""
        return TensorsEntry({name: self.column(name) for name in self.names},
                            {"format": SCALARS_FORMAT, "columns": ",".join(self.names)})

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], metadata: dict[str, str],
                    source: str = "scalars") -> "ScalarHistory":
        """The history `safetensors_entry` wrote, read back as arrays and
        metadata; anything else raises ValueError naming `source`."""
        names = metadata.get("columns", "").split(",")
        if metadata.get("format") != SCALARS_FORMAT or sorted(names) != sorted(arrays):
            raise ValueError(f"{source}: is not a scalar history (its metadata must give the format "
                             f"and the order of its columns)")
        arrays = {name: arrays[name] for name in names}
        if arrays.get("step") is None or arrays.get("wall_time") is None or \
                not all(_COLUMN.match(n) for n in names):
            raise ValueError(f"{source}: needs step and wall_time columns, and scalar names")
        kinds = {name: (np.int64 if name == "step" else np.float64 if name == "wall_time" else np.float32)
                 for name in names}
        rows = len(arrays["step"])
        for name, array in arrays.items():
            if array.dtype != kinds[name] or array.shape != (rows,):
                raise ValueError(f"{source}: column {name!r} must be {rows} values of "
                                 f"{np.dtype(kinds[name]).name}, not {array.shape} of {array.dtype}")
        if rows and arrays["step"].min() < 0:
            raise ValueError(f"{source}: steps cannot be negative")
        if rows and arrays["step"].max() >= MAX_STEP:
            raise ValueError(f"{source}: step {int(arrays['step'].max())} is past the most a run takes "
                             f"({MAX_STEP - 1})")
        times = arrays["wall_time"]
        if rows and not (np.isfinite(times).all() and times.min() >= 0):
            bad = times[~(np.isfinite(times) & (times >= 0))][0]
            raise ValueError(f"{source}: wall_time {bad} is not a finite number of seconds, at least 0")
        # The value columns may hold NaN (a step without that value) and infinities
        # (what a step that was skipped as not finite measured): both as training gave them.
        history = cls()
        # Adopt the arrays as they are: they were read into memory of their own.
        history._columns = {"step": arrays["step"], "wall_time": arrays["wall_time"],
                            **{n: a for n, a in arrays.items() if n not in ("step", "wall_time")}}
        history._size = rows
        return history

    def evaluations_csv_text(self) -> str:
        names = sorted({k for e in self.evaluations for k in e.values})
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["step", "wall_time", *names])
        for e in self.evaluations:
            values = (e.values.get(n, "") for n in names)
            # A value that is not finite (a diverged run's validation loss) is written as none.
            writer.writerow([e.step, e.wall_time, *("" if _not_finite(v) else v for v in values)])
        return out.getvalue()

    def read_evaluations_csv(self, text: str, source: str = "evaluations.csv") -> None:
        """Add the evaluations `evaluations_csv_text` wrote; ValueError naming `source` otherwise."""
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            rows = list(reader)
        except csv.Error as exc:  # a field over csv.field_size_limit(), a NUL byte
            raise ValueError(f"{source}: line {reader.line_num} cannot be read ({exc})") from None
        if not rows or rows[0][:2] != ["step", "wall_time"] or not all(_COLUMN.match(n) for n in rows[0]):
            raise ValueError(f"{source}: the header must be step,wall_time and metric names")
        names = rows[0][2:]
        for number, row in enumerate(rows[1:], start=2):
            try:
                if len(row) != len(rows[0]):
                    raise ValueError
                # Earlier versions wrote a value that was not finite as Python spells it: none, now.
                values = {n: float(v) for n, v in zip(names, row[2:]) if v not in ("", "nan", "inf", "-inf")}
                step, wall_time = int(row[0]), float(row[1])
            except ValueError:
                raise ValueError(f"{source}: line {number} is not {len(rows[0])} numbers") from None
            if not 0 <= step < MAX_STEP or not 0 <= wall_time <= _LARGEST or \
                    not all(abs(v) <= _LARGEST for v in values.values()):
                raise ValueError(f"{source}: line {number} holds a number out of range (steps 0 to {MAX_STEP - 1}, "
                                 f"times at least 0, every number finite)")
            self.evaluations.append(Evaluation(step, wall_time, values))


_COLUMN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
SCALARS_FORMAT = "seqlab-scalars"
# Steps a saved history may hold: a float64 (wall-clock columns, plots) still counts them exactly.
MAX_STEP = 2**53
_LARGEST = np.finfo(np.float64).max


def _not_finite(value) -> bool:
    return value != "" and not math.isfinite(value)


class ProbeHistory:
    """Keeps every one of the last `recent` snapshots and ever sparser older
    ones: a snapshot `age` arrivals old survives if its arrival number is a
    multiple of 2**ceil(log2((age + 1) / recent)). About recent/2 are kept per
    doubling of the run, so a million probes keep ~500 snapshots. Once dropped,
    a snapshot is never needed again (strides only grow), so thinning is cheap
    and stable: what the viewer scrubbed to earlier stays if it still fits.

    Big models have big snapshots (an LSTM of 880 units over 32 steps: 1.3 MB
    of states and gates), so the kept ones also stay within `budget_bytes`:
    past it, `recent` halves (down to 2), which only makes strides longer, so
    the rule above still holds. The history's memory and its share of a
    project file stay bounded whatever the model.
    """

    RECENT = 64
    BUDGET_BYTES = 32 * 2**20

    def __init__(self, recent: int = RECENT, budget_bytes: int = BUDGET_BYTES):
        self.recent = recent
        self.budget_bytes = budget_bytes
        self._kept: dict[int, ProbeSnapshot] = {}  # arrival number -> snapshot
        self._sizes: dict[int, int] = {}
        self._arrivals = 0

    def __len__(self) -> int:
        return len(self._kept)

    @property
    def nbytes(self) -> int:
        return sum(self._sizes.values())

    def _keeps(self, number: int) -> bool:
        age = self._arrivals - 1 - number
        if age < self.recent:
            return True
        stride = 1 << (age // self.recent).bit_length()
        return number % stride == 0

    def add(self, snapshot: ProbeSnapshot) -> None:
        self._kept[self._arrivals] = snapshot
        self._sizes[self._arrivals] = snapshot.nbytes()
        self._arrivals += 1
        self._thin()
        while self.nbytes > self.budget_bytes and self.recent > 2:
            self.recent //= 2
            self._thin()

    def _thin(self) -> None:
        self._kept = {n: s for n, s in self._kept.items() if self._keeps(n)}
        self._sizes = {n: self._sizes[n] for n in self._kept}

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
                 recent: int = RECENT) -> "ProbeHistory":
        """A history as saved, so thinning goes on exactly as if never interrupted."""
        if len(numbers) != len(snapshots) or sorted(set(numbers)) != list(numbers) or \
                (numbers and not 0 <= numbers[0] <= numbers[-1] < arrivals):
            raise ValueError("probe arrival numbers must be increasing and below the arrival count")
        if not 1 <= recent <= 1 << 20:
            raise ValueError(f"recent={recent} is out of range")
        history = cls(recent)
        history._kept = dict(zip(numbers, snapshots))
        history._sizes = {n: s.nbytes() for n, s in history._kept.items()}
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
