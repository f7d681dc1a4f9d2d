"""Headless commands: train, presets, describe, spec, probes, and projects.

    python main.py train (--preset NAME | SPEC.json) [--set key=value ...]
        [--steps N] [--device D] [--seed S] [--out DIR] [--summary-json PATH]
        [--project PROJECT.seqlab]
    python main.py train PROJECT.seqlab [--run ID] [--steps N] [--device D]
    python main.py info PROJECT.seqlab
    python main.py recover [PROJECT.seqlab] [--discard]
    python main.py export PROJECT.seqlab [--run ID] (--csv F | --script F | --tensorboard DIR)
    python main.py presets
    python main.py sweep (--preset NAME | SPEC.json) --vary KEY=VALUES [--vary ...] [--seeds N]
        --project PROJECT.seqlab [--address HOST:PORT] [--resume]
    python main.py lessons [--quick] [--only N] [--device D] [--json PATH]
    python main.py describe (--preset NAME | SPEC.json) [--set ...]
    python main.py spec (--preset NAME | SPEC.json) [--set ...]
    python main.py probes RUN_DIR [--step N] [--loss last|full]

A user's mistake (a bad spec, an unknown preset, an unreadable file) prints
one line and exits with code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from pathlib import Path

from engine import __version__
from engine.arguments import (keep_in_recovery, load_spec, load_spec_and_file, project_path, refuse_if_recovery,
                              show_warnings, spec_source)
from engine.errors import ProjectError, SeqLabError, UsageError
from engine.export import standalone_script, write_tensorboard
from engine.events import RunFailed, RunFinished
from engine.history import ProbeHistory, ScalarHistory
from engine.probes.report import describe_snapshot
from engine.probes.storage import decode_probes
from engine.progress import Progress
from engine.project import SUFFIX, Project, open_project, save_project
from engine.project.lock import check_unchanged, editing
from engine.project.recovery import Autosaver, newer_recovery, recovery_copies
from engine.project.session import continue_run, going_on, prepare_run
from engine.atomic_file import write_atomic
from engine.describe import describe_project
from engine.run_folder import write_run
from engine.sweep import command as sweep_command
from engine.presets import DEFAULT_PRESET, list_presets
from engine.runner import RunControl
from engine.task_file import needs_file, read_task_file
from engine.training import Trainer, resolve_device
from engine.user_files import read_user_file

MAX_PROBE_BYTES = 4 * 2**30
MAX_AUTOSAVE_SECONDS = 86400  # a day; 0 autosaves at every update



class OutputError(SeqLabError):
    """A file or folder the user named for output cannot be written."""


@contextlib.contextmanager
def _writing(target):
    """An OSError while writing `target` (its folder is a file, it is a folder, the disk is full) in one line."""
    try:
        yield
    except OSError as exc:
        raise OutputError(f"{target}: cannot be written ({exc.strerror or exc})") from None


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one clear line instead of usage + message
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="main.py", description="SeqLab, headless.")
    parser.add_argument("--version", action="version", version=f"SeqLab {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = commands.add_parser("train", help="train an experiment, or continue a project's run")
    spec_source(train)
    train.add_argument("--project", help="keep the run in this project file (created if missing)")
    train.add_argument("--run", help="with a PROJECT.seqlab: the run to continue (default: the current one)")
    train.add_argument("--autosave-seconds", type=float, default=60.0,
                       help="with a project: seconds between recovery copies (default 60)")
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

    info = commands.add_parser("info", help="summarise a project's runs")
    info.add_argument("project", help="a .seqlab project file")
    info.set_defaults(func=cmd_info)

    recover = commands.add_parser("recover", help="list or restore autosaved recovery copies")
    recover.add_argument("project", nargs="?", help="put this project's recovery copy in its place")
    recover.add_argument("--discard", action="store_true", help="delete the recovery copy instead")
    recover.set_defaults(func=cmd_recover)

    export = commands.add_parser("export", help="export a project's run: CSV, PyTorch script, TensorBoard")
    export.add_argument("project", help="a .seqlab project file")
    export.add_argument("--run", help="the run to export (default: the current one)")
    export.add_argument("--set", dest="overrides", action="append", default=[], metavar="task.path=FILE",
                        help="the file the run learns from, when the project does not hold it")
    what = export.add_mutually_exclusive_group(required=True)
    what.add_argument("--csv", help="the run's scalars, one row per step")
    what.add_argument("--script", help="a standalone PyTorch script of the model and its training")
    what.add_argument("--tensorboard", help="TensorBoard event files (needs the tensorboard package)")
    export.set_defaults(func=cmd_export)

    play = commands.add_parser("play", help="try a project's trained model on an input")
    play.add_argument("project", help="a .seqlab project file")
    play.add_argument("--run", help="the run to try (default: the current one)")
    play.add_argument("--set", dest="overrides", action="append", default=[], metavar="task.path=FILE",
                      help="the file the run learns from, when the project does not hold it")
    given = play.add_mutually_exclusive_group()
    given.add_argument("--input", help="the input, as you would type it (default: a validation example)")
    given.add_argument("--example", type=int, default=1, help="the validation example to use (1-based)")
    play.add_argument("--mode", choices=("greedy", "beam", "sample"), default="greedy")
    play.add_argument("--beam", type=int, default=4, help="beam width for --mode beam (default 4)")
    play.add_argument("--temperature", type=float, default=1.0, help="for --mode sample (default 1.0)")
    play.add_argument("--top-k", type=int, default=5, help="probabilities shown per output token (default 5)")
    play.add_argument("--length", type=int, default=40, help="tokens a language model adds (default 40)")
    play.add_argument("--seed", type=int, default=0, help="for --mode sample (default 0)")
    play.add_argument("--steps", action="store_true", help="step through time: the state after each input")
    play.add_argument("--horizon", type=int, help="time series: forecast this many steps (default: the task's)")
    play.set_defaults(func=cmd_play)

    sweep_command.add_parser(commands, spec_source)

    lessons = commands.add_parser("lessons", help="train the lessons and check each claim")
    lessons.add_argument("--quick", action="store_true", help="smaller runs (the size the tests use)")
    lessons.add_argument("--only", action="append", default=[], metavar="N",
                         help="run only lesson N (a number or a name; repeatable, or N,M)")
    lessons.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps (default auto)")
    lessons.add_argument("--json", help="also write the results to this file as JSON")
    lessons.set_defaults(func=cmd_lessons)

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
    spec, task_file = load_spec_and_file(args)
    trainer = Trainer(spec, task_file=task_file)
    spec = trainer.spec
    print(f"{spec.name}: {spec.description}".rstrip(": "))
    print(f"task {spec.task.name} as {trainer.kind}; metric {trainer.task.info.metric}; "
          f"device {trainer.device}\n")
    print(trainer.shape_summary_text())
    return 0


def cmd_train(args) -> int:
    if not 0 <= args.autosave_seconds <= MAX_AUTOSAVE_SECONDS:  # NaN is not: it would never autosave
        raise UsageError(f"--autosave-seconds must be 0 to {MAX_AUTOSAVE_SECONDS}, not {args.autosave_seconds}")
    if args.source and Path(args.source).suffix == SUFFIX:
        return train_project(args)
    if args.run:
        raise UsageError("--run needs a PROJECT.seqlab to continue")
    spec, task_file = load_spec_and_file(args)
    if args.project:
        path = project_path(args.project)
        with editing(path, "`main.py train`") as opened:  # another window or train: one line, exit 2
            project = open_project(path) if path.exists() else Project(name=path.stem)
            show_warnings(project)
            refuse_if_recovery(path)
            run = project.add_run(spec, task_file=task_file)
            return _train_in_project(args, project, path, run, prepare_run(run), opened)
    project = Project(name=spec.name)
    run = project.add_run(spec, task_file=task_file)
    return _train_in_project(args, project, None, run, prepare_run(run))


def train_project(args) -> int:
    """Continue a project's run and write the project back."""
    if args.preset or args.seed is not None or args.project:
        raise UsageError("a project's run keeps its spec: --preset, --seed and --project do not apply "
                         "(use --steps N to train N steps more)")
    path = project_path(args.source)
    with editing(path, "`main.py train`") as opened:  # another window or train: one line, exit 2
        refuse_if_recovery(path)
        project = open_project(path)
        show_warnings(project)
        run = project.run(args.run)
        _choose_task_file(run, args)
        run = going_on(project, run, args.steps)  # the window's rule: that run, or a new one where it must
        return _train_in_project(args, project, path, run, run.trainer(args.device), opened)


