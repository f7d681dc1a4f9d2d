"""Lesson 13: before the RNN. A fixed window sees only its last tau inputs, a
Markov chain only its last k tokens; a latent state carries the whole past."""

from __future__ import annotations

import math

import torch

from engine.evaluation import evaluate
from engine.lessons.base import Outcome, metric, spec_of, trained
from engine.lessons.recurrent import RECALL
from engine.presets import load_preset

# Recall with the cue `d` steps before the last input: a window of tau inputs holds it when tau > d.
WINDOW = {"model.family": "window", "model.embedding_size": 8, "model.hidden_size": 64}
LSTM = {"model.family": "rnn", "model.cell": "lstm", "model.embedding_size": 16, "model.forget_bias": 4.0}
# Hamlet: one character at a time. The chains count the text once (about 80 steps of
# 32 x 64 characters); alpha 0.01 keeps the higher orders' fit to the text they counted visible.
ORDERS = (1, 2, 3, 5)
SMOOTHING = 0.01
CHAIN_STEPS = 100
TEXT_MODELS = {"window of 8": {"model.family": "window", "model.context": 8, "model.layers": 1,
                               "model.hidden_size": 128},
               "LSTM": {"model.family": "rnn", "model.layers": 1, "model.hidden_size": 128, "model.dropout": 0.0}}


def _distances(quick):
    return (4, 12) if quick else (4, 8, 16, 32)


def _contexts(quick):
    return (4, 8, 16) if quick else (4, 8, 16, 32, 64)


def _recall(distance: int, model: dict, name: str, steps: int):
    return spec_of({**RECALL, **model}, task__distractors=distance, training__steps=steps, name=name)


def _hamlet(model: dict, steps: int, name: str):
    return load_preset("shakespeare-lstm").with_overrides({
        "probes.every": 0, "training.eval_every": 10**6, "training.eval_batches": 16, "training.steps": steps,
        "name": name, **model})


def _text_steps(quick):
    return 300 if quick else 1500


def latent_state_runs(quick):
    """What the window opens: recall over 8 steps for two windows and an LSTM, and the play's text."""
    runs = [(f"window of {tau}, cue 8 steps back", _recall(8, {**WINDOW, "model.context": tau},
                                                         f"recall-window-{tau}", 300)) for tau in (4, 16)]
    runs.append(("LSTM, cue 8 steps back", _recall(8, LSTM, "recall-lstm", 300)))
    runs += [(f"Markov chain of order {k} on Hamlet",
              _hamlet({"model.family": "markov", "model.order": k, "model.smoothing": SMOOTHING}, CHAIN_STEPS,
                      f"hamlet-markov-{k}")) for k in (1, 3, 5)]
    runs += [(f"{name} on Hamlet", _hamlet(model, _text_steps(quick), f"hamlet-{name.replace(' ', '-')}"))
             for name, model in TEXT_MODELS.items()]
    return runs


def _bits(trainer, batches) -> float:
    return evaluate(trainer.model, trainer.task, batches, trainer.device)["val_loss"] / math.log(2)


def _train_batches(trainer):
    """Windows of the text it trained on, drawn the way training draws them (for the train score)."""
    generator = torch.Generator().manual_seed(12345)
    return [trainer.task.train_batch(32, generator) for _ in range(16)]


def latent_state_measure(quick, device):
    accuracy, sizes, lstm, lstm_sizes = {}, {}, {}, {}
    for d in _distances(quick):
        for tau in _contexts(quick):
            trainer = trained(_recall(d, {**WINDOW, "model.context": tau}, f"window-{tau}", 300), device)
            accuracy[(d, tau)], sizes[tau] = metric(trainer), trainer.parameter_count
        trainer = trained(_recall(d, LSTM, "lstm", 300), device)
        lstm[d], lstm_sizes[d] = metric(trainer), trainer.parameter_count
    sees = [a for (d, tau), a in accuracy.items() if tau > d]
    blind = [a for (d, tau), a in accuracy.items() if tau <= d]
    taus = sorted(sizes)
    recall_holds = (min(sees) >= 0.9 and max(blind) <= 0.45 and min(lstm.values()) >= 0.9
                    and all(sizes[a] < sizes[b] for a, b in zip(taus, taus[1:])) and len(set(lstm_sizes.values())) == 1)

    bits = {}
    for k in ORDERS:
        chain = trained(_hamlet({"model.family": "markov", "model.order": k, "model.smoothing": SMOOTHING},
                                CHAIN_STEPS, f"markov-{k}"), device)
        bits[f"Markov {k}"] = (_bits(chain, _train_batches(chain)), _bits(chain, chain.val_batches))
    for name, model in TEXT_MODELS.items():
        trainer = trained(_hamlet(model, _text_steps(quick), name), device)
        bits[name] = (_bits(trainer, _train_batches(trainer)), _bits(trainer, trainer.val_batches))
    train = [bits[f"Markov {k}"][0] for k in ORDERS]
    gap = {name: val - fit for name, (fit, val) in bits.items()}
    best_chain = min(bits[f"Markov {k}"][1] for k in ORDERS)
    text_holds = (all(a > b for a, b in zip(train, train[1:]))  # each order fits its text closer
                  and bits["Markov 5"][1] > best_chain + 0.3  # and past a point generalises worse
                  and gap["Markov 5"] > 3 * max(gap["window of 8"], gap["LSTM"])
                  and max(bits["window of 8"][1], bits["LSTM"][1]) < bits["Markov 5"][1])

    table = "; ".join(f"d={d}: " + ", ".join(f"tau {tau} {accuracy[(d, tau)]:.2f}" for tau in _contexts(quick))
                      + f", LSTM {lstm[d]:.2f}" for d in _distances(quick))
    text = ", ".join(f"{name} {fit:.2f}/{val:.2f}" for name, (fit, val) in bits.items())
    return Outcome(
        f"recall accuracy (chance 0.25) {table}; parameters window "
        + ", ".join(f"tau {tau} {sizes[tau]:,}" for tau in taus) + f", LSTM {lstm_sizes[_distances(quick)[0]]:,}; "
        f"Hamlet bits per character train/validation: {text} ({_text_steps(quick)} steps for the networks)",
        recall_holds and text_holds,
        {"recall": {f"{d},{tau}": a for (d, tau), a in accuracy.items()}, "lstm": lstm, "sizes": sizes,
         "lstm_sizes": lstm_sizes, "bits": bits})
