"""The zip container of a project: written atomically, read defensively.

Reading trusts nothing: entry names that could escape a folder, encrypted or
oddly compressed entries, sizes beyond the limits, compression ratios of a zip
bomb, CRC errors and truncation are all refused with a ProjectError naming the
file and the entry. Nothing in an archive is ever executed or unpickled.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from engine.atomic_file import atomic_writer
from engine.errors import ProjectError
from engine.user_files import read_user_file

# Plain relative names only: no absolute paths, backslashes, drive letters or "..".
_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$")


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 64 * 2**30
    max_entries: int = 10_000
    max_entry_bytes: int = 32 * 2**30
    max_total_bytes: int = 64 * 2**30
    # Deflate reaches ~1000:1 on zeros; real CSV and JSON stay under 20:1.
    max_ratio: int = 100
    ratio_applies_above: int = 2**20


def valid_entry_name(name: str) -> bool:
    return bool(_NAME.match(name)) and ".." not in name.split("/") and len(name) <= 255


def write_archive(path: Path, entries: dict[str, bytes | memoryview], compressed: set[str]) -> None:
    """Write `entries` in order; names in `compressed` are deflated (fast level),
    the rest (tensors, which barely compress) stored as they are."""
    with atomic_writer(path) as f:
        with zipfile.ZipFile(f, "w", allowZip64=True) as archive:
            for name, data in entries.items():
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                if name in compressed:
                    archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
                else:
                    archive.writestr(info, data, compress_type=zipfile.ZIP_STORED)


def read_archive(path: Path, limits: Limits = Limits()) -> dict[str, bytes]:
    """Every entry of the zip at `path`, checked against `limits`."""
    path, raw = read_user_file(str(path), "a SeqLab project", limits.max_file_bytes, ProjectError, binary=True)
    if not raw:
        raise ProjectError(f"{path}: is empty, not a SeqLab project")
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
        raise ProjectError(f"{path}: is not a SeqLab project (not a readable zip archive: {exc})") from None
    _check_listing(path, infos, limits)
    entries = {}
    for info in infos:
        entries[info.filename] = _read_entry(path, archive, info)
    return entries


def _check_listing(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_entries:
        raise ProjectError(f"{path}: has {len(infos)} entries, more than a project may have "
                           f"({limits.max_entries})")
    seen = set()
    total = 0
    for info in infos:
        name = info.filename
        if not valid_entry_name(name):
            raise ProjectError(f"{path}: entry {name!r} has a name a project never uses "
                               f"(absolute, '..', or unusual characters)")
        if name in seen:
            raise ProjectError(f"{path}: entry {name!r} appears twice")
        seen.add(name)
        if info.flag_bits & 0x1:
            raise ProjectError(f"{path}: entry {name!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ProjectError(f"{path}: entry {name!r} uses compression method {info.compress_type}, "
                               f"which SeqLab does not write")
        if info.file_size > limits.max_entry_bytes:
            raise ProjectError(f"{path}: entry {name!r} unpacks to {info.file_size:,} bytes, more than "
                               f"an entry may ({limits.max_entry_bytes:,})")
        if info.file_size > limits.ratio_applies_above and \
                info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ProjectError(f"{path}: entry {name!r} unpacks {info.file_size // max(info.compress_size, 1):,}"
                               f"-fold ({info.compress_size:,} to {info.file_size:,} bytes): "
                               f"refused as a zip bomb")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ProjectError(f"{path}: unpacks to more than {limits.max_total_bytes:,} bytes; refused")


def _read_entry(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        with archive.open(info) as stream:
            data = stream.read(info.file_size + 1)  # never more than declared (+1 to notice)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, NotImplementedError) as exc:
        raise ProjectError(f"{path}: entry {info.filename!r} is damaged ({exc})") from None
    if len(data) != info.file_size:
        raise ProjectError(f"{path}: entry {info.filename!r} is damaged (holds {len(data):,} bytes, "
                           f"its header says {info.file_size:,})")
    return data
