"""Presets: ready experiments shipped as JSON in resources/presets/.

Each file holds {"description": ..., "spec": {partial spec}}; the file name is
the preset's name, and fields the preset leaves out take the spec's defaults.
"""

from __future__ import annotations

import importlib.resources
import json
from dataclasses import dataclass

from engine.errors import PresetError, SpecError
from engine.spec import ExperimentSpec

DEFAULT_PRESET = "reverse-attention"


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    spec_data: dict

    def spec(self) -> ExperimentSpec:
        data = dict(self.spec_data)
        data.setdefault("name", self.name)
        data.setdefault("description", self.description)
        try:
            return ExperimentSpec.from_dict(data)
        except SpecError as exc:
            raise PresetError(f"preset {self.name} is broken: {exc}") from None


def _folder():
    return importlib.resources.files("resources") / "presets"


def list_presets() -> dict[str, Preset]:
    presets = {}
    for entry in sorted(_folder().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            name = entry.name[: -len(".json")]
            data = json.loads(entry.read_text("utf-8"))
            presets[name] = Preset(name, data.get("description", ""), data.get("spec", {}))
    return presets


def load_preset(name: str) -> ExperimentSpec:
    presets = list_presets()
    if name == "default":
        name = DEFAULT_PRESET
    if name not in presets:
        import difflib

        close = difflib.get_close_matches(name, list(presets), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise PresetError(f"no preset named {name!r}{hint}; `main.py presets` lists them")
    return presets[name].spec()
