"""A Trainer's complete state as named CPU tensors and plain JSON, so a run can
be saved without pickle (safetensors + JSON) and resumed exactly: weights,
optimizer state, every random generator, the step, live settings, counters,
and in fp16 the gradient scaler's state.
"""

from __future__ import annotations

import math
import time

import torch

from engine.errors import SeqLabError
from engine.events import Checkpoint
from engine.training import Trainer

FORMAT = 1
IMPLEMENTATION_OPTIONS = ("fused", "foreach", "capturable", "differentiable")


def capture(trainer: Trainer) -> tuple[dict[str, torch.Tensor], dict]:
    """(tensors, meta): everything needed to continue `trainer` exactly."""
    tensors = {f"model/{name}": value.detach().cpu().contiguous()
               for name, value in trainer.model.state_dict().items()}
    optimizer = trainer.optimizer.state_dict()
    numbers: dict[str, dict[str, float]] = {}
    for index, state in optimizer["state"].items():
        for key, value in state.items():
            if isinstance(value, torch.Tensor):
                tensors[f"optimizer/{index}/{key}"] = value.detach().cpu().contiguous()
            else:
                numbers.setdefault(str(index), {})[key] = value
    tensors["rng/cpu"] = trainer.rng_state["cpu"].clone()
    if "cuda" in trainer.rng_state:
        tensors["rng/cuda"] = trainer.rng_state["cuda"].clone()
    tensors["rng/batches"] = trainer.batch_generator.get_state()
    tensors["rng/sampling"] = trainer.sampling_generator.get_state()
    groups = [{k: (list(v) if isinstance(v, tuple) else v) for k, v in group.items() if k != "params"}
              for group in optimizer["param_groups"]]
    meta = {
        "format": FORMAT, "step": trainer.step, "base_lr": trainer.base_lr, "clip_norm": trainer.clip_norm,
        "teacher_forcing_override": trainer.teacher_forcing_override, "tokens_seen": trainer.tokens_seen,
        "train_seconds": trainer.train_seconds, "elapsed": time.perf_counter() - trainer.started,
        "last_train_loss": None if math.isnan(trainer.last_train_loss) else trainer.last_train_loss,
        "last_evaluation": dict(trainer.last_evaluation),
        "optimizer_groups": groups, "optimizer_numbers": numbers, "skipped_steps": trainer.skipped_steps,
    }
    if trainer.scaler is not None:  # fp16: the gradient scaler's scale and how long it has held
        state = trainer.scaler.state_dict()
        meta["scaler"] = {"scale": state["scale"], "growth_tracker": state["_growth_tracker"],
                          "overflow_steps": trainer.guard.overflow_steps,
                          "overflows_in_a_row": trainer.guard.overflows_in_a_row}
    return tensors, meta


def restore(trainer: Trainer, tensors: dict[str, torch.Tensor], meta: dict) -> None:
    """Put a captured state into a Trainer built from the same spec."""
    if meta.get("format") != FORMAT:
        raise SeqLabError(f"checkpoint format {meta.get('format')!r} is not one this version reads ({FORMAT})")
    model_state = {name[len("model/"):]: t for name, t in tensors.items() if name.startswith("model/")}
    expected = trainer.model.state_dict()
    missing, unexpected = sorted(set(expected) - set(model_state)), sorted(set(model_state) - set(expected))
    if missing or unexpected:
        raise SeqLabError(f"the checkpoint does not fit this model: missing {missing[:3]}, "
                          f"unexpected {unexpected[:3]}")
    sized = not getattr(trainer.model, "sized_by_its_counts", False)  # a Markov chain checks its own
    wrong = [n for n, t in model_state.items() if sized and tuple(t.shape) != tuple(expected[n].shape)]
    if wrong:
        name = wrong[0]
        raise SeqLabError(f"the checkpoint does not fit this model: {name} is "
                          f"{tuple(model_state[name].shape)} in the checkpoint, "
                          f"{tuple(expected[name].shape)} in the model")
    trainer.model.load_state_dict(model_state)
    state: dict[int, dict] = {}
    for name, value in tensors.items():
        if name.startswith("optimizer/"):
            _, index, key = name.split("/", 2)
            state.setdefault(int(index), {})[key] = value
    parameters = trainer.parameters
    for index, values in state.items():
        if not 0 <= index < len(parameters):
            raise SeqLabError(f"the checkpoint's optimizer has state for parameter {index}; "
                              f"the model has {len(parameters)}")
        for key, value in values.items():
            if value.dim() > 0 and value.shape != parameters[index].shape:
                raise SeqLabError(f"the checkpoint's optimizer state {index}/{key} is {tuple(value.shape)}, "
                                  f"its parameter {tuple(parameters[index].shape)}")
    for index, values in meta["optimizer_numbers"].items():
        state.setdefault(int(index), {}).update(values)
    current = trainer.optimizer.state_dict()["param_groups"]
    if len(current) != len(meta["optimizer_groups"]):
        raise SeqLabError("the checkpoint's optimizer does not fit this run's")
    # How the optimizer runs here (fused or not) belongs to this process, not to the run.
    groups = [{**{k: (tuple(v) if k == "betas" else v) for k, v in saved.items()},
               **{k: now[k] for k in IMPLEMENTATION_OPTIONS if k in now}, "params": now["params"]}
              for saved, now in zip(meta["optimizer_groups"], current)]
    trainer.optimizer.load_state_dict({"state": state, "param_groups": groups})
    trainer.rng_state = {"cpu": tensors["rng/cpu"].clone()}
    if "rng/cuda" in tensors and trainer.device.type == "cuda":
        trainer.rng_state["cuda"] = tensors["rng/cuda"].clone()
    trainer.batch_generator.set_state(tensors["rng/batches"].clone())
    trainer.sampling_generator.set_state(tensors["rng/sampling"].clone())
    trainer.step = int(meta["step"])
    trainer.base_lr = float(meta["base_lr"])
    trainer.clip_norm = float(meta["clip_norm"])
    trainer.teacher_forcing_override = meta["teacher_forcing_override"]
    trainer.tokens_seen = int(meta["tokens_seen"])
    trainer.train_seconds = float(meta["train_seconds"])
    trainer.skipped_steps = int(meta.get("skipped_steps", 0))
    scaler = meta.get("scaler")
    if trainer.scaler is not None and scaler is not None:  # a run saved in fp16 that goes on in fp16
        trainer.scaler.load_state_dict({**trainer.scaler.state_dict(), "scale": float(scaler["scale"]),
                                        "_growth_tracker": int(scaler["growth_tracker"])})
        trainer.guard.overflow_steps = int(scaler["overflow_steps"])
        trainer.guard.overflows_in_a_row = int(scaler["overflows_in_a_row"])
    trainer.continue_clock(float(meta["elapsed"]))
    trainer.last_train_loss = math.nan if meta["last_train_loss"] is None else float(meta["last_train_loss"])
    # null: a value that was not finite (a diverged run's), saved as none
    trainer.last_evaluation = {k: v for k, v in meta["last_evaluation"].items() if v is not None}


def checkpoint_event(trainer: Trainer) -> Checkpoint:
    """capture() as an event: numpy copies, since training goes on changing its tensors in place."""
    tensors, meta = capture(trainer)
    return Checkpoint(trainer.step, {name: t.clone().numpy() for name, t in tensors.items()}, meta)


def arrays_to_tensors(arrays: dict) -> dict[str, torch.Tensor]:
    """A Checkpoint's arrays as the tensors restore() and a project's Run take."""
    return {name: torch.from_numpy(array) for name, array in arrays.items()}
