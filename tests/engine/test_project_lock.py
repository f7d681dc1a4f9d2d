"""Saving keeps what the user has: the lock on a project open for editing, a
file changed on disk since it was opened, links, permissions, private
recovery copies, and a failed autosave said once, in words."""

import errno
import json
import os
import socket
import stat
import time

import psutil
import pytest

import engine.project.archive as archive
from engine import atomic_file
from engine.atomic_file import remove_stale_partials, wait_for_releases
from engine.cli import main
from engine.errors import ProjectError
from engine.project import open_project, save_project
from engine.project.lock import (ProjectChangedOnDisk, ProjectLock, ProjectLocked, check_unchanged, file_identity,
                                 lock_file_of)
from engine.project.recovery import Autosaver, recovery_copies
from tests.engine.project_helpers import trained_project

DEAD_PID = 999_999_999  # above any pid_max: no process has it


@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    folder = tmp_path / "state"
    monkeypatch.setenv("SEQLAB_STATE_DIR", str(folder))
    return folder


@pytest.fixture
def project_file(tmp_path):
    path = tmp_path / "p.seqlab"
    save_project(trained_project(), path)
    return path


def write_lock(project_path, pid, host=None, started=None):
    lock_file_of(project_path).write_text(json.dumps({
        "program": "a SeqLab window", "pid": pid, "host": host or socket.gethostname(), "user": "ada",
        "since": time.time() - 60, "process_started": started}))


