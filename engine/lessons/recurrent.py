"""Lessons 1-5: what a single recurrent network does, and where it fails."""

from __future__ import annotations

import math

import numpy as np
import torch

from engine.lessons.base import Outcome, metric, spec_of, swept, trained
from engine.models import parameter_count
from engine.models.modes import evaluating
from engine.presets import load_preset
from engine.probes.probe import run_probe
from engine.spec import CELL_NAMES
from engine.sweep.curve import sweep_curve
from engine.sweep.plan import SweepPlan, Variation
from engine.tasks import PAD, Batch
from engine.training import Trainer

RECALL = {"model.family": "rnn", "model.embedding_size": 8, "model.hidden_size": 32, "model.forget_bias": 3.0,
          "task.name": "recall", "task.vocab_size": 4, "task.train_size": 8000, "task.val_size": 256,
          "training.lr": 0.003, "training.batch_size": 64}


# ------------------------------------------------------------------ 1. hello
def hello_runs(quick):
    return [("tanh RNN on hello", load_preset("hello-rnn").with_overrides({"probes.every": 10}))]


def _hidden_states(model, task, text: str) -> np.ndarray:
    ids = torch.tensor([task.vocab.encode(list(text))])
    batch = Batch(ids, torch.tensor([len(text)]), torch.zeros_like(ids))
    states = run_probe(model, "lm", batch, 0)["states"]
    return states["rnn.layer0"]["hidden"]


def hello_measure(quick, device):
    (_, spec), = hello_runs(quick)
    trainer = trained(spec.with_overrides({"probes.every": 0}), device)
    model, task = trainer.model.cpu(), trainer.task
    ids = torch.tensor([task.vocab.encode(list("hell"))])
    with torch.no_grad(), evaluating(model):
        predicted = "".join(task.vocab.itos[i] for i in model(Batch(ids, torch.tensor([4]), ids)).argmax(-1)[0].tolist())
    # h_t is built one character at a time: changing the third character leaves
    # h_1 and h_2 as they were and changes h_3 and h_4.
    original, changed = _hidden_states(model, task, "hell"), _hidden_states(model, task, "heol")
    differences = np.abs(original - changed).max(axis=1)
    steps = np.linalg.norm(np.diff(original, axis=0), axis=1)
    passed = predicted == "ello" and differences[:2].max() == 0 and differences[2:].min() > 1e-3 and steps.min() > 1e-3
    return Outcome(
        f'"hell" -> "{predicted}"; changing the 3rd character moves h_t by '
        + ", ".join(f"{d:.2f}" for d in differences) + " (t = 1..4)",
        passed, {"predicted": predicted, "state_change": differences.tolist(), "states": original.tolist()})


# ------------------------------------------------------------------ 2. vanishing gradients
def _recall_distance(quick):
    return 50


def vanishing_runs(quick):
    distance = _recall_distance(quick)
    # Adam rescales even tiny gradients, so given thousands of steps a plain RNN
    # sometimes learns this too; within 300 it does not, and its gradient still
    # reaches the first step orders of magnitude weaker (the longer it trains, the
    # less weak: past 400 steps the ratio sometimes comes within 100x of the LSTM's).
    # With 16-wide embeddings and a forget bias of 4 the LSTM and GRU learn it
    # within 300 steps in every seed tried (20); at 8 and 3, two seeds in twenty missed the claim.
    steps = 300
    return [(f"{CELL_NAMES[cell]} recall over {distance} steps",
             spec_of(RECALL, model__cell=cell, model__embedding_size=16, model__forget_bias=4.0,
                     task__distractors=distance - 1, training__steps=steps, name=f"recall-{cell}"))
            for cell in ("rnn_tanh", "lstm", "gru")]


def _first_over_last(trainer) -> float:
    profile = trainer.probe().input_gradients["last"]["input"]
    return float(profile[0] / profile[-1])


def vanishing_sweep(quick):
    """Accuracy against distance for the three cells, at the lesson's settings: the
    classic curve. In a sweep of 2 seeds at distances 5, 10, 20 and 50 the tanh RNN was
    at 1.00 up to 10 and at chance (0.22) from 20 on, LSTM and GRU at 1.00 everywhere."""
    (_, base), *_ = vanishing_runs(quick)
    distances = (5, 50) if quick else (5, 10, 15, 20, 30, 50)
    return SweepPlan(base.with_overrides({"name": "recall-by-distance"}),
                     [Variation("task.distractors", tuple(d - 1 for d in distances)),
                      Variation("model.cell", ("rnn_tanh", "lstm", "gru"))],
                     seeds=1 if quick else 3, name="accuracy against distance")


