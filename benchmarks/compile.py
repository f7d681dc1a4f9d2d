"""Does `torch.compile` pay for the models SeqLab ships? Training steps per
second of compiled variants against the eager step the engine takes, with the
compile time apart and the step count at which compiling pays for itself.

The step is the engine's: forward, loss, backward, clip to norm 1, Adam. The
variants, each on its own copy of the same initial weights and the same
pre-made batches:

- eager, fused Adam: what the engine does (the baseline);
- eager, foreach Adam: the optimizer torch.compile can fuse itself;
- forward compiled: forward and loss through torch.compile (AOTAutograd
  compiles the backward with it), fused Adam;
- whole step compiled: the same, plus clipping and a foreach Adam step
  compiled (a fused optimizer is one opaque kernel: nothing left to compile).

Compile time is the first steps' wall time beyond what as many steady steps
take. "cold" is with empty inductor and triton caches, in memory and on disk
(torch._inductor.utils.fresh_cache, for each variant: models share graphs, the
embedding and the head); "warm" compiles again with nothing in memory
(torch._dynamo.reset and clear_caches), as a second run in a new process would,
with the on-disk caches from the cold compile. "graphs" counts what dynamo captured:
more than one for a function means graph breaks, which run eagerly between. The steady rates come
from alternating rounds, the order rotating, ratios taken within each round.

    python benchmarks/compile.py [--models LSTM,GRU,Transformer] [--steps N] [--rounds R]
                                 [--device cpu|cuda] [--mode default|reduce-overhead|max-autotune]
                                 [--threads N] [--load busy]
"""

from __future__ import annotations

import argparse
import copy
import shutil
import statistics
import sys
import time

import torch
from torch._inductor.utils import clear_caches, fresh_cache

from harness import MODELS, BusyCores, add_machine_arguments, machine_line, set_threads, spec_for, sync
from engine.models import compute_loss
from engine.training import Trainer

WARM_STEPS = 3  # compiling happens in the first step; the next two settle the caches


class Variant:
    def __init__(self, name: str, trainer: Trainer, initial: dict, fused: bool, compile_forward: bool,
                 compile_update: bool, mode: str):
        self.name = name
        self.model = copy.deepcopy(trainer.model)
        self.model.load_state_dict(initial)
        self.model.train()
        self.parameters = [p for p in self.model.parameters() if p.requires_grad]
        options = {"fused": True} if fused else {"foreach": True}
        self.optimizer = torch.optim.Adam(self.parameters, lr=trainer.spec.training.lr, **options)
        kind, model = trainer.kind, self.model

        def forward_loss(batch):
            return compute_loss(kind, model(batch, 1.0, None), batch)

        def update():
            torch.nn.utils.clip_grad_norm_(self.parameters, 1.0, foreach=True)
            self.optimizer.step()

        self._forward_loss = forward_loss
        self._update = update
        self.compile_forward, self.compile_update, self.mode = compile_forward, compile_update, mode
        self.recompile()

    def recompile(self) -> None:
        compiled = lambda fn: torch.compile(fn, mode=self.mode)  # noqa: E731
        self.forward_loss = compiled(self._forward_loss) if self.compile_forward else self._forward_loss
        self.update = compiled(self._update) if self.compile_update else self._update

    @property
    def compiled(self) -> bool:
        return self.compile_forward or self.compile_update

    def step(self, batch) -> None:
        loss = self.forward_loss(batch)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.update()

    def run(self, batches: list, device) -> float:
        """Seconds for one step on each batch."""
        sync(device)
        began = time.perf_counter()
        for batch in batches:
            self.step(batch)
        sync(device)
        return time.perf_counter() - began


def first_steps_beyond_steady(variant: Variant, batches: list, device) -> float:
    """Seconds the first WARM_STEPS took beyond as many steady steps (the compile)."""
    first = variant.run(batches[:WARM_STEPS], device)
    steady = min(variant.run(batches[:WARM_STEPS], device) for _ in range(2))
    return max(first - steady, 0.0)


def pays_after(compile_seconds: float, eager_rate: float, rate: float) -> str:
    """Steps after which the compiled variant has caught up with eager, compile included."""
    saved_per_step = 1 / eager_rate - 1 / rate
    if saved_per_step <= 0:
        return "never"
    return f"{compile_seconds / saved_per_step:,.0f}"


