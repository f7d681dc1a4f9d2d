"""Lessons 9-12: positions, the causal mask, parallel training, and many heads."""

from __future__ import annotations

import itertools
import time

import numpy as np
import torch

from engine.data import PAD
from engine.lessons.base import Outcome, metric, spec_of, trained
from engine.models import compute_loss
from engine.models.modes import evaluating
from engine.probes.instrument import instrumented
from engine.tasks import Batch
from engine.training import Trainer, resolve_device

REVERSE = {"model.family": "transformer", "model.arch": "encoder_decoder", "model.d_model": 32, "model.heads": 4,
           "model.ff_size": 64, "model.layers": 2, "task.name": "reverse", "task.length": 8,
           "task.vocab_size": 10, "task.min_length": 2, "task.train_size": 10000, "task.val_size": 500,
           "training.lr": 0.003, "training.batch_size": 64}
LM = {"model.family": "transformer", "model.arch": "decoder", "model.d_model": 64, "model.heads": 4,
      "model.ff_size": 128, "model.layers": 2, "task.name": "shakespeare", "task.length": 32,
      "training.lr": 0.003, "training.batch_size": 32}


# ------------------------------------------------------------------ 9. positional encoding
def positional_runs(quick):
    steps = 400 if quick else 1500
    # quick: at a constant rate the sinusoidal run's accuracy swung between 0.88 and 1.0 from
    # step 300 on; a cosine decay settles it (0.99 or more after 400 steps, every seed tried)
    schedule = {"training.schedule": "cosine"} if quick else {}
    return [(f"Transformer, {name}", spec_of({**REVERSE, **schedule}, model__positional=positional,
                                              training__steps=steps, name=f"reverse-positions-{positional}"))
            for positional, name in (("none", "no positional encoding"), ("sinusoidal", "sinusoidal positions"))]


def positional_measure(quick, device):
    accuracy = {}
    for _, spec in positional_runs(quick):
        accuracy[spec.model.positional] = metric(trained(spec, device))
    passed = accuracy["none"] <= 0.2 and accuracy["sinusoidal"] >= 0.9
    return Outcome(f"reversal, sequence accuracy: without positions {accuracy['none']:.2f}, "
                   f"with sinusoidal positions {accuracy['sinusoidal']:.2f}", passed, {"accuracy": accuracy})


# ------------------------------------------------------------------ 10. causal masking
def causal_runs(quick):
    # quick: after 200 steps as after 300, the unmasked decoder's past-only accuracy is a third of the masked one's
    steps = 200 if quick else 1000
    return [(f"decoder, {name}", spec_of(LM, model__causal=causal, training__steps=steps, name=f"lm-causal-{causal}"))
            for causal, name in ((True, "causal mask"), (False, "no mask"))]


@torch.no_grad()
def _accuracy_seeing_only_the_past(trainer, limit: int = 64) -> float:
    """Next-character accuracy when position t is fed only the characters up to t,
    as in generation (a model that peeked at the future has none to peek at)."""
    batch = trainer.val_batches[0]
    src, target = batch.src[:limit].to(trainer.device), batch.target[:limit].to(trainer.device)
    hits = total = 0
    with evaluating(trainer.model) as model:
        for t in range(1, src.shape[1] + 1):
            prefix = Batch(src[:, :t], torch.full((src.shape[0],), t), target[:, :t])
            predicted = model(prefix)[:, -1].argmax(-1)
            real = target[:, t - 1] != PAD
            hits += int(((predicted == target[:, t - 1]) & real).sum())
            total += int(real.sum())
    return hits / max(total, 1)


@torch.no_grad()
def greedy_text(trainer, prompt: str, length: int = 40) -> str:
    vocab = trainer.task.vocab
    ids = vocab.encode(list(prompt))
    with evaluating(trainer.model) as model:
        for _ in range(length):
            src = torch.tensor([ids[-trainer.spec.task.length:]], device=trainer.device)
            batch = Batch(src, torch.tensor([src.shape[1]]), src)
            ids.append(int(model(batch)[0, -1].argmax()))
    return "".join(vocab.tokens(ids, stop_at_eos=False))[len(prompt):]


def causal_measure(quick, device):
    results, samples = {}, {}
    for _, spec in causal_runs(quick):
        trainer = trained(spec, device)
        forced = trainer.evaluate().values
        results[spec.model.causal] = {"teacher_forced_loss": forced["val_loss"],
                                      "teacher_forced_accuracy": forced["token_accuracy"],
                                      "past_only_accuracy": _accuracy_seeing_only_the_past(trainer)}
        samples[spec.model.causal] = greedy_text(trainer, "To be, or not to be")
    masked, unmasked = results[True], results[False]
    passed = (unmasked["teacher_forced_loss"] < masked["teacher_forced_loss"] / 2
              and unmasked["past_only_accuracy"] < masked["past_only_accuracy"] / 2)
    return Outcome(
        f"teacher-forced loss: masked {masked['teacher_forced_loss']:.2f}, unmasked "
        f"{unmasked['teacher_forced_loss']:.2f}; next-character accuracy seeing only the past (as when "
        f"generating): masked {masked['past_only_accuracy']:.2f}, unmasked {unmasked['past_only_accuracy']:.2f}; "
        f"unmasked writes {samples[False][:30]!r}",
        passed, {"results": results, "samples": samples})


# ------------------------------------------------------------------ 11. sequential vs parallel
LENGTHS = (16, 64, 256)
TOKENS_PER_STEP = 4096  # batch x length held constant: only how the tokens are laid out changes