def _train_in_project(args, project: Project, path: Path | None, run, trainer: Trainer, opened=None) -> int:
    """Train `run`; with a `path`, autosave recovery copies on the way and save the project at the end
    (unless the file changed since it was `opened`, or the save fails: then it stays in the recovery copy)."""
    printer = Progress(sys.stdout, quiet=args.quiet)
    autosaver = Autosaver(path, interval=args.autosave_seconds) if path else None
    control = RunControl()
    with _stop_on_ctrl_c(control, printer):
        event = continue_run(project, run, trainer, control,
                             lambda events: [printer.show(e, trainer) for e in events], autosaver)
    if path:
        try:
            check_unchanged(path, opened)  # another program's work there is never overwritten
            save_project(project, path)
        except (SeqLabError, OSError) as exc:
            return keep_in_recovery(project, path, autosaver, exc, "The trained run is")
        autosaver.discard()
        printer.note(f"saved {run.id} at step {run.step} to {path}")
    return _finish(args, trainer, event, run.history, run.probes)


def _finish(args, trainer: Trainer, event, history: ScalarHistory, probes: ProbeHistory) -> int:
    summary = trainer.summary()
    summary["stopped_early"] = not isinstance(event, RunFinished) or event.reason != "completed"
    if args.out:
        with _writing(args.out):
            write_run(Path(args.out), trainer, history, probes, summary)
    if args.summary_json:
        with _writing(args.summary_json):
            write_atomic(Path(args.summary_json), json.dumps(summary, indent=2) + "\n")
    if isinstance(event, RunFailed):
        print(f"seqlab: error: training failed at step {event.step}: {event.message}", file=sys.stderr)
        return 1
    if trainer.divergence is not None:
        print(f"seqlab: {trainer.divergence.message}", file=sys.stderr)
        return 1
    return 0


