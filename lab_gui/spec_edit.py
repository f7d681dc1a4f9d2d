"""One edit of the spec, checked by the engine before the window takes it.

An edit that would leave the spec invalid is refused with the engine's own
message; edits that make other keys meaningless adjust them with it (leaving
seq2seq turns attention off), so switching family is one step, not three.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from engine.errors import SpecError
from engine.spec import TRANSFORMER_ARCHS, ExperimentSpec, get_key, parse_value
from engine.validation import experiment_problems, resolve_kind


@dataclass(frozen=True)
class EditResult:
    spec: ExperimentSpec | None  # the edited spec, or None when refused
    message: str = ""  # why it was refused, naming the field
    changed: tuple[str, ...] = ()  # every key the edit changed


def _coupled(spec: ExperimentSpec, key: str, value) -> dict:
    """Other keys an edit of `key` to `value` must change too."""
    extra: dict = {}
    if key == "model.family":
        if value != "seq2seq":
            extra.update({"model.attention": "none", "model.decoder_cell": None})
        if value == "transformer":
            extra["model.bidirectional"] = False
            # The Transformer layout that learns this task the way the model did
            # (seq2seq stays seq2seq), else any that can; the arch field shows only now.
            try:
                layout = resolve_kind(spec)
            except SpecError:
                layout = None
            fitting = []
            for arch in TRANSFORMER_ARCHS:
                try:
                    trial = spec.with_overrides({key: value, **extra, "model.arch": arch})
                    fitting.append((resolve_kind(trial) != layout, arch))
                except SpecError:
                    continue
            if fitting:
                extra["model.arch"] = min(fitting)[1]
    return {k: v for k, v in extra.items() if get_key(spec, k) != v}


def apply_edit(spec: ExperimentSpec, key: str, raw) -> EditResult:
    """`raw` is typed text (parsed as the key's type) or an already typed value."""
    try:
        value = parse_value(key, raw) if isinstance(raw, str) else raw
        overrides = {key: value, **_coupled(spec, key, value)}
        edited = spec.with_overrides(overrides)
    except SpecError as exc:
        return EditResult(None, _message_for(exc.problems, key))
    problems = experiment_problems(edited)
    if problems:
        return EditResult(None, _message_for(problems, key))
    changed = tuple(k for k in overrides if get_key(spec, k) != get_key(edited, k))
    return EditResult(edited, "", changed)


def _message_for(problems: list[tuple[str, str]], key: str) -> str:
    """The problem about the edited key first; otherwise the first one found."""
    for field, message in problems:
        if field == key:
            return message
    return problems[0][1] if problems else f"{key}: not a valid value"


class SpecEdit(QUndoCommand):
    """One accepted edit (`result` of apply_edit on `before`), undoable: `show` puts a spec in place."""

    def __init__(self, show: Callable[[ExperimentSpec], None], before: ExperimentSpec, result: EditResult):
        shown = ", ".join(f"{key}={_plain(get_key(result.spec, key))}" for key in result.changed)
        super().__init__(QCoreApplication.translate("Edits", "Set {values}").format(values=shown))
        self.show, self.before, self.after = show, before, result.spec

    def redo(self) -> None:
        self.show(self.after)

    def undo(self) -> None:
        self.show(self.before)


def _plain(value) -> str:
    return "none" if value is None else f"{value:g}" if isinstance(value, float) else str(value)