# ------------------------------------------------------------------ the lock
def test_a_project_open_in_a_window_is_refused_by_train_in_one_line_and_read_by_info(
        project_file, state_dir, capsys):
    before = project_file.read_bytes()
    with ProjectLock.acquire(project_file, "a SeqLab window"):
        assert main(["train", str(project_file), "--steps", "2", "--quiet"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith(f"seqlab: error: {project_file}: is open for editing in "
                                                       f"a SeqLab window (process {os.getpid()} of ")
        assert main(["train", "--preset", "hello-rnn", "--steps", "2", "--project", str(project_file),
                     "--quiet"]) == 2
        assert "is open for editing in a SeqLab window" in capsys.readouterr().err
        assert project_file.read_bytes() == before
        assert main(["info", str(project_file)]) == 0  # reading needs no lock
        with pytest.raises(ProjectLocked, match="is open for editing in a SeqLab window"):
            ProjectLock.acquire(project_file, "a SeqLab window")  # a second window in this very process too
    assert main(["train", str(project_file), "--steps", "2", "--quiet"]) == 0  # released: free again
    assert open_project(project_file).run().step == 8
    assert [name for name in os.listdir(project_file.parent) if name != "state"] == ["p.seqlab"]  # lock let go


def test_a_lock_whose_process_ended_or_whose_pid_was_reused_is_taken_over(project_file):
    write_lock(project_file, DEAD_PID)
    with ProjectLock.acquire(project_file, "`main.py train`") as lock:
        assert json.loads(lock.file.read_text())["pid"] == os.getpid()
    assert not lock_file_of(project_file).exists()
    write_lock(project_file, os.getpid(), started=psutil.Process().create_time() - 1000)  # a pid now someone else's
    with ProjectLock.acquire(project_file, "`main.py train`"):
        pass
    write_lock(project_file, DEAD_PID, host="another-machine")  # cannot be checked from here: held
    with pytest.raises(ProjectLocked, match=f"another-machine.*if that program has ended, delete "
                                            f".*{lock_file_of(project_file).name}"):
        ProjectLock.acquire(project_file, "`main.py train`")


def test_process_checks_ask_psutil_and_never_send_signal_0(tmp_path, project_file, monkeypatch):
    """os.kill(pid, 0) is no probe on Windows (signal 0 is CTRL_C_EVENT there)."""
    asked, signalled = [], []
    monkeypatch.setattr(os, "kill", lambda pid, sig: signalled.append((pid, sig)))
    monkeypatch.setattr(psutil, "pid_exists", lambda pid: asked.append(pid) or pid == os.getpid())
    target = tmp_path / "notes.json"
    dead = tmp_path / f".notes.json.{DEAD_PID}.0123abcd.partial"
    live = tmp_path / f".notes.json.{os.getpid()}.89abcdef.partial"
    dead.write_bytes(b"half")
    live.write_bytes(b"being written")
    remove_stale_partials(target)
    assert not dead.exists() and live.exists()
    write_lock(project_file, DEAD_PID)
    ProjectLock.acquire(project_file, "a SeqLab window").release()
    assert signalled == [] and DEAD_PID in asked and os.getpid() in asked


# ------------------------------------------------------------ changed on disk
def test_a_file_changed_since_it_was_opened_is_noticed(tmp_path, project_file):
    opened = file_identity(project_file)
    check_unchanged(project_file, opened)  # as opened: fine
    save_project(trained_project(), project_file)  # another program saves it
    with pytest.raises(ProjectChangedOnDisk, match="p.seqlab: was changed by another program since it was "
                                                   "opened here .*it was not overwritten"):
        check_unchanged(project_file, opened)
    opened = file_identity(project_file)
    with open(project_file, "ab") as f:  # or edits it in place
        f.write(b"\0")
    with pytest.raises(ProjectChangedOnDisk):
        check_unchanged(project_file, opened)
    project_file.unlink()
    check_unchanged(project_file, opened)  # deleted: saving overwrites no one's work
    project_file.write_bytes(b"made meanwhile")
    with pytest.raises(ProjectChangedOnDisk, match="was created by another program"):
        check_unchanged(project_file, None)


def test_train_never_overwrites_a_file_changed_while_it_trained_and_keeps_the_run(
        project_file, state_dir, monkeypatch, capsys):
    import engine.cli as cli

    real_continue = cli.continue_run

    def another_program_saves_meanwhile(project, *args, **kwargs):
        event = real_continue(project, *args, **kwargs)
        time.sleep(0.01)
        theirs = trained_project()
        theirs.notes = "their work"
        save_project(theirs, project_file)
        return event

    monkeypatch.setattr(cli, "continue_run", another_program_saves_meanwhile)
    assert main(["train", str(project_file), "--steps", "3", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{project_file}: was changed by another program" in err
    assert "kept in the recovery copy" in err and f"main.py recover {project_file}" in err
    assert open_project(project_file).notes == "their work"  # not overwritten
    copy, = recovery_copies()
    assert open_project(copy.path).run().step == 9  # the run trained here is not lost


# ------------------------------------------------------------ links, modes
def test_saving_through_a_link_updates_the_file_it_points_to_and_keeps_the_link(tmp_path):
    real = tmp_path / "shared" / "p.seqlab"
    real.parent.mkdir()
    save_project(trained_project(steps=2), real)
    link = tmp_path / "p.seqlab"
    link.symlink_to(real)
    save_project(trained_project(steps=4), link)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert open_project(real).run().step == 4
    assert os.listdir(real.parent) == ["p.seqlab"] and sorted(os.listdir(tmp_path)) == ["p.seqlab", "shared"]


def test_a_private_project_stays_private_and_a_new_file_gets_the_umasks_mode(tmp_path):
    path = tmp_path / "p.seqlab"
    save_project(trained_project(), path)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    path.chmod(0o600)
    save_project(trained_project(), path)
    wait_for_releases()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o640)
    atomic_file.write_atomic(path, b"x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_the_replaced_files_group_is_kept_where_the_process_may_set_it(tmp_path, monkeypatch):
    path = tmp_path / "p.seqlab"
    path.write_bytes(b"old")
    path.chmod(0o640)
    real = os.stat(path)
    theirs = os.stat_result((real.st_mode, real.st_ino, real.st_dev, real.st_nlink, real.st_uid + 1, 4242,
                             real.st_size, 0, 0, 0))  # another user's file, in a group the team shares
    monkeypatch.setattr(atomic_file, "_existing", lambda p: theirs if p == path else None)
    calls = []

    def fchown(fd, uid, gid):  # as a user who is not root: the owner cannot change, the group can
        calls.append((uid, gid))
        if uid != -1:
            raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "fchown", fchown)
    atomic_file.write_atomic(path, b"new")
    assert calls == [(real.st_uid + 1, 4242), (-1, 4242)]
    assert path.read_bytes() == b"new" and stat.S_IMODE(path.stat().st_mode) == 0o640


# ------------------------------------------------------------------ recovery
def test_recovery_copies_and_their_folder_are_private(tmp_path, state_dir):
    folder = state_dir / "recovery"
    folder.mkdir(parents=True, mode=0o755)
    folder.chmod(0o755)  # made by an older version, readable by all
    saver = Autosaver(tmp_path / "p.seqlab")
    saver.save(trained_project())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(saver.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(saver.path.with_suffix(".json").stat().st_mode) == 0o600
    saver.save(trained_project())
    assert stat.S_IMODE(saver.path.stat().st_mode) == 0o600


def test_a_failed_autosave_is_one_readable_line_and_training_goes_on(project_file, state_dir, monkeypatch,
                                                                     capsys):
    real_writer = archive.atomic_writer
    attempts = []

    def disk_full_in_the_state_folder(path):
        if state_dir in path.parents:
            attempts.append(path)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_writer(path)

    monkeypatch.setattr(archive, "atomic_writer", disk_full_in_the_state_folder)
    assert main(["train", str(project_file), "--steps", "40", "--autosave-seconds", "0"]) == 0
    out = capsys.readouterr().out
    warnings = [line for line in out.splitlines() if "autosave failed" in line]
    assert len(attempts) >= 2 and "RunWarning(" not in out
    assert len(warnings) == 1 and warnings[0].startswith("step ") and "warning: autosave failed: No space " \
        "left on device (writing in " in warnings[0] and "training goes on" in warnings[0]
    assert open_project(project_file).run().step == 46  # trained and saved all the same


def test_an_autosave_problem_is_said_again_only_when_it_changes_or_comes_back(tmp_path, state_dir, monkeypatch):
    saver = Autosaver(tmp_path / "p.seqlab", interval=0)
    project = trained_project()
    problem = [OSError(errno.ENOSPC, "No space left on device")]
    real_save = Autosaver.save

    def save(self, project):
        if problem[0] is None:
            return real_save(self, project)
        try:  # as save_project says it
            raise problem[0]
        except OSError as exc:
            raise ProjectError(f"{self.path}: cannot be saved ({exc.strerror})") from None

    monkeypatch.setattr(Autosaver, "save", save)
    said = [saver.save_or_report(project) for _ in range(3)]
    assert said[0].startswith("autosave failed: No space left on device") and said[1:] == [None, None]
    problem[0] = PermissionError(errno.EACCES, "Permission denied")
    assert "Permission denied" in saver.save_or_report(project)
    problem[0] = None
    assert saver.save_or_report(project) is None and saver.path.exists()
    problem[0] = OSError(errno.ENOSPC, "No space left on device")
    assert "No space left on device" in saver.save_or_report(project)  # it worked in between: said again
