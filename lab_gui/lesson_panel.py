"""The Lesson panel: the open lesson's claim and what to look at, in the
window's language, redrawn when the language changes."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QTextBrowser

from engine.lessons.catalog import TEXTS, TRANSLATION_CONTEXT, LessonText


def translated(text: str) -> str:
    """A lesson string in the window's language (English when there is no translation)."""
    return QCoreApplication.translate(TRANSLATION_CONTEXT, text)


def menu_entries() -> list[tuple[int, str]]:
    """(number, menu label) of each lesson, with a mnemonic on lessons 1 to 9."""
    return [(t.number, f"&{t.number}. {translated(t.title)}" if t.number < 10 else f"{t.number}. {translated(t.title)}")
            for t in TEXTS]


def lesson_text(project) -> LessonText | None:
    """The lesson a project was opened from, if any."""
    key = project.ui.get("lesson") if project is not None and isinstance(project.ui, dict) else None
    return next((text for text in TEXTS if text.key == key), None)


class LessonPanel(QTextBrowser):
    def __init__(self) -> None:
        super().__init__()
        self.setOpenExternalLinks(False)
        self.project = None
        self.render()

    def show_project(self, project) -> None:
        self.project = project
        self.render()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.LanguageChange:
            self.render()
        super().changeEvent(event)

    def render(self) -> None:
        self.setHtml(lesson_html(self.project) or self.tr("<p>Open a lesson from the <b>Lessons</b> menu.</p>"))


def lesson_html(project) -> str | None:
    """The lesson a project was opened from, in the window's language: its claim, what to
    try, its runs and the command that checks it; None when the project is no lesson.
    The Lesson panel shows it, and the HTML report includes it."""
    item = lesson_text(project)
    if item is None:
        return None
    translate = QCoreApplication.translate
    runs = "".join(f"<li>{html.escape(run.name)}</li>" for run in project.runs)
    command = f"<code>python main.py lessons --only {item.number}</code>"
    heading = translate("LessonPanel", "Lesson {number}: {title}").format(
        number=item.number, title=html.escape(translated(item.title)))
    claim, guide = html.escape(translated(item.claim)), html.escape(translated(item.guide))
    claim_label = translate("LessonPanel", "Claim.")
    guide_label = translate("LessonPanel", "Try it.")
    runs_label = translate("LessonPanel", "Runs")
    checked = translate("LessonPanel", "Checked headless by {command}.").format(command=command)
    return (f"<h2>{heading}</h2>"
            f"<p><b>{claim_label}</b> {claim}</p>"
            f"<p><b>{guide_label}</b> {guide}</p>"
            f"<p><b>{runs_label}</b></p><ul>{runs}</ul>"
            f"<p><small>{checked}</small></p>")
