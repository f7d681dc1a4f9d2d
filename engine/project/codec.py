"""A Project as archive entries and back: project.json, and per run its
weights, optimizer and random state (safetensors and JSON), scalar history
and probe history (safetensors) and evaluations (CSV). Encoding gives bytes,
or a TensorsEntry to stream; decoding reads from an entry source
(engine.project.entries) that checks each entry. The container, manifest and
versions are `engine.project.files`' job.

The scalar history is columns in safetensors, not CSV (as format 1 had it):
100 000 steps took 0.3 s to write and 0.13 s to parse as CSV, ten times
copying the weights of a 10M-parameter model. `main.py export --csv` and run
folders still give the CSV.

Decoding validates everything: JSON field names and types, run ids, specs,
tensor shapes against the model the spec builds. Unknown fields are refused,
unless the file comes from a newer minor version (`keep_unknown`), when they
are kept and written back unchanged.
"""

from __future__ import annotations

import base64
import json
import math
import re
import sys

import torch
import xxhash

from engine.checkpoint import FORMAT as CHECKPOINT_FORMAT
from engine.errors import ProjectError, SeqLabError, SpecError
from engine.history import MAX_STEP, ProbeHistory, ScalarHistory
from engine.probes.storage import probe_history_entry, probe_history_from_arrays
from engine.project.archive import TASK_FILE_SUFFIX, TEXT_SUFFIXES
from engine.project.deferred import RunTensors
from engine.project.model import RUN_ID, Project, Run
from engine.project.sweeps import MAX_SWEEPS, sweep_problem, trial_problem
from engine.spec import ExperimentSpec, shown
from engine.task_file import TaskFile, needs_file
from engine.tensor_file import TensorsEntry

PROJECT_ENTRY = "project.json"
UI_ENTRY = "ui.json"
RUN_FILES = ("weights.safetensors", "optimizer.safetensors", "rng.json", "state.json",
             "scalars.safetensors", "evaluations.csv", "probes.safetensors")
TRAINED_FILES = RUN_FILES[:4]
# The content of a file a run learns from (engine.task_file), one entry per
# distinct content, named by its XXH3-128 and shared by the runs that use it.
TASK_FILE_FOLDER = "task_files"
COMPRESSED_SUFFIXES = TEXT_SUFFIXES + (TASK_FILE_SUFFIX,)
_DIGEST = re.compile(r"^[0-9a-f]{32}$")


def task_file_entry(digest: str) -> str:
    return f"{TASK_FILE_FOLDER}/{digest}{TASK_FILE_SUFFIX}"


def run_entry(run_id: str, file: str) -> str:
    return f"runs/{run_id}/{file}"


# ------------------------------------------------------------------ encoding
def encode_project(project: Project) -> dict[str, bytes | TensorsEntry]:
    """The entries; tensors stay in their own memory until written (TensorsEntry)."""
    entries: dict[str, bytes | TensorsEntry] = {}
    runs = []
    task_files = {}
    for run in project.runs:
        record = {"id": run.id, "name": run.name, "notes": run.notes, "created": run.created,
                  "modified": run.modified, "trained": run.state is not None,
                  "spec": run.spec.to_dict(), "summary": run.summary, **run.extra}
        if run.sweep is not None:
            record["sweep"] = run.sweep
        if run.task_file is not None:
            record["task_file"] = run.task_file.digest
            task_files[task_file_entry(record["task_file"])] = run.task_file.content
        runs.append(record)
        entries.update(_encode_run(run))
    entries.update(task_files)
    document = {"name": project.name, "notes": project.notes, "created": project.created,
                "current_run": project.current_run, "runs": runs, **project.extra}
    if project.sweeps:
        document["sweeps"] = project.sweeps
    entries = {PROJECT_ENTRY: _json_bytes(document), **entries}
    if project.ui is not None:
        entries[UI_ENTRY] = _json_bytes(project.ui)
    entries.update(project.unknown_entries)
    return entries


def _json_bytes(data) -> bytes:
    """Strict JSON; a number that is not finite (a diverged run's last validation
    loss, say) is written as null, which is what it tells: no value."""
    return (json.dumps(_finite_or_null(data), indent=1, allow_nan=False) + "\n").encode("utf-8")


def _finite_or_null(data):
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: _finite_or_null(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite_or_null(value) for value in data]
    return data


