"""Sizes are checked before anything is allocated: a model too big for the
machine is refused by name (training, the playground, the command line), its
diagram is drawn without storage, and a project's text entries are bounded in
total before they are unpacked.

The enormous models run in a child process whose address space is capped at a
few GiB: a weight allocated for real there fails in the allocator, so a clean
refusal shows nothing was allocated. The child reports 16 GiB free whatever
this machine has, so the outcome is the same on every machine."""

import json
import random
import subprocess
import sys
import textwrap
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
import xxhash

import engine.memory
from engine.errors import ProjectError, RunTooBig
from engine.playground import Playground
from engine.presets import load_preset
from engine.project import Limits, Project, open_project, save_project
from engine.project.model import Run
from engine.training import Trainer
from tests.engine.helpers import small_spec
from tests.engine.project_helpers import read_entries

ROOT = Path(__file__).resolve().parents[2]
# Within every per-field limit, enormous together: 120 GiB of weights.
ENORMOUS = {"model.d_model": 8192, "model.ff_size": 65536, "model.layers": 24}
PRESET = "shakespeare-gpt"
ADDRESS_SPACE = 3 * 2**30  # importing torch and the engine maps ~0.8 GiB; one of these weights is 2 GiB
CHILD_FREE = 16 * 2**30
NAMED_SETTINGS = "model.d_model (now 8192), model.ff_size (now 65536) or model.layers (now 24)"

PRELUDE = f"""
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}))
import psutil
_machine = psutil.virtual_memory
psutil.virtual_memory = lambda: _machine()._replace(available={CHILD_FREE})
"""


