"""One probe pass on a fixed batch: per-timestep input gradients for two
losses, dL/dh_t, gates and hidden states, attention maps.

The model runs in eval mode (no dropout) on its explicit paths: reference
RNN cells sharing the trained weights, attention that returns its weights.
Gradients are taken with torch.autograd.grad against the captured tensors, so
the parameters' .grad (the training step's) are never touched. Both losses
come from one backward pass: the batch goes in twice, the first copy scored
by the last-position loss and the second by the full loss; in eval mode the
examples do not interact, so each copy's gradients are exactly its own loss's.
"""

from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn.functional as F

from engine.data import Batch
from engine.models import compute_loss
from engine.models.modes import evaluating
from engine.probes.instrument import instrumented

def last_position_loss(kind: str, output: torch.Tensor, batch: Batch) -> torch.Tensor:
    """The loss of each sequence's last output only, summed over the batch."""
    rows = torch.arange(batch.size, device=output.device)
    if kind == "classify":
        return F.cross_entropy(output.float(), batch.target, reduction="sum")
    if kind in ("seq2seq", "generate"):
        last = (batch.tgt_lengths - 1).to(output.device)
    else:
        last = (batch.src_lengths - 1).to(output.device)
    if kind == "regression":
        return ((output[rows, last].float() - batch.target[rows, last]) ** 2).sum()
    return F.cross_entropy(output[rows, last].float(), batch.target[rows, last], reduction="sum")


def full_loss(kind: str, output: torch.Tensor, batch: Batch) -> torch.Tensor:
    """The training loss, scaled to a sum over the batch like the last-position loss."""
    return compute_loss(kind, output, batch) * batch.size


def _along_time(tensors: list[torch.Tensor]) -> torch.Tensor:
    """Outputs of one module over calls -> (B, T, E): one call over the whole
    sequence, or one call per step (a decoder running step by step)."""
    return torch.cat([t if t.dim() == 3 else t[:, None] for t in tensors], dim=1)


def _per_step_norms(grads: torch.Tensor, lengths: torch.Tensor, example: int):
    """(B,T,E) gradients -> batch mean over sequences that reach t (T,), and the example's (T_ex,)."""
    norms = torch.linalg.vector_norm(grads.float(), dim=-1)  # (B, T)
    steps = norms.shape[1]
    valid = (torch.arange(steps)[None, :] < lengths[:, None]).to(norms.device)
    counts = valid.sum(0)
    mean = (norms * valid).sum(0) / counts.clamp(min=1)
    mean = torch.where(counts > 0, mean, torch.full_like(mean, float("nan")))
    return mean, norms[example, : int(lengths[example])]


def _twice(batch: Batch) -> Batch:
    def both(t):
        return None if t is None else torch.cat([t, t])

    return Batch(both(batch.src), both(batch.src_lengths), both(batch.target), both(batch.tgt_in),
                 both(batch.tgt_lengths))


