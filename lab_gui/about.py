"""Help ▸ About's text, and the versions a bug report needs."""

from __future__ import annotations

import html
import platform
import sys

import PySide6
from PySide6.QtCore import QCoreApplication, QUrl, qVersion

from engine import __version__
from engine.logs import log_folder
from engine.translation import QT_TRANSLATE_NOOP


def versions() -> list[tuple[str, str]]:
    """What SeqLab runs on; PyTorch only once it is loaded (a crash report must not wait seconds for it)."""
    found = [("SeqLab", __version__), ("Python", platform.python_version()), ("PySide6", PySide6.__version__),
             ("Qt", qVersion())]
    torch = sys.modules.get("torch")
    if torch is not None:
        found.append(("PyTorch", torch.__version__))
    found.append((QT_TRANSLATE_NOOP("About", "System"), platform.platform()))  # About translates it; a bug report not
    return found


def versions_line() -> str:
    return ", ".join(f"{name} {version}" for name, version in versions())


def about_html() -> str:
    """What SeqLab is, what it runs on, the devices that can train, and the log folder (a link)."""
    from engine.training import available_devices  # torch: the window has it loaded by now

    translate = QCoreApplication.translate
    devices, logs = available_devices(), log_folder()
    # the names of what SeqLab runs on are names (Python, Qt); "System" is a word
    rows = [(translate("About", name), html.escape(version)) for name, version in versions()[1:]]
    rows.append((translate("About", "Devices"), html.escape(", ".join(devices))))
    rows.append((translate("About", "Logs"), f'<a href="{html.escape(QUrl.fromLocalFile(str(logs)).toString())}">'
                                             f"{html.escape(str(logs))}</a>"))
    table = "".join(f"<tr><td>{html.escape(name)}&nbsp;&nbsp;</td><td>{value}</td></tr>" for name, value in rows)
    blurb = html.escape(translate("About", "Build, train and see inside sequence models, live."))
    return (f"<h3>SeqLab {html.escape(__version__)}</h3>"
            f"<p>{blurb}</p>"
            f"<table cellspacing=0 cellpadding=1>{table}</table>")
