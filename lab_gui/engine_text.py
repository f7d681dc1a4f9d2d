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
def _patterns(strict: bool = True) -> list[tuple[re.Pattern, str]]:
    """`strict`: a part never holds "; " or ". ", where a SpecError joins its problems and a
    message its sentences: a template matched across two ("a=0 must be at least 1; b=0 must be
    at least 1", "diverged at step 7: the loss became nan. The weights … are kept.") garbles both."""
    from engine.translation import TEMPLATES

    part_regex = r"(?:(?!; |\. ).)+?" if strict else ".+?"
    found = []
    for template in TEMPLATES:
        parts = re.split(r"\{(\w+)\}", template)
        regex = "".join(f"(?P<{part}>{part_regex})" if i % 2 else re.escape(part) for i, part in enumerate(parts))
        found.append((re.compile(regex + r"\Z", re.S), template))
    return found


def engine_text(text: str) -> str:
    """An engine message (a refused spec, a status text, the model in words) in the
    language of the moment: translated whole when it is one of the engine's words,
    or through the template it was made from (engine.translation.TEMPLATES), its parts put back (and translated too where they
    are words, or messages: a {message} part); else as it came."""
    if not text or QCoreApplication.translate(ENGINE, _PROBE) == _PROBE:
        return text  # no translation of the engine's words installed: English
    known = _known(text)
    if known is not None:
        return known
    if "; " in text and not text.endswith("."):  # SpecError: every problem, one after another
        pieces = text.split("; ")
        shown = _problems(pieces)
        if shown != pieces:
            return "; ".join(shown)
    sentences = _sentences(text)
    if len(sentences) > 1 or text.endswith("."):  # a message of sentences: one at a time
        shown = " ".join(_sentence(sentence) for sentence in sentences)
        if shown != text:
            return shown
    # one message whose part holds "; " or ". " (an error it quotes, a file's name), or none known
    return _known(text, strict=False) or text


def _known(text: str, strict: bool = True) -> str | None:
    """`text` translated whole, as one of the engine's words or through its template; None if neither."""
    whole = QCoreApplication.translate(ENGINE, text)
    if whole != text:
        return whole
    for pattern, template in _patterns(strict):
        match = pattern.match(text)
        if match:
            # a {message} part is a message of its own (a sweep's trial that the spec refused)
            parts = {name: engine_text(value) if name == "message" else QCoreApplication.translate(ENGINE, value)
                     for name, value in match.groupdict().items()}
            return QCoreApplication.translate(ENGINE, template).format(**parts)
    return None


def _problems(pieces: list[str]) -> list[str]:
    """A SpecError's problems, split at "; ", translated: a problem may hold "; " itself
    ("training.precision=fp16 is for CUDA; training.device=cpu trains in fp32"), so the
    longest run of pieces that is one known message goes first, else a piece alone."""
    shown, start = [], 0
    while start < len(pieces):
        for end in range(len(pieces), start + 1, -1):
            known = _known("; ".join(pieces[start:end]))
            if known is not None:
                break
        else:
            end, known = start + 1, engine_text(pieces[start])
        shown.append(known)
        start = end
    return shown


def _sentences(text: str) -> list[str]:
    """`text` split after every ". " outside parentheses: an error a message quotes
    ("out of memory on cuda at step 5 (CUDA out of memory. Tried to allocate …)") stays in its sentence."""
    found, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == " " and depth == 0 and index and text[index - 1] == ".":
            found.append(text[start:index])
            start = index + 1
    found.append(text[start:])
    return found


def _sentence(sentence: str) -> str:
    if not sentence.endswith("."):
        return engine_text(sentence)
    shown = engine_text(sentence[:-1])
    return shown if shown.endswith(".") else shown + "."
