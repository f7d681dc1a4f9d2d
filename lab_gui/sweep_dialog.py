"""Run ▸ Sweep…: a sweep of the draft spec. One or two of its fields to vary
(a choice field's options, or numbers: `5,10,20`, `LO:HI:N`, `log:LO:HI:N`),
the seeds, and where the trials run (this machine's cores or a Ray cluster,
the CPUs and GPUs each takes, ASHA stopping hopeless ones early).

The engine checks it all (parse_variation, SweepPlan.trials, Placement) as the
person types; its one-line message shows under the fields, and OK keeps the
dialog open until there is none. With a project's sweep it continues that one:
only where to run it can change.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QSpinBox, QVBoxLayout, QWidget)

from engine.errors import SeqLabError
from engine.spec import ExperimentSpec, get_key
from lab_gui.engine_text import engine_text
from lab_gui.spec_fields import ALL_FIELDS
from lab_gui.sweep_session import SweepRequest

translate = QCoreApplication.translate
NOT_VARIED = ""  # the second field's "nothing else" entry
UNSWEPT = ("task.path", "training.seed")  # a file is chosen, not swept; seeds have their own box
FIRST_CHOICES = ("model.cell", "model.hidden_size", "model.d_model", "training.lr")  # what a sweep varies first
ADDRESS = re.compile(r"^(ray://)?[^\s:/]+:\d{1,5}$")
CHECK_DELAY_MS = 250  # after the last keystroke: a plan of many trials checks every one


def suggested_values(key: str, value) -> str:
    """What a field's box starts with: every option of a choice, else a few values around the draft's."""
    choices = [c for c in ALL_FIELDS[key].choices if c]
    if choices:
        return ",".join(choices)
    if isinstance(value, bool):
        return "true,false"
    if isinstance(value, int) and value > 1:
        return f"{value // 2},{value},{value * 2}"
    if isinstance(value, float) and value > 0:
        return f"log:{value / 10:g}:{value * 10:g}:3"
    return "" if value is None else str(value)


class SweepDialog(QDialog):
    def __init__(self, draft: ExperimentSpec, parent=None, record=None, left: int = 0, placement=None,
                 stop_early: bool = False):
        """`record`: the project's sweep to continue (`left` of its trials to run); `placement`
        and `stop_early`: what the last sweep used, to start from."""
        super().__init__(parent)
        self.draft, self.record, self.left = draft, record, left
        self.request: SweepRequest | None = None  # once accepted
        self.setWindowTitle(translate("Sweep", "Continue Sweep") if record else translate("Sweep", "Sweep"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.fields = [QComboBox(), QComboBox()]
        self.values = [QLineEdit(), QLineEdit()]
        keys = [key for key, field in ALL_FIELDS.items() if key not in UNSWEPT and field.applies(draft)]
        for index, (box, values) in enumerate(zip(self.fields, self.values)):
            box.setObjectName(f"vary{index}")
            values.setObjectName(f"values{index}")
            if index:
                box.addItem(translate("Sweep", "(nothing else)"), NOT_VARIED)
            for key in keys:
                box.addItem(f"{translate('Forms', ALL_FIELDS[key].label)} ({key})", key)
            box.currentIndexChanged.connect(lambda _i, i=index: self._field_chosen(i))
            values.textChanged.connect(self._check_soon)
        rows = [(translate("Sweep", "Vary:"), 0), (translate("Sweep", "and:"), 1)]
        self.summary = QLabel()
        if record is None:
            for label, index in rows:
                form.addRow(label, _row(self.fields[index], self.values[index]))
            hint = QLabel(translate("Sweep", "Values: a,b,c; or LO:HI:N for N evenly spaced, log:LO:HI:N for N "
                                             "spaced by ratio"))
            hint.setWordWrap(True)
            hint.setEnabled(False)
            form.addRow(hint)  # the whole width: one line where it fits
            first = next((key for key in FIRST_CHOICES if key in keys), keys[0])
            self.fields[0].setCurrentIndex(self.fields[0].findData(first))
            self._field_chosen(0)  # its values, even where it was the combo's first already
        else:
            plan = record.plan
            self.summary.setText(", ".join(variation.text() for variation in plan.variations))
            self.summary.setWordWrap(True)
            form.addRow(translate("Sweep", "Varies:"), self.summary)
        self.seeds = QSpinBox(minimum=1, maximum=100, value=record.plan.seeds if record else 1)
        self.seeds.setEnabled(record is None)
        self.seeds.setToolTip(translate("Sweep", "Runs of each combination, with seeds from the draft's seed up"))
        self.seeds.valueChanged.connect(self._check_soon)
        form.addRow(translate("Sweep", "Seeds:"), self.seeds)
        self.where = QComboBox()
        self.where.addItem(translate("Sweep", "this machine"), "local")
        self.where.addItem(translate("Sweep", "a Ray cluster"), "cluster")
        self.address = QLineEdit()
        self.address.setPlaceholderText("HOST:PORT")
        self.where.currentIndexChanged.connect(self._where_chosen)
        self.address.textChanged.connect(self._check_soon)
        form.addRow(translate("Sweep", "Run on:"), _row(self.where, self.address))
        self.cores = QSpinBox(minimum=0, maximum=4096)
        self.cores.setSpecialValueText(translate("Sweep", "all"))
        self.cores.setToolTip(translate("Sweep", "The cores of this machine the sweep may use"))
        form.addRow(translate("Sweep", "Cores to use:"), self.cores)
        self.cpus = QDoubleSpinBox(minimum=0.25, maximum=1024, singleStep=0.5, value=1.0, decimals=2)
        form.addRow(translate("Sweep", "CPUs per trial:"), self.cpus)
        self.gpus = QDoubleSpinBox(minimum=0.0, maximum=64, singleStep=0.25, value=0.0, decimals=2)
        self.gpus.setToolTip(translate("Sweep", "A fraction lets several trials share one GPU"))
        form.addRow(translate("Sweep", "GPUs per trial:"), self.gpus)
        self.stop_early = QCheckBox(translate("Sweep", "Stop hopeless trials early (ASHA)"))
        self.stop_early.setToolTip(translate("Sweep", "Trials whose validation loss trails the others' end early, "
                                                      "leaving their cores to the rest"))
        self.stop_early.setChecked(stop_early)
        form.addRow("", self.stop_early)
        self.message = QLabel()
        self.message.setObjectName("sweepMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(
            translate("Sweep", "Continue Sweep") if record else translate("Sweep", "Start Sweep"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if placement is not None:
            self._show_placement(placement)
        self._where_chosen()
        self.checker = QTimer(self)
        self.checker.setSingleShot(True)
        self.checker.setInterval(CHECK_DELAY_MS)
        self.checker.timeout.connect(self.check)
        for box in (self.cores, self.cpus, self.gpus):
            box.valueChanged.connect(self._check_soon)
        self.resize(max(640, self.sizeHint().width()), self.sizeHint().height())
        self.check()

    # ------------------------------------------------------------ the fields
    def vary(self, index: int, key: str, values: str | None = None) -> None:
        """Choose the `index`th field to vary (NOT_VARIED: none) and, if given, its values' text."""
        box = self.fields[index]
        box.setCurrentIndex(box.findData(key))
        if values is not None:
            self.values[index].setText(values)

    def _field_chosen(self, index: int) -> None:
        key = self.fields[index].currentData()
        self.values[index].setEnabled(bool(key))
        self.values[index].setText(suggested_values(key, get_key(self.draft, key)) if key else "")
        self._check_soon()

    def _where_chosen(self) -> None:
        cluster = self.where.currentData() == "cluster"
        self.address.setEnabled(cluster)
        self.cores.setEnabled(not cluster)
        self._check_soon()

    def _show_placement(self, placement) -> None:
        self.where.setCurrentIndex(1 if placement.address else 0)
        self.address.setText(placement.address or "")
        self.cores.setValue(placement.cpus or 0)
        self.cpus.setValue(placement.cpus_per_trial)
        self.gpus.setValue(placement.gpus_per_trial)

    # ------------------------------------------------------------ checking
    def _check_soon(self, *_changed) -> None:
        if hasattr(self, "checker"):
            self.checker.start()

    def check(self) -> SweepRequest | None:
        """The request the fields make, or None with the reason under them (the engine's, translated)."""
        self.checker.stop()
        try:
            request, count = self._request()
        except _Refused as exc:
            self._say(str(exc), problem=True)
            return None
        except SeqLabError as exc:
            self._say(engine_text(str(exc)), problem=True)
            return None
        self._say(translate("Sweep", "{count} of {total} trials left to run").format(count=self.left, total=count)
                  if self.record else translate("Sweep", "This sweep runs {count} trials").format(count=count))
        return request

    def _request(self) -> tuple[SweepRequest, int]:
        from engine.sweep.plan import SweepPlan, parse_variation
        from engine.sweep.ray_sweep import Placement, trial_device  # Ray itself: only where a sweep runs

        if self.record is not None:
            plan = self.record.plan
        else:
            variations = []
            for box, values in zip(self.fields, self.values):
                key = box.currentData()
                if not key:
                    continue
                if not values.text().strip():
                    raise _Refused(translate("Sweep", "Give the values of {key} to try").format(key=key))
                if any(v.key == key for v in variations):
                    raise _Refused(translate("Sweep", "{key} is chosen twice").format(key=key))
                variations.append(parse_variation(f"{key}={values.text().strip()}"))
            plan = SweepPlan(self.draft, variations, self.seeds.value())
        trials = plan.trials()  # every trial's spec checked now
        address = None
        if self.where.currentData() == "cluster":
            address = self.address.text().strip()
            if not ADDRESS.match(address):
                raise _Refused(translate("Sweep", "Give the Ray cluster's address as HOST:PORT"))
        if address is None and self.gpus.value() > 0 and not _local_gpus():
            raise _Refused(translate("Sweep", "This machine has no GPU: give GPUs per trial 0, or run on a Ray "
                                              "cluster"))
        placement = Placement(address, self.cpus.value(), self.gpus.value(),
                              cpus=None if address or not self.cores.value() else self.cores.value())
        trial_device((trial.spec for trial in trials), placement)  # a GPU run needs GPUs placed
        return SweepRequest(plan, placement, self.stop_early.isChecked(), self.record), len(trials)

    def _say(self, text: str, problem: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #d0342c;" if problem else "")
        self.buttons.button(QDialogButtonBox.Ok).setToolTip(text if problem else "")

    def accept(self) -> None:
        """Closes only with a sweep the engine takes; else its message stays beside the fields."""
        self.request = self.check()
        if self.request is not None:
            super().accept()


def _local_gpus() -> int:
    """The GPUs an embedded Ray would find here (it would wait for ever for one it lacks)."""
    from engine.training import gpu_count

    return gpu_count()


class _Refused(Exception):
    """A field the window itself refuses (empty, chosen twice, an address that is no address)."""


def _row(choice: QComboBox, text: QLineEdit) -> QWidget:
    """A choice and the text that goes with it (a field and its values, where and its address), side by side."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    text.setMinimumWidth(200)
    row.addWidget(choice, 2)
    row.addWidget(text, 3)
    return holder
