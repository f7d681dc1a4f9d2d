"""Runs every command a person may run on a project they were sent, on each file
of a folder, in a process whose address space is capped, and reports as JSON
what each did. Used by test_hostile_projects (one process for many files, so
torch is imported once).

    python -m tests.engine.hostile_driver FOLDER GOOD_PROJECT

Before the cap and the audit hook, every command runs once on GOOD_PROJECT, so
what they import lazily is imported; after that, any file opened outside
FOLDER, Python's installation and SeqLab's own code is reported.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import resource
import sys
import traceback
from pathlib import Path

ADDRESS_SPACE = 2 * 2**30
ROOT = Path(__file__).resolve().parents[2]


def commands(path: Path, out: Path) -> list[list[str]]:
    return [["info", str(path)], ["play", str(path), "--length", "8"],
            ["play", str(path), "--steps"],
            ["export", str(path), "--csv", str(out / "scalars.csv")],
            ["export", str(path), "--script", str(out / "script.py")],
            ["export", str(path), "--tensorboard", str(out / "tensorboard")]]


def run_command(argv: list[str]) -> dict:
    from engine.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(argv)
    except BaseException as exc:  # what the person would have seen as a traceback
        return {"argv": argv[:1], "crash": "".join(traceback.format_exception_only(type(exc), exc))[-600:],
                "where": traceback.format_exc()[-1500:]}
    lines = stderr.getvalue().strip().splitlines()
    return {"argv": argv[:2] if argv[0] == "export" else argv[:1], "code": code,
            "stderr": stderr.getvalue()[-600:],
            "clean": code in (0, 1, 2) and "Traceback" not in stderr.getvalue()
            and (code == 0 or len([line for line in lines if line.startswith("seqlab: error")]) <= 1)}


def try_file(path: Path, out: Path) -> dict:
    from engine.errors import ProjectError, SeqLabError
    from engine.project import open_project, save_project

    out.mkdir(parents=True, exist_ok=True)
    report: dict = {"file": path.name}
    try:
        project = open_project(path)
    except ProjectError as exc:
        report["refused"] = str(exc)[:300]
        return report
    except BaseException as exc:
        report["crash"] = "".join(traceback.format_exception_only(type(exc), exc))[-600:]
        report["where"] = traceback.format_exc()[-1500:]
        return report
    report["commands"] = [run_command(argv) for argv in commands(path, out)]
    try:  # each sweep's trials, as the window's Sweep dock and `main.py sweep --resume` make them
        from engine.sweep.record import sweep_of

        for data in project.sweeps:
            try:
                sweep_of(project, data["id"]).plan.trials()
            except SeqLabError:  # a plan this SeqLab no longer takes is said so, as any bad value
                pass
    except BaseException as exc:
        report["crash"] = "".join(traceback.format_exception_only(type(exc), exc))[-600:]
        report["where"] = traceback.format_exc()[-1500:]
    try:
        save_project(project, out / "saved.seqlab")
        open_project(out / "saved.seqlab")
        report["saved"] = True
    except BaseException as exc:
        report["save_crash"] = "".join(traceback.format_exception_only(type(exc), exc))[-600:]
        report["where"] = traceback.format_exc()[-1500:]
    return report


def main() -> None:
    folder, good = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    os.environ["SEQLAB_STATE_DIR"] = str(folder / "state")
    importlib.import_module("torch")  # before the cap, as a running SeqLab has it

    warm = try_file(good, folder / "warm-up")
    if "commands" not in warm or not all(c.get("code") == 0 for c in warm["commands"]):
        print(json.dumps({"warm_up_failed": warm}))
        return
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    # SeqLab's own code, resources and package metadata; Python's; what the
    # kernel says of this process and machine (free memory, open descriptors)
    allowed = tuple(str(Path(p).resolve()) for p in {folder, sys.prefix, sys.base_prefix, ROOT / "engine",
                                                      ROOT / "resources", ROOT / "seqlab.egg-info"}) + \
        ("/proc/meminfo", "/proc/self/")
    outside: list[str] = []
    reading = {"on": True}

    def audit(event, args):
        if reading["on"] and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            name = os.path.abspath(os.fsdecode(args[0]))
            if not name.startswith(allowed) and name not in ("/dev/null", "/dev/urandom"):
                outside.append(name)

    sys.addaudithook(audit)
    reports = [try_file(path, folder / "out" / path.stem) for path in sorted(folder.glob("case-*.seqlab"))]
    reading["on"] = False
    print(json.dumps({"reports": reports, "outside": sorted(set(outside))}))


if __name__ == "__main__":
    main()
