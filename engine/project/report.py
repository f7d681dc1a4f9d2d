"""A project's runs as text (`main.py info`)."""

from __future__ import annotations

from pathlib import Path

from engine.project.model import Project


def _model_text(spec) -> str:
    model = spec.model
    if model.family == "transformer":
        return f"transformer/{model.arch}"
    cell = model.cell if model.decoder_cell in (None, model.cell) else f"{model.cell}>{model.decoder_cell}"
    if model.family == "seq2seq":
        return f"seq2seq {cell}" + (f"+{model.attention}" if model.attention != "none" else "")
    return f"{model.cell}" + (f" x{model.layers}" if model.layers > 1 else "")


def _number(value) -> str:
    return "-" if value is None else f"{value:.4g}" if isinstance(value, float) else str(value)


def describe_project(project: Project, path: Path) -> str:
    lines = [f"{path}: project {project.name!r}, {len(project.runs)} run(s), created {project.created}"]
    if project.notes:
        lines.append(f"notes: {project.notes}")
    header = ("", "run", "name", "model", "task", "steps", "metric", "val_loss", "params")
    rows = []
    for run in project.runs:
        metric = run.summary.get("metric") or {}
        rows.append(("*" if run.id == project.current_run else "", run.id, run.name[:28], _model_text(run.spec),
                     run.spec.task.name, f"{run.step}/{run.spec.training.steps}",
                     f"{metric.get('name', '')} {_number(metric.get('value'))}".strip(),
                     _number(run.summary.get("val_loss")), _number(run.summary.get("parameter_count"))))
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        lines.append("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
    if project.runs:
        lines.append("* the current run: `main.py train` continues it")
    return "\n".join(lines)
