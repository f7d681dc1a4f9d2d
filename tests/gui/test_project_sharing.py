"""One project, more than one window, and saves that fail: a project open in
one window opens read-only in another, a file changed on disk is never
overwritten without asking, and a failed save keeps the run and offers Save As."""

import errno
import os

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

import engine.project.files as project_files
from engine.cli import main
from engine.project import open_project, save_project
from engine.project.lock import lock_file_of
from tests.engine.project_helpers import trained_project
from tests.gui.conftest import train_to_end
from tests.gui.test_window import quick


@pytest.fixture
def choices(monkeypatch):
    """Answers the window's questions with buttons of their own: `answer` is
    the label pressed (None: Cancel); each question is recorded."""
    record = {"shown": [], "answer": None}

    def exec_(box):
        labels = [button.text() for button in box.buttons()]
        record["shown"].append((box.windowTitle(), box.text(), labels))
        wanted = record["answer"] if record["answer"] in labels else "Cancel"
        next(button for button in box.buttons() if button.text() == wanted).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return record


@pytest.fixture
def save_as_answers(monkeypatch):
    """The file names the Save dialog is given, in turn."""
    names = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(names.pop(0)), ""))
    return names


def test_a_project_open_in_one_window_opens_read_only_in_another_which_can_save_a_copy(
        qtbot, make_window, tmp_path, choices, save_as_answers, capsys):
    path = tmp_path / "shared.seqlab"
    save_project(trained_project(), path)
    before = path.read_bytes()
    first = make_window(path=path)
    assert not first.document.read_only and lock_file_of(path).exists()

    second = make_window(path=path)
    assert second.document.read_only and "(read-only)" in second.windowTitle()
    assert second.document.project.run().step == 6  # the project is there to look at
    assert second.status.banner.text().startswith(f"shared.seqlab is open for editing in a SeqLab window (process "
                                           f"{os.getpid()} of ")
    assert second.status.banner.action_labels() == ["Save a Copy As…"]
    # its recovery copy is its own, not the one the first window keeps for shared.seqlab
    assert second.document.autosaver.project_path is None and second.document.autosaver.path != first.document.autosaver.path
    assert main(["train", str(path), "--steps", "2", "--quiet"]) == 2  # nor may the command line write it
    assert "is open for editing in a SeqLab window" in capsys.readouterr().err

    copy = tmp_path / "mine.seqlab"
    save_as_answers.append(copy)
    second.status.banner.trigger("Save a Copy As…")
    assert not second.document.read_only and second.document.path == copy and open_project(copy).run().step == 6
    assert path.read_bytes() == before and choices["shown"] == []

    first.close()  # the first window lets the project go
    assert not lock_file_of(path).exists() and lock_file_of(copy).exists()


def test_a_failed_save_keeps_the_trained_run_and_offers_save_as(qtbot, make_window, tmp_path, choices,
                                                                save_as_answers, monkeypatch):
    window = make_window()
    quick(window, 5)
    train_to_end(qtbot, window)
    path = tmp_path / "lab.seqlab"
    assert window.document.save_to(path)
    before = path.read_bytes()
    window.session.new_run()  # unsaved work
    real_write = project_files.write_archive

    def disk_full_there(where, *args, **kwargs):
        if where == path:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(where, *args, **kwargs)

    monkeypatch.setattr(project_files, "write_archive", disk_full_there)
    assert not window.document.save()  # cancelled
    (title, text, labels), = choices["shown"]
    assert title == "Cannot save project" and labels[0] == "Save As…" and "Cancel" in labels
    assert text.startswith(f"{path}: cannot be saved (No space left on device); the file there before is "
                           f"unchanged.") and "Everything is still here" in text
    assert window.isWindowModified() and len(window.document.project.runs) == 2 and window.document.project.runs[0].step == 5
    assert path.read_bytes() == before

    choices["answer"] = "Save As…"
    elsewhere = tmp_path / "elsewhere.seqlab"
    save_as_answers.append(elsewhere)
    assert window.document.save()
    saved = open_project(elsewhere)
    assert len(saved.runs) == 2 and saved.runs[0].step == 5 and window.document.path == elsewhere
    assert not window.isWindowModified() and lock_file_of(elsewhere).exists() and not lock_file_of(path).exists()


def test_a_project_changed_on_disk_since_it_was_opened_is_never_silently_overwritten(
        qtbot, make_window, tmp_path, choices, save_as_answers):
    path = tmp_path / "lab.seqlab"
    save_project(trained_project(), path)
    window = make_window(path=path)
    window.session.new_run()
    theirs = trained_project()
    theirs.notes = "saved by another program"
    save_project(theirs, path)

    assert not window.document.save()  # cancelled: nothing written
    (title, text, labels), = choices["shown"]
    assert title == "Project changed on disk" and f"{path}: was changed by another program since it was opened" \
        in text and labels[:3] == ["Save As…", "Overwrite", "Reload"]
    assert open_project(path).notes == "saved by another program" and window.isWindowModified()

    choices["answer"] = "Save As…"
    save_as_answers.append(tmp_path / "mine.seqlab")
    assert window.document.save() and len(open_project(tmp_path / "mine.seqlab").runs) == 2
    assert open_project(path).notes == "saved by another program"

    window.document.open_file(path)
    save_project(theirs, path)  # changed again after this window opened it
    window.session.new_run()
    choices["answer"] = "Reload"
    assert not window.document.save()
    assert window.document.project.notes == "saved by another program" and len(window.document.project.runs) == 1
    assert not window.isWindowModified()

    save_project(trained_project(steps=3), path)
    window.session.new_run()
    choices["answer"] = "Overwrite"  # the user's word: then it is written
    assert window.document.save() and len(open_project(path).runs) == 2
    window.session.new_run()
    choices["shown"].clear()
    assert window.document.save() and choices["shown"] == []  # its own save is not a change by another program