def vanishing_measure(quick, device):
    """One sweep: accuracy at every distance for the three cells; the gradient probe of
    the runs at the lesson's distance (the same specs as its three runs)."""
    project, record = swept(vanishing_sweep(quick), device)
    runs = project.sweep_runs(record.id)
    distance = _recall_distance(quick)
    accuracy, decay = {}, {}
    for run in runs:
        if run.spec.task.distractors == distance - 1 and run.sweep["seed"] == record.plan.base.training.seed:
            trainer = run.trainer(device)
            accuracy[run.spec.model.cell] = metric(trainer)
            decay[run.spec.model.cell] = _first_over_last(trainer)
    curve = {cell: {point.x + 1: point.mean for point in points}
             for cell, points in sweep_curve(record.plan, runs, "accuracy").series.items()}
    short, long = min(curve["rnn_tanh"]), max(curve["rnn_tanh"])
    passed = (accuracy["rnn_tanh"] < 0.6 and accuracy["lstm"] >= 0.9 and accuracy["gru"] >= 0.9
              and decay["rnn_tanh"] < 1e-2 and decay["lstm"] > 100 * decay["rnn_tanh"]
              and all(curve[cell][short] >= 0.9 for cell in curve)  # everyone recalls over a short gap
              and curve["rnn_tanh"][long] < 0.6 and min(curve["lstm"][long], curve["gru"][long]) >= 0.9)
    by_distance = "; ".join(f"{CELL_NAMES[cell]} " + " ".join(f"{curve[cell][d]:.2f}" for d in sorted(curve[cell]))
                            for cell in ("rnn_tanh", "lstm", "gru"))
    return Outcome(
        f"recall over {distance} steps: accuracy tanh RNN {accuracy['rnn_tanh']:.2f}, LSTM {accuracy['lstm']:.2f}, "
        f"GRU {accuracy['gru']:.2f} (chance 0.25); gradient reaching step 1 / step {distance}: "
        f"RNN {decay['rnn_tanh']:.1e}, LSTM {decay['lstm']:.1e}; accuracy at distances "
        f"{', '.join(str(d) for d in sorted(curve['rnn_tanh']))}: {by_distance}",
        passed, {"accuracy": accuracy, "first_over_last": decay, "distance": distance, "by_distance": curve})


# ------------------------------------------------------------------ 3. exploding ReLU RNN
CLIP = 0.1


def exploding_runs(quick):
    # SGD at 5.0 (momentum 0.9) makes every seed tried (40) diverge within 20 steps
    # unclipped, and clipping at 0.1 keeps every one finite for all 300; at 3.0 and
    # 0.5 one seed in four stayed finite unclipped or diverged clipped.
    base = {**RECALL, "model.cell": "rnn_relu", "model.hidden_size": 64, "task.distractors": 49,
            "training.optimizer": "sgd", "training.lr": 5.0, "training.batch_size": 32, "training.steps": 300}
    return [("ReLU RNN, no clipping", spec_of(base, training__clip_norm=0.0, name="relu-no-clip")),
            (f"ReLU RNN, clipped at {CLIP}", spec_of(base, training__clip_norm=CLIP, name="relu-clipped"))]


def _train_until_diverged(spec, device):
    trainer = Trainer(spec.with_overrides({"training.device": device}))
    norms, losses = [], []
    while trainer.step < spec.training.steps and trainer.divergence is None:
        for _ in range(10):
            trainer.train_step()
        for scalars in trainer.flush():
            norms.extend(scalars.values["grad_norm"].tolist())
            losses.extend(scalars.values["train_loss"].tolist())
    return trainer, np.array(norms), np.array(losses)


def exploding_measure(quick, device):
    (_, free), (_, clipped) = exploding_runs(quick)
    free_trainer, free_norms, _ = _train_until_diverged(free, device)
    clip_trainer, clip_norms, clip_losses = _train_until_diverged(clipped, device)
    diverged = free_trainer.divergence
    finite = free_norms[np.isfinite(free_norms)]
    spike = float(finite.max() / finite[0]) if finite.size else math.nan
    passed = (diverged is not None and clip_trainer.divergence is None
              and clip_trainer.step == clipped.training.steps and bool(np.isfinite(clip_losses).all()))
    where = (f"diverged at step {diverged.step} (loss {diverged.loss:.3g}, gradient norm {diverged.grad_norm:.3g})"
             if diverged else "stayed finite")
    return Outcome(
        f"no clipping: the gradient norm rose {spike:.0f}x and the run {where}; clipped at {CLIP}: "
        f"{clip_trainer.step} steps, all finite, final loss {clip_losses[-1]:.2f}",
        passed, {"diverged_at": diverged.step if diverged else None, "spike": spike,
                 "clipped_steps": clip_trainer.step, "grad_norms": finite.tolist()})


