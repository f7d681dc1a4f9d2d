"""The command line's live progress line fits one terminal row: a longer one
wraps, and each redraw then leaves a broken line behind on a narrow terminal."""

import io
import os

import numpy as np

from engine.events import Evaluation, Scalars
from engine.progress import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def live_lines(columns, monkeypatch):
    monkeypatch.setattr("shutil.get_terminal_size", lambda *args, **kwargs: os.terminal_size((columns, 24)))
    terminal = Terminal()
    progress = Progress(terminal)
    progress.total = 1000
    progress.show(Evaluation(10, 1.0, {"val_loss": 1.23456, "sequence_accuracy": 0.5, "token_accuracy": 0.75}), None)
    progress.last_draw = 0.0
    progress.show(Scalars(np.array([499]), np.array([1.0]), {"train_loss": np.array([0.5], np.float32)}), None)
    return [part for part in terminal.getvalue().split("\r\x1b[2K") if part.startswith("[")]


def test_the_live_line_is_clipped_to_a_narrow_terminal(monkeypatch):
    (line,) = live_lines(40, monkeypatch)
    assert len(line) <= 39 and line.endswith("…") and line.startswith("[############")


def test_a_wide_terminal_shows_the_whole_line(monkeypatch):
    (line,) = live_lines(300, monkeypatch)
    assert line.endswith("s left") and "sequence_accuracy 0.5" in line
