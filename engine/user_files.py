"""Reading a file a user named: one set of checks and messages for text files,
CSV files and spec files. Every error names the file and the problem."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from engine.errors import SeqLabError


def open_user_file(path_text: str, what: str, max_bytes: int,
                   error: type[SeqLabError] = SeqLabError) -> BinaryIO:
    """A user's file opened for binary reading; `what` reads like "a CSV file"."""
    path = Path(path_text).expanduser()
    try:
        if path.is_dir():
            raise error(f"{path}: is a folder, not {what}")
        file = open(path, "rb")
        size = os.fstat(file.fileno()).st_size
        if size > max_bytes:
            file.close()
            raise error(f"{path}: is {size / 2**20:.0f} MB; {what} can be at most "
                        f"{max_bytes // 2**20} MB")
        return file
    except FileNotFoundError:
        raise error(f"{path}: no such file") from None
    except PermissionError:
        raise error(f"{path}: cannot be read (permission denied)") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror or exc})") from None


def read_user_file(path_text: str, what: str, max_bytes: int,
                   error: type[SeqLabError] = SeqLabError, binary: bool = False) -> tuple[Path, bytes]:
    """(path, bytes) of a user's file; `what` reads like "a CSV file". Text files
    (binary=False) that contain NUL bytes are refused."""
    path = Path(path_text).expanduser()
    with open_user_file(path_text, what, max_bytes, error) as file:
        try:
            raw = file.read()
        except OSError as exc:
            raise error(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not binary and b"\x00" in raw[:65536]:
        raise error(f"{path}: looks binary (it contains NUL bytes), not like {what}")
    return path, raw


def decode_utf8(path: Path, raw: bytes, error: type[SeqLabError] = SeqLabError) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{path}: is not UTF-8 text (invalid byte 0x{raw[exc.start]:02x} "
                    f"at offset {exc.start})") from None
