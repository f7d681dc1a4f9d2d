"""What the commands share: where a spec comes from (a spec file, a preset, a
project's run, with --set changes) and the rules for a project file named on the
command line."""

from __future__ import annotations

import sys
from pathlib import Path

from engine.errors import ProjectError, SeqLabError, SpecError, UsageError
from engine.presets import DEFAULT_PRESET, load_preset
from engine.project import SUFFIX, Project, open_project
from engine.project.lock import ProjectChangedOnDisk
from engine.project.recovery import Autosaver, newer_recovery
from engine.spec import ExperimentSpec, parse_value
from engine.task_file import MissingTaskFile, TaskFile, needs_file, read_task_file
from engine.user_files import decode_utf8, read_user_file
from engine.validation import validate_experiment

MAX_SPEC_BYTES = 10 * 2**20


def spec_source(p):
    p.add_argument("source", nargs="?", help="an experiment spec (.json)")
    p.add_argument("--preset", help=f"a preset name (`presets` lists them; default: {DEFAULT_PRESET})")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="change one spec field, e.g. --set model.cell=gru (repeatable)")
    p.add_argument("--steps", type=int, help="training steps (training.steps); for a PROJECT.seqlab, how many more")
    p.add_argument("--device", help="auto, cpu, cuda, cuda:N or mps (training.device)")
    p.add_argument("--seed", type=int, help="random seed (training.seed)")


def load_spec(args) -> ExperimentSpec:
    return load_spec_and_file(args, read_file=False)[0]


def load_spec_and_file(args, read_file: bool = True) -> tuple[ExperimentSpec, TaskFile | None]:
    """The spec the arguments name and, with `read_file`, the content of the file
    its task learns from. A file the person named (with --set task.path=, or in
    their spec file) is read now; a project's run brings the content it holds,
    and its task.path is never read: the person names the file with --set task.path=."""
    if args.source and args.preset:
        raise UsageError("give either a spec file or --preset, not both")
    held = None
    if args.source and Path(args.source).suffix == SUFFIX:
        run = open_project(Path(args.source)).run()
        spec, held = run.spec, run.task_file
    elif args.source:
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
    if not read_file or not needs_file(spec.task):
        return spec, None
    if held is not None and held.path == spec.task.path and "task.path" not in overrides:
        return spec, held
    if held is None and args.source and Path(args.source).suffix == SUFFIX and "task.path" not in overrides:
        raise MissingTaskFile(spec.task.path)
    return spec, read_task_file(spec.task.path, spec.task.name)


def read_spec_file(path: Path) -> ExperimentSpec:
    path, raw = read_user_file(str(path), "a spec file", MAX_SPEC_BYTES)
    text = decode_utf8(path, raw)
    try:
        return ExperimentSpec.from_json(text)
    except SpecError as exc:
        raise SpecError([(f, f"{path}: {m}") for f, m in exc.problems]) from None


def project_path(text: str) -> Path:
    path = Path(text).expanduser()
    if path.suffix != SUFFIX:
        raise UsageError(f"{path}: a project file's name ends in {SUFFIX}")
    return path


def show_warnings(project: Project) -> None:
    for warning in project.warnings:
        print(f"seqlab: warning: {warning}", file=sys.stderr)


def refuse_if_recovery(path: Path) -> None:
    copy = newer_recovery(path)
    if copy is not None:
        raise ProjectError(f"{path}: {copy.describe()} is newer than the file. Restore it with "
                           f"`main.py recover {path}`, or delete it with `main.py recover {path} --discard`")


def keep_in_recovery(project: Project, path: Path, autosaver: Autosaver, error: Exception, what: str) -> int:
    """The project could not be saved (or another program changed the file meanwhile):
    what was trained goes to a recovery copy, named in one line (`what`: "The trained run is"). Exit 2 for a file
    changed on disk (the person's to sort out), 1 for a save that failed."""
    code = 2 if isinstance(error, ProjectChangedOnDisk) else 1
    try:
        autosaver.save(project)
    except (SeqLabError, OSError) as again:
        print(f"seqlab: error: {error}; the recovery copy could not be written either ({again})", file=sys.stderr)
        return code
    print(f"seqlab: error: {error}. {what} kept in the recovery copy {autosaver.path} "
          f"(`main.py recover {path}` puts it in the file's place)", file=sys.stderr)
    return code
