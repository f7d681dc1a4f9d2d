"""The shape of a sweep as a project file holds it, checked on opening: the
project's sweep plans and each trial run's record of its sweep. A file from a
stranger gets no further than these checks with a plan the engine cannot use
(no value of an odd type, no list past the sweep's own limits)."""

from __future__ import annotations

import math

from engine.errors import SpecError
from engine.spec import ExperimentSpec

MAX_SWEEPS = 1000
MAX_VARIATIONS = 8
MAX_VALUES = 1000
MAX_TRIALS = 2000
MAX_SEEDS = 100
TRIAL_STATES = ("completed", "diverged", "failed", "stopped early")


def sweep_problem(data) -> str | None:
    """What is wrong with one entry of a project's "sweeps", or None."""
    if not isinstance(data, dict) or set(data) != {"id", "plan", "created"}:
        return "must be an object with fields id, plan and created"
    if not _text(data["id"], 64) or not _text(data["created"], 64):
        return "id and created must be short strings"
    plan = data["plan"]
    if not isinstance(plan, dict) or set(plan) != {"name", "base", "variations", "seeds", "samples", "sample_seed"}:
        return "plan must have fields name, base, variations, seeds, samples and sample_seed"
    if not _text(plan["name"], 1000):
        return "plan.name must be a string"
    try:
        ExperimentSpec.from_dict(plan["base"]).validate_fields()
    except SpecError as exc:
        return f"plan.base: {exc}"
    if not _whole(plan["seeds"], 1, MAX_SEEDS) or not _whole(plan["sample_seed"], 0, 2**63 - 1):
        return f"plan.seeds must be 1 to {MAX_SEEDS} and plan.sample_seed a whole number"
    if plan["samples"] is not None and not _whole(plan["samples"], 1, MAX_TRIALS):
        return f"plan.samples must be null or 1 to {MAX_TRIALS}"
    variations = plan["variations"]
    if not isinstance(variations, list) or not 1 <= len(variations) <= MAX_VARIATIONS:
        return f"plan.variations must be a list of 1 to {MAX_VARIATIONS}"
    keys = []
    for index, variation in enumerate(variations):
        problem = _variation_problem(variation)
        if problem:
            return f"plan.variations[{index}]: {problem}"
        keys.append(variation["key"])
    if len(set(keys)) != len(keys):
        return "plan.variations names a field twice"
    return None


def _variation_problem(data) -> str | None:
    if not isinstance(data, dict) or not _text(data.get("key"), 100):
        return "must be an object with a key"
    if data["key"] == "training.seed":
        return "training.seed is varied by the plan's seeds, not as a field"
    if set(data) == {"key", "values"}:
        values = data["values"]
        if not isinstance(values, list) or not 1 <= len(values) <= MAX_VALUES:
            return f"values must be a list of 1 to {MAX_VALUES}"
        if not all(_scalar(v) for v in values):
            return "values must be numbers, strings, true, false or null"
        if len({repr(v) for v in values}) != len(values):
            return "values names a value twice"
        return None
    if set(data) != {"key", "low", "high", "count", "log", "integer"}:
        return "must have values, or low, high, count, log and integer"
    if not all(_number(data[k]) and abs(data[k]) <= 2**53 for k in ("low", "high")) or data["low"] > data["high"]:
        return "low and high must be numbers of at most 2**53, low not above high"
    if not _whole(data["count"], 1, MAX_VALUES):
        return f"count must be 1 to {MAX_VALUES}"
    if not isinstance(data["log"], bool) or not isinstance(data["integer"], bool):
        return "log and integer must be true or false"
    if data["log"] and data["low"] <= 0:
        return "a log range needs low above 0"
    return None


def trial_problem(data) -> str | None:
    """What is wrong with a run's "sweep" record, or None."""
    fields = {"id", "key", "values", "seed", "state", "message", "seconds", "attempts"}
    if not isinstance(data, dict) or set(data) != fields:
        return f"must be an object with fields {', '.join(sorted(fields))}"
    if not _text(data["id"], 64) or not _text(data["key"], 100_000) or not _text(data["message"], 100_000):
        return "id, key and message must be strings"
    values = data["values"]
    if not isinstance(values, dict) or len(values) > MAX_VARIATIONS or not all(
            _text(k, 100) and _scalar(v) for k, v in values.items()):
        return "values must map at most 8 field names to numbers, strings, true, false or null"
    if not _whole(data["seed"], 0, 2**63 - 1) or not _whole(data["attempts"], 0, 1_000_000):
        return "seed and attempts must be whole numbers"
    if data["state"] not in TRIAL_STATES:
        return f"state must be one of {', '.join(TRIAL_STATES)}"
    if not _number(data["seconds"]) or data["seconds"] < 0:
        return "seconds must be a number, 0 or more"
    return None


def _text(value, longest: int) -> bool:
    return isinstance(value, str) and len(value) <= longest


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _whole(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _scalar(value) -> bool:
    return value is None or isinstance(value, bool) or _number(value) or _text(value, 1000)
