"""Replace a file all at once, so a crash or a kill at any moment leaves either
the old file or the new one, never half of either, and no stray temporary.

On Linux the new content goes into an unnamed file (O_TMPFILE) in the target's
folder: a process killed while writing leaves nothing behind. It is linked in
under a temporary name and renamed over the target only when complete and
synced. Elsewhere a named temporary is used; temporaries left by a process that
died are removed the next time the same file is written.

Three things keep a large save short (Linux; measured on a 146 MiB project):
- the disk is asked to start writing every few MiB as they are written
  (sync_file_range), so the closing fsync waits for the tail only;
- the file being replaced is held open across the rename and closed on a
  background thread, where the kernel frees its blocks;
- that file's cached pages are dropped before writing starts, so the new
  content goes into memory just freed. In a virtual machine that hands free
  memory back to its host (WSL2, cloud VMs, this project's test machine),
  memory long free must be faulted in again: writing 146 MiB there took
  150-500 ms, against 40-90 ms into memory just freed.
The first two took 30-45 ms each off a warm save; the third is what a save in
a freshly started SeqLab gains.

What the user has is kept: a symbolic link is followed (the file it points to
is replaced, beside itself, and the link stays a link), and the new file gets
the old one's permission bits, and its owner and group where the process may
set them (a project kept private stays private). A new file gets the usual
mode, 0666 less the umask.
"""

from __future__ import annotations

import contextlib
import ctypes
import io
import os
import re
import stat
import threading
from pathlib import Path
from typing import BinaryIO, Iterator

import psutil

from engine.libc import libc_function

_UMASK = os.umask(0)
os.umask(_UMASK)
_PARTIAL = ".partial"
_SYNC_FILE_RANGE = libc_function("sync_file_range", [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint])
_SYNC_FILE_RANGE_WRITE = 2
_WRITEBACK_EVERY = 8 * 2**20
_RELEASE_IN_BACKGROUND_FROM = 2**20


class _EagerWriteback(io.FileIO):
    """A file whose written data the disk starts writing every few MiB, not
    all at the closing fsync. Start-only: nothing waits here."""

    _unsent = 0

    def write(self, data) -> int | None:
        written = super().write(data)
        self._unsent += written or 0
        if self._unsent >= _WRITEBACK_EVERY:
            self._unsent = 0
            _SYNC_FILE_RANGE(self.fileno(), 0, 0, _SYNC_FILE_RANGE_WRITE)  # 0 length: to the end
        return written


def _opened(fd: int) -> BinaryIO:
    return io.BufferedWriter(_EagerWriteback(fd, "wb") if _SYNC_FILE_RANGE else io.FileIO(fd, "wb"))


def _hold(path: Path) -> int | None:
    """A descriptor of the large regular file at `path`, if any, its cached
    pages dropped (it is about to be replaced): while it is open, renaming
    over `path` does not free the file's blocks."""
    if os.name != "posix":  # elsewhere an open file cannot be replaced
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError:  # nothing there, a link, or not ours to read: the rename frees it as usual
        return None
    if os.fstat(fd).st_size < _RELEASE_IN_BACKGROUND_FROM:
        os.close(fd)
        return None
    with contextlib.suppress(OSError, AttributeError):  # advice only
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    return fd


_releasing: set[threading.Thread] = set()


def _release_in_background(fd: int) -> None:
    def release() -> None:
        os.close(fd)
        _releasing.discard(thread)

    thread = threading.Thread(target=release, name="seqlab-release-replaced", daemon=True)
    _releasing.add(thread)
    thread.start()


def wait_for_releases() -> None:
    """Return once the files replaced so far are freed (benchmarks, tests)."""
    for thread in list(_releasing):
        thread.join()


def _partial_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}{_PARTIAL}")


def _owner_alive(pid: int) -> bool:
    # Not os.kill(pid, 0): on Windows signal 0 is CTRL_C_EVENT, not a probe.
    # A name can say any number: past what a pid can be, psutil raises.
    return 0 < pid < 2**31 and psutil.pid_exists(pid)


def remove_stale_partials(path: Path) -> None:
    """Remove temporaries of `path` whose writing process no longer runs."""
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.(\d{{1,10}})\.[0-9a-f]{{8}}{re.escape(_PARTIAL)}$")
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            match = pattern.match(entry.name)
            if match and not _owner_alive(int(match.group(1))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a folder
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _link_unnamed(fd: int, name: Path) -> None:
    # linkat(AT_SYMLINK_FOLLOW) on /proc/self/fd/N; os.link only uses linkat
    # (and so follows the link) when given a directory fd.
    proc = os.open("/proc/self/fd", os.O_RDONLY)
    try:
        os.link(str(fd), name, src_dir_fd=proc, follow_symlinks=True)
    finally:
        os.close(proc)


def _existing(path: Path) -> os.stat_result | None:
    """The file about to be replaced, if there is one."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _keep_owner(fd: int, existing: os.stat_result) -> None:
    """Give the new file the replaced one's owner and group, or failing that
    (not root) its group, or leave them (not a member of that group)."""
    if not hasattr(os, "fchown"):
        return
    made = os.fstat(fd)
    if (made.st_uid, made.st_gid) == (existing.st_uid, existing.st_gid):
        return
    for uid in (existing.st_uid, -1):
        try:
            os.fchown(fd, uid, existing.st_gid)
            return
        except OSError:
            continue


def _set_mode(fd: int, named: Path | None, mode: int) -> None:
    # Set outright: os.open's mode passes through the umask. After _keep_owner,
    # since changing owner clears the set-user/group-ID bits.
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    elif named is not None:
        os.chmod(named, mode)


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """`with atomic_writer(p) as f: f.write(...)` replaces p only if the block ends normally."""
    path = Path(os.path.realpath(path))  # through a link: replace the real file, keep the link
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(path)
    existing = _existing(path)
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666 & ~_UMASK
    anonymous = hasattr(os, "O_TMPFILE")
    try:
        fd = os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, mode) if anonymous else None
    except OSError:  # the filesystem does not support unnamed files
        fd = None
    named = replaced = None
    if fd is None:
        named = _partial_name(path)
        fd = os.open(named, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        if existing is not None:
            _keep_owner(fd, existing)
        _set_mode(fd, named, mode)
    except BaseException:
        os.close(fd)
        if named is not None:
            with contextlib.suppress(OSError):
                os.unlink(named)
        raise
    try:
        replaced = _hold(path)
        with _opened(fd) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
            if named is None:  # give the finished unnamed file a name, then move it into place
                named = _partial_name(path)
                _link_unnamed(f.fileno(), named)
        os.replace(named, path)
        named = None
        _sync_folder(path.parent)
    finally:
        if replaced is not None:
            _release_in_background(replaced)
        if named is not None:
            with contextlib.suppress(OSError):
                os.unlink(named)


def write_atomic(path: Path, data: str | bytes) -> None:
    with atomic_writer(path) as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
