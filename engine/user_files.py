"""Reading a file a user named: one set of checks and messages for text files,
CSV files and spec files. Every error names the file and the problem.

Only regular files are read, and never more than the limit whatever the file
system says of their size: /dev/zero, a FIFO or a /proc file would otherwise
be read until memory ran out, or hang. The file is opened without blocking
(a FIFO with no writer would block the open itself) and checked with fstat on
the open descriptor, so what is checked is what is read.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from engine.errors import SeqLabError

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def open_user_file(path_text: str, what: str, max_bytes: int,
                   error: type[SeqLabError] = SeqLabError) -> BinaryIO:
    """A user's regular file opened for binary reading; `what` reads like "a CSV file"."""
    path = Path(path_text).expanduser()
    try:
        if path.is_dir():
            raise error(f"{path}: is a folder, not {what}")
        fd = os.open(path, _OPEN_FLAGS)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise error(f"{path}: is not a regular file (a device, pipe or socket), not {what}")
            if info.st_size > max_bytes:
                raise error(f"{path}: is {size_text(info.st_size)}; {what} can be at most {size_text(max_bytes)}")
            if hasattr(os, "set_blocking"):
                os.set_blocking(fd, True)
            return os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except PermissionError:
        raise error(f"{path}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except ValueError:  # a NUL byte in the name: no file system has such a file
        raise error(f"{path_text!r}: is not a file name (it contains a NUL character)") from None


def read_user_file(path_text: str, what: str, max_bytes: int,
                   error: type[SeqLabError] = SeqLabError, binary: bool = False) -> tuple[Path, bytes]:
    """(path, bytes) of a user's file; `what` reads like "a CSV file". Text files
    (binary=False) that contain NUL bytes are refused."""
    path = Path(path_text).expanduser()
    with open_user_file(path_text, what, max_bytes, error) as file:
        try:
            raw = file.read(max_bytes + 1)  # bounded: a file may grow after fstat
        except OSError as exc:
            raise error(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise error(f"{path}: is over {size_text(max_bytes)}; {what} can be at most {size_text(max_bytes)}")
    if not binary and b"\x00" in raw[:65536]:
        raise error(f"{path}: looks binary (it contains NUL bytes), not like {what}")
    return path, raw


def size_text(count: int) -> str:
    """A size for people: "200 MB", "1.5 MB", "1000 bytes"."""
    if count >= 2**20:
        return f"{count / 2**20:.{0 if count % 2**20 == 0 or count >= 10 * 2**20 else 1}f} MB"
    return f"{count} bytes"


def decode_utf8(path: Path | str, raw: bytes, error: type[SeqLabError] = SeqLabError) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: is not UTF-8 text (invalid byte 0x{raw[exc.start]:02x} "
                    f"at offset {exc.start})") from None
