"""An HTML report of the project: the comparison of its runs and the current
run in detail, with the window's plots as images. One self-contained file:
the images are embedded as data, the style is inline, nothing is fetched, so
it opens in any browser with no network and can be mailed or archived."""

from __future__ import annotations

import base64
import html
import json
from datetime import datetime

from PySide6.QtCore import QCoreApplication

from engine.describe import run_facts
from lab_gui import APP_NAME
from lab_gui.docks import REPORT_PLOTS
from lab_gui.engine_text import engine_text
from lab_gui.language import current_language
from lab_gui.lesson_panel import lesson_html
from lab_gui.plots.export import png_bytes
from lab_gui.plots.panel import words
from lab_gui.theme import LIGHT

translate = QCoreApplication.translate  # the report's words: the "Report" context; plots' own: "Plots"

# Each plot is drawn afresh at this size in the light theme: the window's docks
# may be dark, narrow or hidden behind a tab (a squashed strip, seen in a report).
FIGURE_SIZE = (960, 420)
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1d1d1f; }
h1 { margin-bottom: 0.2em; } .meta { color: #666; margin-top: 0; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.7em; text-align: left; }
th { background: #f2f2f2; }
figure { margin: 1em 0 2em; } figure img { max-width: 100%; border: 1px solid #ddd; }
figcaption { color: #555; font-size: 0.9em; }
pre { background: #f6f6f6; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
.lesson { background: #f3f7ff; border-left: 4px solid #1f5fbf; padding: 0.5em 1em; }
"""


def build_report(document, panels: dict) -> str:
    """The report of `document`'s project as HTML text, in the window's language;
    `panels`: the window's plots, by dock name."""
    project, run = document.project, document.run()
    name = document.path.name if document.path else translate("Report", "untitled project")
    count = len(project.runs)
    meta = (translate("Report", "{app} report, {time}, 1 run") if count == 1 else
            translate("Report", "{app} report, {time}, {count} runs"))
    parts = [f"<h1>{html.escape(name)}</h1>",
             "<p class='meta'>" + html.escape(meta.format(app=APP_NAME, time=f"{datetime.now():%Y-%m-%d %H:%M}",
                                                          count=count)) + "</p>"]
    lesson = lesson_html(project)
    if lesson is not None:
        parts.append(f"<div class='lesson'>{lesson}</div>")
    if len(project.runs) > 1:
        parts.append("<h2>" + html.escape(translate("Report", "Runs compared")) + "</h2>")
        compare = _fresh(panels["compare"], lambda panel: panel.show_project(project))
        header, rows = compare.table()
        parts.append(_table([words(column) for column in header], rows))  # the compare table's own words
        if compare.has_data():
            parts.append(_figure(compare, translate("Report", "Training loss and validation metric of every run")))
    if project.sweeps:
        parts += _sweep(project, panels["sweep"])
    heading = translate("Report", "Run {id}: {name}").format(id=run.id, name=run.name or engine_text(run.spec.name))
    parts.append(f"<h2>{html.escape(heading)}</h2>")
    parts.append(_table([], _facts(run)))  # the facts `main.py info` prints, in the window's language
    for key in REPORT_PLOTS:  # the current run's plots, in the docks' order
        panel = _fresh(panels[key], lambda panel: panel.show_run(run))
        if not panel.has_data():
            continue
        if key == "attention":  # every map the model has: self, cross, decoder self
            for index in range(panel.which.count()):
                panel.which.setCurrentIndex(index)
                parts.append(_figure(panel, translate("Report", "Attention: {map}").format(
                    map=panel.which.itemText(index))))
        else:
            parts.append(_figure(panel, words(panel.title)))
    summary = html.escape(translate("Report", "The full experiment spec (JSON)"))
    parts.append(f"<details><summary>{summary}</summary>"
                 f"<pre>{html.escape(json.dumps(run.spec.to_dict(), indent=2))}</pre></details>")
    title = translate("Report", "{name} — {app} report").format(name=name, app=APP_NAME)
    return (f"<!DOCTYPE html>\n<html lang='{current_language()}'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
            f"<body>{''.join(parts)}</body></html>\n")


def _sweep(project, like) -> list[str]:
    """The project's last sweep: its tally, its trials, and the Sweep dock's plots drawn afresh."""
    from engine.sweep.record import sweep_of
    from lab_gui.sweep_progress import SweepProgress, tally_text

    record = sweep_of(project)
    progress = SweepProgress.of_project(project, record)

    def show(panel) -> None:
        panel.tally.hide()  # the figure is the plots; the table and tally are HTML below
        panel.grid.hide()
        panel.show_sweep(project, progress)

    panel = _fresh(like, show)
    heading = translate("Report", "Sweep {id}: {name}").format(id=record.id, name=record.plan.name)
    parts = [f"<h2>{html.escape(heading)}</h2>", f"<p>{html.escape(tally_text(progress.tally()))}</p>"]
    if panel.has_data():
        parts.append(_figure(panel, translate("Report", "Validation loss of each trial, and the task metric "
                                                        "against the varied fields (mean and spread over seeds)")))
    grid = panel.grid
    rows = [[grid.item(r, c).text() for c in range(grid.columnCount())] for r in range(grid.rowCount())]
    parts.append(_table(list(panel.header_labels()), rows))
    return parts


def _facts(run) -> list[tuple[str, str]]:
    """run_facts in the window's language: the engine's words through its templates, the task's name as
    the task form shows it; numbers, devices and model names as they are."""
    return [(engine_text(what), translate("Choices", value) if what == "task" else engine_text(value))
            for what, value in run_facts(run)]


def _table(header: list[str], rows: list[list[str]]) -> str:
    """An HTML table; no header row when `header` is empty."""
    head = "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>" if header else ""
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{head}{body}</table>"


def _fresh(like, show):
    """A new, unshown panel of the same kind as `like`, at FIGURE_SIZE in the light theme."""
    panel = type(like)()
    panel.resize(*FIGURE_SIZE)
    panel.apply_theme(LIGHT)
    show(panel)
    return panel


def _figure(panel, caption: str) -> str:
    data = base64.b64encode(png_bytes(panel.graphics)).decode("ascii")
    return (f"<figure><img alt='{html.escape(caption)}' src='data:image/png;base64,{data}'>"
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")
