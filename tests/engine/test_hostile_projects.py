"""Projects mutated as a careless or hostile author could (every JSON field's
type, size and numbers, deep nesting, names, tensor headers, entry sizes and
compression, pickles), each opened, played, exported three ways and saved in a
process capped at 2 GiB of address space: every one is refused with a
ProjectError or works, nothing ends in a traceback, nothing planted runs, and
nothing outside the test's folder is read."""

import json
import pickle
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from engine.project import Project, save_project
from engine.project.entries import hasher
from engine.project.session import continue_run, prepare_run
from engine.task_file import read_task_file
from engine.sweep.plan import SweepPlan, parse_variation
from engine.sweep.record import add_sweep
from tests.engine.helpers import small_spec
from tests.engine.project_helpers import edit_json, read_entries

ROOT = Path(__file__).resolve().parents[2]
CASES_PER_PROCESS = 24


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """Two runs: a trained recurrent one (a sweep's trial), and one trained on a text file the project holds."""
    folder = tmp_path_factory.mktemp("good")
    story = folder / "story.txt"
    story.write_text("Once upon a time a recurrent network learned to spell its name. " * 20, encoding="utf-8")
    project = Project(name="good")
    first = project.add_run(small_spec(training__steps=4, training__eval_every=2, probes__every=2,
                                       probes__max_time_fraction=1.0))
    continue_run(project, first, prepare_run(first))
    second = project.add_run(small_spec(task__name="text_file", task__path=str(story), task__length=8,
                                        task__val_size=8, task__train_size=32, training__steps=2),
                             task_file=read_task_file(str(story)))
    continue_run(project, second, prepare_run(second))
    project.current_run = first.id
    project.ui = {"draft": first.spec.to_dict(), "layout": "abc"}
    # A sweep, so that mutations reach its plan and the first run's record of it.
    record = add_sweep(project, SweepPlan(small_spec(), [parse_variation("model.cell=gru,lstm"),
                                                         parse_variation("training.lr=log:0.001:0.1:3")], seeds=2))
    trial = record.plan.trials()[0]
    first.sweep = {"id": record.id, "key": trial.key, "values": dict(trial.values), "seed": trial.seed,
                   "state": "completed", "message": "", "seconds": 1.5, "attempts": 1}
    path = folder / "good.seqlab"
    save_project(project, path)
    story.unlink()
    return path


class Planted:
    """Unpickling this touches the marker file: proof that a pickle ran."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


# ------------------------------------------------------------------ mutations
RAW = "\x00RAW\x00"  # stands for raw JSON text that json.dumps cannot write (1e999, deep nesting)
RAW_VALUES = ["1e999", "-1e999", "NaN", "Infinity", "1" + "0" * 5000, "18446744073709551616", "-1",
              "9223372036854775808", "1e-320", "[" * 20000 + "]" * 20000, '{"a":' * 5000 + "1" + "}" * 5000]
PLAIN_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40), st.just("x" * 300_000), st.just([]), st.just({}), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))


def payload(marker: str) -> st.SearchStrategy[str]:
    """Strings an author could use to break out of wherever a name lands."""
    code = f"__import__('pathlib').Path({marker!r}).touch()"
    return st.one_of(
        st.text(max_size=60),
        st.sampled_from([f'"""\n{code}\n"""', f"'''\n{code}\n'''", f"\\'; {code}; '", f'"); {code} #',
                         "C:\\Users\\me run", "\x00", "../../../etc/passwd", "<script>alert(1)</script>",
                         "{" + code + "}", "\n" * 5 + code]))


def json_paths(value, prefix=()):
    """Every place in a JSON document, as a tuple of keys and indices."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from json_paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value[:4]):
            yield from json_paths(item, prefix + (index,))


def replaced(document, path, new):
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[head] = replaced(document[head], rest, new)
    return copy


def dumps_with_raw(document, raw: str | None) -> bytes:
    text = json.dumps(document)
    if raw is not None:
        text = text.replace(json.dumps(RAW), raw)
    return text.encode("utf-8")


