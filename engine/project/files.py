"""Open and save `.seqlab` project files.

A project file is a zip: manifest.json (format name and version, app and
torch versions, times, a checksum of every other entry), project.json,
ui.json (optional) and runs/<id>/... (see engine.project.codec). Opening
checks the container, the manifest, every checksum and every field before it
returns; any problem is one ProjectError naming the file and what is wrong,
and nothing on disk changes. Saving replaces the file atomically.

Checksums are XXH3-128 since format 2.0 (SHA-256 before): they are there to
catch damage, which a fast non-cryptographic hash does as well (neither stops
someone who rewrites the manifest too). At ~25 GB/s it costs a third of
copying the weights once; SHA-256, at 1.7 GB/s, cost five such copies.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from engine.errors import ProjectError
from engine.project.archive import ArchiveReader, Limits, write_archive
from engine.project.codec import COMPRESSED_SUFFIXES, decode_project, encode_project
from engine.project.entries import CHECKSUM, ArchiveEntries, MemoryEntries, checksum, hasher
from engine.project.migrations import FORMAT_NAME, FORMAT_VERSION, migrate, parse_version, version_text
from engine.project.model import Project, now_iso

MANIFEST = "manifest.json"
SUFFIX = ".seqlab"
_MANIFEST_SCHEMA = {"format": str, "format_version": str, "app_version": str, "torch_version": str,
                    "created": str, "modified": str, "checksum": str, "entries": dict}
# Before format 2.0: SHA-256 checksums, no "checksum" field naming the algorithm.
_MANIFEST_SCHEMA_1 = {key: kind for key, kind in _MANIFEST_SCHEMA.items() if key != "checksum"}


def app_version() -> str:
    from engine import __version__  # the source's own: an installed copy's metadata goes stale when edited

    return __version__


def save_project(project: Project, path: Path) -> None:
    """Write `project` to `path`, replacing any file there only once complete."""
    import torch

    path = Path(path)
    entries = encode_project(project)
    if MANIFEST in entries:
        raise ProjectError(f"{path}: an entry may not be called {MANIFEST}")
    version = max(FORMAT_VERSION, project.saved_version) if project.unknown_entries or project.extra \
        or any(run.extra for run in project.runs) else FORMAT_VERSION
    compressed = {name for name in entries if name.endswith(COMPRESSED_SUFFIXES)}

    def manifest(digests: dict[str, str]) -> tuple[str, bytes]:
        fields = {"format": FORMAT_NAME, "format_version": version_text(version), "app_version": app_version(),
                  "torch_version": torch.__version__, "created": project.created, "modified": now_iso(),
                  "checksum": CHECKSUM, "entries": digests}
        return MANIFEST, (json.dumps(fields, indent=1) + "\n").encode("utf-8")

    try:  # the manifest goes last, so every checksum is taken as its entry is written
        write_archive(path, entries, compressed, hasher, manifest)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot be saved ({exc.strerror or exc}); "
                           f"the file there before is unchanged") from None


def open_project(path: Path, limits: Limits = Limits()) -> Project:
    """The project in `path`, fully checked. Warnings (a newer minor format)
    are in `project.warnings`."""
    path = Path(path)
    source = str(path)
    with ArchiveReader(path, limits) as archive:
        if MANIFEST not in archive.names():
            raise ProjectError(f"{source}: is not a SeqLab project (it has no {MANIFEST})")
        try:
            manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise ProjectError(f"{source}: {MANIFEST} is not valid JSON ({exc})") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_NAME:
            raise ProjectError(f"{source}: is not a SeqLab project ({MANIFEST} does not say {FORMAT_NAME!r})")
        version = parse_version(manifest.get("format_version"), source)
        newer_minor = version[0] == FORMAT_VERSION[0] and version > FORMAT_VERSION
        if version[0] > FORMAT_VERSION[0]:
            raise ProjectError(f"{source}: was saved in project format {version_text(version)}; opening it "
                               f"needs a SeqLab that reads format {version[0]}.x (this one reads up to "
                               f"{version_text(FORMAT_VERSION)})")
        names = [name for name in archive.names() if name != MANIFEST]
        _check_manifest(source, manifest, names, version, newer_minor)
        if version < FORMAT_VERSION:
            entries = {name: archive.read(name) for name in names}
            _check_checksums(source, entries, manifest["entries"], version)
            entries = MemoryEntries(source, migrate(entries, version, source))
        else:
            entries = ArchiveEntries(source, archive, manifest["entries"])
        try:
            project = decode_project(source, entries, keep_unknown=newer_minor)
        except ProjectError as exc:
            if not newer_minor:
                raise
            # Unknown fields and entries are kept, but a value this version cannot take (a
            # spec's new key or choice) is refused: say where the file came from.
            raise ProjectError(f"{exc} (it was saved by a newer SeqLab, in project format {version_text(version)}; "
                               f"this one reads up to {version_text(FORMAT_VERSION)})") from None
    project.created = manifest["created"]
    project.saved_version = version
    if newer_minor:
        project.warnings.append(
            f"{source} was saved by a newer SeqLab (project format {version_text(version)}; this version "
            f"writes {version_text(FORMAT_VERSION)}). What this version does not know is kept as it is.")
    return project


def _check_manifest(source: str, manifest: dict, names: list[str], version, newer_minor: bool) -> None:
    sha256 = version[0] < 2
    schema = _MANIFEST_SCHEMA_1 if sha256 else _MANIFEST_SCHEMA
    for key, kind in schema.items():
        if not isinstance(manifest.get(key), kind):
            raise ProjectError(f"{source}: {MANIFEST}: field {key!r} must be {kind.__name__}"
                               + ("" if key in manifest else ", and is missing"))
    unknown = sorted(set(manifest) - set(schema))
    if unknown and not newer_minor:
        raise ProjectError(f"{source}: {MANIFEST}: unknown field {unknown[0]!r}")
    algorithm, digits = ("sha256", 64) if sha256 else (manifest["checksum"], 32)
    if algorithm != CHECKSUM and not sha256:
        raise ProjectError(f"{source}: {MANIFEST}: checksum {algorithm!r} is not {CHECKSUM!r}")
    listed = manifest["entries"]
    for name, digest in listed.items():
        if not isinstance(digest, str) or len(digest) != digits:
            raise ProjectError(f"{source}: {MANIFEST}: the checksum of {name!r} is not a "
                               f"{algorithm} hex digest")
    missing = sorted(set(listed) - set(names))
    if missing:
        raise ProjectError(f"{source}: entry {missing[0]!r} is listed in the manifest but missing")
    extra = sorted(set(names) - set(listed))
    if extra:
        raise ProjectError(f"{source}: entry {extra[0]!r} is not listed in the manifest")


def _check_checksums(source: str, entries: dict[str, bytes], listed: dict[str, str], version) -> None:
    """Format 1.x listed SHA-256 digests, 2.x lists XXH3-128 ones."""
    digest = (lambda data: hashlib.sha256(data).hexdigest()) if version[0] < 2 else checksum
    for name, data in entries.items():
        if digest(data) != listed[name].lower():
            raise ProjectError(f"{source}: entry {name!r} fails its checksum (damaged or edited)")
