"""A form over some of the spec's keys. It shows the spec it is given and
reports each edit as (key, text or value); the window decides whether the
edit is taken, and a refused one is shown next to its field in red."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from engine.spec import ExperimentSpec, get_key
from lab_gui.spec_fields import Field


class SpecForm(QWidget):
    edited = Signal(str, object)  # key, typed text (str) or value (bool, choice)

    def __init__(self, fields: list[Field], parent=None):
        super().__init__(parent)
        self.fields = {f.key: f for f in fields}
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.rows: dict[str, tuple[QLabel, QWidget]] = {}
        self.spec: ExperimentSpec | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.DontWrapRows)
        outer.addLayout(self.form)
        outer.addStretch(1)
        for f in fields:
            self._add_row(f)

    def _add_row(self, f: Field) -> None:
        key = f.key
        if f.choices and f.choices != ("",):
            editor = QComboBox()
            # as narrow as the dock needs: the longest choice shows when the list opens
            editor.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            editor.setMinimumContentsLength(8)
            for choice in f.choices:
                editor.addItem(choice if choice else "(same as encoder)", choice)
            # "" stands for None (model.decoder_cell: the encoder's cell)
            editor.activated.connect(lambda _i, k=key, e=editor: self._changed(k, e.currentData() or None))
        elif key in ("model.bidirectional", "model.causal"):
            editor = QCheckBox()
            editor.toggled.connect(lambda on, k=key: self._changed(k, bool(on)))
        else:
            editor = QLineEdit()
            editor.editingFinished.connect(lambda k=key, e=editor: self._text_edited(k, e))
        if f.help:
            editor.setToolTip(f.help)
        editor.setObjectName(key)
        field_widget = editor
        if key == "task.path":
            field_widget = QWidget()
            row = QHBoxLayout(field_widget)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(editor, 1)
            browse = QPushButton("Browse…")
            browse.clicked.connect(lambda: self._browse(editor))
            row.addWidget(browse)
        error = QLabel()
        error.setWordWrap(True)
        error.setStyleSheet("color: #d0342c;")
        error.setObjectName(f"{key}:error")
        error.hide()
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(field_widget)
        column.addWidget(error)
        label = QLabel(f.label)
        label.setToolTip(key)
        self.form.addRow(label, holder)
        self.editors[key], self.errors[key], self.rows[key] = editor, error, (label, holder)

    def _browse(self, editor: QLineEdit) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a data file", editor.text(),
                                              "Text or CSV (*.txt *.csv);;All files (*)")
        if path:  # chosen, even if the same as the text: a project's path is only read once chosen
            editor.setText(path)
            self._changed("task.path", path)

    def _text_edited(self, key: str, editor: QLineEdit) -> None:
        if self.spec is not None and editor.text() == _text(get_key(self.spec, key)):
            return  # focus left without a change
        self._changed(key, editor.text())

    def _changed(self, key: str, value) -> None:
        self.edited.emit(key, value)

    # --------------------------------------------------------------- show
    def show_spec(self, spec: ExperimentSpec) -> None:
        """Put `spec`'s values in the editors and hide the keys it does not use."""
        self.spec = spec
        for key, editor in self.editors.items():
            value = get_key(spec, key)
            editor.blockSignals(True)
            if isinstance(editor, QComboBox):
                index = editor.findData("" if value is None else value)
                editor.setCurrentIndex(max(index, 0))
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            else:
                editor.setText(_text(value))
            editor.blockSignals(False)
            visible = self.fields[key].applies(spec)
            self.form.setRowVisible(self.rows[key][1], visible)

    def show_error(self, key: str, message: str) -> None:
        """Refused: say why under the field and put the spec's value back."""
        if self.spec is not None:
            self.show_spec(self.spec)
        label = self.errors.get(key)
        if label is not None:
            label.setText(message)
            label.show()
            self.editors[key].setFocus(Qt.OtherFocusReason)

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()
            label.setText("")

    def error_text(self, key: str) -> str:
        label = self.errors.get(key)
        return label.text() if label is not None and not label.isHidden() else ""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class SpecForms(QObject):
    """The three forms (model, task, training) as one: each edit comes out of
    `edited`, and the spec shows in all of them. Devices this machine lacks are
    listed, greyed out, so a project made elsewhere still reads."""

    edited = Signal(str, object)

    def __init__(self, parent=None):
        from engine.training import available_devices
        from lab_gui.spec_fields import MODEL_FIELDS, TASK_FIELDS, TRAINING_FIELDS

        super().__init__(parent)
        self.forms = {"model": SpecForm(MODEL_FIELDS), "task": SpecForm(TASK_FIELDS),
                      "training": SpecForm(TRAINING_FIELDS)}
        for form in self.forms.values():
            form.edited.connect(self.edited)
        devices = available_devices()
        device_box = self.forms["training"].editors["training.device"]
        for index in range(device_box.count()):
            name = device_box.itemData(index)
            if name not in ("auto", *devices):
                device_box.model().item(index).setEnabled(False)
                device_box.setItemText(index, f"{name} (not available)")

    def __getitem__(self, name: str) -> SpecForm:
        return self.forms[name]

    def form_of(self, key: str) -> SpecForm:
        return next(form for form in self.forms.values() if key in form.editors)

    def show_spec(self, spec: ExperimentSpec) -> None:
        for form in self.forms.values():
            form.clear_errors()
            form.show_spec(spec)

    def show_error(self, key: str, message: str) -> None:
        self.form_of(key).show_error(key, message)

    def clear_errors(self) -> None:
        for form in self.forms.values():
            form.clear_errors()

    def error_text(self, key: str) -> str:
        return self.form_of(key).error_text(key)
