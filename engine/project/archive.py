"""The zip container of a project: written atomically, read defensively.

Reading trusts nothing: entry names that could escape a folder, encrypted or
oddly compressed entries, sizes beyond the limits, compression ratios of a zip
bomb, CRC errors and truncation are all refused with a ProjectError naming the
file and the entry. Nothing in an archive is ever executed or unpickled.
"""

from __future__ import annotations

import mmap
import os
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from engine.atomic_file import atomic_writer
from engine.errors import ProjectError
from engine.tensor_file import TensorsEntry
from engine.task_file import MAX_TASK_FILE_BYTES
from engine.user_files import open_user_file

# Plain relative names only: no absolute paths, backslashes, drive letters or "..".
_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*(/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*$")


TEXT_SUFFIXES = (".json", ".csv")  # entries decoded whole into Python objects
TASK_FILE_SUFFIX = ".data"  # the files runs learn from (engine.task_file), read whole


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 64 * 2**30
    max_entries: int = 10_000
    max_entry_bytes: int = 32 * 2**30
    max_total_bytes: int = 64 * 2**30
    # Deflate reaches ~1000:1 on zeros. Entries read whole (text, task files) are
    # bounded by size below, whatever they compress to (a user's repetitive CSV
    # may deflate 200:1 and must open again); the rest (tensors, which SeqLab
    # stores uncompressed) must not unpack more than this.
    max_ratio: int = 100
    ratio_applies_above: int = 2**20
    # Text entries are decoded whole, into Python objects several times their
    # size, so their unpacked sizes are bounded far above what SeqLab writes:
    # project.json ~2 KB a run, state.json and rng.json ~20 KB, evaluations.csv
    # ~60-100 bytes an evaluation (a run evaluated a million times: ~100 MB).
    max_json_entry_bytes: int = 32 * 2**20
    max_text_entry_bytes: int = 256 * 2**20
    max_text_bytes: int = 512 * 2**20  # all text entries together
    # The files runs learn from: each no larger than the largest a task reads,
    # and a bound on all together.
    max_task_file_bytes: int = MAX_TASK_FILE_BYTES
    max_task_files_bytes: int = 1 * 2**30


def valid_entry_name(name: str) -> bool:
    return bool(_NAME.match(name)) and ".." not in name.split("/") and len(name) <= 255


def write_archive(path: Path, entries: dict[str, bytes | TensorsEntry], compressed: set[str],
                  digest: Callable | None = None,
                  closing: Callable[[dict[str, str]], tuple[str, bytes]] | None = None) -> None:
    """Write `entries` in order; names in `compressed` are deflated (fast level),
    the rest (tensors, which barely compress) stored as they are. A
    TensorsEntry is streamed from its tensors' memory. With `digest` (a hasher
    factory) and `closing`, each entry is hashed as it is written and the entry
    `closing(hex digests by name)` returns is written last: a manifest of
    checksums made in the same pass over the data."""
    digests = {}
    with atomic_writer(path) as f:
        with zipfile.ZipFile(f, "w", allowZip64=True) as archive:
            for name, data in entries.items():
                hasher = digest() if digest is not None else None
                _write_entry(archive, name, data, name in compressed, hasher)
                if hasher is not None:
                    digests[name] = hasher.hexdigest()
            if closing is not None:
                name, data = closing(digests)
                _write_entry(archive, name, data, True, None)


def _write_entry(archive: zipfile.ZipFile, name: str, data: bytes | TensorsEntry, compress: bool, hasher) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o644 << 16
    if not isinstance(data, TensorsEntry):
        if hasher is not None:
            hasher.update(data)
        method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        archive.writestr(info, data, compress_type=method, compresslevel=1)
        return
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = data.size
    with archive.open(info, "w", force_zip64=data.size >= zipfile.ZIP64_LIMIT) as out:
        for chunk in data.chunks():
            if hasher is not None:
                hasher.update(chunk)
            out.write(chunk)


class ArchiveReader:
    """The entries of the zip at `path`, read on request and checked against
    `limits`. Stored entries are seen in place (`view`, a read-only memory
    map), so tensors are copied once, straight into their own memory, as the
    safetensors package reads. As with it, another program truncating the file
    during the open would crash the process (SIGBUS); SeqLab's own saves
    replace a file by renaming, which leaves an open mapping intact. Use as a
    context manager."""

    def __init__(self, path: Path, limits: Limits = Limits()):
        self.path = Path(path).expanduser()
        self._file = open_user_file(str(self.path), "a SeqLab project", limits.max_file_bytes, ProjectError)
        try:
            if os.fstat(self._file.fileno()).st_size == 0:
                raise ProjectError(f"{self.path}: is empty, not a SeqLab project")
            try:
                self._zip = zipfile.ZipFile(self._file)
                infos = self._zip.infolist()
            except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as exc:
                raise ProjectError(f"{self.path}: is not a SeqLab project (not a readable zip archive: "
                                   f"{exc})") from None
            _check_listing(self.path, infos, limits)
            self.infos = {info.filename: info for info in infos}
            self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ)
        except BaseException:
            self._file.close()
            raise

    def __enter__(self) -> "ArchiveReader":
        return self

    def __exit__(self, *exc) -> None:
        try:
            self._map.close()
        except BufferError:  # a view is still held (by a traceback, say): the collector closes it
            pass
        self._file.close()

    def names(self) -> list[str]:
        return list(self.infos)

    def read(self, name: str) -> bytes:
        """The whole entry, CRC checked."""
        return _read_entry(self.path, self._zip, self.infos[name])

    def view(self, name: str) -> memoryview | None:
        """A stored entry's bytes, mapped from the file (no copy), or None for a
        compressed entry. Copy out what is kept: the mapping closes with the reader."""
        where = self.location(name)
        return None if where is None else self.view_at(*where)

    def view_at(self, start: int, size: int) -> memoryview:
        """The file's bytes at a location() found before, mapped (no copy)."""
        return memoryview(self._map)[start:start + size]

    def location(self, name: str) -> tuple[int, int] | None:
        """(offset in the file, size) of a stored entry's bytes, or None for a
        compressed entry; its local header checked against the directory."""
        info = self.infos[name]
        if info.compress_type != zipfile.ZIP_STORED:
            return None
        start = info.header_offset
        header = self._map[start:start + _LOCAL_HEADER.size]
        if len(header) != _LOCAL_HEADER.size:
            raise self.damaged(name, "its header is cut short")
        fields = _LOCAL_HEADER.unpack(header)
        if fields[0] != b"PK\x03\x04" or fields[4] != zipfile.ZIP_STORED:
            raise self.damaged(name, "its local header does not match the directory")
        start += _LOCAL_HEADER.size
        if self._map[start:start + fields[10]].decode("utf-8", "replace") != info.orig_filename:
            raise self.damaged(name, "its local header names another entry")
        start += fields[10] + fields[11]
        missing = start + info.file_size - len(self._map)
        if missing > 0:
            raise self.damaged(name, f"the file ends {min(missing, info.file_size):,} bytes before it does")
        return start, info.file_size

    def duplicate_descriptor(self) -> int:
        """A new descriptor of the open file, for reading it after the reader closes."""
        return os.dup(self._file.fileno())

    def damaged(self, name: str, why: str) -> ProjectError:
        return ProjectError(f"{self.path}: entry {name!r} is damaged ({why})")


