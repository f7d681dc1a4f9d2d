"""Try a trained model on one input: what it outputs, how sure it is of each
output token, where its attention falls, and (for recurrent models) its state
step by step through time; for time series, a forecast against the truth.

Works on any run with weights: during a pause, after training, or opened from
a project file. Everything here is one example at a time, on the CPU by
default, with the model in eval mode and no gradients.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from engine.data import BOS, EOS, PAD, UNK, Batch
from engine.errors import SeqLabError
from engine.models.modes import evaluating
from engine.probes.instrument import instrumented
from engine.probes.probe import example_states

MODES = ("greedy", "beam", "sample")
# What one try may ask for, (lowest, highest). A language model writes `length`
# tokens one forward pass each, and a beam keeps `beam` sequences: past these a
# try runs for minutes. The window's controls stay inside them.
LIMITS = {"top_k": (1, 50), "length": (1, 1000), "beam": (1, 16), "temperature": (0.01, 100.0),
          "seed": (0, 2**63 - 1)}


def out_of_range(**options) -> tuple[str, str] | None:
    """The first option outside LIMITS and what is wrong with it
    (("top_k", "must be 1 to 50, not 0")), or None."""
    for name, value in options.items():
        low, high = LIMITS[name]
        if not low <= value <= high:  # NaN is not
            return name, (f"must be {low:g} to {high:g}, not {value}" if isinstance(low, float) else
                          f"must be {low} to {high}, not {value}")
    return None


class PlaygroundError(SeqLabError):
    """An input the model cannot take, said in words the user can act on."""


@dataclass
class Prediction:
    input_tokens: list[str]
    output_tokens: list[str]
    top: list[list[tuple[str, float]]]  # per output token: the k likeliest (token, probability)
    text: str  # the output as the task writes it
    # (rows, keys): the attention of the last `rows` output tokens over
    # `attention_keys`, mean of the last layer's heads; None without attention.
    attention: np.ndarray | None = None
    attention_keys: list[str] = field(default_factory=list)


@dataclass
class TimeStep:
    """The recurrent model after reading input token `t` (0-based)."""
    t: int
    token: str
    states: dict[str, dict[str, np.ndarray]]  # layer -> quantity (hidden, cell, gates) -> (H,)
    top: list[tuple[str, float]]  # the output distribution at this step (the final one for classify,
    #                               none for an encoder-decoder, which answers after the whole input)


@dataclass
class Forecast:
    history: np.ndarray  # the values the model reads
    truth: np.ndarray  # what came next
    predicted: np.ndarray  # the model's forecast, fed its own predictions back


class Playground:
    def __init__(self, trainer) -> None:
        self.trainer, self.task, self.kind = trainer, trainer.task, trainer.kind
        self.model, self.device = trainer.model, trainer.device
        self.info = self.task.info

    @classmethod
    def from_run(cls, run, device: str = "cpu") -> "Playground":
        """The run's model at its saved weights (freshly initialised if it never trained)."""
        return cls(run.trainer(device, training=False))  # never trains: only the weights need to fit

    # ----------------------------------------------------------- inputs
    def examples(self, count: int = 8) -> list[str]:
        """Validation inputs, to pick from instead of typing."""
        if self.kind == "regression":
            return [f"validation series {i + 1}" for i in range(min(count, len(self.task.val_pool)))]
        batch = self.task.val_pool.batches(count, count)[0]
        return [self.task.input_text(batch, i) for i in range(batch.size)]

    def tokenize(self, text: str) -> list[str]:
        """The input split as the task's vocabulary splits it; unknown symbols are refused by name."""
        if self.kind == "regression":
            raise PlaygroundError("a time-series model takes no typed input: use a forecast")
        vocab = self.task.vocab
        tokens = text.split(vocab.joiner) if vocab.joiner else list(text)
        tokens = [t for t in tokens if t != ""] if vocab.joiner else tokens
        if not tokens:
            raise PlaygroundError("type an input first")
        unknown = sorted({t for t in tokens if vocab.stoi.get(t, UNK) in (PAD, BOS, EOS, UNK)})
        if unknown:
            known = "".join(vocab.itos[4:]) if not vocab.joiner else ", ".join(vocab.itos[4:14]) + ", …"
            raise PlaygroundError(f"{self.task.title or self.task.name} has no symbol "
                                  f"{', '.join(repr(u) for u in unknown[:5])}; it knows {known!r}")
        longest = self.info.max_src_len
        if self.kind != "lm" and len(tokens) > longest:
            raise PlaygroundError(f"the input has {len(tokens)} symbols; this model reads at most {longest}")
        return tokens

    def _batch(self, ids: list[int], tgt_in: list[int] | None = None) -> Batch:
        src = torch.tensor([ids], device=self.device)
        lengths = torch.tensor([len(ids)])
        if tgt_in is None:
            return Batch(src, lengths, src)
        tgt = torch.tensor([tgt_in], device=self.device)
        return Batch(src, lengths, tgt, tgt, torch.tensor([len(tgt_in)]))

    # ------------------------------------------------------- prediction
    def predict(self, text: str, mode: str = "greedy", beam: int = 4, temperature: float = 1.0, top_k: int = 5,
                length: int = 40, seed: int = 0) -> Prediction:
        """Run the model on `text`. `mode` is greedy, beam (seq2seq-style models) or
        sample (with `temperature`); `length` is how many tokens a language model adds."""
        if mode not in MODES:
            raise PlaygroundError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        problem = out_of_range(beam=beam, temperature=temperature, top_k=top_k, length=length, seed=seed)
        if problem:
            raise PlaygroundError(" ".join(problem))
        if mode == "beam" and self.kind not in ("seq2seq", "generate"):
            raise PlaygroundError("beam search applies to models that write a sequence from an input "
                                  "(seq2seq); use greedy or sample")
        if mode != "greedy" and self.kind in ("classify", "tagging"):
            raise PlaygroundError(f"a {self.kind} model gives one answer per input; use greedy")
        tokens = self.tokenize(text)
        ids = self.task.vocab.encode(tokens)
        generator = torch.Generator().manual_seed(seed)
        with evaluating(self.model), torch.no_grad():
            if self.kind == "lm":
                return self._continue(tokens, ids, mode, temperature, top_k, length, generator)
            if self.kind in ("seq2seq", "generate"):
                return self._translate(tokens, ids, mode, beam, temperature, top_k, generator)
            logits, maps = self.model.probe_forward(self._batch(ids))
        if self.kind == "classify":
            top = _top(logits[0], top_k, self.task.labels)
            return Prediction(tokens, [top[0][0]], [top], top[0][0], *_attention(maps, tokens))
        tops = [_top(row, top_k, self.task.vocab.itos) for row in logits[0]]
        outputs = [t[0][0] for t in tops]
        return Prediction(tokens, outputs, tops, self.task.vocab.joiner.join(outputs), *_attention(maps, tokens))

    def _continue(self, tokens, ids, mode, temperature, top_k, length, generator) -> Prediction:
        """A language model writes `length` tokens after the prompt, one at a time."""
        window, itos = self.info.max_src_len, self.task.vocab.itos
        sequence, outputs, tops = list(ids), [], []
        for _ in range(length):
            logits = _writable(self.model(self._batch(sequence[-window:]))[0, -1])
            if mode == "sample":
                chosen = int(torch.multinomial(torch.softmax(logits.cpu() / temperature, -1), 1, generator=generator))
            else:
                chosen = int(logits.argmax())
            tops.append(_top(logits, top_k, itos))
            sequence.append(chosen)
            outputs.append(itos[chosen])
        context = sequence[-window:]
        _, maps = self.model.probe_forward(self._batch(context))
        attention, keys = _attention(maps, [itos[i] for i in context])
        if attention is not None:
            # a written token at position p came from the query at p - 1; those of
            # the written tokens still in the window are the last `shown` outputs
            shown = min(len(outputs), len(context) - 1)
            attention = attention[len(context) - 1 - shown: len(context) - 1]
        return Prediction(tokens, outputs, tops, self.task.vocab.joiner.join(outputs), attention, keys)

    def _translate(self, tokens, ids, mode, beam, temperature, top_k, generator) -> Prediction:
        """An encoder-decoder writes its output; a teacher-forced pass over that output
        then gives each token's distribution and its attention over the input."""
        batch = self._batch(ids)
        written = self.model.generate(batch, beam=beam if mode == "beam" else 1,
                                      temperature=temperature if mode == "sample" else 0.0, generator=generator)
        out = self.task.vocab.tokens(written[0].tolist(), stop_at_eos=False)  # drops PAD/BOS/EOS
        out_ids = [i for i in written[0].tolist() if i not in (PAD, BOS)]
        if EOS in out_ids:
            out_ids = out_ids[:out_ids.index(EOS) + 1]
        logits, maps = self.model.probe_forward(self._batch(ids, [BOS] + out_ids[:-1] if out_ids else [BOS]))
        itos = self.task.vocab.itos
        tops = [_top(row, top_k, itos) for row in logits[0][:len(out_ids)]]
        out = [itos[i] for i in out_ids]  # EOS shown: that the model chose to stop is an output too
        attention, keys = _attention(maps, tokens, prefer="cross")
        text = self.task.vocab.decode(out_ids)
        return Prediction(tokens, out, tops, text, attention, keys)

    # ------------------------------------------------- step through time
    def step_through(self, text: str, top_k: int = 5) -> list[TimeStep]:
        """The recurrent state after each input token: hidden state, cell state and
        gates of every layer, and the output distribution at that step."""
        problem = out_of_range(top_k=top_k)
        if problem:
            raise PlaygroundError(" ".join(problem))
        if self.trainer.spec.model.family == "transformer":
            raise PlaygroundError("a Transformer has no state carried through time: it reads all positions "
                                  "at once (look at its attention instead)")
        tokens = self.tokenize(text)
        ids = self.task.vocab.encode(tokens)
        batch = self._batch(ids, [BOS] if self.kind in ("seq2seq", "generate") else None)
        with evaluating(self.model), torch.no_grad(), instrumented(self.model) as record:
            logits, _ = self.model.probe_forward(batch)
        lengths = batch.src_lengths
        states = {name: layer for name, layer in
                  example_states(record, 0, lengths, lengths if batch.tgt_lengths is None else batch.tgt_lengths).items()
                  if not name.startswith("decoder")}
        labels = self.task.labels if self.kind == "classify" else self.task.vocab.itos
        steps = []
        for t, token in enumerate(tokens):
            at_t = {name: {q: np.asarray(v[t], dtype=np.float32) for q, v in layer.items()}
                    for name, layer in states.items()}
            if self.kind == "lm":
                top = _top(_writable(logits[0, t]), top_k, labels)
            elif self.kind == "tagging":
                top = _top(logits[0, t], top_k, labels)
            elif self.kind == "classify":
                top = _top(logits[0], top_k, labels)
            else:
                top = []  # an encoder-decoder writes nothing until it has read the whole input
            steps.append(TimeStep(t, token, at_t, top))
        return steps

    # ------------------------------------------------------ time series
    def forecast_limits(self) -> tuple[int, int, int]:
        """(validation series, longest horizon, the task's own horizon) for a time-series model."""
        if self.kind != "regression":
            raise PlaygroundError("forecasts are for time-series models")
        pool = self.task.val_pool
        known = pool.src.shape[1] + self.task.spec.horizon  # the series and the values after it
        return len(pool), known - 2, self.task.spec.horizon

    def forecast(self, example: int = 0, horizon: int | None = None) -> Forecast:
        """Forecast the last `horizon` values of validation series `example` from the
        values before them, feeding the model's own predictions back: it never sees
        the truth it forecasts."""
        if self.kind != "regression":
            raise PlaygroundError("forecasts are for time-series models")
        pool = self.task.val_pool
        series_count, longest, step_ahead = self.forecast_limits()
        if not 0 <= example < series_count:
            raise PlaygroundError(f"there are {series_count} validation series; pick 1 to {series_count}")
        series = pool.src[example, :, 0].float().tolist()
        truth = pool.target[example].float().tolist()  # the series, step_ahead steps on
        known = series + truth[len(truth) - step_ahead:]  # every value the example holds, in order
        horizon = step_ahead if horizon is None else horizon
        if not 1 <= horizon <= longest:
            raise PlaygroundError(f"the horizon must be 1 to {longest} steps here, not {horizon}")
        window, history = len(series), known[:len(known) - horizon]
        values = list(history)
        with evaluating(self.model), torch.no_grad():
            while len(values) < len(known):
                src = torch.tensor(values[-window:], device=self.device)[None, :, None]
                out = self.model(Batch(src, torch.tensor([src.shape[1]]), src[..., 0]))[0].float().cpu()
                values.extend(out[-step_ahead:].tolist())  # the next step_ahead values
        return Forecast(np.asarray(history, dtype=np.float32), np.asarray(known[len(history):], dtype=np.float32),
                        np.asarray(values[len(history):len(known)], dtype=np.float32))


def _writable(logits: torch.Tensor) -> torch.Tensor:
    """A language model's next-token logits without the specials, which it never learned to write."""
    logits = logits.float().clone()
    logits[[PAD, BOS, EOS]] = float("-inf")
    return logits


def _top(logits: torch.Tensor, k: int, names: list[str]) -> list[tuple[str, float]]:
    probabilities = torch.softmax(logits.float(), dim=-1)
    values, index = probabilities.topk(min(k, probabilities.shape[-1]))
    return [(names[i] if i < len(names) else "<?>", float(p)) for p, i in zip(values.tolist(), index.tolist())]


def _attention(maps: dict, keys: list[str], prefer: str = "self") -> tuple[np.ndarray | None, list[str]]:
    """The last layer's map, mean of its heads, (queries, keys); the cross map for encoder-decoders."""
    name = prefer if prefer in maps else ("self" if "self" in maps else None)
    if name is None:
        return None, []
    weights = maps[name][0, -1].float().mean(0)  # (B, L, heads, Q, S) -> (Q, S)
    return weights.cpu().numpy()[:, :len(keys)], list(keys)
