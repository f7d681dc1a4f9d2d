"""A run in words and numbers, written once for every place that shows one:
`main.py info`, the compare table, the HTML report and the window's status bar.

Runs and projects are taken as they come (anything with a `spec`, `summary`,
`history` and `step`, as `engine.project.Run` has): this module imports no
more of the engine than the spec, so any layer above it may describe a run."""

from __future__ import annotations

import math
from typing import NamedTuple

from engine.spec import architecture

__all__ = ["MISSING", "StatusTexts", "architecture", "describe_project", "device_text", "latest", "loss_text",
           "metric_text", "number_text", "parameters_text", "precision_text", "run_facts", "speed_text",
           "status_texts", "steps_done",
           "summary_metric", "target_text", "task_metric", "time_to_target"]

MISSING = "—"  # a number a run does not have yet, where a blank would read as a fault


def number_text(value, pattern: str = "{:.4g}", missing: str = "") -> str:
    """A summary number as shown in tables; `missing` where the run has none yet.
    A summary is JSON a person may have edited: what is not a number shows as it is."""
    if value is None:
        return missing
    try:
        return pattern.format(value)
    except (TypeError, ValueError):
        return str(value)


# ------------------------------------------------------------------ history
def latest(history, name: str) -> float | None:
    """The last value of `history`'s column `name`; None when it has no rows or
    no such column. A step that did not log the value reads nan, as stored."""
    if not len(history) or name not in history.names:
        return None
    return float(history.column(name)[-1])


def steps_done(run) -> int:
    """Steps trained so far: the history's last step + 1 (it runs ahead of the
    saved state while training), or the state's step when there is no history."""
    history = run.history
    return int(history.column("step")[-1]) + 1 if len(history) else run.step


def task_metric(values: dict) -> tuple[str, float] | None:
    """(name, value) of an evaluation's task metric, when it is finite."""
    for name, value in values.items():
        if name != "val_loss" and value is not None and math.isfinite(value):
            return name, value
    return None


def time_to_target(run, target: float) -> tuple[int, float] | None:
    """(step, seconds) of the first evaluation whose metric reached `target` (mse: fell to it)."""
    for evaluation in run.history.evaluations:
        found = task_metric(evaluation.values)
        if found is not None and ((found[1] <= target) if found[0] == "mse" else (found[1] >= target)):
            return evaluation.step, evaluation.wall_time
    return None


def target_text(run, target: float) -> str:
    """When the run first reached `target`: "step 40, 1.2 s", "not reached", or "" before it trains."""
    if not len(run.history):
        return ""
    reached = time_to_target(run, target)
    return "not reached" if reached is None else f"step {reached[0]}, {reached[1]:.1f} s"


# ------------------------------------------------------------------ summary
def summary_metric(run) -> tuple[str, float | None]:
    """(name, value) of the validation metric the run's summary holds: ("", None) before it trains."""
    metric = (run.summary or {}).get("metric") or {}
    return metric.get("name") or "", metric.get("value")


def metric_text(run, missing: str = "") -> str:
    """"token_accuracy 0.9531": the summary's metric, name first."""
    name, value = summary_metric(run)
    return f"{name} {number_text(value, missing=missing)}".strip()


def parameters_text(run, missing: str = "") -> str:
    """"176,398": the model's parameter count, which the summary holds once it trains."""
    count = (run.summary or {}).get("parameter_count")
    return number_text(count, "{:,}") if count else missing


def loss_text(run, missing: str = "") -> str:
    """The final training loss the summary holds."""
    return number_text((run.summary or {}).get("train_loss"), missing=missing)


def speed_text(run, missing: str = "") -> str:
    """"12,345": tokens per second over the whole run, as the summary holds it."""
    return number_text((run.summary or {}).get("tokens_per_second"), "{:,.0f}", missing)


def device_text(device: str, precision: str = "") -> str:
    """"cuda:0, bf16": where a run trains, and in what when it is not plain fp32."""
    return f"{device}, {precision}" if precision and precision != "fp32" else device


def precision_text(run, missing: str = "not trained") -> str:
    """What the run trained in (fp32, bf16, fp16), as its summary holds it; a run
    trained before SeqLab resolved precision trained in what its spec says."""
    summary = run.summary or {}
    if summary.get("precision"):
        return str(summary["precision"])
    if not summary.get("device"):
        return missing
    return run.spec.training.precision if run.spec.training.precision != "auto" else MISSING


def run_facts(run) -> list[tuple[str, str]]:
    """(what, value) rows about one run, for the report's table and `main.py info`."""
    summary = run.summary or {}
    name, value = summary_metric(run)
    facts = [("architecture", architecture(run.spec)),
             ("task", run.spec.task.name),
             ("parameters", parameters_text(run, "not trained")),
             ("steps trained", f"{run.step:,}"),
             ("device", str(summary.get("device") or "not trained")),
             ("precision", precision_text(run)),
             ("final training loss", loss_text(run, MISSING)),
             (f"validation {name or 'metric'}", number_text(value, missing=MISSING)),
             ("tokens per second", speed_text(run, MISSING))]
    if summary.get("diverged_at") is not None:
        facts.append(("diverged at step", number_text(summary["diverged_at"], "{:,}")))
    return facts


# --------------------------------------------------------------- status bar
class StatusTexts(NamedTuple):
    step: str  # "step 1,234"
    loss: str  # "loss 0.1234" or "loss —"
    speed: str  # "12,345 tokens/s" or "— tokens/s"


def status_texts(run) -> StatusTexts:
    """The window's status bar while a run trains: its latest logged step, loss and speed."""
    loss = latest(run.history, "train_loss")
    speed = latest(run.history, "tokens_per_second") if loss is not None else None
    return StatusTexts(f"step {steps_done(run):,}", f"loss {number_text(loss, missing=MISSING)}",
                       f"{number_text(speed, '{:,.0f}', MISSING)} tokens/s")


# ------------------------------------------------------------------ project
def describe_project(project, path) -> str:
    """`main.py info`: the project, a table of its runs, and the facts of the
    current run (the one `main.py train` continues)."""
    lines = [f"{path}: project {project.name!r}, {len(project.runs)} run(s), created {project.created}"]
    if project.notes:
        lines.append(f"notes: {project.notes}")
    if not project.runs:
        return "\n".join(lines)
    current = project.run()
    header = ("", "run", "name", "architecture", "task", "steps", "metric", "val_loss", "params")
    rows = [("*" if run is current else "", run.id, run.name[:28], architecture(run.spec),
             run.spec.task.name, f"{run.step}/{run.spec.training.steps}", metric_text(run, MISSING),
             number_text((run.summary or {}).get("val_loss"), missing=MISSING), parameters_text(run, MISSING))
            for run in project.runs]
    lines.extend(_columns([header, *rows]))
    lines.append("* the current run: `main.py train` continues it")
    lines.append("")
    lines.append(f"{current.id}" + (f" ({current.name})" if current.name else "") + ":")
    lines.extend(_columns([("", what, value) for what, value in run_facts(current)]))
    return "\n".join(lines)


def _columns(rows: list[tuple]) -> list[str]:
    """`rows` as text lines, each column padded to its widest cell."""
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
