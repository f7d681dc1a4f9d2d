"""The engine's messages in the window's language. The engine stays free of Qt:
it marks its words and message templates in engine/translation.py, and the
window translates a message where it shows it (a refused edit, a run that
cannot start or ended, the status bar, the compare table)."""

from __future__ import annotations

import re
from functools import lru_cache

from PySide6.QtCore import QCoreApplication

ENGINE = "Engine"
_PROBE = "step {step}"  # one of the templates: translated whenever the engine's words are


@lru_cache(maxsize=None)
def _patterns() -> list[tuple[re.Pattern, str]]:
    from engine.translation import TEMPLATES

    found = []
    for template in TEMPLATES:
        parts = re.split(r"\{(\w+)\}", template)
        regex = "".join(f"(?P<{part}>.+?)" if i % 2 else re.escape(part) for i, part in enumerate(parts))
        found.append((re.compile(regex + r"\Z", re.S), template))
    return found


def engine_text(text: str) -> str:
    """An engine message (a refused spec, a status text, the model in words) in the
    language of the moment: translated whole when it is one of the engine's words,
    or through the template it was made from (engine.translation.TEMPLATES), its
    parts put back (and translated too where they are words); else as it came."""
    if not text or QCoreApplication.translate(ENGINE, _PROBE) == _PROBE:
        return text  # no translation of the engine's words installed: English
    whole = QCoreApplication.translate(ENGINE, text)
    if whole != text:
        return whole
    for pattern, template in _patterns():
        match = pattern.match(text)
        if match:
            parts = {name: QCoreApplication.translate(ENGINE, value) for name, value in match.groupdict().items()}
            return QCoreApplication.translate(ENGINE, template).format(**parts)
    if "; " in text:  # SpecError: every problem, one after another
        return "; ".join(engine_text(piece) for piece in text.split("; "))
    sentences = re.split(r"(?<=\.) ", text)
    if len(sentences) > 1 or text.endswith("."):  # a message of sentences: one at a time
        return " ".join(_sentence(sentence) for sentence in sentences)
    return text


def _sentence(sentence: str) -> str:
    if not sentence.endswith("."):
        return engine_text(sentence)
    shown = engine_text(sentence[:-1])
    return shown if shown.endswith(".") else shown + "."
