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

import torch

from engine.checkpoint import FORMAT as CHECKPOINT_FORMAT
from engine.errors import ProjectError, SeqLabError, SpecError
from engine.history import ProbeHistory, ScalarHistory
from engine.probes.storage import probe_history_entry, probe_history_from_arrays
from engine.project.deferred import RunTensors
from engine.project.model import RUN_ID, Project, Run
from engine.spec import ExperimentSpec
from engine.tensor_file import TensorsEntry

PROJECT_ENTRY = "project.json"
UI_ENTRY = "ui.json"
RUN_FILES = ("weights.safetensors", "optimizer.safetensors", "rng.json", "state.json",
             "scalars.safetensors", "evaluations.csv", "probes.safetensors")
TRAINED_FILES = RUN_FILES[:4]
TEXT_SUFFIXES = (".json", ".csv")


def run_entry(run_id: str, file: str) -> str:
    return f"runs/{run_id}/{file}"


# ------------------------------------------------------------------ encoding
def encode_project(project: Project) -> dict[str, bytes | TensorsEntry]:
    """The entries; tensors stay in their own memory until written (TensorsEntry)."""
    entries: dict[str, bytes | TensorsEntry] = {}
    runs = []
    for run in project.runs:
        runs.append({"id": run.id, "name": run.name, "notes": run.notes, "created": run.created,
                     "modified": run.modified, "trained": run.state is not None,
                     "spec": run.spec.to_dict(), "summary": run.summary, **run.extra})
        entries.update(_encode_run(run))
    document = {"name": project.name, "notes": project.notes, "created": project.created,
                "current_run": project.current_run, "runs": runs, **project.extra}
    entries = {PROJECT_ENTRY: _json_bytes(document), **entries}
    if project.ui is not None:
        entries[UI_ENTRY] = _json_bytes(project.ui)
    entries.update(project.unknown_entries)
    return entries


def _json_bytes(data) -> bytes:
    return (json.dumps(data, indent=1, allow_nan=False) + "\n").encode("utf-8")


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
            return json.loads(self.take(name).decode("utf-8"),
                              parse_constant=lambda c: _raise(ValueError(f"{c} is not allowed")))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise self.fail(name, f"is not valid JSON ({exc})") from None

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


_PROJECT_SCHEMA = {"name": (str,), "notes": (str,), "created": (str,), "current_run": (str, type(None)),
                   "runs": (list,)}
_RUN_SCHEMA = {"id": (str,), "name": (str,), "notes": (str,), "created": (str,), "modified": (str,),
               "trained": (bool,), "spec": (dict,), "summary": (dict,)}
_STATE_SCHEMA = {"format": (int,), "step": (int,), "base_lr": (float, int), "clip_norm": (float, int),
                 "teacher_forcing_override": (float, int, type(None)), "tokens_seen": (int,),
                 "train_seconds": (float, int), "elapsed": (float, int), "last_train_loss": (float, int, type(None)),
                 "last_evaluation": (dict,), "optimizer_groups": (list,), "optimizer_numbers": (dict,),
                 "skipped_steps": (int,)}


def decode_project(source: str, entries, keep_unknown: bool = False) -> Project:
    """`entries`: an ArchiveEntries or MemoryEntries."""
    reader = Reader(source, entries, keep_unknown)
    document = reader.json(PROJECT_ENTRY)
    extra = reader.fields(document, PROJECT_ENTRY, _PROJECT_SCHEMA)
    project = Project(name=document["name"], notes=document["notes"], created=document["created"],
                      current_run=document["current_run"], extra=extra)
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


def _decode_run(reader: Reader, data, where: str) -> Run:
    extra = reader.fields(data, where, _RUN_SCHEMA)
    run_id = data["id"]
    if not RUN_ID.match(run_id):
        raise reader.fail(where, f"run id {run_id!r} must be 1-64 letters, digits, '-' or '_'")
    try:
        spec = ExperimentSpec.from_dict(data["spec"])
    except SpecError as exc:
        raise reader.fail(f"run {run_id!r}", f"spec: {exc}") from None
    run = Run(id=run_id, spec=spec, name=data["name"], notes=data["notes"], created=data["created"],
              modified=data["modified"], summary=data["summary"], extra=extra)
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


def _decode_state(reader: Reader, run: Run) -> tuple[dict[str, torch.Tensor], dict]:
    meta = reader.json(run_entry(run.id, "state.json"))
    reader.fields(meta, run_entry(run.id, "state.json"), _STATE_SCHEMA)
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


def _check_state_values(reader: Reader, run: Run, meta: dict) -> None:
    where = run_entry(run.id, "state.json")
    if meta["step"] < 0 or meta["tokens_seen"] < 0 or meta["skipped_steps"] < 0:
        raise reader.fail(where, "step, tokens_seen and skipped_steps cannot be negative")
    if not (math.isfinite(meta["base_lr"]) and 0 < meta["base_lr"] <= 10):
        raise reader.fail(where, f"base_lr={meta['base_lr']} must be in (0, 10]")
    if len(meta["optimizer_groups"]) != 1 or not isinstance(meta["optimizer_groups"][0], dict):
        raise reader.fail(where, "optimizer_groups must hold one parameter group")
    for index, numbers in meta["optimizer_numbers"].items():
        if not index.isdigit() or not isinstance(numbers, dict) or \
                not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in numbers.values()):
            raise reader.fail(where, f"optimizer_numbers[{index!r}] must map names to numbers")