def _encode_run(run: Run) -> dict[str, bytes | TensorsEntry]:
    out = {}
    if run.state is not None:
        tensors, meta = run.state
        weights = {k[len("model/"):]: t for k, t in tensors.items() if k.startswith("model/")}
        optimizer = {k[len("optimizer/"):]: t for k, t in tensors.items() if k.startswith("optimizer/")}
        rng = {k[len("rng/"):]: base64.b64encode(t.numpy().tobytes()).decode("ascii")
               for k, t in tensors.items() if k.startswith("rng/")}
        out[run_entry(run.id, "weights.safetensors")] = TensorsEntry(weights)
        out[run_entry(run.id, "optimizer.safetensors")] = TensorsEntry(optimizer)
        out[run_entry(run.id, "rng.json")] = _json_bytes(rng)
        out[run_entry(run.id, "state.json")] = _json_bytes(meta)
    out[run_entry(run.id, "scalars.safetensors")] = run.history.safetensors_entry()
    out[run_entry(run.id, "evaluations.csv")] = run.history.evaluations_csv_text().encode("utf-8")
    if len(run.probes):
        out[run_entry(run.id, "probes.safetensors")] = probe_history_entry(run.probes)
    return out


# ------------------------------------------------------------------ decoding
class Reader:
    """Decodes one archive's entries; every error names the file and the entry."""

    def __init__(self, source: str, entries, keep_unknown: bool):
        self.source = source
        self.entries = entries
        self.names = set(entries.names())
        self.keep_unknown = keep_unknown
        self.used: set[str] = set()
        self.task_files: dict[str, bytes] = {}  # entry -> content, read once for the runs sharing it

    def fail(self, where: str, message: str) -> ProjectError:
        return ProjectError(f"{self.source}: {where}: {message}")

    def take(self, name: str) -> bytes:
        self._use(name)
        return self.entries.read(name)

    def _use(self, name: str) -> None:
        if name not in self.names:
            raise self.fail(name, "missing")
        self.used.add(name)

    def json(self, name: str):
        try:
            data = json.loads(self.take(name).decode("utf-8"),
                              parse_constant=lambda c: _raise(ValueError(f"{c} is not allowed")))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise self.fail(name, f"is not valid JSON ({exc})") from None
        problem = _json_problem(data)
        if problem is not None:
            raise self.fail(name, problem)
        return data

    def text(self, name: str) -> str:
        try:
            return self.take(name).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise self.fail(name, f"is not UTF-8 text ({exc})") from None

    def fields(self, data, where: str, schema: dict[str, tuple]) -> dict:
        """Check `data` is an object whose fields have the types in `schema`;
        returns the unknown fields (kept for a newer minor version, else refused)."""
        if not isinstance(data, dict):
            raise self.fail(where, f"must be a JSON object, not {type(data).__name__}")
        for key, types in schema.items():
            if key not in data:
                raise self.fail(where, f"field {key!r} is missing")
            value = data[key]
            if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
                names = " or ".join("null" if t is type(None) else t.__name__ for t in types)
                raise self.fail(where, f"field {key!r} must be {names}, not {type(value).__name__}")
        unknown = {k: v for k, v in data.items() if k not in schema}
        if unknown and not self.keep_unknown:
            raise self.fail(where, f"unknown field {sorted(unknown)[0]!r}")
        return unknown

    def tensors(self, name: str, framework: str = "torch") -> tuple[dict, dict[str, str]]:
        self._use(name)
        return self.entries.tensors(name, framework)

    def deferred(self, name: str):
        """The tensors entry `name` checked but left in the file, or None."""
        self._use(name)
        return self.entries.deferred(name)


def _raise(exc):
    raise exc


# SeqLab's own JSON nests 5 deep at most. A document nested far deeper parses
# (up to the parser's stack) but could not be written back: json.dumps recurses.
MAX_JSON_DEPTH = 64


def _json_problem(data) -> str | None:
    """What makes parsed JSON unfit to keep: a float that is not finite (1e999 is
    valid JSON, and Python reads it as infinity), named by where it is
    ("runs[0].summary.train_loss"), or nesting past MAX_JSON_DEPTH. A loop, not
    recursion: the parser's nesting limit is the stack's."""
    pending = [("", data, 0)]
    while pending:
        path, value, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            return f"{_short_path(path)} is nested more than {MAX_JSON_DEPTH} deep"
        if isinstance(value, float) and not math.isfinite(value):
            return f"{_short_path(path) or 'the document'} is not a finite number"
        if isinstance(value, dict):
            pending += [(f"{path}.{key}" if path else key, item, depth + 1) for key, item in value.items()]
        elif isinstance(value, list):
            pending += [(f"{path}[{index}]", item, depth + 1) for index, item in enumerate(value)]
    return None