# ------------------------------------------------------------------ 4. LSTM vs GRU
def lstm_gru_runs(quick):
    base = load_preset("shakespeare-lstm").with_overrides({
        "model.embedding_size": 32, "model.hidden_size": 64, "model.layers": 1, "model.dropout": 0.0,
        "task.length": 32,
        "training.steps": 500 if quick else 1000, "probes.every": 0, "training.eval_every": 100})
    if quick:  # at 0.003 the GRU was still 0.03 ahead after 500 steps; at 0.01 both have levelled off
        base = base.with_overrides({"training.lr": 0.01})
    return [(f"{name} on Shakespeare", base.with_overrides({"model.cell": cell, "name": f"shakespeare-{cell}"}))
            for cell, name in (("lstm", "LSTM"), ("gru", "GRU"))]


def lstm_gru_measure(quick, device):
    counts, accuracy = {}, {}
    for _, spec in lstm_gru_runs(quick):
        trainer = trained(spec, device)
        counts[spec.model.cell] = parameter_count(trainer.model.rnn)
        accuracy[spec.model.cell] = metric(trainer)
    ratio = counts["gru"] / counts["lstm"]
    gap = abs(accuracy["gru"] - accuracy["lstm"])
    passed = ratio == 0.75 and gap <= 0.05
    return Outcome(
        f"recurrent parameters GRU {counts['gru']:,} / LSTM {counts['lstm']:,} = {ratio:.2f}; "
        f"next-character accuracy LSTM {accuracy['lstm']:.3f}, GRU {accuracy['gru']:.3f} (gap {gap:.3f})",
        passed, {"parameters": counts, "ratio": ratio, "accuracy": accuracy})


# ------------------------------------------------------------------ 5. shapes
SHAPES = (("many-to-one", "sentiment-gru", "sentiment: a label per sentence"),
          ("many-to-many", "shakespeare-lstm", "language model: a character per character"),
          ("one-to-many", "sentiment-writer-lstm", "a sentence from one start vector"))


def _majority_score(trainer) -> float:
    """What always answering the most common target scores (0 for written sentences)."""
    if trainer.task.info.metric not in ("accuracy", "token_accuracy"):
        return 0.0
    targets = torch.cat([b.target.flatten() for b in trainer.val_batches])
    if trainer.task.info.kind != "classify":  # class ids may be 0, token targets use 0 for padding
        targets = targets[targets != PAD]
    return float(torch.bincount(targets).max() / targets.numel())


def shapes_runs(quick):
    steps = {"many-to-one": 150, "many-to-many": 300, "one-to-many": 300} if quick else {}
    # quick: at the preset's 0.002 the language model scored 0.35-0.37 in 300 steps, close to
    # the 0.30 it must beat; at 0.01 it scores 0.43-0.45
    rates = {"many-to-many": 0.01} if quick else {}
    runs = []
    for shape, preset, _ in SHAPES:
        spec = load_preset(preset).with_overrides({"probes.every": 0, "model.hidden_size": 64})
        if shape in steps:
            spec = spec.with_overrides({"training.steps": steps[shape]})
        if shape in rates:
            spec = spec.with_overrides({"training.lr": rates[shape]})
        runs.append((f"{shape}: {preset}", spec))
    return runs


def shapes_measure(quick, device):
    shapes, scores, passed = {}, {}, True
    for (shape, _, _), (_, spec) in zip(SHAPES, shapes_runs(quick)):
        trainer = trained(spec, device)
        batch = trainer.val_batches[0].to(trainer.device)
        with torch.no_grad(), evaluating(trainer.model) as model:
            inputs = tuple(batch.src.shape)
            outputs = tuple(model(batch).shape)
        shapes[shape] = (inputs, outputs)
        scores[shape] = metric(trainer)
        baseline = _majority_score(trainer)
        expected_out = {"many-to-one": 2, "many-to-many": 3, "one-to-many": 3}[shape]
        passed &= len(outputs) == expected_out and scores[shape] >= baseline + 0.15
        if shape == "one-to-many":
            passed &= inputs[1] == 1  # one input: the start vector's label
    return Outcome(
        "; ".join(f"{shape}: in {list(i)} -> out {list(o)}, {scores[shape]:.2f}" for shape, (i, o) in shapes.items()),
        bool(passed), {"shapes": shapes, "scores": scores})