@st.composite
def json_mutation(draw, entries: dict[str, bytes], marker: str):
    name = draw(st.sampled_from(sorted(n for n in entries if n.endswith(".json"))))
    document = json.loads(entries[name])
    where = draw(st.sampled_from(list(json_paths(document))))
    kind = draw(st.sampled_from(["raw", "plain", "payload", "drop"]))
    if kind == "drop" and where:
        node = document  # parsed afresh for this draw: it may be changed in place
        for key in where[:-1]:
            node = node[key]
        if isinstance(node, dict):
            node.pop(where[-1], None)
        return {name: json.dumps(document).encode()}
    if kind == "raw":
        return {name: dumps_with_raw(replaced(document, where, RAW), draw(st.sampled_from(RAW_VALUES)))}
    value = draw(payload(marker)) if kind == "payload" else draw(PLAIN_VALUES)
    if kind == "payload" and isinstance(_at(document, where), dict) and draw(st.booleans()):
        _at(document, where)[value] = "planted"  # a planted key
        return {name: json.dumps(document).encode()}
    return {name: json.dumps(replaced(document, where, value)).encode()}


def _at(document, path):
    for step in path:
        document = document[step]
    return document


@st.composite
def tensor_mutation(draw, entries: dict[str, bytes]):
    name = draw(st.sampled_from(sorted(n for n in entries if n.endswith(".safetensors"))))
    data = entries[name]
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    kind = draw(st.sampled_from(["length", "flip", "field", "truncate"]))
    if kind == "length":
        return {name: struct.pack("<Q", draw(st.sampled_from([0, 7, 2**40, 2**64 - 1, len(data)]))) + data[8:]}
    if kind == "flip":
        at = draw(st.integers(0, min(len(data), 8 + length + 64) - 1))
        return {name: data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]}
    if kind == "truncate":
        return {name: data[:draw(st.integers(0, len(data) - 1))]}
    tensors = [key for key in header if key != "__metadata__"]
    if not tensors:
        return {name: data + b"\x00" * draw(st.integers(1, 64))}
    key = draw(st.sampled_from(tensors))
    field = draw(st.sampled_from(["dtype", "shape", "data_offsets"]))
    value = {"dtype": st.sampled_from(["F64", "I8", "BOOL", "BOGUS", "U64", ""]),
             "shape": st.sampled_from([[2**40], [-1], [0], [3, 2**31], [], "abc"]),
             "data_offsets": st.sampled_from([[0, 2**40], [10, 5], [-4, 4], [0, 0], "x"])}[field]
    header[key] = {**header[key], field: draw(value)}
    text = json.dumps(header).encode()
    return {name: struct.pack("<Q", len(text)) + text + data[8 + length:]}


@st.composite
def entry_mutation(draw, entries: dict[str, bytes], marker: str):
    name = draw(st.sampled_from(sorted(entries)))
    kind = draw(st.sampled_from(["empty", "append", "pickle", "extra", "bomb", "nul"]))
    if kind == "empty":
        return {name: b""}
    if kind == "append":
        return {name: entries[name] + draw(st.binary(min_size=1, max_size=200))}
    if kind == "pickle":
        return {name: pickle.dumps(Planted(marker))}
    if kind == "nul":
        return {name: entries[name].replace(b'"', b'\x00', 1)}
    if kind == "extra":
        extra = draw(st.sampled_from(["../outside.json", "/abs.json", "runs/run-1/evil.py", "task_files/" + "0" * 32
                                      + ".data", "runs/run-9/state.json", "a\\b.json", "x" * 300]))
        return {extra: draw(st.sampled_from([b"{}", pickle.dumps(Planted(marker)), b"print(1)"]))}
    # an honest compression bomb: valid JSON padded with spaces, deflated 1000:1
    target = draw(st.sampled_from(sorted(n for n in entries if n.endswith((".json", ".csv")))))
    return {target: ("bomb", entries[target], draw(st.sampled_from([2**20, 64 * 2**20, 1200 * 2**20])))}


