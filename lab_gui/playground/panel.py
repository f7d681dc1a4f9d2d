"""The Playground dock: type an input (or pick a validation example) and run
the current run's model on it, greedy, beam or sampled; see each output
token's top-k probabilities and attention, step a recurrent model through
time, or forecast a time series. It works on the run's latest weights:
during a pause (the window fetches them from the engine first), after
training, or in a project just opened."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QLabel, QPushButton, QSpinBox, QTabWidget,
                               QVBoxLayout, QWidget)
from superqt import QFlowLayout

from engine.errors import SeqLabError
from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.engine_text import engine_text
from lab_gui.language import follow_language
from lab_gui.playground.forecast_view import ForecastView
from lab_gui.playground.output_view import OutputView
from lab_gui.playground.step_view import StepView
from lab_gui.theme import LIGHT, Theme
from lab_gui.widgets import BLANKS, labelled, one_line

MODE_NAMES = {"greedy": QT_TRANSLATE_NOOP("Playground", "greedy"),
              "beam": QT_TRANSLATE_NOOP("Playground", "beam search"),
              "sample": QT_TRANSLATE_NOOP("Playground", "sample")}
translate = QCoreApplication.translate
OUTPUT, STEPS, FORECAST = range(3)


class PlaygroundPanel(QWidget):
    title = "Playground"

    def __init__(self, prepare: Callable[[], None] | None = None, parent=None):
        """`prepare` asks for the run's latest weights before a try the user asked for
        (the window asks a training engine for them; when they come, it calls
        weights_changed and what is shown follows)."""
        super().__init__(parent)
        self.prepare = prepare
        self.theme = LIGHT
        self.run = None
        self.playground = None
        self._built_for = None  # the run state the playground was built from
        self._busy = False
        self.tried = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        controls = QFlowLayout()
        self.input = QComboBox()
        self.input.setEditable(True)
        self.input.setInsertPolicy(QComboBox.NoInsert)
        self.input.setMinimumWidth(180)
        follow_language(self.input, lambda box: (
            box.lineEdit().setPlaceholderText(translate("Playground", "type an input, or pick a validation example")),
            box.setToolTip(translate("Playground", "⏎ stands for a line break"))))
        self.mode = QComboBox()
        self.beam = QSpinBox()
        self.beam.setRange(1, 16)
        self.beam.setValue(4)
        follow_language(self.beam, lambda box: box.setPrefix(translate("Playground", "width ")))
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.05, 5.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(1.0)
        self.temperature.setPrefix("T ")
        self.top_k = QSpinBox()
        self.top_k.setRange(1, 20)
        self.top_k.setValue(5)
        self.length = QSpinBox()
        self.length.setRange(1, 400)
        self.length.setValue(40)
        follow_language(self.length, lambda box: box.setSuffix(translate("Playground", " tokens")))
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        follow_language(self.seed, lambda box: box.setPrefix(translate("Playground", "seed ")))
        self.try_button = QPushButton()
        follow_language(self.try_button, self._show_try_button)
        self.weights = QLabel("")
        self.pieces = {}
        for name, label, widget in (("input", QT_TRANSLATE_NOOP("Playground", "input:"), self.input),
                                    ("mode", "", self.mode), ("beam", "", self.beam),
                                    ("temperature", "", self.temperature), ("seed", "", self.seed),
                                    ("length", QT_TRANSLATE_NOOP("Playground", "write"), self.length),
                                    ("top_k", QT_TRANSLATE_NOOP("Playground", "top"), self.top_k)):
            self.pieces[name] = labelled(label, widget)
            if label:
                follow_language(self.pieces[name].layout().itemAt(0).widget(),
                                lambda lab, text=label: lab.setText(translate("Playground", text)))
            controls.addWidget(self.pieces[name])
        controls.addWidget(self.try_button)
        controls.addWidget(self.weights)
        layout.addLayout(controls)
        self.message = QLabel("")
        self.message.setObjectName("playgroundMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)  # no frame: the dock is one already, and every pixel of height counts
        self.output_view, self.step_view, self.forecast_view = OutputView(), StepView(), ForecastView()
        self.tabs.addTab(self.output_view, "")
        self.tabs.addTab(self.step_view, "")
        self.tabs.addTab(self.forecast_view, "")
        tab_names = (QT_TRANSLATE_NOOP("Playground", "Output"), QT_TRANSLATE_NOOP("Playground", "Step through time"),
                     QT_TRANSLATE_NOOP("Playground", "Forecast"))
        follow_language(self.tabs, lambda tabs: [tabs.setTabText(i, translate("Playground", text))
                                                 for i, text in enumerate(tab_names)])
        layout.addWidget(self.tabs, 1)
        self.try_button.clicked.connect(lambda: self.try_model())
        self.input.lineEdit().returnPressed.connect(lambda: self.try_model())
        self.input.activated.connect(lambda _index: self.try_model())
        self.mode.currentIndexChanged.connect(self._mode_changed)
        for box in (self.beam, self.temperature, self.top_k, self.length, self.seed):
            box.valueChanged.connect(self._again)
        self.tabs.currentChanged.connect(self._again)
        self.forecast_view.changed.connect(self._again)
        self.show_run(None)

    # ------------------------------------------------------------- the run
    def show_run(self, run) -> None:
        """A run opened, switched to or started: nothing tried on it yet."""
        self.run, self.playground, self._built_for, self.tried = run, None, None, False
        self.weights.setText("")
        self.say(translate("Playground", "Press Try to run the model on an input.") if run is not None else "")
        if run is None:
            return
        family, kind = run.spec.model.family, _kind(run)
        self.tabs.setTabVisible(OUTPUT, kind != "regression")
        self.tabs.setTabVisible(STEPS, family != "transformer" and kind != "regression")
        self.tabs.setTabVisible(FORECAST, kind == "regression")
        self.tabs.setCurrentIndex(FORECAST if kind == "regression" else OUTPUT)
        modes = ["greedy"] + (["beam"] if kind in ("seq2seq", "generate") else []) \
            + (["sample"] if kind in ("seq2seq", "generate", "lm") else [])
        self.mode.blockSignals(True)
        self.mode.clear()
        for mode in modes:
            self.mode.addItem(translate("Playground", MODE_NAMES[mode]), mode)
        self.mode.blockSignals(False)
        self.input.clear()
        self._show_pieces(kind)
        QTimer.singleShot(0, self._first_try)

    def seen(self) -> bool:
        """On screen: not hidden, nor a tab behind another (which isVisible calls visible)."""
        return self.isVisible() and not self.visibleRegion().isEmpty()

    def following(self) -> bool:
        """True while something is shown that should follow the run's weights."""
        return self.tried and self.seen()

    def weights_changed(self) -> None:
        """The run's weights moved on (a checkpoint, the end of a run): what is
        shown follows, if anything is shown."""
        if self.following() and not self._busy:
            self.try_model(fetch=False)

    def shown(self, visible: bool) -> None:
        """Its dock was shown (or its tab picked): a first try, once laid out."""
        if visible:
            QTimer.singleShot(0, self._first_try)

    def _first_try(self) -> None:
        """Opening the panel shows the model on its first validation example at once."""
        if self.run is not None and not self.tried and self.seen():
            self.try_model()

    # ------------------------------------------------------------- trying
    def try_model(self, fetch: bool = True) -> bool:
        """Run the model as the controls say, on the weights the run has now (and,
        with `fetch`, ask for newer ones); True when something new is shown.
        A refused input is said under the controls, and what was shown stays."""
        if self.run is None or self._busy:
            return False
        self._busy = True
        QGuiApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            if fetch and self.prepare is not None:
                self.prepare()
            playground = self._playground()
            self._run(playground)
        except SeqLabError as exc:
            self.say(str(exc), error=True)
            return False
        except Exception as exc:  # torch refusing this input: said, the window carries on
            self.say(f"the model failed on this input: {type(exc).__name__}: {exc}", error=True)
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
            self._busy = False
        self.tried = True
        self.say("")
        return True

    def _playground(self):
        """The playground on the run's weights now (rebuilt only when they changed)."""
        from engine.playground import Playground

        if self.playground is None or self._built_for is not self.run.state:
            self.playground = Playground.from_run(self.run)
            self._built_for = self.run.state
            if self.input.count() == 0:
                self._fill_examples()
        step = self.run.step
        self.weights.setText(translate("Playground", "weights at step {step}").format(step=f"{step:,}")
                             if self.run.state is not None
                             else translate("Playground", "untrained: weights as initialised"))
        return self.playground

    def _fill_examples(self) -> None:
        playground = self.playground
        if playground.kind == "regression":
            series, longest, horizon = playground.forecast_limits()
            self.forecast_view.set_limits(series, longest, horizon)
            return
        self.input.blockSignals(True)
        for example in playground.examples():
            self.input.addItem(one_line(example), example)
        self.input.setCurrentIndex(0)
        self.input.blockSignals(False)

    def _run(self, playground) -> None:
        tab = self.tabs.currentIndex()
        if playground.kind == "regression" or tab == FORECAST:
            view = self.forecast_view
            view.show_forecast(playground.forecast(view.series.value() - 1, view.horizon.value()))
            return
        text = self.input_text()
        if tab == STEPS:
            self.step_view.show_steps(playground.step_through(text, top_k=self.top_k.value()))
            return
        prediction = playground.predict(text, mode=self.mode.currentData() or "greedy", beam=self.beam.value(),
                                        temperature=self.temperature.value(), top_k=self.top_k.value(),
                                        length=self.length.value(), seed=self.seed.value())
        self.output_view.show_prediction(prediction, playground.kind)

    def input_text(self) -> str:
        """The input as the model reads it: an example's own text, or what was typed."""
        index = self.input.currentIndex()
        typed = self.input.currentText()
        if index >= 0 and self.input.itemText(index) == typed:
            return self.input.itemData(index)
        return _typed(typed)

    def _again(self, *_args) -> None:
        """A setting changed: try again at once, on the same weights."""
        if self.tried:
            self.try_model(fetch=False)

    def _mode_changed(self) -> None:
        self._show_pieces(_kind(self.run) if self.run is not None else "")
        self._again()

    def _show_pieces(self, kind: str) -> None:
        mode = self.mode.currentData()
        regression = kind == "regression"
        for name in ("input", "mode", "top_k"):
            self.pieces[name].setVisible(not regression)
        self.pieces["beam"].setVisible(mode == "beam")
        self.pieces["temperature"].setVisible(mode == "sample")
        self.pieces["seed"].setVisible(mode == "sample")
        self.pieces["length"].setVisible(kind == "lm")
        self.regression = regression
        self._show_try_button(self.try_button)

    def _show_try_button(self, button: QPushButton) -> None:
        regression = getattr(self, "regression", False)
        button.setText(translate("Playground", "Forecast ▶") if regression else translate("Playground", "Try ▶"))
        button.setToolTip(translate("Playground", "Run the model on the input (Enter)"))

    # ------------------------------------------------------------- looks
    def say(self, text: str, error: bool = False) -> None:
        text = engine_text(text) if error else text
        self.message.setText(text[:1].upper() + text[1:] if error else text)
        self.message.setStyleSheet(f"color: {self.theme.alarm};" if error else "")
        self.message.setVisible(bool(text))

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        for view in (self.output_view, self.step_view, self.forecast_view):
            view.apply_theme(theme)


def _kind(run) -> str:
    """The task's layout (lm, classify, seq2seq, regression, ...), from the spec alone."""
    from engine.validation import resolve_kind

    return resolve_kind(run.spec)


def _typed(text: str) -> str:
    """What was typed, with the ⏎ that one_line shows turned back into line breaks."""
    return text.replace(BLANKS["\n"], "\n")
