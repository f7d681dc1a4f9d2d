"""The whole window in Korean: after training the default project a few steps,
no visible text (menus, toolbar, docks, forms and their tooltips, the run
panel, status bar, plots' titles, axes and legends, the compare table, the
model diagram) holds an English word but the names in ALLOWED. Switching back
to English brings the English texts back."""

import re

import pyqtgraph as pg
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDockWidget, QGraphicsView, QGroupBox,
                               QLabel, QMenu, QProgressBar, QTabBar, QTableWidget, QTextEdit, QWidget)

from lab_gui.language import LANGUAGES
from tests.gui.conftest import train_to_end, wait_until

# Names that read the same in a Korean course, each for a reason.
ALLOWED = {
    # model families and cells, as the course and PyTorch name them
    "lstm", "gru", "rnn", "seq2seq", "mlp", "relu", "tanh",
    # products and formats: names, not words
    "seqlab", "pytorch", "tensorboard", "png", "svg", "csv", "html", "utf", "json",
    # devices and number formats, as torch spells them
    "cpu", "gpu", "cuda", "mps", "bf16", "fp32",
    # optimizers, as torch.optim names them
    "adam", "adamw", "sgd",
    # values a person types and the window shows as typed: IEEE special values, booleans
    "nan", "inf", "true", "false",
    # the attention variants' authors
    "luong", "bahdanau",
    # mathematical notation on axes: log10 ‖dL/dx_t‖
    "log10",
    # key names, as Qt prints a shortcut ("Shift+F10")
    "shift", "ctrl", "esc", "enter",
    # the "hello" task's name is the text it learns
    "hello",
    # sweeps: Ray and its ASHA scheduler are names; log:LO:HI:N is how a log range is typed
    "ray", "asha", "log",
}
# model.family=rnn: a spec key as typed on the command line; encoder.rnn.layer0: a module as PyTorch names it
SPEC_KEY = re.compile(r"\b[a-z_]+(\.[a-z_0-9]+)+\b(=\S*)?")
# a diagram block: the module's own name and its PyTorch class, "embedding  (Embedding)"
BLOCK = re.compile(r"^\S+  \(\w+\)$")
TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def english_words(text: str, data: set[str]) -> list[str]:
    """ASCII words of 3+ letters in `text`, but for allowed names, spec keys and `data`."""
    if BLOCK.match(text):
        return []
    text = TAG.sub(" ", text).replace("&nbsp;", " ")
    for item in sorted(data, key=len, reverse=True):
        text = text.replace(item, " ")
    text = SPEC_KEY.sub(" ", text)
    found = []
    for token in WORD.findall(text):
        for part in token.split("_"):
            if sum(c.isalpha() for c in part) >= 3 and part.lower() not in ALLOWED:
                found.append(part)
    return found


def shown(widget: QWidget) -> bool:
    return widget.isVisible() and widget.window().isVisible()


def menu_texts(menu: QMenu, where: str, own_names: set[str]) -> list[tuple[str, str]]:
    texts = [(where, menu.title())]
    for action in menu.actions():
        if action.text() in own_names:
            continue  # View ▸ Language names each language in itself (English, 한국어)
        if action.menu() is not None:
            texts += menu_texts(action.menu(), f"{where} ▸ {action.menu().title()}", own_names)
        elif action.text():
            texts.append((where, action.text()))
    return texts


def visible_texts(window) -> list[tuple[str, str]]:
    """(where, text) for every text a person can see in `window` now, or reach from its menus."""
    texts: list[tuple[str, str]] = [("window title", window.windowTitle())]
    for action in window.menuBar().actions():
        texts += menu_texts(action.menu(), "menu", set(LANGUAGES.values()))
    texts += [("toolbar", action.text()) for action in window.commands.run_toolbar.actions() if action.text()]
    texts.append(("toolbar title", window.commands.run_toolbar.windowTitle()))
    for widget in QApplication.allWidgets():
        if not shown(widget):
            continue
        name = type(widget).__name__
        if isinstance(widget, QLabel):
            texts.append((name, widget.text()))
        elif isinstance(widget, QAbstractButton):
            texts.append((name, widget.text()))
        elif isinstance(widget, QGroupBox):
            texts.append((name, widget.title()))
        elif isinstance(widget, QTabBar):
            texts += [(name, widget.tabText(i)) for i in range(widget.count())]
        elif isinstance(widget, QDockWidget):
            texts.append((name, widget.windowTitle()))
        elif isinstance(widget, QComboBox):
            texts += [(f"{name} {widget.objectName()}", widget.itemText(i)) for i in range(widget.count())]
        elif isinstance(widget, QProgressBar):
            texts.append((name, widget.text()))
        elif isinstance(widget, QTextEdit):
            texts.append((name, widget.toPlainText()))
        elif isinstance(widget, QTableWidget):
            texts += [(f"{name} header", widget.horizontalHeaderItem(i).text())
                      for i in range(widget.columnCount()) if widget.horizontalHeaderItem(i)]
            texts += [(f"{name} cell", widget.item(r, c).text()) for r in range(widget.rowCount())
                      for c in range(widget.columnCount()) if widget.item(r, c)]
        if widget.toolTip():
            texts.append((f"{name} tooltip", widget.toolTip()))
        if isinstance(widget, QGraphicsView):
            for item in widget.scene().items():
                if isinstance(item, pg.PlotItem):
                    texts.append(("plot title", item.titleLabel.text))
                    for side in ("left", "bottom"):
                        axis = item.getAxis(side)
                        if axis.isVisible() and axis.label.isVisible():
                            texts.append((f"plot {side} axis", axis.labelText))
                elif hasattr(item, "toPlainText"):
                    texts.append(("diagram", item.toPlainText()))
                elif hasattr(item, "text") and callable(item.text) and isinstance(item.text(), str):
                    texts.append(("diagram", item.text()))
    return [(where, text) for where, text in texts if text]