def _short_path(path: str) -> str:
    return path if len(path) <= 120 else path[:60] + "…" + path[-59:]  # keys can be any length


def _finite(value) -> bool:
    """A JSON number (not a bool) that a float holds finitely; exact for integers of any size."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) <= sys.float_info.max


_PROJECT_SCHEMA = {"name": (str,), "notes": (str,), "created": (str,), "current_run": (str, type(None)),
                   "runs": (list,)}
_RUN_SCHEMA = {"id": (str,), "name": (str,), "notes": (str,), "created": (str,), "modified": (str,),
               "trained": (bool,), "spec": (dict,), "summary": (dict,)}
_STATE_SCHEMA = {"format": (int,), "step": (int,), "base_lr": (float, int), "clip_norm": (float, int),
                 "teacher_forcing_override": (float, int, type(None)), "tokens_seen": (int,),
                 "train_seconds": (float, int), "elapsed": (float, int), "last_train_loss": (float, int, type(None)),
                 "last_evaluation": (dict,), "optimizer_groups": (list,), "optimizer_numbers": (dict,),
                 "skipped_steps": (int,)}
_SCALER_SCHEMA = {"scale": (float, int), "growth_tracker": (int,), "overflow_steps": (int,),
                  "overflows_in_a_row": (int,)}


def decode_project(source: str, entries, keep_unknown: bool = False) -> Project:
    """`entries`: an ArchiveEntries or MemoryEntries."""
    reader = Reader(source, entries, keep_unknown)
    document = reader.json(PROJECT_ENTRY)
    sweeps = _optional(reader, document, PROJECT_ENTRY, "sweeps", _sweeps_problem)
    extra = reader.fields(document, PROJECT_ENTRY, _PROJECT_SCHEMA)
    project = Project(name=document["name"], notes=document["notes"], created=document["created"],
                      current_run=document["current_run"], extra=extra, sweeps=sweeps or [])
    for index, data in enumerate(document["runs"]):
        project.runs.append(_decode_run(reader, data, f"{PROJECT_ENTRY}: runs[{index}]"))
    ids = [run.id for run in project.runs]
    if len(set(ids)) != len(ids):
        raise reader.fail(PROJECT_ENTRY, "two runs have the same id")
    if project.current_run is not None and project.current_run not in ids:
        raise reader.fail(PROJECT_ENTRY, f"current_run {project.current_run!r} is not one of the runs")
    if UI_ENTRY in reader.names:
        project.ui = reader.json(UI_ENTRY)
        if not isinstance(project.ui, dict):
            raise reader.fail(UI_ENTRY, "must be a JSON object")
    left = sorted(reader.names - reader.used)
    if left and not keep_unknown:
        raise reader.fail(left[0], "is not part of a project of this version")
    project.unknown_entries = {name: reader.take(name) for name in left}
    return project


def _optional(reader: Reader, data, where: str, name: str, problem_of):
    """An optional field, checked by `problem_of` and taken out of `data` (None when absent)."""
    if not isinstance(data, dict) or name not in data:
        return None
    value = data.pop(name)
    problem = problem_of(value)
    if problem:
        raise reader.fail(where, f"field {name!r}: {problem}")
    return value


def _sweeps_problem(value) -> str | None:
    if not isinstance(value, list) or len(value) > MAX_SWEEPS:
        return f"must be a list of at most {MAX_SWEEPS}"
    for index, sweep in enumerate(value):
        problem = sweep_problem(sweep)
        if problem:
            return f"[{index}]: {problem}"
    if len({sweep["id"] for sweep in value}) != len(value):
        return "two sweeps have the same id"
    return None


def _decode_run(reader: Reader, data, where: str) -> Run:
    sweep = _optional(reader, data, where, "sweep", trial_problem)
    digest = data.get("task_file") if isinstance(data, dict) else None
    if isinstance(data, dict) and "task_file" in data:
        data = {key: value for key, value in data.items() if key != "task_file"}
        if not isinstance(digest, str) or not _DIGEST.match(digest):
            raise reader.fail(where, "field 'task_file' must be the XXH3-128 hex digest of a task file entry")
    extra = reader.fields(data, where, _RUN_SCHEMA)
    run_id = data["id"]
    if not RUN_ID.match(run_id):
        raise reader.fail(where, f"run id {run_id!r} must be 1-64 letters, digits, '-' or '_'")
    try:
        spec = ExperimentSpec.from_dict(data["spec"])
        spec.validate_fields()  # every number in the range the spec's validator allows
    except SpecError as exc:
        raise reader.fail(f"run {run_id!r}", f"spec: {exc}") from None
    if not isinstance(data["summary"].get("metric"), (dict, type(None))):
        raise reader.fail(where, "summary.metric must be an object or null")
    run = Run(id=run_id, spec=spec, name=data["name"], notes=data["notes"], created=data["created"],
              modified=data["modified"], summary=data["summary"], extra=extra, sweep=sweep)
    if digest is not None:
        run.task_file = _decode_task_file(reader, spec, digest, where)
    if data["trained"]:
        run.state = _decode_state(reader, run)
    scalars_name = run_entry(run_id, "scalars.safetensors")
    try:
        run.history = ScalarHistory.from_arrays(*reader.tensors(scalars_name, "numpy"), scalars_name)
        run.history.read_evaluations_csv(reader.text(run_entry(run_id, "evaluations.csv")),
                                         run_entry(run_id, "evaluations.csv"))
    except ValueError as exc:
        raise ProjectError(f"{reader.source}: {exc}") from None
    probes_name = run_entry(run_id, "probes.safetensors")
    if probes_name in reader.names:
        try:
            run.probes = probe_history_from_arrays(*reader.tensors(probes_name, "numpy"), probes_name)
        except SeqLabError as exc:
            raise ProjectError(f"{reader.source}: {exc}") from None
    else:
        run.probes = ProbeHistory()
    return run


def _decode_task_file(reader: Reader, spec: ExperimentSpec, digest: str, where: str) -> TaskFile:
    """The content of the file the run learns from, checked against the digest that names it."""
    if not needs_file(spec.task):
        raise reader.fail(where, f"holds a task file, but task.name={spec.task.name} reads none")
    name = task_file_entry(digest)  # its size is bounded by the archive's listing; its task's limit, by the task
    if name not in reader.task_files:
        content = reader.take(name)
        if xxhash.xxh3_128_hexdigest(content) != digest:
            raise reader.fail(name, "does not match the digest that names it (damaged or edited)")
        reader.task_files[name] = content
    return TaskFile(spec.task.path, reader.task_files[name])


def _decode_state(reader: Reader, run: Run) -> tuple[dict[str, torch.Tensor], dict]:
    meta = reader.json(run_entry(run.id, "state.json"))
    reader.fields(meta, run_entry(run.id, "state.json"), _STATE_SCHEMA |
                  ({"scaler": (dict,)} if isinstance(meta, dict) and "scaler" in meta else {}))
    if "scaler" in meta:  # a run that trained in fp16: its gradient scaler
        reader.fields(meta["scaler"], run_entry(run.id, "state.json") + ": scaler", _SCALER_SCHEMA)
    if meta["format"] != CHECKPOINT_FORMAT:
        raise reader.fail(run_entry(run.id, "state.json"), f"checkpoint format {meta['format']} is not "
                                                           f"{CHECKPOINT_FORMAT}")
    tensors = {f"model/{k}": t for k, t in reader.tensors(run_entry(run.id, "weights.safetensors"))[0].items()}
    optimizer = reader.deferred(run_entry(run.id, "optimizer.safetensors"))
    if optimizer is None:
        tensors.update({f"optimizer/{k}": t
                        for k, t in reader.tensors(run_entry(run.id, "optimizer.safetensors"))[0].items()})
    rng_name = run_entry(run.id, "rng.json")
    rng = reader.json(rng_name)
    reader.fields(rng, rng_name, {"cpu": (str,), "batches": (str,), "sampling": (str,)} |
                  ({"cuda": (str,)} if isinstance(rng, dict) and "cuda" in rng else {}))
    for key, text in rng.items():
        try:
            tensors[f"rng/{key}"] = torch.frombuffer(bytearray(base64.b64decode(text, validate=True)),
                                                     dtype=torch.uint8)
        except ValueError as exc:
            raise reader.fail(rng_name, f"{key} is not base64 ({exc})") from None
    if optimizer is not None:  # read when first used (engine.project.deferred)
        tensors = RunTensors(tensors, optimizer, "optimizer/")
    _check_fits(reader, run, tensors, meta)
    return tensors, meta


def _check_fits(reader: Reader, run: Run, tensors: dict[str, torch.Tensor], meta: dict) -> None:
    """The saved state's structure: optimizer entries per parameter index, random
    states of the right size. Whether the weights fit the model the spec builds
    is checked by checkpoint.restore when the run is used (building the task
    here would make every open slow)."""
    where = run_entry(run.id, "optimizer.safetensors")
    for name in tensors:
        parts = name.split("/")
        if parts[0] == "optimizer" and (len(parts) != 3 or not parts[1].isdigit()):
            raise reader.fail(where, f"{name[10:]!r} is not named <parameter index>/<state>")
    _check_state_values(reader, run, meta)
    expected_rng = {"rng/cpu": torch.get_rng_state().numel(), "rng/batches": torch.Generator().get_state().numel(),
                    "rng/sampling": torch.Generator().get_state().numel()}
    for name, size in expected_rng.items():
        if tensors[name].numel() != size:
            raise reader.fail(run_entry(run.id, "rng.json"), f"{name[4:]} holds {tensors[name].numel()} bytes, "
                                                             f"a generator state is {size}")


# Counts in state.json: a step stays exact as a float64 (plots, wall-clock
# columns) and fits the int64 step column; tokens_seen fits an int64.
_STATE_COUNTS = {"step": MAX_STEP, "tokens_seen": 2**63, "skipped_steps": MAX_STEP}


def _check_state_values(reader: Reader, run: Run, meta: dict) -> None:
    """Every number in the range the trainer and the spec's validator allow."""
    where = run_entry(run.id, "state.json")

    def refuse(message: str) -> ProjectError:
        return reader.fail(where, message)

    for key, limit in _STATE_COUNTS.items():
        if not 0 <= meta[key] < limit:
            raise refuse(f"{key}={shown(meta[key])} must be at least 0 and below {limit}")
    for key in ("base_lr", "clip_norm", "teacher_forcing_override", "train_seconds", "elapsed", "last_train_loss"):
        if meta[key] is not None and not _finite(meta[key]):
            raise refuse(f"{key}={shown(meta[key])} is not a finite number")
    if not 0 < meta["base_lr"] <= 10:
        raise refuse(f"base_lr={meta['base_lr']} must be in (0, 10]")
    for key in ("clip_norm", "train_seconds", "elapsed"):
        if meta[key] < 0:
            raise refuse(f"{key}={meta[key]} must be at least 0")
    override = meta["teacher_forcing_override"]
    if override is not None and not 0 <= override <= 1:
        raise refuse(f"teacher_forcing_override={override} must be in [0, 1] or null")
    for name, value in meta["last_evaluation"].items():
        if value is not None and not _finite(value):  # null: the value was not finite (a diverged run)
            raise refuse(f"last_evaluation[{name!r}] must be a finite number or null")
    if len(meta["optimizer_groups"]) != 1 or not isinstance(meta["optimizer_groups"][0], dict):
        raise refuse("optimizer_groups must hold one parameter group")
    for name, value in meta["optimizer_groups"][0].items():
        numbers = value if isinstance(value, list) else [value]
        if any(isinstance(n, (int, float)) and not isinstance(n, bool) and not _finite(n) for n in numbers):
            raise refuse(f"optimizer_groups[0][{name!r}] is not a finite number")
    for index, numbers in meta["optimizer_numbers"].items():
        if not index.isdigit() or not isinstance(numbers, dict) or not all(map(_finite, numbers.values())):
            raise refuse(f"optimizer_numbers[{index!r}] must map names to finite numbers")
    scaler = meta.get("scaler")
    if scaler is not None:
        if not _finite(scaler["scale"]) or not scaler["scale"] > 0:
            raise refuse(f"scaler: scale={shown(scaler['scale'])} must be a finite number above 0")
        for key in ("growth_tracker", "overflow_steps", "overflows_in_a_row"):
            if not 0 <= scaler[key] < MAX_STEP:
                raise refuse(f"scaler: {key}={shown(scaler[key])} must be at least 0 and below {MAX_STEP}")
