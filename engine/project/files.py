"""Open and save `.seqlab` project files.

A project file is a zip: manifest.json (format name and version, app and
torch versions, times, a SHA-256 of every other entry), project.json, ui.json
(optional) and runs/<id>/... (see engine.project.codec). Opening checks the
container, the manifest, every checksum and every field before it returns;
any problem is one ProjectError naming the file and what is wrong, and
nothing on disk changes. Saving replaces the file atomically.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from engine.errors import ProjectError
from engine.project.archive import Limits, read_archive, write_archive
from engine.project.codec import TEXT_SUFFIXES, decode_project, encode_project
from engine.project.migrations import FORMAT_NAME, FORMAT_VERSION, migrate, parse_version, version_text
from engine.project.model import Project, now_iso

MANIFEST = "manifest.json"
SUFFIX = ".seqlab"
_MANIFEST_SCHEMA = {"format": str, "format_version": str, "app_version": str, "torch_version": str,
                    "created": str, "modified": str, "entries": dict}


def app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("seqlab")
    except PackageNotFoundError:
        return "0+unknown"


def _digests(entries: dict[str, bytes]) -> dict[str, str]:
    """SHA-256 of each entry; big entries hash in parallel (hashlib releases the GIL)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(entries, pool.map(lambda data: hashlib.sha256(data).hexdigest(), entries.values())))


def save_project(project: Project, path: Path) -> None:
    """Write `project` to `path`, replacing any file there only once complete."""
    import torch

    path = Path(path)
    entries = encode_project(project)
    if MANIFEST in entries:
        raise ProjectError(f"{path}: an entry may not be called {MANIFEST}")
    version = max(FORMAT_VERSION, project.saved_version) if project.unknown_entries or project.extra \
        or any(run.extra for run in project.runs) else FORMAT_VERSION
    manifest = {"format": FORMAT_NAME, "format_version": version_text(version), "app_version": app_version(),
                "torch_version": torch.__version__, "created": project.created, "modified": now_iso(),
                "entries": _digests(entries)}
    manifest_bytes = (json.dumps(manifest, indent=1) + "\n").encode("utf-8")
    compressed = {name for name in entries if name.endswith(TEXT_SUFFIXES)} | {MANIFEST}
    try:
        write_archive(path, {MANIFEST: manifest_bytes, **entries}, compressed)
    except OSError as exc:
        raise ProjectError(f"{path}: cannot be saved ({exc.strerror or exc}); "
                           f"the file there before is unchanged") from None


def open_project(path: Path, limits: Limits = Limits()) -> Project:
    """The project in `path`, fully checked. Warnings (a newer minor format)
    are in `project.warnings`."""
    path = Path(path)
    source = str(path)
    entries = read_archive(path, limits)
    manifest_bytes = entries.pop(MANIFEST, None)
    if manifest_bytes is None:
        raise ProjectError(f"{source}: is not a SeqLab project (it has no {MANIFEST})")
    try:
        manifest = json.loads(manifest_bytes.decode("utf-8"))
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
    _check_manifest(source, manifest, entries, newer_minor)
    entries = migrate(entries, version, source)
    project = decode_project(source, entries, keep_unknown=newer_minor)
    project.created = manifest["created"]
    project.saved_version = version
    if newer_minor:
        project.warnings.append(
            f"{source} was saved by a newer SeqLab (project format {version_text(version)}; this version "
            f"writes {version_text(FORMAT_VERSION)}). What this version does not know is kept as it is.")
    return project


def _check_manifest(source: str, manifest: dict, entries: dict[str, bytes], newer_minor: bool) -> None:
    for key, kind in _MANIFEST_SCHEMA.items():
        if not isinstance(manifest.get(key), kind):
            raise ProjectError(f"{source}: {MANIFEST}: field {key!r} must be {kind.__name__}"
                               + ("" if key in manifest else ", and is missing"))
    unknown = sorted(set(manifest) - set(_MANIFEST_SCHEMA))
    if unknown and not newer_minor:
        raise ProjectError(f"{source}: {MANIFEST}: unknown field {unknown[0]!r}")
    listed = manifest["entries"]
    for name, digest in listed.items():
        if not isinstance(digest, str) or len(digest) != 64:
            raise ProjectError(f"{source}: {MANIFEST}: the checksum of {name!r} is not a SHA-256 hex digest")
    missing = sorted(set(listed) - set(entries))
    if missing:
        raise ProjectError(f"{source}: entry {missing[0]!r} is listed in the manifest but missing")
    extra = sorted(set(entries) - set(listed))
    if extra:
        raise ProjectError(f"{source}: entry {extra[0]!r} is not listed in the manifest")
    for name, digest in _digests(entries).items():
        if digest != listed[name].lower():
            raise ProjectError(f"{source}: entry {name!r} fails its checksum (damaged or edited)")
