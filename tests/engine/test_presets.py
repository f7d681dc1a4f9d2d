import pytest

from engine.errors import PresetError
from engine.presets import DEFAULT_PRESET, list_presets, load_preset
from engine.spec import FAMILIES, TASK_NAMES, TRANSFORMER_ARCHS, ATTENTIONS, CELLS
from engine.training import Trainer
from engine.validation import experiment_problems, validate_experiment

PRESETS = list_presets()
NEEDS_A_FILE = {"text_file", "csv"}


def test_presets_cover_every_architecture_family_and_every_task():
    specs = [p.spec() for p in PRESETS.values()]
    assert {s.model.family for s in specs} == set(FAMILIES)
    assert {s.model.arch for s in specs if s.model.family == "transformer"} == set(TRANSFORMER_ARCHS)
    assert {s.model.attention for s in specs if s.model.family == "seq2seq"} == set(ATTENTIONS)
    assert {s.model.cell for s in specs if s.model.family != "transformer"} == set(CELLS)
    assert {s.task.name for s in specs} == set(TASK_NAMES)
    assert DEFAULT_PRESET in PRESETS


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_is_valid_and_described(name):
    preset = PRESETS[name]
    spec = preset.spec()
    assert spec.name == name and len(preset.description) > 20
    problems = experiment_problems(spec)
    if spec.task.name in NEEDS_A_FILE:
        assert [f for f, _ in problems] == ["task.path"]  # asks the user for their file
    else:
        assert problems == []
        validate_experiment(spec)


@pytest.mark.parametrize("name", sorted(n for n, p in PRESETS.items() if p.spec().task.name not in NEEDS_A_FILE))
def test_every_preset_builds_and_takes_a_training_step(name):
    spec = load_preset(name).with_overrides({"training.device": "cpu", "training.batch_size": 4,
                                             "task.train_size": 64, "task.val_size": 8})
    trainer = Trainer(spec)
    trainer.train_step()
    assert trainer.step == 1


def test_unknown_presets_are_refused_with_a_suggestion():
    with pytest.raises(PresetError, match=r"no preset named 'reverse-atention' \(did you mean reverse-attention\?\)"):
        load_preset("reverse-atention")
    assert load_preset("default").name == DEFAULT_PRESET
