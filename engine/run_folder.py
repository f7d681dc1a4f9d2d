"""A trained run written to a folder: spec, summary, weights, scalar and probe
history. Every file is written atomically, so a crash leaves no half file."""

from __future__ import annotations

import json
from pathlib import Path

from engine.atomic_file import write_atomic
from engine.errors import SeqLabError
from engine.history import ProbeHistory, ScalarHistory
from engine.probes.storage import encode_probes
from engine.training import Trainer

def write_run(folder: Path, trainer: Trainer, history: ScalarHistory, probes: ProbeHistory,
              summary: dict) -> None:
    """spec.json, summary.json, weights.safetensors, scalars.csv, evaluations.csv,
    probes.safetensors (the kept probe snapshots)."""
    from safetensors.torch import save

    if folder.exists() and not folder.is_dir():
        raise SeqLabError(f"{folder}: exists and is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    weights = {k: v.detach().cpu().contiguous() for k, v in trainer.model.state_dict().items()}
    write_atomic(folder / "weights.safetensors", save(weights, metadata={"spec": trainer.spec.to_json()}))
    write_atomic(folder / "spec.json", trainer.spec.to_json() + "\n")
    write_atomic(folder / "summary.json", json.dumps(summary, indent=2) + "\n")
    if len(probes):
        write_atomic(folder / "probes.safetensors", encode_probes(probes.snapshots()))
    write_atomic(folder / "scalars.csv", history.csv_text())
    write_atomic(folder / "evaluations.csv", history.evaluations_csv_text())
