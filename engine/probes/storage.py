"""Probe history on disk: snapshots stacked in one safetensors file.

Every snapshot of a run has the same shapes (the probe batch is fixed), so
each array is stored once with a leading snapshot axis; "step" says which
step each row is. Missing values (no training gradients for a snapshot taken
at the start or on demand) are NaN.
"""

from __future__ import annotations

import json
import math

import numpy as np

from engine.errors import SeqLabError
from engine.events import ProbeSnapshot
from engine.history import ProbeHistory
from engine.tensor_file import TensorFileError, TensorsEntry, read_tensors

FORMAT = "seqlab-probes"
VERSION = "1"


def encode_probes(snapshots: list[ProbeSnapshot], numbers: list[int] | None = None,
                  arrivals: int | None = None, recent: int | None = None) -> bytes:
    """`numbers`, `arrivals` and `recent` (a ProbeHistory's thinning state) are kept when given."""
    return probes_entry(snapshots, numbers, arrivals, recent).to_bytes()


def probes_entry(snapshots: list[ProbeSnapshot], numbers: list[int] | None = None,
                 arrivals: int | None = None, recent: int | None = None) -> TensorsEntry:
    if not snapshots:
        raise ValueError("no snapshots to save")
    # Always a group_grad_norm column (NaN rows where a snapshot has none), so
    # every file has the same layout, whichever snapshots it holds.
    columns: dict[str, list[np.ndarray]] = {"group_grad_norm": []}
    for snapshot in snapshots:
        for name, array in snapshot.arrays().items():
            columns.setdefault(name, [])
    groups = len(snapshots[0].group_names)
    for snapshot in snapshots:
        arrays = snapshot.arrays()
        arrays.setdefault("group_grad_norm", np.full(groups, np.nan, dtype=np.float32))
        for name in columns:
            columns[name].append(np.asarray(arrays[name]))  # float32, or float16 for states
    tensors = {name: np.stack(values) for name, values in columns.items()}
    tensors["step"] = np.array([s.step for s in snapshots], dtype=np.int64)
    tensors["lr"] = np.array([s.lr for s in snapshots], dtype=np.float64)
    tensors["tokens_per_second"] = np.array([s.tokens_per_second for s in snapshots], dtype=np.float64)
    tensors["seconds"] = np.array([s.seconds for s in snapshots], dtype=np.float64)
    tensors["grad_norm_total"] = np.array([math.nan if s.grad_norm_total is None else s.grad_norm_total
                                           for s in snapshots], dtype=np.float64)
    if numbers is not None:
        tensors["arrival"] = np.array(numbers, dtype=np.int64)
    first = snapshots[0]
    metadata = {"format": FORMAT, "format_version": VERSION, "example": str(first.example),
                "tokens": json.dumps(first.tokens), "group_names": json.dumps(first.group_names)}
    if arrivals is not None:
        metadata["arrivals"] = str(arrivals)
    if recent is not None:
        metadata["recent"] = str(recent)
    return TensorsEntry(tensors, metadata)


def probe_history_entry(history: ProbeHistory) -> TensorsEntry:
    return probes_entry(history.snapshots(), history.arrival_numbers, history.arrivals, history.recent)


def decode_probe_history(data: bytes, source: str = "probes") -> ProbeHistory:
    return probe_history_from_arrays(*_read(data, source), source)


def probe_history_from_arrays(tensors: dict[str, np.ndarray], metadata: dict[str, str],
                              source: str = "probes") -> ProbeHistory:
    snapshots = _checked_snapshots(tensors, metadata, source)
    try:
        numbers = tensors["arrival"].tolist()
        arrivals = int(metadata["arrivals"])
        recent = int(metadata.get("recent", ProbeHistory.RECENT))
        return ProbeHistory.restored(snapshots, numbers, arrivals, recent)
    except (KeyError, ValueError) as exc:
        raise SeqLabError(f"{source}: the probe history's thinning state is missing or wrong ({exc})") from None


def decode_probes(data: bytes, source: str = "probes") -> list[ProbeSnapshot]:
    return _checked_snapshots(*_read(data, source), source)


def _read(data: bytes, source: str) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    try:
        return read_tensors(data)
    except TensorFileError as exc:
        raise SeqLabError(f"{source}: not a readable probe file ({exc})") from None


def _checked_snapshots(tensors: dict[str, np.ndarray], metadata: dict[str, str], source: str) -> list[ProbeSnapshot]:
    if metadata.get("format") != FORMAT:
        raise SeqLabError(f"{source}: not a SeqLab probe file")
    try:
        return _snapshots(tensors, metadata)
    except (KeyError, IndexError, ValueError, TypeError, AttributeError) as exc:
        raise SeqLabError(f"{source}: the probe file is inconsistent ({type(exc).__name__}: {exc})") from None


def _snapshots(tensors: dict[str, np.ndarray], metadata: dict) -> list[ProbeSnapshot]:
    tokens, group_names = json.loads(metadata["tokens"]), json.loads(metadata["group_names"])
    rows = len(tensors["step"])
    if any(array.ndim == 0 or len(array) != rows for array in tensors.values()):
        raise ValueError("arrays disagree on the number of snapshots")
    # Where each array goes in a snapshot, worked out once for all rows.
    places = []
    for name, array in tensors.items():
        kind, _, rest = name.partition("/")
        if kind in ProbeSnapshot.NESTED:
            outer, _, inner = rest.partition("/")
            places.append((ProbeSnapshot.NESTED[kind], outer, inner, array))
        elif kind == "attention":
            places.append(("attention", rest, None, array))
    snapshots = []
    for row, step in enumerate(tensors["step"].tolist()):
        nested = {attribute: {} for attribute in ProbeSnapshot.NESTED.values()}
        attention = {}
        for attribute, outer, inner, array in places:
            if inner is None:
                attention[outer] = array[row]
            else:
                nested[attribute].setdefault(outer, {})[inner] = array[row]
        grad_norms = tensors["group_grad_norm"][row]
        total = float(tensors["grad_norm_total"][row])
        snapshots.append(ProbeSnapshot(
            step=int(step), example=int(metadata["example"]), tokens=tokens, attention=attention,
            group_names=group_names, weight_norms=tensors["weight_norm"][row],
            group_grad_norms=None if np.isnan(grad_norms).all() else grad_norms,
            grad_norm_total=None if math.isnan(total) else total, lr=float(tensors["lr"][row]),
            tokens_per_second=float(tensors["tokens_per_second"][row]),
            seconds=float(tensors["seconds"][row]), **nested))
    return snapshots
