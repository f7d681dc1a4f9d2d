"""A probe snapshot as text, for a terminal: gradient profiles on a log scale
and where each output attends."""

from __future__ import annotations

import math

import numpy as np

from engine.events import ProbeSnapshot

WIDTH = 40


def profile(title: str, values: np.ndarray, labels: list[str]) -> list[str]:
    """One line per timestep with a bar on a log scale spanning the values' own range."""
    positive = values[np.isfinite(values) & (values > 0)]
    low, high = (math.log10(positive.min()), math.log10(positive.max())) if positive.size else (0.0, 0.0)
    span = max(high - low, 1e-12)
    lines = [f"  {title}  (log scale: the shortest bar is {10 ** low:.1e}, the longest {10 ** high:.1e}, "
             f"{high - low:.1f} factors of ten apart)"]
    for t, value in enumerate(values.tolist()):
        label = repr(labels[t]) if t < len(labels) else ""
        bar = ""
        if value > 0 and math.isfinite(value):
            bar = "#" * (1 + round((WIDTH - 1) * (math.log10(value) - low) / span))
        lines.append(f"    {t:>3}  {label:<10} {value:>9.2e}  {bar}")
    return lines


def describe_snapshot(snapshot: ProbeSnapshot, loss: str = "last") -> str:
    names = {"last": "the last output position's loss", "full": "the full loss"}
    lines = [f"step {snapshot.step}: gradient norm reaching each input timestep, ||dL/dx_t|| "
             f"for {names[loss]} (mean over the probe batch)"]
    for stream, values in snapshot.input_gradients[loss].items():
        lines += profile(stream, values, snapshot.tokens.get(stream, []))
    hidden = snapshot.hidden_gradients.get(loss, {})
    if hidden:
        lines.append(f"gradient through time, ||dL/dh_t||, for {names[loss]}:")
        for name, values in hidden.items():
            stream = "decoder_input" if name.startswith("decoder") else "input"
            lines += profile(name, values, snapshot.tokens.get(stream, []))
    for name, maps in snapshot.attention.items():
        queries = snapshot.tokens.get("decoder_input" if name in ("cross", "decoder_self") else "input", [])
        keys = snapshot.tokens.get("decoder_input" if name == "decoder_self" else "input", [])
        weights = maps[-1].mean(axis=0)  # last layer, averaged over heads
        lines.append(f"attention {name} (last layer, mean of {maps.shape[1]} heads): "
                     f"the key each query attends to most")
        for q in range(weights.shape[0]):
            k = int(weights[q].argmax())
            query = repr(queries[q]) if q < len(queries) else q
            key = repr(keys[k]) if k < len(keys) else k
            lines.append(f"    {query} -> {key} ({weights[q, k]:.2f})")
    if snapshot.group_grad_norms is not None:
        lines.append("gradient norm by parameter group (before clipping):")
        lines += [f"    {name:<32} {value:.3e}" for name, value in zip(snapshot.group_names, snapshot.group_grad_norms)]
    return "\n".join(lines)
