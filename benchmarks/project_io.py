"""Save and open a project beside the floor: safetensors alone writing and
reading the same tensors.

The project holds one run of a ~10-million-parameter LSTM with its Adam state
(so 3 tensors per parameter: weights, exp_avg, exp_avg_sq) and 100 000 steps
of scalar history, 200 evaluations and the probe snapshots a run that long
keeps. Each round times, side by side:

  save    save_project (zip, XXH3-128 of every entry, fsync, atomic rename);
          the file it replaces is freed on a background thread, which the
          next measurement waits for untimed, so it slows neither side
  floor   safetensors.torch.save_file of the same tensors, then fsync
  open    open_project (every check: listing, checksums, JSON, tensors,
          history); the optimizer state is checked but stays in the file until
          used (engine.project.deferred), so "open, then all read" is printed too
  floor   safetensors.torch.load_file of those tensors, each touched (cloned)
          so the data is really read, as a model load would

Two settings, each side by side with its floor:

  warm    every round in this one process, the order of ours and the floor
          alternating, so neither always gets the memory the other just freed
  cold    each measurement in a fresh process (imports done, then one save or
          open timed): what a person sees opening a project in a SeqLab just
          started. Fresh memory costs a page fault per 4 KiB page, often more
          than the copy itself.

Target: save and open each within 2x of their floor (best of the rounds), in
both settings.

    python benchmarks/project_io.py [--rounds 6] [--cold-rounds 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.atomic_file import wait_for_releases  # noqa: E402
from engine.events import Evaluation, Scalars  # noqa: E402
from engine.project import Project, open_project, save_project  # noqa: E402
from engine.spec import ExperimentSpec  # noqa: E402
from engine.training import Trainer  # noqa: E402

STEPS = 100_000


def big_project() -> Project:
    spec = ExperimentSpec().with_overrides({
        "model.cell": "lstm", "model.embedding_size": 256, "model.hidden_size": 880, "model.layers": 2,
        "task.name": "shakespeare", "task.length": 32, "training.batch_size": 4, "training.steps": STEPS,
        "training.device": "cpu", "probes.every": 50})
    project = Project(name="benchmark")
    run = project.add_run(spec)
    trainer = Trainer(spec)
    trainer.run_steps(1)  # so Adam has its state
    snapshot = trainer.probe()
    run.record(trainer)
    rng = np.random.default_rng(0)
    for begin in range(0, STEPS, 1000):  # what 100 flushes of 1000 steps add
        steps = np.arange(begin, begin + 1000)
        run.history.add(Scalars(steps, steps * 0.021 + rng.random(1000) * 1e-3, {
            "train_loss": rng.random(1000, dtype=np.float32) * 3, "grad_norm": rng.random(1000, dtype=np.float32),
            "lr": np.full(1000, 1e-3, dtype=np.float32),
            "tokens_per_second": np.full(1000, 5e4 + begin, dtype=np.float32)}))
        if begin % 500 == 0:
            run.history.add(Evaluation(begin, begin * 0.021, {"val_loss": 1.5, "token_accuracy": 0.5}))
    for step in range(0, STEPS, 50):
        snapshot.step = step
        run.probes.add(snapshot)
    return project


def floor_save(tensors: dict, path: Path) -> float:
    from safetensors.torch import save_file

    began = time.perf_counter()
    save_file(tensors, str(path))
    with open(path, "rb") as f:
        os.fsync(f.fileno())
    return time.perf_counter() - began


def floor_open(path: Path) -> float:
    from safetensors.torch import load_file

    began = time.perf_counter()
    tensors = {k: v.clone() for k, v in load_file(str(path)).items()}
    elapsed = time.perf_counter() - began
    assert tensors
    return elapsed


def timed(action) -> float:
    began = time.perf_counter()
    action()
    return time.perf_counter() - began


def warm_rounds(project: Project, tensors: dict, weights: dict, folder: Path, rounds: int) -> dict:
    project_file, floor_file = folder / "p.seqlab", folder / "t.safetensors"
    actions = {
        "save": lambda: timed(lambda: save_project(project, project_file)),
        "floor_save": lambda: floor_save(tensors, floor_file),
        "open": lambda: timed(lambda: open_project(project_file)),
        "floor_open": lambda: floor_open(floor_file),
        "open_then_all_read": lambda: timed(lambda: read_everything(open_project(project_file)))}
    results = {name: [] for name in (*actions, "floor_save_weights", "floor_open_weights")}
    for round_ in range(rounds):
        for pair in (("save", "floor_save"), ("open", "floor_open", "open_then_all_read")):
            for name in pair if round_ % 2 == 0 else reversed(pair):
                results[name].append(actions[name]())
                wait_for_releases()
        results["floor_save_weights"].append(floor_save(weights, folder / "w.safetensors"))
        results["floor_open_weights"].append(floor_open(folder / "w.safetensors"))
    return results


def read_everything(project: Project) -> None:
    """Read what opening left in the file (the optimizer state) as training it on would."""
    for run in project.runs:
        if run.state is not None:
            dict(run.state[0])


def cold_one(action: str, source: Path, target: Path) -> float:
    """One action, timed, in this fresh process."""
    if action == "open":
        return timed(lambda: open_project(source))
    if action == "floor_open":
        return floor_open(source)
    if action == "save":  # with everything in memory, as the floor's tensors are
        project = open_project(source)
        read_everything(project)
        return timed(lambda: save_project(project, target))
    from safetensors.torch import load_file

    tensors = {k: v.clone() for k, v in load_file(str(source)).items()}
    return floor_save(tensors, target)


def cold_rounds(folder: Path, rounds: int) -> dict:
    files = {"save": ("p.seqlab", "cold.seqlab"), "floor_save": ("t.safetensors", "cold.safetensors"),
             "open": ("p.seqlab", ""), "floor_open": ("t.safetensors", "")}
    results = {name: [] for name in files}
    for round_ in range(rounds):
        for pair in (("save", "floor_save"), ("open", "floor_open")):
            for name in pair if round_ % 2 == 0 else reversed(pair):
                source, target = files[name]
                done = subprocess.run([sys.executable, __file__, "--cold-one", name, str(folder / source),
                                       str(folder / (target or "unused"))],
                                      check=True, capture_output=True, text=True)
                results[name].append(float(done.stdout.split()[-1]))
    return results


def report(title: str, results: dict) -> None:
    best = {name: min(times) for name, times in results.items()}
    median = {name: float(np.median(times)) for name, times in results.items()}
    print(f"{title:24}{'best s':>9}{'median s':>10}")
    for name in results:
        print(f"{name:24}{best[name]:9.3f}{median[name]:10.3f}")
    for action in ("save", "open"):
        ratio = best[action] / best[f"floor_{action}"]
        ratio_median = median[action] / median[f"floor_{action}"]
        verdict = "within" if ratio <= 2 else "OVER"
        alone = f"floor_{action}_weights"
        weights = f"; {best[action] / best[alone]:.2f}x writing/reading the weights alone" if alone in best else ""
        print(f"{title} {action}: {ratio:.2f}x the floor (median {ratio_median:.2f}x), {verdict} the 2x "
              f"target{weights}")
    if "open_then_all_read" in best:
        print(f"{title} open, then the optimizer state read too (as training on does): "
              f"{best['open_then_all_read'] / best['floor_open']:.2f}x the floor")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--cold-rounds", type=int, default=5)
    parser.add_argument("--cold-one", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_one:
        action, source, target = args.cold_one
        print(cold_one(action, Path(source), Path(target)))
        return
    project = big_project()
    run = project.run()
    tensors = {k: v for k, v in run.state[0].items() if not k.startswith("rng/")}
    weights = {k: v for k, v in tensors.items() if k.startswith("model/")}
    parameters = sum(v.numel() for v in weights.values())
    print(f"run: {parameters / 1e6:.2f} M parameters, {len(tensors)} tensors with Adam state "
          f"({sum(v.numel() * v.element_size() for v in tensors.values()) / 2**20:.0f} MiB); "
          f"{len(run.history):,} steps of history, {len(run.history.evaluations)} evaluations, "
          f"{len(run.probes)} probe snapshots kept")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        warm = warm_rounds(project, tensors, weights, folder, args.rounds)
        size = (folder / "p.seqlab").stat().st_size
        floor_size = (folder / "t.safetensors").stat().st_size
        del project, run, tensors, weights
        cold = cold_rounds(folder, args.cold_rounds) if args.cold_rounds else None
    print(f"file size: project {size / 2**20:.1f} MiB, safetensors of the same tensors {floor_size / 2**20:.1f} MiB "
          f"({size / floor_size:.2f}x)")
    report("warm", warm)
    if cold:
        report("cold", cold)


if __name__ == "__main__":
    main()
