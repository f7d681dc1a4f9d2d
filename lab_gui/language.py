"""The window's language. The source text is English; other languages come
from Qt translation files in resources/translations (our own strings) and
from Qt's own files (the standard dialogs' buttons). The choice follows the
system unless the user picks one in View > Language."""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

import resources

TRANSLATIONS = Path(resources.__file__).parent / "translations"
# Each language named in itself, so a user who cannot read the current one
# still finds their own in the menu.
LANGUAGES = {"en": "English", "ko": "한국어"}
SOURCE_LANGUAGE = "en"


def system_language() -> str:
    """The first of the system's UI languages that SeqLab has, else English."""
    for name in QLocale.system().uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return SOURCE_LANGUAGE


# The translators installed on the application now. The language belongs to
# the application, not to one window, so there is one list.
_installed: list[QTranslator] = []


def apply_language(choice: str) -> str:
    """Switch the application to `choice` ("system" or a code of LANGUAGES) and
    return the code in use: English when the choice is unknown or its file is
    missing. Qt then sends every widget a LanguageChange event to re-read its texts."""
    code = system_language() if choice == "system" else choice
    if code not in LANGUAGES:
        code = SOURCE_LANGUAGE
    app = QCoreApplication.instance()
    while _installed:
        app.removeTranslator(_installed.pop())
    _language[0] = SOURCE_LANGUAGE
    if code == SOURCE_LANGUAGE:
        _follow_language()
        return code
    ours = QTranslator()
    if not ours.load(f"seqlab_{code}", str(TRANSLATIONS)):
        _follow_language()
        return SOURCE_LANGUAGE  # a broken install: stay readable in English
    translators = [ours]
    qt_own = QTranslator()  # the standard dialogs' buttons (Save, Cancel, …)
    if qt_own.load(f"qtbase_{code}", QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
        translators.append(qt_own)
    for translator in translators:
        app.installTranslator(translator)
        _installed.append(translator)
    _language[0] = code
    _follow_language()
    return code


def current_language() -> str:
    """The code of the language the application speaks now."""
    return _language[0]


_language = [SOURCE_LANGUAGE]


# ------------------------------------------------------------ texts that follow the language
# (owner, show): show(owner) sets the owner's texts in the language of the moment.
_followers: list[tuple[weakref.ref, Callable]] = []


def follow_language(owner, show: Callable) -> None:
    """Call `show(owner)` now, and again whenever the language changes, as long as
    `owner` (a widget, an action, a plot item) lives. `show` translates its texts
    with QCoreApplication.translate(context, text), which lupdate finds; it should
    take what it needs from `owner` rather than hold other widgets."""
    show(owner)
    _followers.append((weakref.ref(owner), show))


def _follow_language() -> None:
    alive = []
    for owner_ref, show in _followers:
        owner = owner_ref()
        if owner is None:
            continue
        try:
            show(owner)
        except RuntimeError:  # its Qt object is gone (the window closed)
            continue
        alive.append((owner_ref, show))
    _followers[:] = alive


def translated_text(owner, setter: str, context: str, text: str) -> None:
    """`owner.<setter>(text)` in the language of the moment, now and after every
    change of language. The caller marks `text` with QT_TRANSLATE_NOOP(context, text)."""
    follow_language(owner, lambda o: getattr(o, setter)(QCoreApplication.translate(context, text)))