# signature, version, flags, method, time, date, crc, sizes, name and extra lengths
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


def _check_listing(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_entries:
        raise ProjectError(f"{path}: has {len(infos)} entries, more than a project may have "
                           f"({limits.max_entries})")
    seen = set()
    total = 0
    sums: dict[str, int] = {}  # bytes of each kind read whole, so far
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
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ProjectError(f"{path}: unpacks to more than {limits.max_total_bytes:,} bytes; refused")
        bounds = _read_whole(name, limits)
        if bounds is None:
            if info.file_size > limits.ratio_applies_above and \
                    info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise ProjectError(f"{path}: entry {name!r} unpacks "
                                   f"{info.file_size // max(info.compress_size, 1):,}-fold ({info.compress_size:,} "
                                   f"to {info.file_size:,} bytes): refused as a zip bomb")
            continue
        most, together, one, all_of_them = bounds
        if info.file_size > most:
            raise ProjectError(f"{path}: entry {name!r} unpacks to {info.file_size:,} bytes, more than {one} "
                               f"({most:,})")
        sums[all_of_them] = sums.get(all_of_them, 0) + info.file_size
        if sums[all_of_them] > together:
            raise ProjectError(f"{path}: {all_of_them} unpack to more than {together:,} bytes together "
                               f"(at entry {name!r})")


def _read_whole(name: str, limits: Limits) -> tuple[int, int, str, str] | None:
    """For an entry read whole at open: (most bytes it may unpack to, most for all
    of its kind together, and both in words); None for the others."""
    if name.endswith(TEXT_SUFFIXES):
        most = limits.max_json_entry_bytes if name.endswith(".json") else limits.max_text_entry_bytes
        return most, limits.max_text_bytes, "a text entry may", "its text entries (JSON, CSV)"
    if name.endswith(TASK_FILE_SUFFIX):
        return (limits.max_task_file_bytes, limits.max_task_files_bytes, "a task's file may hold",
                "the files its runs learn from")
    return None


def _read_entry(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A bounded read: zipfile inflates no more than read() asks for and stops at
    the declared size, so the listing's limits hold while inflating, whatever the
    compressed data would unpack to."""
    try:
        with archive.open(info) as stream:
            data = stream.read(info.file_size + 1)  # never more than declared (+1 to notice)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, NotImplementedError) as exc:
        raise ProjectError(f"{path}: entry {info.filename!r} is damaged ({exc})") from None
    if len(data) != info.file_size:
        raise ProjectError(f"{path}: entry {info.filename!r} is damaged (holds {len(data):,} bytes, "
                           f"its header says {info.file_size:,})")
    return data
