"""Window tests run offscreen with their own settings file and state folder,
and with message boxes answered (a modal box would wait for a click)."""

import time

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox


@pytest.fixture(autouse=True)
def own_state(tmp_path, monkeypatch):
    monkeypatch.setenv("SEQLAB_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture
def dialogs(monkeypatch):
    """Records every message box; `answer` is what a question gets."""
    record = {"shown": [], "answer": QMessageBox.Discard}

    def question(_parent, title, text, *args, **kwargs):
        record["shown"].append(("question", title, text))
        return record["answer"]

    def warning(_parent, title, text, *args, **kwargs):
        record["shown"].append(("warning", title, text))
        return QMessageBox.Ok

    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "warning", warning)
    return record


@pytest.fixture
def make_window(qtbot, tmp_path, dialogs):
    from lab_gui.main_window import MainWindow

    made = []

    def make(host_kind="thread", path=None, settings_name=None):
        settings = QSettings(str(tmp_path / f"{settings_name or f'settings-{len(made)}'}.ini"), QSettings.IniFormat)
        if settings.value("language") is None:
            settings.setValue("language", "en")  # the texts tests look for, whatever the system's language
        window = MainWindow(host_kind=host_kind, settings=settings)
        qtbot.addWidget(window)
        window.show()
        window.finish_startup(path)
        made.append(window)
        return window

    yield make
    for window in made:
        if window.ready:
            window.session.controller.shutdown(30)


def wait_until(qtbot, condition, timeout=120.0, message="condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {message}")
        qtbot.wait(20)


def train_to_end(qtbot, window, timeout=180.0):
    assert window.session.train()
    wait_until(qtbot, lambda: not window.session.active, timeout, "the run to end")
