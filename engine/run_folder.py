"""A trained run written to a folder: spec, summary, weights, scalar and probe
history. Every file is written atomically, so a crash leaves no half file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from engine.errors import SeqLabError
from engine.history import ProbeHistory, ScalarHistory
from engine.probes.storage import encode_probes
from engine.training import Trainer

_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write via a temporary file in the same folder, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file the usual mode
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
