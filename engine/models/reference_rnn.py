"""RNN, LSTM and GRU cells written out by hand, sharing the weights of a fused
nn.RNN/LSTM/GRU module, so a probe can see what the fused kernels hide:
every hidden state h_t (and dL/dh_t through it), the gates and the cell state.

PyTorch's conventions (docs of nn.LSTM / nn.GRU):
  RNN:  h' = act(W_ih x + b_ih + W_hh h + b_hh)
  LSTM: i, f, g, o = chunks of (W_ih x + b_ih + W_hh h + b_hh)
        c' = sigmoid(f) * c + sigmoid(i) * tanh(g);  h' = sigmoid(o) * tanh(c')
  GRU:  r, z, n_x = chunks of (W_ih x + b_ih);  r_h, z_h, n_h = chunks of (W_hh h + b_hh)
        r = sigmoid(r + r_h); z = sigmoid(z + z_h); n = tanh(n_x + r * n_h)
        h' = (1 - z) * n + z * h
Padded positions (t >= length) leave the state unchanged and output zeros,
exactly as a packed sequence does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence


def cell_kind(rnn: nn.RNNBase) -> str:
    if isinstance(rnn, nn.LSTM):
        return "lstm"
    if isinstance(rnn, nn.GRU):
        return "gru"
    return "rnn_relu" if rnn.nonlinearity == "relu" else "rnn_tanh"


GATE_NAMES = {"lstm": ("input", "forget", "cell_candidate", "output"), "gru": ("reset", "update", "candidate")}


@dataclass
class DirectionTrace:
    """One layer, one direction, over time. Lists hold one (B, H) tensor per step."""

    hidden: list = field(default_factory=list)  # h_t, kept in the graph for dL/dh_t
    cell: list = field(default_factory=list)  # LSTM c_t
    gates: dict = field(default_factory=dict)  # name -> list of (B, H)


def _step(kind: str, x_proj: torch.Tensor, h: torch.Tensor, c, w_hh, b_hh, trace: DirectionTrace):
    """One step. x_proj already holds W_ih x + b_ih (+ b_hh where it simply adds)."""
    if kind == "lstm":
        pre = torch.addmm(x_proj, h, w_hh.t())  # b_hh is folded into x_proj
        size = h.shape[-1]
        gates = torch.sigmoid(pre)  # one call for all four; g is recomputed with tanh below
        i, f, o = gates[:, :size], gates[:, size:2 * size], gates[:, 3 * size:]
        g = torch.tanh(pre[:, 2 * size:3 * size])
        c = f * c + i * g
        h_new = o * torch.tanh(c)
        values = (i, f, g, o)
    elif kind == "gru":
        # The reset gate multiplies W_hn h + b_hn, so b_hh cannot be folded here.
        r_x, z_x, n_x = x_proj.chunk(3, dim=-1)
        r_h, z_h, n_h = F.linear(h, w_hh, b_hh).chunk(3, dim=-1)
        r, z = torch.sigmoid(r_x + r_h), torch.sigmoid(z_x + z_h)
        n = torch.tanh(n_x + r * n_h)
        h_new = n + z * (h - n)  # = (1 - z) * n + z * h
        values = (r, z, n)
    else:
        pre = torch.addmm(x_proj, h, w_hh.t())
        h_new = torch.relu(pre) if kind == "rnn_relu" else torch.tanh(pre)
        values = ()
    for name, value in zip(GATE_NAMES.get(kind, ()), values):
        trace.gates.setdefault(name, []).append(value.detach())
    return h_new, c


def reference_forward(rnn: nn.RNNBase, x: torch.Tensor, lengths: torch.Tensor, state=None):
    """Run `rnn`'s weights step by step. x (B,T,I) batch-first, lengths (B,) on the CPU.

    Returns output (B,T,dirs*H), final state shaped like the fused module's, and
    traces[layer][direction] of DirectionTrace.
    """
    kind = cell_kind(rnn)
    batch, steps, _ = x.shape
    directions = 2 if rnn.bidirectional else 1
    hidden_size = rnn.hidden_size
    lengths = lengths.to(x.device)
    valid = torch.arange(steps, device=x.device)[None, :] < lengths[:, None]  # (B, T)
    padded = bool((lengths < steps).any())
    if state is None:
        zeros = x.new_zeros(rnn.num_layers * directions, batch, hidden_size)
        h0, c0 = zeros, zeros
    elif isinstance(state, tuple):
        h0, c0 = state
    else:
        h0, c0 = state, None
    layer_input = x
    final_h, final_c, traces = [], [], []
    for layer in range(rnn.num_layers):
        outputs, layer_traces = [], []
        for direction in range(directions):
            suffix = f"_l{layer}" + ("_reverse" if direction else "")
            w_ih, w_hh = getattr(rnn, "weight_ih" + suffix), getattr(rnn, "weight_hh" + suffix)
            b_ih = getattr(rnn, "bias_ih" + suffix) if rnn.bias else None
            b_hh = getattr(rnn, "bias_hh" + suffix) if rnn.bias else None
            x_proj = F.linear(layer_input, w_ih, b_ih)  # (B, T, gates*H) for all steps at once
            if kind != "gru" and b_hh is not None:
                x_proj = x_proj + b_hh
            index = layer * directions + direction
            h = h0[index]
            c = c0[index] if kind == "lstm" else None
            trace = DirectionTrace()
            out = [None] * steps
            order = range(steps) if direction == 0 else range(steps - 1, -1, -1)
            for t in order:
                # Padded steps keep the state, so the backward direction starts
                # from h0 at each sequence's own last token, as packing does.
                h_new, c_new = _step(kind, x_proj[:, t], h, c, w_hh, b_hh, trace)
                if padded:
                    keep = valid[:, t, None]
                    h = torch.where(keep, h_new, h)
                    c = torch.where(keep, c_new, c) if kind == "lstm" else None
                    out[t] = h * keep
                else:
                    h, c = h_new, c_new
                    out[t] = h
                if kind == "lstm":
                    trace.cell.append(c.detach())
                trace.hidden.append(h)
            if direction == 1:  # traces run in time order, whichever direction
                trace.hidden.reverse()
                trace.cell.reverse()
                for values in trace.gates.values():
                    values.reverse()
            outputs.append(torch.stack(out, dim=1))
            final_h.append(h)
            final_c.append(c)
            layer_traces.append(trace)
        layer_input = torch.cat(outputs, dim=-1)
        traces.append(layer_traces)
    h_n = torch.stack(final_h)
    final = (h_n, torch.stack(final_c)) if kind == "lstm" else h_n
    return layer_input, final, traces


class ReferenceRNN(nn.Module):
    """Drop-in stand-in for a fused RNN module (same call, same results) that
    records a trace of every call. Holds no parameters of its own."""

    def __init__(self, fused: nn.RNNBase):
        super().__init__()
        object.__setattr__(self, "fused", fused)  # not a submodule: no duplicate parameters
        self.calls: list[list[list[DirectionTrace]]] = []  # one entry per call (decoders step)

    def forward(self, input, hx=None):
        packed = isinstance(input, PackedSequence)
        if packed:
            x, lengths = pad_packed_sequence(input, batch_first=True)
        else:
            x = input
            lengths = torch.full((x.shape[0],), x.shape[1], dtype=torch.long)
        out, state, traces = reference_forward(self.fused, x, lengths, hx)
        self.calls.append(traces)
        if packed:
            out = pack_padded_sequence(out, lengths, batch_first=True, enforce_sorted=False)
        return out, state
