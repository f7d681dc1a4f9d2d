"""The blueprint a window draws: blocks, shapes, parameter counts, timesteps."""

import pytest

from engine.blueprint import blueprint
from engine.errors import SpecError
from engine.presets import list_presets

BUILT_IN = [name for name, preset in list_presets().items() if not preset.spec().task.path
            and preset.spec().task.name not in ("text_file", "csv")]


@pytest.mark.parametrize("name", BUILT_IN)
def test_top_level_blocks_add_up_to_the_model(name):
    spec = list_presets()[name].spec()
    bp = blueprint(spec)
    assert sum(b.parameters for b in bp.top_level()) == bp.total_parameters
    assert (bp.total_parameters == 0) == (spec.model.family == "markov")  # a chain counts: no weights
    assert spec.model.family == "markov" or any("B" in b.shape.split("×") for b in bp.blocks)  # no modules
    assert bp.input_length >= 1 and bp.family == spec.model.family
    for block in bp.top_level():
        children = bp.children(block.name)
        if children:  # a stack's parts (dropout has none) add up to the stack
            assert sum(c.parameters for c in children) == block.parameters


def test_seq2seq_has_an_encoder_and_a_decoder_and_its_output_length():
    bp = blueprint(list_presets()["reverse-attention"].spec())
    assert [b.name for b in bp.top_level()] == ["encoder", "decoder"]
    assert bp.input_length == 8 and bp.output_length == 9  # the reversed sequence and EOS
    assert "decoder.attention" in [b.name for b in bp.blocks]


def test_a_spec_that_cannot_be_built_names_its_field():
    spec = list_presets()["hello-rnn"].spec().with_overrides({"model.family": "seq2seq"})
    with pytest.raises(SpecError, match="model.family"):
        blueprint(spec)
