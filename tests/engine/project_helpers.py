"""Projects for tests: trained for a few steps, with probes and evaluations."""

import hashlib
import io
import json
import zipfile
from pathlib import Path

from engine.project import Project
from engine.project.entries import checksum
from engine.project.session import continue_run, prepare_run
from tests.engine.helpers import small_spec


def trained_project(steps: int = 6, **overrides) -> Project:
    spec = small_spec(**{"training__steps": steps, "probes__every": 2, "probes__max_time_fraction": 1.0,
                         "training__eval_every": 3, **overrides})
    project = Project(name="test project", notes="notes with ünïcode")
    run = project.add_run(spec)
    continue_run(project, run, prepare_run(run))
    return project


def read_entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_entries(path: Path, entries: dict[str, bytes], fix_manifest: bool = True,
                  compression=zipfile.ZIP_STORED) -> None:
    """A zip of `entries`; with fix_manifest the checksums are made to match,
    so the file gets past the manifest checks to whatever the test planted."""
    entries = dict(entries)
    if fix_manifest and "manifest.json" in entries:
        manifest = json.loads(entries["manifest.json"])
        digest = checksum if "checksum" in manifest else lambda data: hashlib.sha256(data).hexdigest()  # 1.x
        manifest["entries"] = {name: digest(data) for name, data in entries.items() if name != "manifest.json"}
        entries["manifest.json"] = json.dumps(manifest).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def edit_json(entries: dict[str, bytes], name: str, edit) -> dict[str, bytes]:
    data = json.loads(entries[name])
    edit(data)
    return {**entries, name: json.dumps(data).encode()}
