"""Presentation mode: what a room sees on a projector, and everything back after."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from lab_gui.docks import EDITING_DOCKS
from lab_gui.presentation import FONT_SCALE
from tests.gui.conftest import train_to_end, wait_until


def visible_docks(window):
    return {name for name, dock in window.docks.docks.items() if dock.isVisible()}


def test_presentation_mode_enlarges_and_simplifies_and_leaving_restores_everything(qtbot, make_window):
    window = make_window()
    window.document.set_draft(window.document.draft.with_overrides({"training.steps": 20}))
    train_to_end(qtbot, window)
    window.redraws.redraw(force=True)
    app = QApplication.instance()
    font_before, theme_before, docks_before = app.font().pointSizeF(), window.theme, visible_docks(window)
    size_before = window.size()
    loss = window.panels["loss"]
    width_before = loss.train_curve.opts["pen"].widthF()
    ticks_before = loss.loss_plot.getAxis("left").style["tickFont"].pointSizeF()

    qtbot.keyClick(window, Qt.Key_F11)
    assert window.presentation.active and window.commands.presentation.isChecked()
    assert window.isFullScreen()
    assert app.font().pointSizeF() == font_before * FONT_SCALE
    assert window.theme.name == "contrast" and window.theme.background == "#000000"
    assert not any(window.docks[name].isVisible() for name in EDITING_DOCKS)
    assert {"loss", "attention"} <= visible_docks(window)
    assert not window.centralWidget().isVisible()  # the diagram's room goes to the plots
    wait_until(qtbot, lambda: not window.docks["lesson"].isVisible(), 5)  # no lesson open: no lesson panel
    assert window.commands.run_toolbar.isVisible()
    shown = [action.text() for action in window.commands.run_toolbar.actions() if action.isVisible()]
    assert {"&Train", "&Pause", "&Step", "St&op"} <= set(shown)
    assert loss.train_curve.opts["pen"].widthF() == width_before * window.theme.line_scale
    ticks = loss.loss_plot.getAxis("left").style["tickFont"].pointSizeF()
    assert ticks >= ticks_before * FONT_SCALE * window.theme.font_scale * 0.99
    assert window.settings.value("theme", "system") != "contrast"  # a mode, not a new preference

    qtbot.keyClick(window, Qt.Key_Escape)  # Esc leaves, as F11 does
    assert not window.presentation.active and not window.commands.presentation.isChecked()
    assert not window.isFullScreen()
    assert app.font().pointSizeF() == font_before
    assert window.theme == theme_before
    assert visible_docks(window) == docks_before
    assert window.centralWidget().isVisible()
    assert window.size() == size_before
    assert loss.train_curve.opts["pen"].widthF() == width_before
    assert loss.loss_plot.getAxis("left").style["tickFont"].pointSizeF() == ticks_before


def test_closing_in_presentation_mode_keeps_the_everyday_layout(qtbot, make_window):
    window = make_window(settings_name="layout")
    window.commands.presentation.trigger()
    assert window.presentation.active
    window.close()
    assert not window.presentation.active
    again = make_window(settings_name="layout")
    assert all(again.docks[name].isVisible() for name in EDITING_DOCKS)
    assert not again.isFullScreen()


def test_presenting_a_lesson_keeps_its_text_and_drops_panels_the_model_has_nothing_for(qtbot, make_window):
    window = make_window()
    window.open_lesson(1)  # a plain RNN: no attention to show
    window.commands.presentation.setChecked(True)
    wait_until(qtbot, lambda: not window.docks["attention"].isVisible(), 5)
    assert window.docks["lesson"].isVisible() and window.docks["inside"].isVisible()
    assert window.docks["lesson"].width() < window.width() / 3  # the plots get most of the width
    window.commands.presentation.setChecked(False)
    assert window.docks["attention"].isVisible()
