"""Exports of a project's run: a standalone PyTorch script, TensorBoard events.
(The scalars CSV is ScalarHistory.csv_text.)"""

from engine.export.script import standalone_script
from engine.export.tensorboard import write_tensorboard

__all__ = ["standalone_script", "write_tensorboard"]
