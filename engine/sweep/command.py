"""`main.py sweep`: a sweep from the command line into a project file.

Every trial's spec is checked before Ray starts. The project is saved once Ray has
taken the sweep (its plan, so `--resume` knows what is left), as trials finish (at
most every SAVE_SECONDS) and at the end, however it ends; Ctrl-C keeps every finished trial.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from engine.arguments import keep_in_recovery, load_spec_and_file, project_path, refuse_if_recovery, show_warnings
from engine.errors import ProjectError, SeqLabError, UsageError
from engine.project.files import open_project, save_project
from engine.project.lock import check_unchanged, editing, file_identity
from engine.project.model import Project
from engine.project.recovery import Autosaver
from engine.sweep.curve import curve_text, sweep_curve
from engine.sweep.plan import SweepPlan, parse_variation
from engine.sweep.record import (SweepRecord, TrialsToRun, add_sweep, sweep_of, sweep_task_file, tally,
                                 trial_problems)

SAVE_SECONDS = 5.0
PROGRESS_SECONDS = 2.0  # a plain line this often when the output is not a terminal


def add_parser(commands, spec_source) -> None:
    sweep = commands.add_parser("sweep", help="train many runs at once on Ray, varying spec fields")
    spec_source(sweep)
    sweep.add_argument("--vary", action="append", default=[], metavar="KEY=VALUES",
                       help="a field and its values: KEY=a,b,c, KEY=LO:HI:N or KEY=log:LO:HI:N (repeatable)")
    sweep.add_argument("--seeds", type=int, default=1, help="runs of each combination, seeds from training.seed up")
    sweep.add_argument("--samples", type=int, help="random search: this many points drawn from the values and ranges")
    sweep.add_argument("--project", required=True, help="the project file the trials go to (created if missing)")
    sweep.add_argument("--resume", action="store_true", help="go on with the project's last sweep: only what is left")
    sweep.add_argument("--address", help="an existing Ray cluster, HOST:PORT (default: RAY_ADDRESS, "
                                         "else an embedded Ray on this machine)")
    sweep.add_argument("--cpus", type=int, help="an embedded Ray's cores (default: all of this machine's)")
    sweep.add_argument("--cpus-per-trial", type=float, default=1.0, help="cores each trial takes (default 1)")
    sweep.add_argument("--gpus-per-trial", type=float, default=0.0,
                       help="GPUs each trial takes; a fraction lets several share one (default 0)")
    sweep.add_argument("--max-concurrent", type=int, help="at most this many trials at once")
    sweep.add_argument("--stop-early", action="store_true",
                       help="stop trials whose validation loss trails the others (Ray Tune's ASHA)")
    sweep.add_argument("--metric", help="the metric of the summary table (default: the task's)")
    sweep.add_argument("--quiet", action="store_true", help="print only the summary")
    sweep.set_defaults(func=cmd_sweep)


def cmd_sweep(args) -> int:
    from engine.sweep.ray_sweep import Placement, run_trials

    placement = Placement(args.address, args.cpus_per_trial, args.gpus_per_trial, args.max_concurrent, args.cpus)
    if args.cpus is not None and not 1 <= args.cpus <= 4096:
        raise UsageError(f"--cpus must be 1 to 4096, not {args.cpus}")
    path = project_path(args.project)
    if args.resume and (args.vary or args.samples or args.source or args.preset or args.overrides):
        raise UsageError("--resume goes on with the sweep the project holds: give only --project "
                         "(and where to run it)")
    with editing(path, "`main.py sweep`"):
        refuse_if_recovery(path)
        opened = file_identity(path)
        if args.resume:
            if not path.exists():
                raise UsageError(f"--resume: {path} does not exist")
            project = open_project(path)
            show_warnings(project)
            record = sweep_of(project)
            base_file = sweep_task_file(project, record)
        else:
            if not args.vary:
                raise UsageError("a sweep varies at least one field: --vary KEY=a,b,c")
            spec, base_file = load_spec_and_file(args)
            plan = SweepPlan(spec, [parse_variation(text) for text in args.vary], args.seeds, args.samples)
            plan.trials()  # every trial's spec checked before anything starts
            project = open_project(path) if path.exists() else Project(name=path.stem)
            show_warnings(project)
            record = add_sweep(project, plan)
        work = TrialsToRun(project, record, base_file)
        total = len(record.plan.trials())
        trials = list(work.trials.values())
        if args.resume and base_file is None and trials and _needs_file(trials[0].spec):
            raise UsageError("this sweep's task learns from a file and no finished trial holds it; "
                             "start the sweep again")
        if not trials:
            print(f"{record.id}: all {total} trials have finished")
            return _summary(args, project, record)
        printer = _SweepPrinter(sys.stdout, args.quiet, total, total - len(trials), record)
        printer.note(f"{record.id}: {len(trials)} of {total} trials of {record.plan.name} "
                     f"({', '.join(v.text() for v in record.plan.variations)}; {record.plan.seeds} seed(s))")
        saver = _Saver(project, path, opened)

        def on_results(results):
            work.keep(results)
            for result in results:
                printer.ended(result)
            saver.maybe()

        failed_save = None
        try:  # the project is saved once Ray has taken the sweep (its plan: `--resume` knows what is left)
            outcome = run_trials(work.runs(), placement, printer.progress, on_results, stop_early=args.stop_early,
                                 on_started=lambda collector: saver.started())
        finally:  # and whatever ended the sweep, every finished trial is saved, or kept in a recovery copy
            failed_save = saver.last()
            if failed_save is not None:
                code = keep_in_recovery(project, path, Autosaver(path), failed_save, "The sweep's finished trials are")
        if failed_save is not None:
            return code
    left = len(work.trials)
    if outcome.interrupted:
        print(f"seqlab: sweep interrupted: {total - left} of {total} trials are kept in {path}; "
              f"`main.py sweep --resume --project {path}` runs the {left} left", file=sys.stderr)
        return 130
    printer.note(f"{record.id} finished in {outcome.seconds:.1f} s; saved to {path}")
    return _summary(args, project, record)


def _needs_file(spec) -> bool:
    from engine.task_file import needs_file
    return needs_file(spec.task)


def _summary(args, project: Project, record: SweepRecord) -> int:
    runs = project.sweep_runs(record.id)
    if runs:
        print(curve_text(sweep_curve(record.plan, runs, args.metric)))
    problems = trial_problems(project, record)
    for name, message in problems:
        print(f"  {name}: {message}")
    return 0


class _Saver:
    """Writes the project once Ray has the sweep, as trials finish (at most every
    SAVE_SECONDS) and at the end; never over another program's change. A sweep
    refused before it started (too big for the cluster, say) leaves the file as it was."""

    def __init__(self, project: Project, path: Path, opened):
        self.project, self.path, self.opened = project, path, opened
        self.last_save = time.monotonic()
        self.dirty = False

    def started(self) -> None:
        """Ray has the sweep: its plan goes to the file now, or the sweep does not start."""
        self.dirty = True
        try:
            self.now()
        except (SeqLabError, OSError) as exc:
            self.dirty = False  # nothing trained yet: nothing to keep elsewhere
            raise ProjectError(f"the sweep did not start: {exc}") from None

    def maybe(self) -> None:
        """Save if it is time; a failure waits for the last save (which keeps a recovery copy)."""
        self.dirty = True
        if time.monotonic() - self.last_save >= SAVE_SECONDS:
            try:
                self.now()
            except (SeqLabError, OSError) as exc:
                print(f"seqlab: warning: {self.path} could not be saved now ({exc}); trying again at the end",
                      file=sys.stderr)
                self.last_save = time.monotonic()

    def last(self) -> Exception | None:
        """The last save, after the sweep: None when saved (or nothing to save), else why it failed."""
        try:
            self.now()
        except (SeqLabError, OSError) as exc:
            return exc
        return None

    def now(self) -> None:
        if not self.dirty:
            return
        check_unchanged(self.path, self.opened)
        save_project(self.project, self.path)
        self.opened = file_identity(self.path)
        self.last_save, self.dirty = time.monotonic(), False


class _SweepPrinter:
    def __init__(self, stream, quiet: bool, total: int, done_before: int, record: SweepRecord):
        self.stream, self.quiet, self.total, self.done_before = stream, quiet, total, done_before
        self.tty = stream.isatty()
        self.began = time.monotonic()
        self.last_line = 0.0
        self.last_text = ""

    def note(self, text: str) -> None:
        if self.tty:
            self.stream.write("\r\x1b[2K")
        self.stream.write(text + "\n")
        self.stream.flush()

    def ended(self, result) -> None:
        if self.quiet:
            return
        metric = result.run.summary.get("metric") or {}
        value = metric.get("value")
        shown_value = "" if value is None else f" {metric.get('name')} {value:.4g}"
        why = f": {result.message}" if result.message else ""
        self.note(f"  {result.run.name}: {result.state} at step {result.run.step}{shown_value}{why}")

    def progress(self, table: dict) -> None:
        if self.quiet:
            return
        text = tally(table, self.total, self.began, self.done_before).text()
        if self.tty:
            self.stream.write("\r\x1b[2K" + text)
            self.stream.flush()
        elif text != self.last_text and time.monotonic() - self.last_line >= PROGRESS_SECONDS:
            self.note(text)
            self.last_line, self.last_text = time.monotonic(), text
