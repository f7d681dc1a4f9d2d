"""Where a decoder gets a project's entries from, each checked before use.

`ArchiveEntries` reads them from the zip on request and checks each against
its manifest checksum (XXH3-128) as it is read; tensors are copied from the
mapped file into their own memory, hashed on the way, so the weights are
read once.
`MemoryEntries` holds entries already checked (files of format 1.x, which are
read whole, checked against their SHA-256 and migrated).
"""

from __future__ import annotations

import xxhash

from engine.errors import ProjectError
from engine.project.archive import ArchiveReader
from engine.project.deferred import DEFERS, DeferredEntry, SharedFile
from engine.tensor_file import TensorFileError, header_layout, read_tensors

CHECKSUM = "xxh3_128"


def hasher():
    """A new hasher of the manifest's checksum algorithm."""
    return xxhash.xxh3_128()


def checksum(data: bytes) -> str:
    return xxhash.xxh3_128_hexdigest(data)


def _not_tensors(source: str, name: str, exc: TensorFileError) -> ProjectError:
    return ProjectError(f"{source}: {name}: is not a valid safetensors file ({exc})")


class MemoryEntries:
    def __init__(self, source: str, entries: dict[str, bytes]):
        self.source = source
        self._entries = entries

    def names(self) -> list[str]:
        return list(self._entries)

    def read(self, name: str) -> bytes:
        return self._entries[name]

    def deferred(self, name: str) -> None:
        return None  # already in memory

    def tensors(self, name: str, framework: str) -> tuple[dict, dict[str, str]]:
        data = self._entries[name]
        try:
            return read_tensors(data, framework)
        except TensorFileError as exc:
            raise _not_tensors(self.source, name, exc) from None


class ArchiveEntries:
    def __init__(self, source: str, archive: ArchiveReader, digests: dict[str, str]):
        self.source = source
        self._archive = archive
        self._digests = digests
        self._file: SharedFile | None = None

    def names(self) -> list[str]:
        return list(self._digests)

    def read(self, name: str) -> bytes:
        data = self._archive.read(name)
        self._verify(name, checksum(data))
        return data

    def tensors(self, name: str, framework: str) -> tuple[dict, dict[str, str]]:
        data = self._archive.view(name)
        if data is None:  # compressed: SeqLab stores tensors, but another zip tool may not
            return MemoryEntries(self.source, {name: self.read(name)}).tensors(name, framework)
        try:
            hasher = xxhash.xxh3_128()
            try:
                result = read_tensors(data, framework, hasher.update)
            except TensorFileError as exc:
                self._verify(name, checksum(data))  # damage is the likelier story than a bad writer
                raise _not_tensors(self.source, name, exc) from None
            self._verify(name, hasher.hexdigest())
            return result
        finally:
            data.release()

    def deferred(self, name: str) -> DeferredEntry | None:
        """The tensors entry `name`, checked now (checksum, header) but left in
        the file until used (engine.project.deferred); None where it cannot be."""
        where = self._archive.location(name) if DEFERS else None
        if where is None:
            return None
        data = self._archive.view_at(*where)
        try:
            self._verify(name, checksum(data))
            try:
                layout, _ = header_layout(data)
            except TensorFileError as exc:
                raise _not_tensors(self.source, name, exc) from None
        finally:
            data.release()
        if self._file is None:
            self._file = SharedFile(self._archive.duplicate_descriptor())
        return DeferredEntry(self.source, name, self._file, *where, self._digests[name].lower(), hasher,
                             [entry[0] for entry in layout])

    def _verify(self, name: str, digest: str) -> None:
        if digest != self._digests[name].lower():
            raise ProjectError(f"{self.source}: entry {name!r} fails its checksum (damaged or edited)")
