"""Headless commands: train, presets, describe, spec.

    python main.py train (--preset NAME | SPEC.json) [--set key=value ...]
        [--steps N] [--device D] [--seed S] [--out DIR] [--summary-json PATH]
    python main.py presets
    python main.py describe (--preset NAME | SPEC.json) [--set ...]
    python main.py spec (--preset NAME | SPEC.json) [--set ...]
    python main.py probes RUN_DIR [--step N] [--loss last|full]

A user's mistake (a bad spec, an unknown preset, an unreadable file) prints
one line and exits with code 2.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from engine.errors import SeqLabError, SpecError
from engine.events import Evaluation, ProbeSnapshot, RunFailed, RunFinished, Scalars
from engine.history import ProbeHistory, ScalarHistory
from engine.probes.report import describe_snapshot
from engine.probes.storage import decode_probes
from engine.progress import Progress
from engine.run_folder import write_atomic, write_run
from engine.presets import DEFAULT_PRESET, list_presets, load_preset
from engine.runner import RunControl, run_training
from engine.spec import ExperimentSpec, parse_value
from engine.training import Trainer
from engine.user_files import decode_utf8, read_user_file
from engine.validation import validate_experiment

MAX_SPEC_BYTES = 10 * 2**20
MAX_PROBE_BYTES = 4 * 2**30


class UsageError(SeqLabError):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clear line instead of usage + message
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="main.py", description="SeqLab, headless.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def spec_source(p):
        p.add_argument("source", nargs="?", help="an experiment spec (.json)")
        p.add_argument("--preset", help=f"a preset name (`presets` lists them; default: {DEFAULT_PRESET})")
        p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                       help="change one spec field, e.g. --set model.cell=gru (repeatable)")
        p.add_argument("--steps", type=int, help="training steps (training.steps)")
        p.add_argument("--device", help="auto, cpu, cuda or mps (training.device)")
        p.add_argument("--seed", type=int, help="random seed (training.seed)")

    train = commands.add_parser("train", help="train an experiment and print its progress")
    spec_source(train)
    train.add_argument("--out", help="write the trained run to this folder")
    train.add_argument("--summary-json", help="write a JSON summary of the run to this file")
    train.add_argument("--quiet", action="store_true", help="print only the final summary")
    train.set_defaults(func=cmd_train)

    presets = commands.add_parser("presets", help="list the presets")
    presets.set_defaults(func=cmd_presets)

    describe = commands.add_parser("describe", help="show the model's layers, shapes and parameters")
    spec_source(describe)
    describe.set_defaults(func=cmd_describe)

    spec = commands.add_parser("spec", help="print the full spec as JSON, to edit and train")
    spec_source(spec)
    spec.set_defaults(func=cmd_spec)

    probes = commands.add_parser("probes", help="show the probe snapshots a `train --out` run kept")
    probes.add_argument("run", help="the folder given to train --out")
    probes.add_argument("--step", type=int, help="the snapshot nearest this step (default: the last)")
    probes.add_argument("--loss", choices=("last", "full"), default="last",
                        help="gradients of the last output position's loss, or of the full loss")
    probes.set_defaults(func=cmd_probes)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return args.func(args)
    except SeqLabError as exc:
        print(f"seqlab: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # a second Ctrl-C while training, or one at any other time
        print("seqlab: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `main.py presets | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


# ------------------------------------------------------------------ the spec
def load_spec(args) -> ExperimentSpec:
    if args.source and args.preset:
        raise UsageError("give either a spec file or --preset, not both")
    if args.source:
        spec = read_spec_file(Path(args.source))
    else:
        spec = load_preset(args.preset or DEFAULT_PRESET)
    overrides = {}
    for item in args.overrides:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--set {item!r} must look like KEY=VALUE, e.g. --set model.cell=gru")
        overrides[key.strip()] = parse_value(key.strip(), text)
    for key, value in (("training.steps", args.steps), ("training.device", args.device),
                       ("training.seed", args.seed)):
        if value is not None:
            overrides[key] = value
    spec = spec.with_overrides(overrides) if overrides else spec
    try:
        validate_experiment(spec)
    except SpecError as exc:
        if not args.source:
            raise
        raise SpecError([(f, f"{args.source}: {m}") for f, m in exc.problems]) from None
    return spec


def read_spec_file(path: Path) -> ExperimentSpec:
    if path.suffix == ".seqlab":
        raise SeqLabError(f"{path}: opening .seqlab project files is not available in this "
                          f"version; export the spec as JSON or use --preset")
    path, raw = read_user_file(str(path), "a spec file", MAX_SPEC_BYTES)
    text = decode_utf8(path, raw)
    try:
        return ExperimentSpec.from_json(text)
    except SpecError as exc:
        raise SpecError([(f, f"{path}: {m}") for f, m in exc.problems]) from None


# ------------------------------------------------------------------ commands
def cmd_presets(args) -> int:
    presets = list_presets()
    width = max(len(n) for n in presets)
    for name, preset in presets.items():
        spec = preset.spec()
        family = spec.model.family if spec.model.family != "transformer" else f"transformer/{spec.model.arch}"
        marker = "*" if name == DEFAULT_PRESET else " "
        print(f"{marker}{name:<{width}}  {family:<27} {spec.task.name:<21} {preset.description}")
    print(f"\n* the default. Train one: python main.py train --preset {DEFAULT_PRESET}")
    return 0


def cmd_spec(args) -> int:
    print(load_spec(args).to_json())
    return 0


def cmd_describe(args) -> int:
    trainer = Trainer(load_spec(args))
    spec = trainer.spec
    print(f"{spec.name}: {spec.description}".rstrip(": "))
    print(f"task {spec.task.name} as {trainer.kind}; metric {trainer.task.info.metric}; "
          f"device {trainer.device}\n")
    print(trainer.shape_summary_text())
    return 0


def cmd_train(args) -> int:
    spec = load_spec(args)
    trainer = Trainer(spec)
    control = RunControl()
    history = ScalarHistory()
    probes = ProbeHistory()
    printer = Progress(sys.stdout, quiet=args.quiet)
    outcome: dict = {}

    def emit(events):
        for event in events:
            if isinstance(event, (Scalars, Evaluation)):
                history.add(event)
            elif isinstance(event, ProbeSnapshot):
                probes.add(event)
            if isinstance(event, (RunFinished, RunFailed)):
                outcome["event"] = event
            printer.show(event, trainer)

    interrupts = 0

    def on_interrupt(signum, frame):
        nonlocal interrupts
        interrupts += 1
        if interrupts > 1:
            raise KeyboardInterrupt
        control.stop()
        printer.note("stopping after this step (Ctrl-C again to abort)")

    previous = signal.signal(signal.SIGINT, on_interrupt) if _main_thread() else None
    try:
        run_training(trainer, control, emit)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    event = outcome.get("event")
    summary = trainer.summary()
    summary["stopped_early"] = not isinstance(event, RunFinished) or event.reason != "completed"
    if args.out:
        write_run(Path(args.out), trainer, history, probes, summary)
    if args.summary_json:
        write_atomic(Path(args.summary_json), json.dumps(summary, indent=2) + "\n")
    if isinstance(event, RunFailed):
        print(f"seqlab: error: training failed at step {event.step}: {event.message}", file=sys.stderr)
        return 1
    return 0


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def cmd_probes(args) -> int:
    path = Path(args.run) / "probes.safetensors" if Path(args.run).is_dir() else Path(args.run)
    path, raw = read_user_file(str(path), "a probe file", MAX_PROBE_BYTES, binary=True)
    snapshots = decode_probes(raw, str(path))
    history = ProbeHistory(recent=len(snapshots) + 1)
    for snapshot in snapshots:
        history.add(snapshot)
    chosen = history.at(args.step) if args.step is not None else history.latest()
    steps = history.steps
    shown = ", ".join(map(str, steps)) if len(steps) <= 12 else \
        ", ".join(map(str, steps[:5])) + ", ..., " + ", ".join(map(str, steps[-5:]))
    print(f"{len(steps)} snapshots kept, at steps {shown}")
    print(describe_snapshot(chosen, args.loss))
    return 0
