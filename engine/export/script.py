"""Export a run as one standalone PyTorch script.

The script holds SeqLab's own model code (the same source, so the same
architecture and parameter names: a run's weights.safetensors loads into it),
the run's task data (its fixed training and validation examples, or for a
text task the token stream its training windows are drawn from, compressed),
and the training loop: optimizer, schedule, clipping, teacher forcing and the
seeding SeqLab uses. On the CPU it reproduces the run's losses exactly. It
needs torch and nothing else from SeqLab.

Someone may run a script exported from a project they were sent, so nothing
from the project (its names, notes, settings) is ever written as code: it all
goes into one JSON document per part, embedded with repr() (see `_json_literal`).
"""

from __future__ import annotations

import base64
import inspect
import json
import zlib

import torch

from engine import data as data_module, errors, optimizers
from engine.models import (attention, build_model, decoding, markov, objectives, recurrent, seq2seq, transformer,
                           window)
from engine.tasks.base import Pool, pool_text
from engine.tasks.text import CorpusTask

# In dependency order: each only uses names defined above it.
_BUNDLED = (errors, data_module, attention, decoding, recurrent, seq2seq, transformer, window, markov, objectives,
            optimizers)
_POOL_FIELDS = ("src", "src_lengths", "target", "tgt_in", "tgt_lengths")


def _module_code(module) -> tuple[list[str], str]:
    """(its third-party import lines, its code without imports or docstring)."""
    imports, body = [], []
    source = inspect.getsource(module)
    tree_doc = inspect.getdoc(module)
    if tree_doc and source.lstrip().startswith('"""'):
        source = source[source.index('"""', source.index('"""') + 3) + 3:]
    for line in source.splitlines():
        if line.startswith(("from __future__", "from engine", "import engine")):
            continue
        if line.startswith(("import ", "from ")):
            imports.append(line)
        else:
            body.append(line)
    name = module.__name__.replace(".", "/") + ".py"
    return imports, f"# {'-' * 20} from SeqLab's {name}\n" + "\n".join(body).strip() + "\n"


def _encode_tensor(tensor: torch.Tensor) -> dict:
    array = tensor.contiguous().numpy()
    packed = base64.b64encode(zlib.compress(array.tobytes(), 9)).decode("ascii")
    return {"dtype": str(tensor.dtype).removeprefix("torch."), "shape": list(tensor.shape),
            "data": [packed[i:i + 100] for i in range(0, len(packed), 100)]}


def _encode_pool(pool: Pool) -> dict:
    return {name: None if getattr(pool, name) is None else _encode_tensor(getattr(pool, name))
            for name in _POOL_FIELDS}


def _encode_task_data(task) -> dict:
    val = _encode_pool(task.val_pool)
    if isinstance(task, CorpusTask):
        # A text task has no fixed training examples: each batch is windows at
        # random starts in its token stream. The script's TokenStream draws them
        # as CorpusTask.train_batch does (tests compare the losses).
        return {"train_stream": {"tokens": _encode_tensor(task.train_data), "length": task.spec.length},
                "val": val}
    return {"train": _encode_pool(task.train_pool), "val": val}


def _json_literal(value) -> str:
    """Python source of a string literal that holds `value` as JSON.

    Each line of the JSON is written with repr(): a str's repr is one valid
    literal that evaluates to that very text, whatever it contains (quotes,
    backslashes, newlines, NUL), so no value can end its literal and become
    code. Adjacent literals inside the parentheses join into one string.
    """
    lines = json.dumps(value, indent=1).splitlines(keepends=True)
    return "(\n" + "".join(f"    {line!r}\n" for line in lines) + ")"


def standalone_script(run) -> str:
    """The source of a script that trains `run`'s model on its task with torch alone."""
    from engine.training import Trainer

    trainer = Trainer(run.spec, "cpu", run.task_file)
    spec = run.spec
    imports: list[str] = ["import argparse", "import base64", "import json", "import math",
                          "import types", "import zlib"]
    bodies = []
    for module in _BUNDLED:
        module_imports, body = _module_code(module)
        imports += [line for line in module_imports if line not in imports]
        bodies.append(body)
    bodies.append(f"# {'-' * 20} from SeqLab's engine/models/__init__.py\n" + inspect.getsource(build_model))
    bodies.append(f"# {'-' * 20} from SeqLab's engine/tasks/base.py\n" + inspect.getsource(Pool)
                  + "\n\n" + inspect.getsource(pool_text))
    settings = {
        "name": spec.name, "task": spec.task.name, "kind": trainer.kind, "model": spec.model.__dict__,
        "training": spec.training.__dict__, "info": trainer.task.info.__dict__,
        "metric": trainer.task.info.metric,
    }
    return "\n".join([
        _HEADER.format(torch=torch.__version__), "\n".join(imports), "",
        "\n\n".join(bodies),
        f"# {'-' * 20} the run: its settings and its task's data (JSON, read as data only)",
        f"SETTINGS = json.loads({_json_literal(settings)})",
        f"DATA = json.loads({_json_literal(_encode_task_data(trainer.task))})",
        _LOOP,
    ])


_HEADER = '''#!/usr/bin/env python3
"""A SeqLab run's model and training, exported (made with torch {torch}).

SETTINGS below names the run and its task.

Standalone: it needs PyTorch and nothing else. The model code below is
SeqLab's own; the training loop does what SeqLab's trainer does, so on the
CPU the losses match the run's step for step.

    python this_script.py [--steps N] [--device cpu|cuda] [--log-every K]
    python this_script.py --weights weights.safetensors   # start from a run's
                                                           # weights (needs safetensors)
"""
'''