def measure(name: str, overrides: dict, args) -> None:
    spec = spec_for({**overrides, "probes.every": 0}, args.device)
    trainer = Trainer(spec)
    initial = copy.deepcopy(trainer.model.state_dict())
    generator = torch.Generator().manual_seed(0)
    batches = [trainer.task.train_batch(spec.training.batch_size, generator).to(trainer.device)
               for _ in range(args.steps)]
    mode = args.mode
    variants = [
        Variant("eager, fused Adam (the engine)", trainer, initial, True, False, False, None),
        Variant("eager, foreach Adam", trainer, initial, False, False, False, None),
        Variant("forward compiled, fused Adam", trainer, initial, True, True, False, mode),
        Variant("whole step compiled, foreach Adam", trainer, initial, False, True, True, mode),
    ]
    compile_seconds: dict[str, tuple[float, float]] = {}
    graphs: dict[str, int] = {}
    for variant in list(variants):
        try:
            if not variant.compiled:
                first_steps_beyond_steady(variant, batches, trainer.device)  # the same warm-up as the others
                continue
            with fresh_cache():  # empty inductor and triton caches, in memory and on disk
                torch._dynamo.reset()
                variant.recompile()
                torch._dynamo.utils.counters.clear()
                cold = first_steps_beyond_steady(variant, batches, trainer.device)
                graphs[variant.name] = torch._dynamo.utils.counters["stats"]["unique_graphs"]
                # what a new process starts from: nothing in memory, the caches on disk kept
                torch._dynamo.reset()
                clear_caches()
                variant.recompile()
                warm = first_steps_beyond_steady(variant, batches, trainer.device)
            compile_seconds[variant.name] = (cold, warm)
        except Exception as exc:  # a compiler missing or failing is a finding, not a crash
            print(f"  {name}: {variant.name} failed: {str(exc).splitlines()[0][:200]}", flush=True)
            variants.remove(variant)
    times: dict[str, list[float]] = {v.name: [] for v in variants}
    for round_ in range(args.rounds):
        order = variants[round_ % len(variants):] + variants[:round_ % len(variants)]
        for variant in order:
            times[variant.name].append(variant.run(batches, trainer.device))
    base = times[variants[0].name]
    eager_rate = args.steps / min(base)
    print(f"\n{name}: eager {eager_rate:.1f} steps/s (best of {args.rounds} rounds of {args.steps} steps)")
    print(f"  {'variant':<36} {'steps/s':>8} {'ratio best':>10} {'median':>7} {'compile cold':>13} "
          f"{'warm':>7} {'graphs':>7} {'pays after (cold / warm) steps':>31}")
    for variant in variants:
        rate = args.steps / min(times[variant.name])
        ratios = [b / t for b, t in zip(base, times[variant.name])]
        cold, warm = compile_seconds.get(variant.name, (0.0, 0.0))
        compiled = variant.name in compile_seconds
        print(f"  {variant.name:<36} {rate:8.1f} {rate / eager_rate:10.3f} {statistics.median(ratios):7.3f} "
              + (f"{cold:12.1f}s {warm:6.1f}s {graphs[variant.name]:7d} {pays_after(cold, eager_rate, rate):>15} / "
                 f"{pays_after(warm, eager_rate, rate)}" if compiled else ""), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated: " + ", ".join(MODELS))
    parser.add_argument("--steps", type=int, default=20, help="steps per timed round")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--mode", default="default", choices=("default", "reduce-overhead", "max-autotune"),
                        help="torch.compile's mode; reduce-overhead uses CUDA graphs on a GPU")
    add_machine_arguments(parser)
    args = parser.parse_args()
    args.mode = None if args.mode == "default" else args.mode
    set_threads(args)
    torch._logging.set_logs(graph_breaks=False)  # counted in the table instead
    print(machine_line(args))
    print(f"device {args.device}, torch.compile mode {args.mode or 'default'}, Python {sys.version.split()[0]}, "
          f"C++ compiler {shutil.which('c++') or shutil.which('g++') or 'none found'}")
    with BusyCores(args.load == "busy"):
        for name in args.models.split(","):
            measure(name, MODELS[name], args)


if __name__ == "__main__":
    main()
