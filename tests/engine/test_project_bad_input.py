"""Bad project files: each is one ProjectError naming the problem, the file on
disk is untouched, and nothing in it is ever executed."""

import contextlib
import hashlib
import io
import json
import os
import pickle
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from engine.cli import main as cli_main
from engine.errors import ProjectError
from engine.project import Limits, open_project, save_project
from tests.engine.project_helpers import edit_json, read_entries, trained_project, write_entries

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("good") / "good.seqlab"
    save_project(trained_project(), path)
    return path


def refused(path: Path, message: str, limits: Limits = Limits(), in_a_process: bool = False) -> None:
    """open fails with `message`, the CLI says it in one line with exit code 2, the file stays as it was.

    The CLI is asked in this process (its `main`); `in_a_process`: as `python main.py`,
    which a few cases of each kind of damage do (starting Python and torch takes seconds)."""
    before = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
    with pytest.raises(ProjectError, match=message):
        open_project(path, limits)
    if limits == Limits():
        if in_a_process:
            process = subprocess.run([sys.executable, "main.py", "info", str(path)], cwd=ROOT,
                                     capture_output=True, text=True, timeout=120)
            code, err = process.returncode, process.stderr
        else:
            stream = io.StringIO()
            with contextlib.redirect_stderr(stream), contextlib.redirect_stdout(io.StringIO()):
                code = cli_main(["info", str(path)])
            err = stream.getvalue()
        assert code == 2 and len(err.strip().splitlines()) == 1, err
        assert "Traceback" not in err and str(path) in err
    after = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
    assert before == after