_LOOP = r'''

# -------------------- data
def decode_tensor(item):
    raw = zlib.decompress(base64.b64decode("".join(item["data"])))
    return torch.frombuffer(bytearray(raw), dtype=getattr(torch, item["dtype"])).reshape(item["shape"])


def decode_pool(part):
    return Pool(**{name: None if item is None else decode_tensor(item) for name, item in part.items()})


class TokenStream:
    """A text task's training data: windows of `length` + 1 tokens at random
    starts in one token stream, drawn as SeqLab's text tasks draw them."""

    def __init__(self, tokens, length):
        self.tokens, self.length = tokens, length
        self.offsets = torch.arange(length + 1)

    def sample(self, batch_size, generator):
        starts = torch.randint(len(self.tokens) - self.length, (batch_size,), generator=generator)
        windows = self.tokens[starts[:, None] + self.offsets]
        lengths = torch.full((batch_size,), self.length, dtype=torch.int64)
        return Batch(windows[:, :-1], lengths, windows[:, 1:])


def training_text(train):
    """What a Markov chain counts: a text's token stream, or the examples one after another."""
    return train.tokens if isinstance(train, TokenStream) else pool_text(train)


def training_data(data):
    """What training batches are sampled from: fixed examples, or a text's token stream."""
    if "train_stream" in data:
        stream = data["train_stream"]
        return TokenStream(decode_tensor(stream["tokens"]), stream["length"])
    return decode_pool(data["train"])


# -------------------- training
def lr_at(step, training, total_steps):
    factor = 1.0
    if training["warmup_steps"] and step < training["warmup_steps"]:
        factor = (step + 1) / training["warmup_steps"]
    elif training["schedule"] == "cosine":
        span = max(1, total_steps - training["warmup_steps"])
        progress = min(1.0, (step - training["warmup_steps"]) / span)
        factor = 0.5 * (1.0 + math.cos(math.pi * progress))
    return training["lr"] * factor


def teacher_forcing_at(step, training, total_steps):
    if training["teacher_forcing_end"] is None:
        return training["teacher_forcing"]
    progress = min(1.0, step / max(1, total_steps))
    return training["teacher_forcing"] + (training["teacher_forcing_end"] - training["teacher_forcing"]) * progress


@torch.no_grad()
def validation_loss(model, pool, kind, batch_size, batches, device):
    model.eval()
    total, count = 0.0, 0
    for batch in pool.batches(batch_size, batches * batch_size):
        batch = batch.to(device)
        total += float(compute_loss(kind, model(batch), batch)) * batch.size
        count += batch.size
    return total / max(count, 1)


def main():
    training = SETTINGS["training"]
    description = f"{SETTINGS['name']}: trains on {SETTINGS['task']}, exported from SeqLab"
    if "%(prog)" in description:  # argparse then %-formats it: keep the name's own "%" signs
        description = description.replace("%", "%%")
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--steps", type=int, default=training["steps"])
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--log-every", type=int, default=max(1, training["eval_every"] // 4))
    parser.add_argument("--weights", help="start from these weights (a run's weights.safetensors)")
    args = parser.parse_args()
    device = torch.device(args.device)
    seed, kind = training["seed"], SETTINGS["kind"]
    train, val = training_data(DATA), decode_pool(DATA["val"])

    torch.manual_seed(seed)  # initial weights, as SeqLab draws them
    model = build_model(types.SimpleNamespace(**SETTINGS["model"]), TaskInfo(**SETTINGS["info"])).to(device)
    if args.weights:
        from safetensors.torch import load_file
        model.load_state_dict(load_file(args.weights))
    torch.manual_seed(seed + 2)  # dropout's random draws
    parameters = [p for p in model.parameters() if p.requires_grad]
    optimizer = make_optimizer(parameters, training["optimizer"], training["lr"], training["momentum"],
                               training["weight_decay"], device.type)
    batches = torch.Generator().manual_seed(seed)
    sampling = torch.Generator().manual_seed(seed + 1)  # scheduled sampling (teacher forcing)
    print(f"{SETTINGS['name']}: {sum(p.numel() for p in parameters):,} parameters, {args.steps} steps on {device}")
    counting = getattr(model, "learns_by_counting", False)  # a Markov chain: each step counts more of the text
    for step in range(args.steps):
        batch = train.sample(training["batch_size"], batches)
        if counting:
            with torch.no_grad():
                loss = compute_loss(kind, model(batch.to(device)), batch.to(device))
            model.count(training_text(train), batch.tokens())
            report(step + 1, loss, model, val, kind, training, args, device)
            continue
        batch = batch.to(device)
        for group in optimizer.param_groups:
            group["lr"] = lr_at(step, training, args.steps)
        model.train()
        output = model(batch, teacher_forcing_at(step, training, args.steps), sampling)
        loss = compute_loss(kind, output, batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if training["clip_norm"] > 0:
            torch.nn.utils.clip_grad_norm_(parameters, training["clip_norm"], foreach=True)
        optimizer.step()
        report(step + 1, loss, model, val, kind, training, args, device)


def report(done, loss, model, val, kind, training, args, device):
    if done % args.log_every == 0 or done == args.steps:
        print(f"step {done} loss {loss.item()!r}")
    if done % training["eval_every"] == 0 or done == args.steps:
        loss_value = validation_loss(model, val, kind, training["batch_size"], training["eval_batches"], device)
        print(f"step {done} val_loss {loss_value:.6f}")


if __name__ == "__main__":
    main()
'''