def run_capped(code: str, *args: str) -> subprocess.CompletedProcess:
    """`code` run in a child capped at ADDRESS_SPACE that sees CHILD_FREE bytes free; `args` are its sys.argv[1:]."""
    return subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(code), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def outcomes() -> dict[str, dict]:
    """What building the enormous spec's Trainer, playground and diagram did in a
    capped child (one child for the three: each starts in seconds): the exception
    each raised, if any, and how far each grew the process's peak memory."""
    process = run_capped(f"""
        from engine.blueprint import blueprint
        from engine.errors import SeqLabError
        from engine.playground import Playground
        from engine.presets import load_preset
        from engine.project.model import Run
        from engine.training import Trainer
        spec = load_preset({PRESET!r}).with_overrides({ENORMOUS!r})
        calls = {{"trainer": lambda: Trainer(spec),
                  "playground": lambda: Playground.from_run(Run(id="run-1", spec=spec)),
                  "diagram": lambda: blueprint(spec)}}
        outcomes = {{}}
        for name, call in calls.items():
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            outcome = outcomes[name] = {{"error": None}}
            try:
                drawn = call()
                outcome["total_parameters"] = getattr(drawn, "total_parameters", None)
                outcome["blocks"] = [[b.name, b.shape, b.parameters] for b in getattr(drawn, "blocks", [])]
            except BaseException as exc:
                outcome.update(error=type(exc).__name__, seqlab=isinstance(exc, SeqLabError), message=str(exc))
            outcome["peak_growth_mib"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        print(json.dumps(outcomes))
    """)
    assert process.returncode == 0, process.stderr[-3000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


def _block_parameters(d_model: int, ff_size: int) -> int:
    """A decoder block: four d×d projections, the feed-forward pair, two layer norms, with biases."""
    return 4 * (d_model * d_model + d_model) + 2 * d_model * ff_size + ff_size + d_model + 4 * d_model


def test_the_trainer_refuses_an_enormous_model_naming_its_sizes_before_allocating_it(outcomes):
    outcome = outcomes["trainer"]
    assert outcome["error"] == "RunTooBig", outcome
    assert outcome["message"].startswith("this model cannot train here: its weights, gradients and optimizer "
                                         "state alone need 480.1 GiB and 16.0 GiB is free on cpu")
    assert outcome["message"].endswith(f"lower {NAMED_SETTINGS}")
    assert outcome["peak_growth_mib"] < 100


def test_the_playground_refuses_an_untrained_run_of_it_by_its_weights_alone(outcomes):
    outcome = outcomes["playground"]
    assert outcome["error"] == "ProjectError" and outcome["seqlab"], outcome
    assert outcome["message"] == ("run 'run-1': this model cannot be built here: its weights alone need "
                                  f"120.0 GiB and 16.0 GiB is free on cpu: lower {NAMED_SETTINGS}")
    assert outcome["peak_growth_mib"] < 100


def test_the_diagram_of_an_enormous_model_is_drawn_without_allocating_it(outcomes):
    outcome = outcomes["diagram"]
    assert outcome["error"] is None, outcome
    assert outcome["total_parameters"] > 32 * 10**9
    blocks = {name: (shape, parameters) for name, shape, parameters in outcome["blocks"]}
    assert blocks["stack.blocks.23"] == ("B×64×8192", _block_parameters(8192, 65536))
    assert outcome["peak_growth_mib"] < 200  # ru_maxrss: torch's allocations count, unlike tracemalloc's


def test_a_small_model_is_still_drawn_from_real_weights_and_a_big_one_on_the_meta_device(monkeypatch):
    from engine import blueprint as drawing

    built_for_real = []
    real_build = drawing.build_model
    monkeypatch.setattr(drawing, "build_model", lambda *a: built_for_real.append(1) or real_build(*a))
    small = drawing.blueprint(load_preset(PRESET))
    assert built_for_real and small.total_parameters == 811_334
    built_for_real.clear()
    wide = drawing.blueprint(load_preset(PRESET).with_overrides({"model.d_model": 2048, "model.ff_size": 8192}))
    assert not built_for_real  # 800 MB of weights: drawn without them
    assert ("stack.blocks.0", "B×64×2048", _block_parameters(2048, 8192)) in \
        [(b.name, b.shape, b.parameters) for b in wide.blocks]


@pytest.fixture(scope="module")
def enormous_project(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("enormous") / "enormous.seqlab"
    project = Project(name="enormous")
    project.add_run(load_preset(PRESET).with_overrides(ENORMOUS))
    save_project(project, path)  # never trained: saving builds no model
    return path


@pytest.mark.parametrize("command", [
    ["train", "--preset", PRESET, *(f"--set={key}={value}" for key, value in ENORMOUS.items()), "--quiet"],
    ["play", "{project}", "--input", "To be"],
], ids=["train", "play"])
def test_the_command_line_refuses_it_in_one_line_with_exit_code_2(command, enormous_project):
    command = [part.format(project=enormous_project) for part in command]
    process = run_capped("import runpy; runpy.run_path('main.py', run_name='__main__')", *command)
    lines = process.stderr.strip().splitlines()
    assert process.returncode == 2 and len(lines) == 1, process.stderr[-3000:]
    assert lines[0].startswith("seqlab: error: run 'run-1': this model cannot ") and NAMED_SETTINGS in lines[0]


def _weight_bytes(spec) -> int:
    return sum(p.numel() * p.element_size() for p in Trainer(spec).model.parameters())


def test_training_needs_room_for_gradients_and_optimizer_state_and_the_playground_for_the_weights(monkeypatch):
    spec = small_spec(model__hidden_size=256)
    weights = _weight_bytes(spec)
    monkeypatch.setattr(engine.memory, "available_memory", lambda device: 3 * weights)
    with pytest.raises(RunTooBig, match="its weights, gradients and optimizer state alone need .* lower "
                                        r"model.hidden_size \(now 256\), model.embedding_size \(now 16\) "
                                        r"or model.layers \(now 1\)"):
        Trainer(spec)  # Adam: weights, gradients and two moments, 4 x weights
    Trainer(spec.with_overrides({"training.optimizer": "sgd", "training.momentum": 0.0}))  # 2 x: fits
    playground = Playground.from_run(Run(id="run-1", spec=spec))  # the weights alone fit
    assert playground.predict(playground.examples(1)[0]).output_tokens


def test_a_model_whose_positions_table_is_most_of_it_is_told_to_lower_max_len(monkeypatch):
    monkeypatch.setattr(engine.memory, "available_memory", lambda device: 2**20)
    spec = small_spec(model__family="transformer", model__arch="decoder", task__name="shakespeare",
                      model__max_len=100_000, model__positional="sinusoidal")
    with pytest.raises(RunTooBig, match=r"lower model.max_len \(now 100000\) or model.d_model \(now 32\)$"):
        Trainer(spec)


# ------------------------------------------------------------ project text entries
def _with_entry(entries: dict[str, bytes], path: Path, name: str, prefix: bytes, padding: int) -> None:
    """A project of `entries` with entry `name` = `prefix` and then `padding` bytes of JSON
    whitespace, streamed (the test never holds it), deflating about 95:1: within the zip-bomb
    ratio, and valid JSON for a reader that takes it whole."""
    rng = random.Random(0)
    chunk = bytearray(b" " * 2**20)
    for _ in range(1500):
        chunk[rng.randrange(len(chunk))] = rng.choice(b"\t\n\r")
    chunk = bytes(chunk)
    digests = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for entry, data in entries.items():
            if entry == name:
                digest = xxhash.xxh3_128()
                with archive.open(entry, "w", force_zip64=True) as stream:
                    for part in [prefix] + [chunk] * (padding // len(chunk)):
                        stream.write(part)
                        digest.update(part)
                digests[entry] = digest.hexdigest()
            elif entry != "manifest.json":
                archive.writestr(entry, data)
                digests[entry] = xxhash.xxh3_128_hexdigest(data)
        manifest = json.loads(entries["manifest.json"])
        manifest["entries"] = digests
        archive.writestr("manifest.json", json.dumps(manifest))


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("good") / "good.seqlab"
    project = Project(name="good")
    project.add_run(small_spec())  # an untrained run has every text entry: project.json, evaluations.csv
    save_project(project, path)
    return path


def test_a_gigabyte_of_json_packed_95_to_1_is_refused_unread_naming_the_entry_and_limit(good, tmp_path):
    entries = read_entries(good)
    path = tmp_path / "bomb.seqlab"
    _with_entry(entries, path, "project.json", entries["project.json"], 1100 * 2**20)
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("project.json")
    assert info.file_size > 2**30 and 90 < info.file_size / info.compress_size < Limits().max_ratio
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(ProjectError, match=r"bomb.seqlab: entry 'project.json' unpacks to 1,153,\d+,\d+ bytes, "
                                               r"more than a text entry may \(33,554,432\)"):
            open_project(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 5 and peak < 32 * 2**20  # refused from the listing: never unpacked


def test_text_entries_are_bounded_each_and_all_together(good, tmp_path):
    small = {"max_text_entry_bytes": 2**20, "max_text_bytes": 2 * 2**20}
    open_project(good, Limits(**small))  # a real project's text is far under both
    entries = read_entries(good)
    path = tmp_path / "evaluations.seqlab"
    _with_entry(entries, path, "runs/run-1/evaluations.csv", entries["runs/run-1/evaluations.csv"], 3 * 2**20)
    with pytest.raises(ProjectError, match=r"its text entries \(JSON, CSV\) unpack to more than 2,097,152 bytes "
                                           r"together \(at entry 'runs/run-1/evaluations.csv'\)"):
        open_project(path, Limits(max_text_bytes=small["max_text_bytes"]))
    with pytest.raises(ProjectError, match=r"entry 'runs/run-1/evaluations.csv' unpacks to 3,145,\d+ bytes, "
                                           r"more than a text entry may \(1,048,576\)"):
        open_project(path, Limits(max_text_entry_bytes=small["max_text_entry_bytes"]))
