"""What a sweep runs: the spec fields it varies, their values, the seeds, and the
trials they make (a grid of every combination, or random samples of ranges).

Plain data and no Ray: the command line and the window build a plan, check every
trial's spec with the validator before anything starts, and keep the plan in the
project so an interrupted sweep can go on (`SweepPlan.to_dict`).
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field

from engine.errors import SpecError, UsageError
# The limits a project file's sweep is checked against when opened: a typo in a range (1:1000:1000000) is refused.
from engine.project.sweeps import MAX_SEEDS, MAX_TRIALS, MAX_VALUES, MAX_VARIATIONS
from engine.spec import ExperimentSpec, parse_value, shown
from engine.translation import (TOO_MANY_TRIALS, TRIAL_REFUSED, VARY_COUNT, VARY_LOG, VARY_MANY, VARY_NO_RANGE,
                                VARY_ORDER, VARY_RANGE_FORM, VARY_TWICE, VARY_WHOLE)
from engine.validation import validate_experiment

# Task metrics that are better lower; every other (accuracies, sentiment match) is better higher.
LOWER_IS_BETTER = frozenset({"mse", "val_loss"})


@dataclass(frozen=True)
class Variation:
    """One spec field and what it takes: a list of values, or a range
    (`low`..`high`, `count` points, `log` spaced) that a grid spaces evenly
    and random search samples."""

    key: str
    values: tuple = ()
    low: float | None = None
    high: float | None = None
    count: int = 0
    log: bool = False
    integer: bool = False  # the field takes whole numbers: a range's points are rounded

    @property
    def is_range(self) -> bool:
        return self.low is not None

    def grid(self) -> tuple:
        integer = self.integer
        if not self.is_range:
            return self.values
        if self.count == 1:
            points = [self.low]
        elif self.log:
            a, b = math.log(self.low), math.log(self.high)
            points = [math.exp(a + (b - a) * i / (self.count - 1)) for i in range(self.count)]
        else:
            points = [self.low + (self.high - self.low) * i / (self.count - 1) for i in range(self.count)]
        if integer:
            return tuple(dict.fromkeys(int(round(p)) for p in points))  # 1:4:10 has 4 integers, not 10
        return tuple(float(f"{p:.6g}") for p in points)

    def sample(self, rng: random.Random):
        integer = self.integer
        if not self.is_range:
            return rng.choice(self.values)
        if self.log:
            value = math.exp(rng.uniform(math.log(self.low), math.log(self.high)))
        else:
            value = rng.uniform(self.low, self.high)
        return int(round(value)) if integer else float(f"{value:.6g}")

    def to_dict(self) -> dict:
        if self.is_range:
            return {"key": self.key, "low": self.low, "high": self.high, "count": self.count, "log": self.log,
                    "integer": self.integer}
        return {"key": self.key, "values": list(self.values)}

    @classmethod
    def from_dict(cls, data: dict) -> "Variation":
        if "values" in data:
            return cls(data["key"], tuple(data["values"]))
        return cls(data["key"], low=float(data["low"]), high=float(data["high"]), count=int(data["count"]),
                   log=bool(data["log"]), integer=bool(data["integer"]))

    def text(self) -> str:
        if not self.is_range:
            return f"{self.key}={','.join(value_text(v) for v in self.values)}"
        return f"{self.key}={'log:' if self.log else ''}{value_text(self.low)}:{value_text(self.high)}:{self.count}"


def value_text(value) -> str:
    """A varied value as a person reads it: 10 and 0.001, not 10.0 and 0.0010000."""
    return f"{value:g}" if isinstance(value, float) else shown(value)


def parse_variation(text: str) -> Variation:
    """`KEY=a,b,c`, `KEY=LO:HI:N` (N evenly spaced) or `KEY=log:LO:HI:N`; each
    value typed by the spec field it is for, so a wrong one is named now."""
    key, sep, rest = text.partition("=")
    key = key.strip()
    if not sep or not key or not rest.strip():
        raise UsageError(f"--vary {text!r} must look like KEY=a,b,c or KEY=LO:HI:N, e.g. --vary model.cell=rnn_tanh,lstm")
    rest = rest.strip()
    if ":" in rest:
        parts = rest.split(":")
        log = parts[0].strip().lower() == "log"
        if log:
            parts = parts[1:]
        if len(parts) != 3:
            raise UsageError(VARY_RANGE_FORM.format(text=repr(text)))
        low, high = (parse_value(key, p.strip()) for p in parts[:2])
        for bound in (low, high):
            if isinstance(bound, bool) or not isinstance(bound, (int, float)) or not math.isfinite(bound):
                raise UsageError(VARY_NO_RANGE.format(text=repr(text), key=key))
        integer = isinstance(low, int) and isinstance(high, int)
        count = parse_value_or_usage("N", parts[2], text)
        if not 1 <= count <= MAX_VALUES:
            raise UsageError(VARY_COUNT.format(text=repr(text), limit=MAX_VALUES, count=count))
        if low > high:
            raise UsageError(VARY_ORDER.format(text=repr(text)))
        if log and low <= 0:
            raise UsageError(VARY_LOG.format(text=repr(text)))
        return Variation(key, low=float(low), high=float(high), count=count, log=log, integer=integer)
    values = tuple(parse_value(key, item.strip()) for item in rest.split(","))
    if len(values) > MAX_VALUES:
        raise UsageError(VARY_MANY.format(text=repr(text), limit=MAX_VALUES))
    if len(set(map(repr, values))) != len(values):
        raise UsageError(VARY_TWICE.format(text=repr(text)))
    return Variation(key, values)


def parse_value_or_usage(name: str, text: str, whole: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise UsageError(VARY_WHOLE.format(text=repr(whole), count=repr(text.strip()))) from None


@dataclass(frozen=True)
class Trial:
    """One run of a sweep: the values it gives the varied fields, and its seed."""

    key: str  # stable across resumes: what it varied and its seed
    values: dict
    seed: int
    spec: ExperimentSpec

    @property
    def name(self) -> str:
        parts = [f"{key.rpartition('.')[2]}={value_text(value)}" for key, value in self.values.items()]
        return " ".join([*parts, f"seed={self.seed}"])


@dataclass
class SweepPlan:
    base: ExperimentSpec
    variations: list[Variation]
    seeds: int = 1
    samples: int | None = None  # random search: this many points, each with every seed
    sample_seed: int = 0
    name: str = ""
    _trials: list[Trial] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if not self.variations:
            raise UsageError("a sweep varies at least one field: --vary KEY=a,b,c")
        keys = [v.key for v in self.variations]
        if len(set(keys)) != len(keys):
            raise UsageError(f"--vary names {sorted(k for k in keys if keys.count(k) > 1)[0]} twice")
        if "training.seed" in keys:
            raise UsageError("vary the seed with --seeds N, not --vary training.seed")
        if len(self.variations) > MAX_VARIATIONS:
            raise UsageError(f"a sweep varies at most {MAX_VARIATIONS} fields")
        if not 1 <= self.seeds <= MAX_SEEDS:
            raise UsageError(f"--seeds must be 1 to {MAX_SEEDS}, not {self.seeds}")
        if self.samples is not None and not 1 <= self.samples <= MAX_TRIALS:
            raise UsageError(f"--samples must be 1 to {MAX_TRIALS}, not {self.samples}")
        if self.samples is None and any(v.is_range and v.count < 1 for v in self.variations):
            raise UsageError("a grid needs N points in each range")
        self.name = self.name or " × ".join(v.key.rpartition(".")[2] for v in self.variations)

    def points(self) -> list[dict]:
        if self.samples is None:
            grids = [v.grid() for v in self.variations]
            if math.prod(len(g) for g in grids) * self.seeds > MAX_TRIALS:  # before making them: 1000^8 would not fit
                raise UsageError(TOO_MANY_TRIALS.format(count=math.prod(len(g) for g in grids) * self.seeds,
                                                        limit=MAX_TRIALS))
            return [dict(zip([v.key for v in self.variations], combo)) for combo in itertools.product(*grids)]
        rng = random.Random(self.sample_seed)
        return [{v.key: v.sample(rng) for v in self.variations} for _ in range(self.samples)]

    def trials(self) -> list[Trial]:
        """Every trial, each spec checked; a value the validator refuses is named with the field."""
        if self._trials is not None:
            return self._trials
        points = self.points()
        if len(points) * self.seeds > MAX_TRIALS:
            raise UsageError(TOO_MANY_TRIALS.format(count=len(points) * self.seeds, limit=MAX_TRIALS))
        first_seed = self.base.training.seed
        trials, refused = [], {}
        for values in points:
            try:
                spec = self.base.with_overrides(values)
                validate_experiment(spec)
            except SpecError as exc:
                for problem in exc.problems:
                    refused.setdefault(problem, values)
                continue
            for i in range(self.seeds):
                seed = first_seed + i
                seeded = spec.with_overrides({"training.seed": seed})
                key = ";".join(f"{k}={v!r}" for k, v in values.items()) + f";seed={seed}"
                trials.append(Trial(key, values, seed, seeded))
        if refused:
            (fieldname, message), values = next(iter(refused.items()))
            where = ", ".join(f"{k}={shown(v)}" for k, v in values.items())
            raise SpecError([(fieldname, TRIAL_REFUSED.format(where=where, message=message))])
        self._trials = trials
        return trials

    def to_dict(self) -> dict:
        return {"name": self.name, "base": self.base.to_dict(), "variations": [v.to_dict() for v in self.variations],
                "seeds": self.seeds, "samples": self.samples, "sample_seed": self.sample_seed}

    @classmethod
    def from_dict(cls, data: dict) -> "SweepPlan":
        return cls(ExperimentSpec.from_dict(data["base"]), [Variation.from_dict(v) for v in data["variations"]],
                   seeds=int(data["seeds"]), samples=data["samples"], sample_seed=int(data["sample_seed"]),
                   name=data["name"])

