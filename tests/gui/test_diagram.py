"""The model diagram: every block's words stay inside the block."""

import pytest
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsSimpleTextItem

from engine.blueprint import blueprint
from engine.spec import ExperimentSpec
from lab_gui.diagram import ModelDiagram


@pytest.mark.parametrize("overrides", [
    {"model.family": "seq2seq", "model.cell": "gru", "model.attention": "general", "task.name": "reverse"},
    {"model.family": "seq2seq", "model.cell": "lstm", "model.attention": "additive", "model.layers": 2,
     "task.name": "dates"},
    {"model.family": "rnn", "model.cell": "rnn_relu", "model.layers": 3},
    {"model.family": "transformer", "model.layers": 2}])
def test_the_words_of_every_block_stay_inside_it(qtbot, overrides):
    diagram = ModelDiagram()
    qtbot.addWidget(diagram)
    diagram.show_blueprint(blueprint(ExperimentSpec().with_overrides(overrides)))
    items = diagram.scene().items()
    boxes = [item.sceneBoundingRect() for item in items if isinstance(item, QGraphicsPathItem)]
    texts = [item for item in items if isinstance(item, QGraphicsSimpleTextItem)]
    assert boxes and texts
    checked = 0
    for text in texts:
        where = text.sceneBoundingRect()
        for box in boxes:
            if box.contains(where.topLeft()):
                assert where.right() <= box.right(), f"{text.text()!r} spills out of its block"
                checked += 1
    assert checked >= len(boxes)
