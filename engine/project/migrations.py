"""Format versions and the steps that bring older files forward.

A file of format (M, m) older than FORMAT_VERSION is migrated one step at a
time: STEPS[(M, m)] turns its entries into those of the next version and says
which version that is. Each released version keeps a sample file under
tests/data/projects/, and the tests open every one of them.

To change the format: bump FORMAT_VERSION (minor when older readers may keep
what they do not know, major when they cannot), add the step from the
previous version here, and add a sample file of the new version to the tests.

1.0 -> 2.0: checksums became XXH3-128 (the container's business: files.py
checks 1.x files against their SHA-256 before this step runs) and each run's
scalars.csv became scalars.safetensors.
2.0 -> 2.1: a run's state.json counts the non-finite steps it skipped
(`skipped_steps`, 0 before), and specs may say training.on_nonfinite.
2.1 -> 2.2: a run that learns from a user's file (text_file, csv) holds its
content (task_files/<digest>.data, named by the run's `task_file`); older files
hold none, so their runs ask for the file before reading anything.
2.2 -> 3.0: specs may say model.family window or markov (model.context,
model.order, model.smoothing), training.precision auto or fp16 and
training.device cuda:N; a run trained in fp16 keeps its gradient scaler
(state.json's `scaler`), a Markov chain's buffers are as long as what it
counted, and a project may hold sweeps (project.json's `sweeps`, each trial
run's `sweep`). Older files have none of these, and a spec that leaves a field
out takes its default, with one exception: training.precision's default became
auto (bf16 or fp16 on a GPU), where it had been fp32. SeqLab always wrote every
spec field, so its own files say fp32 and train on in fp32, bit for bit; a
run's spec or the window's draft (ui.json) that leaves precision out, as one
made by hand may, is pinned to fp32 here, which is what it meant when written.
Major, not minor: every spec now holds keys a 2.2 reader refuses, so it could
open no file of this version; as 3.0 it says the file needs a newer SeqLab.
Readers from 3.0 on also add that to any refusal of a newer minor version's file
(files.py).
"""

from __future__ import annotations

import json
import re
from typing import Callable

from engine.errors import ProjectError

FORMAT_NAME = "seqlab-project"
FORMAT_VERSION = (3, 0)
FIRST_VERSION = (1, 0)

Version = tuple[int, int]
# A step raises ValueError naming the entry it cannot convert.
Step = Callable[[dict[str, bytes]], tuple[dict[str, bytes], Version]]


def _scalars_to_safetensors(entries: dict[str, bytes]) -> tuple[dict[str, bytes], Version]:
    from engine.history import ScalarHistory

    for name in [n for n in entries if re.fullmatch(r"runs/[^/]+/scalars\.csv", n)]:
        try:
            text = entries.pop(name).decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{name}: is not UTF-8 text") from None
        history = ScalarHistory.from_csv(text, name)
        entries[name[:-len(".csv")] + ".safetensors"] = history.safetensors_entry().to_bytes()
    return entries, (2, 0)


def _count_skipped_steps(entries: dict[str, bytes]) -> tuple[dict[str, bytes], Version]:
    for name in [n for n in entries if re.fullmatch(r"runs/[^/]+/state\.json", n)]:
        try:
            state = json.loads(entries[name])
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ValueError(f"{name}: is not valid JSON") from None
        if isinstance(state, dict):  # anything else is refused, naming the entry, when the run is read
            state.setdefault("skipped_steps", 0)
            entries[name] = json.dumps(state).encode("utf-8")
    return entries, (2, 1)


def _nothing_to_convert(entries: dict[str, bytes]) -> tuple[dict[str, bytes], Version]:
    return entries, (2, 2)  # 2.2 only adds entries an older file does not have


def _pin_precision(entries: dict[str, bytes]) -> tuple[dict[str, bytes], Version]:
    """training.precision=fp32 in every spec that leaves it out (the default it had until 2.3)."""
    def pinned(spec) -> bool:  # whether `spec` changed; a malformed one is refused when the project is read
        training = spec.setdefault("training", {}) if isinstance(spec, dict) else None
        if not isinstance(training, dict) or "precision" in training:
            return False
        training["precision"] = "fp32"
        return True

    def edit(name: str, specs: Callable[[dict], list]) -> None:
        try:
            document = json.loads(entries[name]) if name in entries else None
        except (UnicodeDecodeError, ValueError, RecursionError):
            return  # refused, naming the entry, when the project is read
        if isinstance(document, dict) and any([pinned(spec) for spec in specs(document)]):
            entries[name] = json.dumps(document).encode("utf-8")  # else left as it is, byte for byte

    def run_specs(document: dict) -> list:
        runs = document.get("runs")
        return [run.get("spec") for run in runs if isinstance(run, dict)] if isinstance(runs, list) else []

    edit("project.json", run_specs)
    edit("ui.json", lambda document: [document.get("draft")])  # the window's unsaved spec (lab_gui.document)
    return entries, (3, 0)


STEPS: dict[Version, Step] = {(1, 0): _scalars_to_safetensors, (2, 0): _count_skipped_steps,
                              (2, 1): _nothing_to_convert, (2, 2): _pin_precision}


def parse_version(text, source: str) -> Version:
    if not isinstance(text, str) or not re.fullmatch(r"\d{1,4}\.\d{1,4}", text):
        raise ProjectError(f"{source}: manifest.json: format_version {text!r} is not MAJOR.MINOR")
    major, minor = text.split(".")
    return int(major), int(minor)


def version_text(version: Version) -> str:
    return f"{version[0]}.{version[1]}"


def migrate(entries: dict[str, bytes], version: Version, source: str) -> dict[str, bytes]:
    """Entries of an older version brought to FORMAT_VERSION, one step per version."""
    while version < FORMAT_VERSION:
        step = STEPS.get(version)
        if step is None:
            raise ProjectError(f"{source}: format {version_text(version)} is not one SeqLab ever wrote "
                               f"(the first is {version_text(FIRST_VERSION)})")
        try:
            entries, after = step(dict(entries))
        except ValueError as exc:  # a step's complaint about what it was given
            raise ProjectError(f"{source}: {exc}") from None
        if after <= version:
            raise AssertionError(f"the migration from {version_text(version)} does not move forward")
        version = after
    return entries