def write_case(path: Path, entries: dict[str, bytes]) -> None:
    """A zip of `entries` with a manifest whose checksums match, so each mutation
    gets past the checksums to the check that must catch it. A ("bomb", data,
    size) entry is `data` followed by spaces up to `size`, streamed, deflated."""
    try:
        manifest = json.loads(entries["manifest.json"]) if "manifest.json" in entries else None
    except (ValueError, TypeError):  # the manifest itself is what was mutated: written as it is
        manifest = None
    digests = {}
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            if name == "manifest.json":
                continue
            digest = hasher()
            if isinstance(data, tuple):
                _, head, size = data
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w", force_zip64=True) as out:
                    pad = b" " * 2**20
                    out.write(head)
                    digest.update(head)
                    for _ in range((size - len(head)) // len(pad)):
                        out.write(pad)
                        digest.update(pad)
            else:
                archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED if name.endswith(".json")
                                 else zipfile.ZIP_STORED)
                digest.update(data)
            digests[name] = digest.hexdigest()
        if isinstance(manifest, dict):
            if isinstance(manifest.get("entries"), dict):
                manifest["entries"] = digests
            archive.writestr("manifest.json", json.dumps(manifest))
        elif isinstance(entries.get("manifest.json"), bytes):
            archive.writestr("manifest.json", entries["manifest.json"])


class Case:
    """A mutated project's entries; shown as the entries it changed, not their bytes."""

    def __init__(self, entries: dict, changed: list[str]):
        self.entries, self.changed = entries, changed

    def __repr__(self) -> str:
        return f"Case(changed={self.changed})"


@st.composite
def hostile_project(draw, entries: dict[str, bytes], marker: str):
    mutated, changed = dict(entries), []
    for _ in range(draw(st.integers(1, 2))):
        change = draw(st.one_of(json_mutation(entries, marker), tensor_mutation(entries),
                                entry_mutation(entries, marker)))
        mutated.update(change)
        changed += list(change)
    return Case(mutated, changed)


def test_zip_bomb_writer_makes_what_it_says(tmp_path):
    """The generator's bomb entry really is valid JSON padded out and compressed:
    without this a 'refused' bomb could be a broken test file."""
    write_case(tmp_path / "b.seqlab", {"project.json": ("bomb", b'{"a": 1}', 8 * 2**20)})
    with zipfile.ZipFile(tmp_path / "b.seqlab") as archive:
        info = archive.getinfo("project.json")
        assert info.file_size >= 7 * 2**20 and info.compress_size * 200 < info.file_size
        assert json.loads(archive.read("project.json")) == {"a": 1}


# Each example is a process over CASES_PER_PROCESS files: no shrinking (every try
# would cost a process); a failure names its file and what happened instead.
@settings(max_examples=3, deadline=None, phases=[Phase.explicit, Phase.generate], derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_hostile_projects_are_refused_or_work_and_never_harm(data, good, tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    marker = str(folder / "MARKER")
    entries = read_entries(good)
    # Free text anywhere a project holds it must open: this one runs every command
    # in every example (hypothesis's first example mutates only the manifest).
    name = data.draw(payload(marker), label="names")

    def renamed(document):
        document.update(name=name, notes=name)
        for run in document["runs"]:
            run.update(name=name, notes=name)
            run["spec"].update(name=name, description=name)
    write_case(folder / "case-names.seqlab", edit_json(entries, "project.json", renamed))
    for index in range(CASES_PER_PROCESS):
        case = data.draw(hostile_project(entries, marker), label=f"case-{index:02d}")
        write_case(folder / f"case-{index:02d}.seqlab", case.entries)
    process = subprocess.run([sys.executable, "-m", "tests.engine.hostile_driver", str(folder), str(good)],
                             cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stderr[-3000:]
    result = json.loads(process.stdout.strip().splitlines()[-1])
    assert "warm_up_failed" not in result, result
    problems = []
    for report in result["reports"]:
        if "crash" in report or "save_crash" in report:
            problems.append(report)
        for command in report.get("commands", []):
            if not command.get("clean"):
                problems.append({"file": report["file"], **command})
    assert not problems, json.dumps(problems, indent=1)[:6000]
    named = next(report for report in result["reports"] if report["file"] == "case-names.seqlab")
    assert named.get("saved") and [c["code"] for c in named["commands"]] == [0] * 6, named
    assert not Path(marker).exists(), "a planted payload ran"
    assert result["outside"] == [], f"read outside the test's folder: {result['outside']}"
