"""Training progress for a terminal: a live line on a TTY, plain lines otherwise."""

from __future__ import annotations

import shutil
import time

from engine.describe import device_text
from engine.events import Evaluation, RunFinished, RunStarted, Scalars, SettingChanged, RunWarning
from engine.training import Trainer


class Progress:
    """A live progress line on a terminal; plain lines (one per evaluation) otherwise."""

    def __init__(self, stream, quiet: bool = False):
        self.stream = stream
        self.tty = stream.isatty()
        self.quiet = quiet
        self.total = 0
        self.last_draw = 0.0
        self.last_eval = ""
        self.loss = float("nan")
        self.started = time.monotonic()
        self.first_step = 0

    def _line(self, text: str) -> None:
        if self.tty:
            self.stream.write("\r\x1b[2K")
        self.stream.write(text + "\n")
        self.stream.flush()

    def note(self, text: str) -> None:
        self._line(text)

    def show(self, event, trainer: Trainer) -> None:
        if isinstance(event, RunStarted):
            self.total, self.first_step = event.total_steps, event.start_step
            if not self.quiet:
                spec = trainer.spec
                model = spec.model.family if spec.model.family != "transformer" else f"transformer ({spec.model.arch})"
                self._line(f"{spec.name}: {model} on {spec.task.name} ({event.kind}), "
                           f"{event.parameter_count:,} parameters, "
                           f"device {device_text(event.device, event.precision)}, "
                           f"{event.total_steps} steps")
        elif isinstance(event, Scalars):
            if len(event):
                self.loss = float(event.values["train_loss"][-1])
            if self.tty and not self.quiet and time.monotonic() - self.last_draw > 0.1:
                self._draw(int(event.steps[-1]) + 1, trainer)
        elif isinstance(event, Evaluation):
            self.last_eval = "  ".join(f"{k} {v:.4g}" for k, v in event.values.items())
            if not self.quiet:
                self._line(f"step {event.step:>{len(str(self.total))}}/{self.total}  "
                           f"train_loss {self.loss:.4g}  {self.last_eval}")
        elif isinstance(event, SettingChanged) and not self.quiet:
            self._line(f"step {event.step}: {event.name} set to {event.value:g}")
        elif isinstance(event, RunWarning) and not self.quiet:
            self._line(f"step {event.step}: warning: {event.message}")
        elif isinstance(event, RunFinished):
            s = event.summary
            metric = s["metric"]
            value = "n/a" if metric["value"] is None else f"{metric['value']:.4g}"
            self._line(f"{event.reason} at step {event.step}: train_loss {_fmt(s['train_loss'])}  "
                       f"val_loss {_fmt(s['val_loss'])}  {metric['name']} {value}  "
                       f"({s['tokens_per_second'] or 0:,.0f} tokens/s on {s['device']})")

    def _draw(self, step: int, trainer: Trainer) -> None:
        self.last_draw = time.monotonic()
        done = step / max(1, self.total)
        bar = "#" * int(done * 24)
        elapsed = time.monotonic() - self.started
        rate = (step - self.first_step) / elapsed if elapsed > 0 else 0
        left = (self.total - step) / rate if rate > 0 else 0
        line = (f"[{bar:<24}] {step}/{self.total}  loss {self.loss:.4g}  "
                f"{self.last_eval}  {rate:.1f} steps/s  {left:.0f}s left")
        # one terminal row: a longer line wraps, and "\r" then redraws only its last row
        width = shutil.get_terminal_size().columns - 1
        self.stream.write("\r\x1b[2K" + (line if len(line) <= width else line[:max(width - 1, 0)] + "…"))
        self.stream.flush()


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.4g}"
