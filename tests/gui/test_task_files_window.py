"""A project that names a file on this computer but does not hold it: the window
opens it, shows the run, reads nothing, and asks for the file."""

from PySide6.QtWidgets import QFileDialog

from engine.project import Project, open_project, save_project
from tests.engine.helpers import files_opened, small_spec
from tests.gui.conftest import wait_until

STORY = "Once upon a time there was a little recurrent network that learned to spell. " * 30


def test_a_project_naming_a_local_file_opens_reads_nothing_and_asks(qtbot, make_window, tmp_path, monkeypatch):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET " * 400, encoding="utf-8")
    project = Project(name="from a stranger")
    project.add_run(small_spec(task__name="text_file", task__path=str(secret), task__length=12, task__val_size=8,
                               task__train_size=64, model__family="rnn", model__attention="none",
                               training__steps=4, training__eval_every=2))
    path = tmp_path / "stranger.seqlab"
    save_project(project, path)

    window = make_window()
    with files_opened() as audit:
        assert window.document.open_file(path)
        assert window.document.draft.task.path == str(secret)  # the run is shown as it is
        assert "does not hold" in window.diagram.message and "choose the file" in window.diagram.message
        assert window.status.banner.action_labels() == ["Choose File…"]
        assert not window.session.train()
        window.open_playground()
        wait_until(qtbot, lambda: "has not been read" in window.playground.message.text(),
                   message="the Playground to say the file is missing")  # its first try comes from the event loop
    assert str(secret) not in audit.paths and str(path) in audit.paths
    assert not window.session.active

    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(story), ""))
    window.status.banner.trigger("Choose File…")
    assert window.document.draft.task.path == str(story)
    run = window.document.project.run()  # the run itself now learns from the chosen file, and continues
    assert run.spec.task.path == str(story) and run.task_file.content == STORY.encode()
    assert window.diagram.blueprint is not None and not window.status.banner.isVisible()
    assert window.session.train()
    wait_until(qtbot, lambda: not window.session.active, message="the run to end")
    assert window.document.project.run() is run and run.step == 4 and len(window.document.project.runs) == 1
    assert window.document.save_to(tmp_path / "mine.seqlab")
    story.unlink()  # the project now holds it
    run = open_project(tmp_path / "mine.seqlab").run()
    assert run.task_file is not None and run.task_file.content == STORY.encode() and run.step == 4