@contextlib.contextmanager
def _stop_on_ctrl_c(control: RunControl, printer: Progress):
    """One Ctrl-C stops after the current step (and the run is still saved); a second aborts."""
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
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def cmd_lessons(args) -> int:
    """Train each lesson and print its claim, what was measured and the verdict;
    exit code 1 when a claim did not show."""
    from engine.lessons.registry import LESSONS, lesson, run_lesson
    from engine.lessons.table import footer, format_result, header

    wanted = [part.strip() for item in args.only for part in item.split(",") if part.strip()]
    try:
        chosen = [lesson(n) for n in wanted] if wanted else LESSONS
    except KeyError as exc:
        raise UsageError(exc.args[0]) from None
    resolve_device(args.device)  # an unknown or missing device is refused before any training
    print(header(), flush=True)
    results = []
    for item in chosen:
        results.append(run_lesson(item, quick=args.quick, device=args.device))
        print(format_result(results[-1]), flush=True)
    print(footer(results))
    if args.json:
        rows = [{"number": r.lesson.number, "key": r.lesson.key, "claim": r.lesson.claim,
                 "measured": r.outcome.measured, "holds": r.outcome.passed, "seconds": round(r.seconds, 2),
                 "values": r.outcome.values} for r in results]
        with _writing(args.json):
            write_atomic(Path(args.json), (json.dumps(rows, indent=2, default=str) + "\n").encode())
    return 0 if all(r.outcome.passed for r in results) else 1


def cmd_probes(args) -> int:
    path = Path(args.run) / "probes.safetensors" if Path(args.run).is_dir() else Path(args.run)
    path, raw = read_user_file(str(path), "a probe file", MAX_PROBE_BYTES, binary=True)
    snapshots = decode_probes(raw, str(path))
    history = ProbeHistory(recent=len(snapshots) + 1, budget_bytes=MAX_PROBE_BYTES * 4)  # keep them all
    for snapshot in snapshots:
        history.add(snapshot)
    chosen = history.at(args.step) if args.step is not None else history.latest()
    steps = history.steps
    shown = ", ".join(map(str, steps)) if len(steps) <= 12 else \
        ", ".join(map(str, steps[:5])) + ", ..., " + ", ".join(map(str, steps[-5:]))
    print(f"{len(steps)} snapshots kept, at steps {shown}")
    print(describe_snapshot(chosen, args.loss))
    return 0


# ------------------------------------------------------------------ projects
def _choose_task_file(run, args) -> None:
    """--set task.path=FILE on a project's run: the person names the file it learns
    from (a project made elsewhere holds none, or they want another); nothing
    else of the run's spec may change."""
    named = None
    for item in args.overrides:
        key, _, value = item.partition("=")
        if key.strip() != "task.path":
            raise UsageError(f"--set {item!r}: a project's run keeps its spec; only task.path=FILE can be "
                             f"set on it (use --steps N to train N steps more)")
        named = value
    if named is None:
        return
    if not needs_file(run.spec.task):
        raise UsageError(f"--set task.path: run {run.id!r} learns task.name={run.spec.task.name}, "
                         f"which reads no file")
    run.task_file = read_task_file(named, run.spec.task.name)
    if named != run.spec.task.path:
        run.spec = run.spec.with_overrides({"task.path": named})