def run_probe(model, kind: str, batch: Batch, example: int) -> dict:
    """The probe arrays (numpy) for `batch`; `example` picks the sequence whose states are kept."""
    began = time.perf_counter()
    size = batch.size
    src_lengths = batch.src_lengths
    tgt_lengths = batch.tgt_lengths if batch.tgt_lengths is not None else src_lengths
    with evaluating(model):
        with torch.enable_grad(), instrumented(model) as record:
            output, attention = model.probe_forward(_twice(batch))
            halves = {"last": slice(0, size), "full": slice(size, 2 * size)}
            total = last_position_loss(kind, output[:size], batch) + full_loss(kind, output[size:], batch)
            # Gradients are taken against the very tensors the model used (a
            # concatenation of them would be a new tensor the loss does not reach).
            streams = {name: t for name, t in record.inputs.items() if t}
            hidden, states = {}, {}
            for name, traces, lengths in recurrent_traces(record, src_lengths, tgt_lengths):
                hidden[name] = ([h for t in traces for h in t.hidden], lengths)
                states[name] = _example_states(traces, example, int(lengths[example]))
            targets = [t for n in streams for t in streams[n]] + [h for n in hidden for h in hidden[n][0]]
            input_gradients, example_gradients, hidden_gradients = {}, {}, {}
            # A Markov chain has nothing gradients flow through: it shows its probabilities instead.
            all_grads = torch.autograd.grad(total, targets, allow_unused=True) if targets else []
            all_grads = [torch.zeros_like(t) if g is None else g for g, t in zip(all_grads, targets)]
            for loss_name, half in halves.items():
                grads = [g[half] for g in all_grads]
                per_stream, per_example, per_hidden = {}, {}, {}
                offset = 0
                for name, tensors in streams.items():
                    lengths = src_lengths if name == "input" else tgt_lengths
                    stream_grads = _along_time(grads[offset: offset + len(tensors)])
                    offset += len(tensors)
                    mean, one = _per_step_norms(stream_grads, lengths, example)
                    per_stream[name], per_example[name] = _np(mean), _np(one)
                for name, (tensors, lengths) in hidden.items():
                    stacked = torch.stack(grads[offset: offset + len(tensors)], dim=1)  # (B, T, H)
                    offset += len(tensors)
                    per_hidden[name] = _np(_per_step_norms(stacked, lengths, example)[0])
                input_gradients[loss_name] = per_stream
                example_gradients[loss_name] = per_example
                hidden_gradients[loss_name] = per_hidden
        if hasattr(model, "probe_states"):
            states.update(model.probe_states(batch, example))
        maps = {name: _np(_example_attention(name, weights[example], src_lengths[example], tgt_lengths[example]))
                for name, weights in attention.items()}
    return {"input_gradients": input_gradients, "example_input_gradients": example_gradients,
            "hidden_gradients": hidden_gradients, "states": states, "attention": maps,
            "seconds": time.perf_counter() - began}


def recurrent_traces(record, src_lengths, tgt_lengths):
    """(name, traces, lengths) of every recurrent layer and direction an
    instrumented forward pass went through, named like "encoder.rnn.layer0"."""
    for path, stand_in in record.recurrent.items():
        lengths = tgt_lengths if path.startswith("decoder") else src_lengths
        layers, directions = len(stand_in.calls[0]), len(stand_in.calls[0][0])
        for layer in range(layers):
            for direction in range(directions):
                name = f"{path}.layer{layer}" + (".reverse" if direction else "")
                yield name, [call[layer][direction] for call in stand_in.calls], lengths


def example_states(record, example: int, src_lengths, tgt_lengths) -> dict[str, dict[str, np.ndarray]]:
    """Per recurrent layer, the hidden state, cell state and gates of one sequence."""
    return {name: _example_states(traces, example, int(lengths[example]))
            for name, traces, lengths in recurrent_traces(record, src_lengths, tgt_lengths)}


def _example_states(traces, example: int, length: int) -> dict[str, np.ndarray]:
    """Hidden state, LSTM cell state and gates of one sequence: name -> (T, H).

    float16: they are there to be looked at, and 3 significant digits halve
    what the kept snapshots weigh (of a big LSTM's snapshot, 99% is these)."""
    def stack(values):
        return _np(torch.stack([v[example] for v in values])[:length]).astype(np.float16)

    out = {"hidden": stack([h for t in traces for h in t.hidden])}
    if traces[0].cell:
        out["cell"] = stack([c for t in traces for c in t.cell])
    for gate in traces[0].gates:
        out[gate] = stack([g for t in traces for g in t.gates[gate]])
    return out


def _example_attention(name: str, weights: torch.Tensor, src_length, tgt_length) -> torch.Tensor:
    """(L, heads, Q, S) cut to the example's real query and key positions."""
    q, s = {"cross": (tgt_length, src_length), "decoder_self": (tgt_length, tgt_length)}.get(
        name, (src_length, src_length))
    return weights[:, :, : int(q), : int(s)]


def _np(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().float().cpu().numpy()