def timing_runs(quick):
    return [(f"{name}, {length} steps", spec_of(base, task__length=length, training__steps=200,
                                                 training__batch_size=TOKENS_PER_STEP // length, probes__every=0,
                                                 name=f"time-{key}-{length}"))
            for key, name, base in (("lstm", "LSTM", {**LM, "model.family": "rnn", "model.cell": "lstm",
                                                         "model.hidden_size": 64, "model.embedding_size": 64}),
                                    ("transformer", "Transformer", LM))
            for length in LENGTHS]


def step_seconds(spec, device: str, steps: int) -> float:
    """The median time of one training step (after two warm-up steps), synced with the device."""
    trainer = Trainer(spec.with_overrides({"training.device": device}))
    times = []
    for i in range(steps + 2):
        began = time.perf_counter()
        trainer.train_step()
        trainer.flush()  # reads the loss back: the step has finished on any device
        if i >= 2:
            times.append(time.perf_counter() - began)
    return float(np.median(times))


def critical_path(spec) -> int:
    """The longest chain of operations from the inputs to the loss: work that must
    run one after another however much hardware there is. The recurrent layers
    run as explicit cells, one per position, as the probes run them (a fused
    LSTM hides its loop inside one operation)."""
    trainer = Trainer(spec.with_overrides({"training.device": "cpu", "training.batch_size": 2}))
    batch = trainer.task.train_batch(2, torch.Generator().manual_seed(0))
    with instrumented(trainer.model):
        loss = compute_loss(trainer.kind, trainer.model.probe_forward(batch)[0], batch)
    depth: dict = {}
    stack = [(loss.grad_fn, False)]
    while stack:  # iterative longest-path search over the backward graph (a DAG)
        node, expanded = stack.pop()
        if node is None or (node in depth and not expanded):
            continue
        children = [child for child, _ in node.next_functions if child is not None]
        if expanded:
            depth[node] = 1 + max((depth[c] for c in children), default=0)
        else:
            stack.append((node, True))
            stack.extend((c, False) for c in children if c not in depth)
    return depth[loss.grad_fn]


def timing_measure(quick, device):
    steps = 5 if quick else 20
    seconds, chains = {}, {}
    device_name = str(resolve_device(device))
    for _, spec in timing_runs(quick):
        key = "lstm" if spec.model.family == "rnn" else "transformer"
        seconds.setdefault(key, {})[spec.task.length] = step_seconds(spec, device, steps)
        chains.setdefault(key, {})[spec.task.length] = critical_path(spec)
    growth = {key: times[LENGTHS[-1]] / times[LENGTHS[0]] for key, times in seconds.items()}
    chain_growth = {key: c[LENGTHS[-1]] / c[LENGTHS[0]] for key, c in chains.items()}
    longer = LENGTHS[-1] // LENGTHS[0]
    # The verdict rests on the chain of sequential work, which holds on any device;
    # whether it shows in wall time depends on how much parallel hardware there is.
    passed = chain_growth["lstm"] > longer / 2 and chain_growth["transformer"] < 1.5
    return Outcome(
        f"{longer}x longer sequences lengthen the chain of one-after-another operations {chain_growth['lstm']:.1f}x "
        f"for the LSTM and {chain_growth['transformer']:.1f}x for the Transformer; on {device_name}, "
        f"{TOKENS_PER_STEP} tokens a step, ms per step at lengths {', '.join(map(str, LENGTHS))}: "
        + "; ".join(f"{key} " + " / ".join(f"{1000 * s:.1f}" for s in times.values()) for key, times in seconds.items())
        + f" ({growth['lstm']:.1f}x and {growth['transformer']:.1f}x)",
        passed, {"seconds": seconds, "growth": growth, "critical_path": chains, "device": device_name})


# ------------------------------------------------------------------ 12. multi-head attention
def heads_runs(quick):
    # Each digit of a sum needs the matching digits of both operands: two places
    # to look at once, which is what several heads are for. Quick: the heads
    # differ as much after 400 steps as after 800.
    return [("Transformer with 4 heads, addition", spec_of(REVERSE, task__name="addition", task__digits=2,
                                                           training__steps=400 if quick else 2000,
                                                           name="addition-heads"))]


@torch.no_grad()
def cross_attention(trainer) -> list[np.ndarray]:
    """The last decoder layer's attention over the input, per validation example
    of the first batch: (heads, output steps, input steps), padding cut."""
    batch = trainer.val_batches[0]
    with evaluating(trainer.model) as model:
        _, maps = model.probe_forward(batch.to(trainer.device))
    weights = maps["cross"][:, -1].float().cpu().numpy()
    return [weights[i, :, :int(batch.tgt_lengths[i]), :int(batch.src_lengths[i])] for i in range(batch.size)]


def head_divergence(maps: list[np.ndarray]) -> float:
    """Mean Jensen-Shannon divergence (bits) between two heads' attention rows, over rows and head pairs."""
    eps = 1e-9
    values = []
    for weights in maps:
        for a, b in itertools.combinations(range(weights.shape[0]), 2):
            p, q = weights[a] + eps, weights[b] + eps
            m = (p + q) / 2
            values.extend(0.5 * (p * np.log2(p / m)).sum(-1) + 0.5 * (q * np.log2(q / m)).sum(-1))
    return float(np.mean(values))


def heads_measure(quick, device):
    (_, spec), = heads_runs(quick)
    before = head_divergence(cross_attention(Trainer(spec.with_overrides({"training.device": device}))))
    trainer = trained(spec, device)
    after = head_divergence(cross_attention(trainer))
    accuracy = metric(trainer)
    passed = after >= 0.3 and after > 3 * before
    return Outcome(
        f"addition (sequence accuracy {accuracy:.2f}): the 4 heads over the input differ by {after:.2f} bits "
        f"(mean Jensen-Shannon divergence between heads; 1 = never the same place), {before:.2f} before training",
        passed, {"divergence": {"before": before, "after": after}, "accuracy": accuracy})