def cmd_info(args) -> int:
    path = project_path(args.project)
    project = open_project(path)
    show_warnings(project)
    print(describe_project(project, path))
    return 0


def cmd_recover(args) -> int:
    if args.project is None:
        copies = recovery_copies()
        if not copies:
            print("no recovery copies")
        for copy in copies:
            print(f"{copy.describe()}\n    {copy.path}")
        return 0
    path = project_path(args.project)
    copy = newer_recovery(path)
    if copy is None:
        raise ProjectError(f"{path}: has no recovery copy newer than the file")
    if args.discard:
        copy.discard()
        print(f"deleted {copy.describe()}")
        return 0
    project = open_project(copy.path)  # checked in full before it replaces anything
    with editing(path, "`main.py recover`"):  # not under a window that has it open
        save_project(project, path)
    copy.discard()
    print(f"restored {path} from {copy.describe()}")
    return 0


def cmd_export(args) -> int:
    path = project_path(args.project)
    project = open_project(path)
    show_warnings(project)
    run = project.run(args.run)
    _choose_task_file(run, args)
    if args.csv:
        with _writing(args.csv):
            write_atomic(Path(args.csv), run.history.csv_text())
        print(f"wrote {len(run.history)} steps of {run.id} to {args.csv}")
    elif args.script:
        with _writing(args.script):
            write_atomic(Path(args.script), standalone_script(run))
        print(f"wrote {args.script}: `python {args.script}` trains {run.id}'s model with torch alone")
    else:
        with _writing(args.tensorboard):
            count = write_tensorboard(run, Path(args.tensorboard))
        print(f"wrote {count} values of {run.id} to {args.tensorboard} (tensorboard --logdir {args.tensorboard})")
    return 0


def cmd_play(args) -> int:
    from engine.playground import Playground, out_of_range

    problem = out_of_range(top_k=args.top_k, length=args.length, beam=args.beam,  # before the project is read
                           temperature=args.temperature, seed=args.seed)
    if problem:
        name, what = problem
        raise UsageError(f"--{name.replace('_', '-')} {what}")
    project = open_project(project_path(args.project))
    show_warnings(project)
    run = project.run(args.run)
    _choose_task_file(run, args)
    playground = Playground.from_run(run)
    if run.step == 0:
        print(f"note: run {run.id} has not trained; its model is as initialised", file=sys.stderr)
    if playground.kind == "regression":
        forecast = playground.forecast(args.example - 1, args.horizon)
        print(f"series {args.example}: read {len(forecast.history)} values, forecast {len(forecast.predicted)}")
        print(f"{'step':>5}  {'truth':>8}  {'forecast':>8}")
        for i, (truth, guess) in enumerate(zip(forecast.truth, forecast.predicted), 1):
            print(f"{i:>5}  {truth:>8.3f}  {guess:>8.3f}")
        print(f"mean absolute error {abs(forecast.truth - forecast.predicted).mean():.4f}")
        return 0
    text = args.input if args.input is not None else _example(playground, args.example)
    if args.steps:
        for step in playground.step_through(text, args.top_k):
            sizes = ", ".join(f"{layer} |h|={float((v['hidden'].astype('float32') ** 2).sum() ** 0.5):.2f}"
                              for layer, v in step.states.items())
            print(f"t={step.t + 1:<3} {step.token!r:<8} {sizes}" + (f"   out: {_top_text(step.top)}" if step.top else ""))
        return 0
    found = playground.predict(text, args.mode, args.beam, args.temperature, args.top_k, args.length, args.seed)
    print(f"input:  {text}")
    print(f"output: {found.text}   ({args.mode})")
    for token, top in zip(found.output_tokens, found.top):
        print(f"  {token!r:<10} {_top_text(top)}")
    return 0


def _example(playground, number: int) -> str:
    examples = playground.examples(max(number, 1))
    if not 1 <= number <= len(examples):
        raise UsageError(f"--example must be 1 to {len(examples)}")
    return examples[number - 1]


def _top_text(top) -> str:
    return "  ".join(f"{token!r} {p:.3f}" for token, p in top)