def data_of(window) -> set[str]:
    """What the window shows as it is in any language: run names and ids, the file, task tokens."""
    project = window.document.project
    data = {run.name for run in project.runs if run.name} | {run.id for run in project.runs}
    data |= {run.spec.name for run in project.runs}
    if window.document.path is not None:
        data.add(str(window.document.path))
    return {item for item in data if item}


def trained_in_korean(qtbot, make_window):
    window = make_window()
    window.set_language("ko")
    wait_until(qtbot, lambda: window.commands.lessons_menu.title() == "레슨(&L)", 10, "the Korean menus")
    document = window.document
    document.set_draft(document.draft.with_overrides({"training.steps": 30, "training.eval_every": 10,
                                                      "probes.every": 10, "probes.max_time_fraction": 1.0}))
    train_to_end(qtbot, window)
    window.redraws.redraw(force=True)
    wait_until(qtbot, lambda: window.panels["loss"].has_data(), 30, "the loss plot")
    qtbot.wait(200)  # the layout the plots' titles take
    return window


def test_every_visible_text_is_korean_after_training(qtbot, make_window):
    window = trained_in_korean(qtbot, make_window)
    try:
        data = data_of(window)
        english = []
        window.commands.sweep.trigger()  # the Sweep dock shows, and the Sweep dialog opens over the window
        for tab in ("loss", "compare", "sweep", "norms", "inside", "training", "task", "architecture"):
            window.docks[tab].raise_()  # each tab of the tab groups in turn
            qtbot.wait(50)
            english += [(where, text, words) for where, text in visible_texts(window)
                        if (words := english_words(text, data))]
        window.sweep_dock.dialog.reject()
        unique = sorted({(where, text[:120], ", ".join(words)) for where, text, words in english})
        assert not unique, "English left in the Korean window:\n" + "\n".join(
            f"  {where}: {text!r} -> {words}" for where, text, words in unique)
    finally:
        window.set_language("en")


def test_switching_back_to_english_restores_the_english_texts(qtbot, make_window):
    window = trained_in_korean(qtbot, make_window)
    assert window.docks["loss"].windowTitle() == "손실"
    assert window.forms["training"].rows["training.lr"][0].text() == "학습률"
    window.set_language("en")
    wait_until(qtbot, lambda: window.commands.lessons_menu.title() == "&Lessons", 10, "the English menus")
    assert window.docks["loss"].windowTitle() == "Loss"
    assert window.forms["training"].rows["training.lr"][0].text() == "Learning rate"
    assert window.commands.train.text() == "&Train"
    assert [a.text() for a in window.menuBar().actions()][:3] == ["&File", "&Edit", "&Run"]
    assert window.panels["loss"].loss_plot.getAxis("left").labelText == "loss"
    assert "Loss" in window.panels["loss"].loss_plot.titleLabel.text
    assert window.status.state_label.text() == "idle"
    assert window.status.step_label.text().startswith("step ")
    headers = [window.panels["compare"].grid.horizontalHeaderItem(i).text() for i in range(2)]
    assert headers == ["run", "architecture"]
    combo = window.forms["task"].editors["task.name"]
    assert combo.itemText(combo.findData("copy")) == "copy"


def test_engine_messages_are_translated_through_their_templates(qtbot):
    """The engine stays free of Qt: the window finds the template a message was made
    from (engine/translation.py) and translates it, keeping keys and numbers."""
    from engine.errors import SpecError
    from engine.spec import ExperimentSpec
    from engine.validation import validate_experiment
    from lab_gui.engine_text import engine_text
    from lab_gui.language import apply_language

    try:
        validate_experiment(ExperimentSpec().with_overrides({"training.lr": 50.0}))
        raise AssertionError("an lr of 50 was accepted")
    except SpecError as exc:
        message = exc.problems[0][1]
    assert engine_text(message) == message  # English: as the engine wrote it
    assert apply_language("ko") == "ko"
    try:
        korean = engine_text(message)
        assert "training.lr=50" in korean and re.search("[가-힣]", korean), korean
        assert engine_text("step 1,234") == "스텝 1,234"
        assert engine_text("Transformer encoder-decoder 1x64, 4 heads") == "트랜스포머 인코더-디코더 1x64, 헤드 4개"
        assert engine_text("a message no template knows") == "a message no template knows"
    finally:
        apply_language("en")
