"""Export a run's history as TensorBoard event files (needs the optional
`tensorboard` package, which torch's SummaryWriter uses)."""

from __future__ import annotations

import math
from pathlib import Path

from engine.errors import SeqLabError


def write_tensorboard(run, folder: Path) -> int:
    """Scalars (train/…) and evaluations (val/…) of `run` under `folder`/<run id>;
    returns how many values were written."""
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        raise SeqLabError("exporting to TensorBoard needs the tensorboard package: "
                          "pip install tensorboard") from None
    history = run.history
    steps = history.column("step").tolist()
    wall = history.column("wall_time").tolist()
    count = 0
    writer = SummaryWriter(log_dir=str(Path(folder) / run.id))
    try:
        for name in history.names[2:]:
            for step, when, value in zip(steps, wall, history.column(name).tolist()):
                if math.isfinite(value):
                    writer.add_scalar(f"train/{name}", value, step, walltime=when)
                    count += 1
        for evaluation in history.evaluations:
            for name, value in evaluation.values.items():
                writer.add_scalar(f"val/{name}", value, evaluation.step, walltime=evaluation.wall_time)
                count += 1
        writer.add_text("spec", "```\n" + run.spec.to_json() + "\n```")
    finally:
        writer.close()
    return count
