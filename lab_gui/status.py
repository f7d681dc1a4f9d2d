"""What the window says about the run and the project: the status bar's state,
step, loss, speed and device, the progress bar, passing messages, and the
banner for what a person must decide (with its buttons)."""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.banner import Banner
from lab_gui.engine_text import engine_text
from lab_gui.language import follow_language

translate = QCoreApplication.translate
# The training session's states, as the status bar names them.
STATES = {"idle": QT_TRANSLATE_NOOP("Status", "idle"), "running": QT_TRANSLATE_NOOP("Status", "running"),
          "paused": QT_TRANSLATE_NOOP("Status", "paused"), "stopping": QT_TRANSLATE_NOOP("Status", "stopping")}

PROGRESS_SECONDS = 0.25


class StatusArea:
    def __init__(self, bar: QStatusBar):
        self.bar = bar
        self.state_label = QLabel(translate("Status", "idle"))
        self.step_label = QLabel(engine_text("step —"))
        self.loss_label = QLabel(engine_text("loss —"))
        self.speed_label = QLabel(engine_text("— tokens/s"))
        self.device_label = QLabel()
        self.device = "—"
        follow_language(self.device_label, lambda label: label.setText(
            translate("Status", "device {device}").format(device=self.device)))
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        follow_language(self.progress, lambda bar: bar.setFormat(translate("Status", "%v / %m steps")))
        for widget in (self.state_label, self.step_label, self.loss_label, self.speed_label, self.device_label):
            widget.setMinimumWidth(90)
            bar.addPermanentWidget(widget)
        bar.addPermanentWidget(self.progress)
        self.banner: Banner | None = None  # placed with the training controls once they exist
        self.reveal_banner: Callable[[], None] = lambda: None  # brings the banner's dock to the front
        self._progress_shown = 0.0

    def say(self, text: str, milliseconds: int = 5000) -> None:
        self.bar.showMessage(text, milliseconds)

    def notice(self, text: str, actions: list) -> None:
        """`text` in the banner with a button per (label, callback), and its first
        sentence in the status bar; an empty text takes the banner away."""
        if self.banner is None:
            return
        if not text:
            self.banner.hide()
            return
        self.banner.show_message(text, actions)
        self.reveal_banner()
        self.say(text.split(". ")[0], 15000)

    def set_state(self, state: str) -> None:
        self.state_label.setText(translate("Status", STATES[state]) if state in STATES else state)

    def started(self, device: str, total_steps: int) -> None:
        self.device = device
        self.device_label.setText(translate("Status", "device {device}").format(device=device))
        self.progress.setRange(0, total_steps)

    def show_run(self, run, training: bool = False) -> None:
        """The run's latest step, loss and speed; while `training`, the progress bar
        moves 4 times a second: QProgressBar.setValue repaints at once, not at the
        next frame, and a tenth of the window's time went there (py-spy)."""
        from engine.describe import status_texts, steps_done

        if run is None:
            return
        texts = [engine_text(text) for text in status_texts(run)]
        for label, text in zip((self.step_label, self.loss_label, self.speed_label), texts):
            if label.text() != text:  # an unchanged text costs no relayout
                label.setText(text)
        total = max(run.spec.training.steps, 1)
        if self.progress.maximum() != total:
            self.progress.setRange(0, total)
        now = time.perf_counter()
        if not training or now - self._progress_shown >= PROGRESS_SECONDS:
            self.progress.setValue(min(steps_done(run), total))
            self._progress_shown = now