class Pickled:
    """Unpickling this creates the marker file: proof that a pickle ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def test_random_bytes_empty_and_missing_files(tmp_path):
    (tmp_path / "random.seqlab").write_bytes(os.urandom(5000))
    refused(tmp_path / "random.seqlab", "not a SeqLab project .not a readable zip archive", in_a_process=True)
    (tmp_path / "empty.seqlab").write_bytes(b"")
    refused(tmp_path / "empty.seqlab", "is empty, not a SeqLab project")
    with pytest.raises(ProjectError, match="nothing.seqlab: no such file"):
        open_project(tmp_path / "nothing.seqlab")
    (tmp_path / "folder.seqlab").mkdir()
    with pytest.raises(ProjectError, match="is a folder"):
        open_project(tmp_path / "folder.seqlab")
    write_entries(tmp_path / "other.seqlab", {"hello.txt": b"a zip, not a project"})
    refused(tmp_path / "other.seqlab", "is not a SeqLab project .it has no manifest.json")


def test_a_zip_truncated_at_any_offset(good, tmp_path):
    data = good.read_bytes()
    path = tmp_path / "cut.seqlab"
    for cut in sorted({1, 7, 22, 100, len(data) // 3, len(data) // 2, len(data) - 23, len(data) - 1,
                       *range(1, len(data), max(1, len(data) // 40))}):
        path.write_bytes(data[:cut])
        with pytest.raises(ProjectError, match="cut.seqlab"):
            open_project(path)
    refused(path, "not a readable zip archive")


def test_missing_and_extra_entries_and_checksums(good, tmp_path):
    entries = read_entries(good)
    path = tmp_path / "p.seqlab"
    write_entries(path, {k: v for k, v in entries.items() if k != "runs/run-1/scalars.safetensors"}, fix_manifest=False)
    refused(path, "entry 'runs/run-1/scalars.safetensors' is listed in the manifest but missing")
    write_entries(path, {**entries, "notes.txt": b"hi"}, fix_manifest=False)
    refused(path, "entry 'notes.txt' is not listed in the manifest")
    write_entries(path, {**entries, "notes.txt": b"hi"})  # listed, but not part of a 2.0 project
    refused(path, "notes.txt: is not part of a project of this version")
    write_entries(path, {k: v for k, v in entries.items() if k != "runs/run-1/rng.json"})
    refused(path, "runs/run-1/rng.json: missing")
    damaged = bytearray(entries["runs/run-1/weights.safetensors"])
    damaged[-5] ^= 0xFF
    write_entries(path, {**entries, "runs/run-1/weights.safetensors": bytes(damaged)}, fix_manifest=False)
    refused(path, "entry 'runs/run-1/weights.safetensors' fails its checksum", in_a_process=True)


@pytest.mark.parametrize("entry,edit,message", [
    ("manifest.json", lambda m: m.update(format="something-else"), "does not say 'seqlab-project'"),
    ("manifest.json", lambda m: m.update(format_version=1), "format_version 1 is not MAJOR.MINOR"),
    ("manifest.json", lambda m: m.update(created=5), "field 'created' must be str"),
    ("manifest.json", lambda m: m.pop("torch_version"), "field 'torch_version' must be str, and is missing"),
    ("manifest.json", lambda m: m.update(colour="red"), "manifest.json: unknown field 'colour'"),
    ("project.json", lambda d: d.update(name=3), "project.json: field 'name' must be str, not int"),
    ("project.json", lambda d: d.update(runs={}), "field 'runs' must be list, not dict"),
    ("project.json", lambda d: d.update(colour="red"), "project.json: unknown field 'colour'"),
    ("project.json", lambda d: d.update(current_run="run-9"), "current_run 'run-9' is not one of the runs"),
    ("project.json", lambda d: d["runs"][0].update(trained="yes"), r"runs\[0\]: field 'trained' must be bool"),
    ("project.json", lambda d: d["runs"][0].update(id="../../etc"), "run id '../../etc' must be"),
    ("project.json", lambda d: d["runs"].append(d["runs"][0]), "two runs have the same id"),
    ("project.json", lambda d: d["runs"][0]["spec"]["model"].update(hidden_size="big"),
     "run 'run-1': spec: model.hidden_size"),
    ("project.json", lambda d: d["runs"][0]["spec"]["model"].update(colour=1), "model.colour is not a spec key"),
    ("runs/run-1/state.json", lambda d: d.update(step="ten"), "state.json: field 'step' must be int"),
    ("runs/run-1/state.json", lambda d: d.update(base_lr=-1), "base_lr=-1 must be in"),
    ("runs/run-1/rng.json", lambda d: d.update(cpu="AAAA"), "cpu holds 3 bytes, a generator state is"),
])
def test_json_with_wrong_types_or_unknown_fields(good, tmp_path, entry, edit, message):
    write_entries(tmp_path / "p.seqlab", edit_json(read_entries(good), entry, edit))
    refused(tmp_path / "p.seqlab", message)


def test_not_json_at_all(good, tmp_path):
    write_entries(tmp_path / "p.seqlab", {**read_entries(good), "project.json": b"{not json"})
    refused(tmp_path / "p.seqlab", "project.json: is not valid JSON", in_a_process=True)
    write_entries(tmp_path / "p.seqlab", {**read_entries(good), "project.json": b'{"a": NaN}'})
    refused(tmp_path / "p.seqlab", "project.json: is not valid JSON .NaN is not allowed")


@pytest.mark.parametrize("name", ["../evil.json", "/etc/passwd", "runs/../../x", "C:\\x", "runs//x", ".hidden/../x"])
def test_entry_names_that_could_escape_the_folder(good, tmp_path, name):
    write_entries(tmp_path / "p.seqlab", {**read_entries(good), name: b"x"})
    refused(tmp_path / "p.seqlab", "has a name a project never uses")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(good, tmp_path):
    entries = read_entries(good)
    path = tmp_path / "bomb.seqlab"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        with archive.open("runs/run-1/huge.bin", "w", force_zip64=True) as stream:
            block = b"\0" * 2**24
            for _ in range(64):  # 1 GiB of zeros, about 1 MB packed
                stream.write(block)
    path.write_bytes(buffer.getvalue())
    assert path.stat().st_size < 3 * 2**20
    started = time.perf_counter()
    refused(path, "unpacks 1,0..-fold .* refused as a zip bomb", in_a_process=True)
    assert time.perf_counter() - started < 30  # it was never unpacked
    refused(good, "unpacks to more than 1,000 bytes", Limits(max_total_bytes=1000))
    refused(good, "entry 'project.json' unpacks to .* more than an entry may", Limits(max_entry_bytes=100))
    refused(good, "has 9 entries, more than a project may have .3.", Limits(max_entries=3))


def test_a_zip_whose_header_lies_about_an_entry_size(good, tmp_path):
    data = bytearray(good.read_bytes())
    # Make the central directory claim project.json is one byte shorter than it is.
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("project.json")
    position = data.find(b"project.json", data.find(b"PK\x01\x02")) - 46  # its central directory record
    assert data[position:position + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, position + 24, info.file_size - 1)
    (tmp_path / "p.seqlab").write_bytes(bytes(data))
    refused(tmp_path / "p.seqlab", "entry 'project.json' is damaged")


def test_a_safetensors_header_that_lies_about_sizes(good, tmp_path):
    entries = read_entries(good)
    weights = entries["runs/run-1/weights.safetensors"]
    size = struct.unpack("<Q", weights[:8])[0]
    header = json.loads(weights[8:8 + size])
    name = next(k for k in header if k != "__metadata__")
    begin, end = header[name]["data_offsets"]
    header[name]["data_offsets"] = [begin, end + 10**9]
    text = json.dumps(header).encode()
    lying = struct.pack("<Q", len(text)) + text + weights[8 + size:]
    write_entries(tmp_path / "p.seqlab", {**entries, "runs/run-1/weights.safetensors": lying})
    refused(tmp_path / "p.seqlab", "weights.safetensors: is not a valid safetensors file")
    huge = struct.pack("<Q", 2**62) + weights[8:]
    write_entries(tmp_path / "p.seqlab", {**entries, "runs/run-1/weights.safetensors": huge})
    refused(tmp_path / "p.seqlab", "weights.safetensors: is not a valid safetensors file")


@pytest.mark.parametrize("name", ["runs/run-1/weights.safetensors", "runs/run-1/optimizer.safetensors",
                                  "runs/run-1/probes.safetensors", "runs/run-1/state.json", "project.json",
                                  "runs/run-1/model.pt", "data.pkl"])
def test_a_planted_pickle_never_runs(good, tmp_path, name):
    marker = tmp_path / "pickle-ran"
    payload = pickle.dumps(Pickled(str(marker)))
    write_entries(tmp_path / "p.seqlab", {**read_entries(good), name: payload})
    pickle.loads(payload)  # the payload works: unpickling it makes the marker...
    assert marker.exists()
    marker.unlink()
    with pytest.raises(ProjectError):
        open_project(tmp_path / "p.seqlab")
    assert not marker.exists()  # ...and opening the project did not unpickle it


def test_no_code_path_can_unpickle():
    """No torch.load (its weights_only=False path unpickles) and no pickle in the engine."""
    for path in (ROOT / "engine").rglob("*.py"):
        text = path.read_text("utf-8")
        for forbidden in ("torch.load(", "import pickle", "weights_only=False", "pickle.load", "import dill"):
            assert forbidden not in text, f"{path.relative_to(ROOT)} uses {forbidden}"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_fuzzed_files_open_or_raise_project_error(good, tmp_path, data):
    raw = bytearray(good.read_bytes())
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(raw) - 1))
        raw[position] = data.draw(st.integers(0, 255))
    if data.draw(st.booleans()):
        raw = raw[:data.draw(st.integers(0, len(raw)))]
    path = tmp_path / "fuzz.seqlab"
    path.write_bytes(bytes(raw))
    try:
        open_project(path)
    except ProjectError:
        pass


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children,
                                                                                      max_size=4), max_leaves=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entry=st.sampled_from(["project.json", "runs/run-1/state.json", "runs/run-1/rng.json", "manifest.json"]),
       key=st.text(max_size=12), value=JSON)
def test_fuzzed_json_fields_open_or_raise_project_error(good, tmp_path, entry, key, value):
    def edit(document):
        target = document["runs"][0] if entry == "project.json" and key.startswith("r") else document
        name = key if key and key[0] != "r" else (list(target)[len(key) % len(target)])
        target[name] = value

    write_entries(tmp_path / "fuzz.seqlab", edit_json(read_entries(good), entry, edit),
                  fix_manifest=entry != "manifest.json")
    try:
        open_project(tmp_path / "fuzz.seqlab")
    except ProjectError:
        pass
