"""SeqLab as a desktop application: its icon, its desktop entry, Help ▸ About, Qt's
own command-line options, and the window's start-up (version, icon, log, faults)."""

import configparser
import html
import os
import platform
import re
import subprocess
import sys
import textwrap
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import PySide6
import torch
from PySide6.QtCore import qVersion
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMessageBox

import engine
import main
from engine.training import available_devices
from lab_gui.app import ICON
from lab_gui.dialogs import SUFFIX

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"


def test_the_icon_loads_and_is_drawn(qapp):
    icon = QIcon(str(ICON))
    assert not icon.isNull()
    image = icon.pixmap(64, 64).toImage()
    colours = {image.pixel(x, y) for x in range(0, 64, 2) for y in range(0, 64, 2)}
    assert len(colours) > 8  # not blank: a ground, cells, links and an accent
    assert image.pixelColor(32, 32).alpha() == 255 and image.pixelColor(0, 0).alpha() == 0  # rounded corners


def test_the_desktop_entry_names_the_command_the_icon_and_the_project_type():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # its keys are case-sensitive
    entry.read(RESOURCES / "seqlab.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Name"] == "SeqLab" and desktop["Terminal"] == "false"
    command, argument = desktop["Exec"].split()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert command in scripts and argument == "%f"
    assert (RESOURCES / f"{desktop['Icon']}.svg").is_file()
    assert desktop["Categories"].endswith(";") and desktop["MimeType"] == "application/x-seqlab;"
    mime = ET.parse(RESOURCES / "seqlab-project.xml").getroot()[0]
    assert mime.get("type") == "application/x-seqlab"
    assert mime.find("{http://www.freedesktop.org/standards/shared-mime-info}glob").get("pattern") == f"*{SUFFIX}"


def test_about_names_the_versions_the_devices_and_the_log_folder(make_window, monkeypatch, tmp_path):
    monkeypatch.setenv("SEQLAB_LOG_DIR", str(tmp_path / "logs"))
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append((parent, title, text)))
    window = make_window()
    window.commands.about.trigger()
    [(parent, title, text)] = shown
    assert parent is window and title == "About SeqLab"
    plain = html.unescape(re.sub(r"<[^>]+>", " ", text))
    for name, version in (("SeqLab", engine.__version__), ("Python", platform.python_version()),
                          ("PyTorch", torch.__version__), ("PySide6", PySide6.__version__), ("Qt", qVersion()),
                          ("Devices", ", ".join(available_devices())), ("Logs", str(tmp_path / "logs"))):
        assert re.search(rf"{name}\s+{re.escape(version)}", plain), (name, version, plain)


def test_qt_options_go_to_the_window_and_seqlabs_own_to_the_command_line():
    assert main.window_arguments([]) == ([], None)
    assert main.window_arguments(["a.seqlab"]) == ([], "a.seqlab")
    assert main.window_arguments(["-platform", "offscreen", "a.seqlab", "-reverse"]) == (
        ["-platform", "offscreen", "-reverse"], "a.seqlab")
    assert main.window_arguments(["-style=fusion"]) == (["-style=fusion"], None)
    for headless in (["train", "--steps", "3"], ["--version"], ["-h"], ["a.seqlab", "b.seqlab"], ["-unknown"]):
        assert main.window_arguments(headless) is None, headless


def test_the_window_starts_with_its_version_icon_log_and_fault_trace(tmp_path):
    """`main.py -platform offscreen`: Qt takes its option (there is no screen here
    otherwise), and the window starts as an installed application does."""
    script = textwrap.dedent("""
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication, QMessageBox
        QMessageBox.question = staticmethod(lambda *args, **kwargs: QMessageBox.Discard)
        import main
        import lab_gui.main_window as main_window
        started = main_window.MainWindow.finish_startup
        def look(window):
            app = QApplication.instance()
            print("PLATFORM", app.platformName(), "VERSION", app.applicationVersion(),
                  "DESKTOP", app.desktopFileName(), "ICONS", app.windowIcon().isNull(), window.windowIcon().isNull(),
                  "HOOK", type(sys.excepthook.__self__).__name__)
            window.close()
        def finish_startup(window, path):
            started(window, path)
            QTimer.singleShot(0, lambda: look(window))
        main_window.MainWindow.finish_startup = finish_startup
        code = main.main(["-platform", "offscreen"])
        print("EXIT", code, "HOOK RESTORED", sys.excepthook is sys.__excepthook__)
    """)
    env = {key: value for key, value in os.environ.items() if key not in ("QT_QPA_PLATFORM", "DISPLAY")}
    env.update(SEQLAB_LOG_DIR=str(tmp_path / "logs"), SEQLAB_STATE_DIR=str(tmp_path / "state"), HOME=str(tmp_path))
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=240,
                            env=env)
    assert result.returncode == 0, result.stderr
    assert (f"PLATFORM offscreen VERSION {engine.__version__} DESKTOP seqlab ICONS False False HOOK CrashReporter"
            in result.stdout), result.stdout + result.stderr
    assert "EXIT 0 HOOK RESTORED True" in result.stdout
    assert f"seqlab.window: started: SeqLab {engine.__version__}" in (tmp_path / "logs" / "seqlab.log").read_text()
    assert re.search(r"--- SeqLab \S+, window \(pid \d+\)", (tmp_path / "logs" / "faults.log").read_text())
