"""Replace a file all at once, so a crash or a kill at any moment leaves either
the old file or the new one, never half of either, and no stray temporary.

On Linux the new content goes into an unnamed file (O_TMPFILE) in the target's
folder: a process killed while writing leaves nothing behind. It is linked in
under a temporary name and renamed over the target only when complete and
synced. Elsewhere a named temporary is used; temporaries left by a process that
died are removed the next time the same file is written.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import BinaryIO, Iterator

_UMASK = os.umask(0)
os.umask(_UMASK)
_PARTIAL = ".partial"


def _partial_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}{_PARTIAL}")


def _owner_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but is not ours
        return True
    return True


def remove_stale_partials(path: Path) -> None:
    """Remove temporaries of `path` whose writing process no longer runs."""
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.(\d+)\.[0-9a-f]{{8}}{re.escape(_PARTIAL)}$")
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


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """`with atomic_writer(p) as f: f.write(...)` replaces p only if the block ends normally."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(path)
    mode = 0o666 & ~_UMASK
    anonymous = hasattr(os, "O_TMPFILE")
    try:
        fd = os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, mode) if anonymous else None
    except OSError:  # the filesystem does not support unnamed files
        fd = None
    named = None
    if fd is None:
        named = _partial_name(path)
        fd = os.open(named, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    else:
        os.fchmod(fd, mode)
    try:
        with os.fdopen(fd, "wb") as f:
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
        if named is not None:
            with contextlib.suppress(OSError):
                os.unlink(named)


def write_atomic(path: Path, data: str | bytes) -> None:
    with atomic_writer(path) as f:
        f.write(data.encode("utf-8") if isinstance(data, str) else data)
