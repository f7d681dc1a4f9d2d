"""The sweep plot's numbers: a trial metric against the first varied field, one
series per value of the second, mean and spread across seeds."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from engine.project.model import Run
from engine.sweep.plan import value_text, LOWER_IS_BETTER, SweepPlan


@dataclass(frozen=True)
class Point:
    x: object
    mean: float
    spread: float  # the sample standard deviation across seeds; 0 with one
    count: int  # trials with a value
    trials: int  # trials at this point, including those that ended without one


@dataclass
class SweepCurve:
    metric: str
    x_key: str
    series_key: str | None
    series: dict  # series value (None with one varied field) -> [Point], in the plan's order of x
    numeric_x: bool

    @property
    def lower_is_better(self) -> bool:
        return self.metric in LOWER_IS_BETTER

    def rows(self) -> list[list]:
        """A table: series, x, mean, spread, count (for CSV and the command line)."""
        return [[series, point.x, point.mean, point.spread, point.count]
                for series, points in self.series.items() for point in points]


def trial_metric(run: Run, metric: str | None = None) -> tuple[str, float | None]:
    """(name, value) of a finished trial's metric: the task's own by default."""
    summary_metric = run.summary.get("metric") or {}
    name = metric or summary_metric.get("name") or "val_loss"
    value = summary_metric.get("value") if name == summary_metric.get("name") else run.summary.get(name)
    return name, (float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None)


def sweep_curve(plan: SweepPlan, runs: list[Run], metric: str | None = None) -> SweepCurve:
    """`runs`: the sweep's finished trials (each with `run.sweep["values"]`)."""
    x_var = plan.variations[0]
    series_var = plan.variations[1] if len(plan.variations) > 1 else None
    names = {trial_metric(run, metric)[0] for run in runs}
    name = metric or (names.pop() if len(names) == 1 else "val_loss")
    grouped: dict = {}
    for run in runs:
        values = run.sweep["values"]
        series = values.get(series_var.key) if series_var else None
        grouped.setdefault(series, {}).setdefault(values.get(x_var.key), []).append(trial_metric(run, name)[1])
    order = _order(plan, x_var.key, runs)
    series_order = _order(plan, series_var.key, runs) if series_var else [None]
    series = {}
    for series_value in series_order:
        by_x = grouped.get(series_value, {})
        points = []
        for x in order:
            if x not in by_x:
                continue
            found = [v for v in by_x[x] if v is not None]
            mean = statistics.fmean(found) if found else math.nan
            spread = statistics.stdev(found) if len(found) > 1 else 0.0
            points.append(Point(x, mean, spread, len(found), len(by_x[x])))
        if points:
            series[series_value] = points
    numeric = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in order)
    return SweepCurve(name, x_var.key, series_var.key if series_var else None, series, numeric)


def _order(plan: SweepPlan, key: str, runs: list[Run]) -> list:
    """The values of `key` in the plan's order (a grid's), or sorted (random samples)."""
    seen = list(dict.fromkeys(run.sweep["values"].get(key) for run in runs))
    if plan.samples is None:
        variation = next(v for v in plan.variations if v.key == key)
        planned = list(variation.grid())
        return [v for v in planned if v in seen] + [v for v in seen if v not in planned]
    try:
        return sorted(seen)
    except TypeError:
        return seen


def curve_text(curve: SweepCurve) -> str:
    """The curve as a small table for the terminal."""
    better = "lower" if curve.lower_is_better else "higher"
    lines = [f"{curve.metric} ({better} is better) against {curve.x_key}"
             + (f", by {curve.series_key}" if curve.series_key else "") + ": mean ± spread over seeds"]
    xs = list(dict.fromkeys(p.x for points in curve.series.values() for p in points))
    label_width = max([len(value_text(s)) for s in curve.series] + [len(curve.series_key or "")] + [1])
    header = f"{(curve.series_key or '').rpartition('.')[2]:<{label_width}}  " + "  ".join(
        f"{value_text(x):>13}" for x in xs)
    lines.append(header)
    for series, points in curve.series.items():
        cells = {p.x: p for p in points}
        text = "  ".join(f"{_cell(cells.get(x)):>13}" for x in xs)
        lines.append(f"{'' if series is None else value_text(series):<{label_width}}  {text}")
    return "\n".join(lines)


def _cell(point: Point | None) -> str:
    if point is None:
        return "-"
    if not point.count:
        return f"none of {point.trials}"
    return f"{point.mean:.3g} ± {point.spread:.2g}" if point.count > 1 else f"{point.mean:.3g}"
