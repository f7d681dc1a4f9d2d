"""Engine overhead: training steps per second through SeqLab's engine divided by
a bare hand-written PyTorch loop of the same model and batches.

Both run in this process, alternating round by round, so load on a shared
machine hits both alike. Two ratios are printed: best engine rate over best
bare rate across rounds (noise only ever slows a run, so the best of several
is the steadiest figure, as `timeit` argues), and the median of the per-round
ratios, whose spread shows how noisy the machine was.
The engine side is the real run loop (`run_training`: batch sampling, LR
schedule, device-side metric buffers, 30 Hz flushes into events, control
checks); only evaluation and the shape summary are left out, being no
training steps. The bare loop gets its batches pre-made on the device, so it
pays nothing for data: the comparison is strict.

    python benchmarks/engine_overhead.py [--device cpu|cuda] [--steps N] [--rounds R]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.models import build_model, compute_loss  # noqa: E402
from engine.runner import RunControl, run_training  # noqa: E402
from engine.spec import ExperimentSpec  # noqa: E402
from engine.training import Trainer  # noqa: E402

MODELS = {
    "LSTM": {"model.family": "rnn", "model.cell": "lstm", "model.embedding_size": 64, "model.hidden_size": 256},
    "GRU": {"model.family": "rnn", "model.cell": "gru", "model.embedding_size": 64, "model.hidden_size": 256},
    "Transformer": {"model.family": "transformer", "model.arch": "decoder", "model.d_model": 128,
                    "model.heads": 4, "model.layers": 2, "model.ff_size": 512},
}
COMMON = {"task.name": "shakespeare", "task.length": 64, "training.batch_size": 32, "training.lr": 1e-3,
          "training.clip_norm": 1.0, "training.eval_every": 10**9, "training.seed": 0}


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def engine_steps_per_second(spec: ExperimentSpec, steps: int) -> float:
    trainer = Trainer(spec.with_overrides({"training.steps": steps}))
    trainer.evaluate = lambda: None  # not a training step
    trainer.shape_summary_text = lambda: ""
    events = []
    sync(trainer.device)
    began = time.perf_counter()
    run_training(trainer, RunControl(), events.extend)
    sync(trainer.device)
    elapsed = time.perf_counter() - began
    assert trainer.step == steps, events[-1]
    return steps / elapsed


def bare_steps_per_second(spec: ExperimentSpec, steps: int) -> float:
    """What a person would write: model, Adam, clip, step; batches ready on the device."""
    reference = Trainer(spec)  # the same task, layout and device
    device, kind = reference.device, reference.kind
    torch.manual_seed(0)
    model = build_model(spec.model, reference.task.info).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=spec.training.lr)
    generator = torch.Generator().manual_seed(0)
    batches = [reference.task.train_batch(spec.training.batch_size, generator).to(device) for _ in range(steps)]
    sync(device)
    began = time.perf_counter()
    for batch in batches:
        loss = compute_loss(kind, model(batch), batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0, foreach=True)
        optimizer.step()
    sync(device)
    return steps / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, default=30, help="steps per timed run")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, device {args.device}, {torch.get_num_threads()} threads, "
          f"{args.steps} steps x {args.rounds} rounds, alternating bare/engine\n")
    print(f"{'model':<12} {'bare steps/s':>13} {'engine steps/s':>15} {'ratio (best)':>13} "
          f"{'ratio (median)':>15}  per-round ratios")
    for name, overrides in MODELS.items():
        spec = ExperimentSpec().with_overrides({**COMMON, **overrides, "training.device": args.device})
        bare_steps_per_second(spec, 10)  # warm-up: allocator, kernels, caches
        engine_steps_per_second(spec, 10)
        bare, engine, ratios = [], [], []
        for round_ in range(args.rounds):
            # Alternate which goes first so drift in machine load cancels out.
            if round_ % 2 == 0:
                b = bare_steps_per_second(spec, args.steps)
                e = engine_steps_per_second(spec, args.steps)
            else:
                e = engine_steps_per_second(spec, args.steps)
                b = bare_steps_per_second(spec, args.steps)
            bare.append(b)
            engine.append(e)
            ratios.append(e / b)
        print(f"{name:<12} {max(bare):>13.1f} {max(engine):>15.1f} {max(engine) / max(bare):>13.3f} "
              f"{statistics.median(ratios):>15.3f}  {' '.join(f'{r:.2f}' for r in ratios)}")


if __name__ == "__main__":
    main()
