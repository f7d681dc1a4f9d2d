"""A form over some of the spec's keys. It shows the spec it is given and
reports each edit as (key, text or value); the window decides whether the
edit is taken, and a refused one is shown next to its field in red."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from engine.spec import ExperimentSpec, get_key
from lab_gui.engine_text import engine_text
from lab_gui.language import follow_language
from lab_gui.spec_fields import Field

translate = QCoreApplication.translate


def _choice_text(choice: str) -> str:
    """A choice as the combo box shows it: a word in the window's language, a name as it is."""
    return translate("Choices", choice) if choice else translate("Forms", "(same as encoder)")


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
                editor.addItem(_choice_text(choice), choice)
            follow_language(editor, _show_choices)
            # "" stands for None (model.decoder_cell: the encoder's cell)
            editor.activated.connect(lambda _i, k=key, e=editor: self._changed(k, e.currentData() or None))
        elif key in ("model.bidirectional", "model.causal"):
            editor = QCheckBox()
            editor.toggled.connect(lambda on, k=key: self._changed(k, bool(on)))
        else:
            editor = QLineEdit()
            editor.editingFinished.connect(lambda k=key, e=editor: self._text_edited(k, e))
        if f.help:
            follow_language(editor, lambda e, text=f.help: e.setToolTip(translate("Forms", text)))
        editor.setObjectName(key)
        field_widget = editor
        if key == "task.path":
            field_widget = QWidget()
            row = QHBoxLayout(field_widget)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(editor, 1)
            browse = QPushButton()
            follow_language(browse, lambda b: b.setText(translate("Forms", "Browse…")))
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
        label = QLabel()
        follow_language(label, lambda lab, text=f.label: lab.setText(translate("Forms", text)))
        label.setToolTip(key)
        self.form.addRow(label, holder)
        self.editors[key], self.errors[key], self.rows[key] = editor, error, (label, holder)

    def _browse(self, editor: QLineEdit) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, translate("Forms", "Choose a data file"), editor.text(),
            translate("Forms", "Text or CSV ({pattern})").format(pattern="*.txt *.csv") + ";;"
            + translate("Forms", "All files ({pattern})").format(pattern="*"))
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
                if index < 0 and key == "training.device" and isinstance(value, str):
                    index = _add_unavailable_device(editor, value)  # cuda:N of a machine with more GPUs
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
            label.setText(engine_text(message))
            label.show()
            self.editors[key].setFocus(Qt.OtherFocusReason)

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()
            label.setText("")

    def error_text(self, key: str) -> str:
        label = self.errors.get(key)
        return label.text() if label is not None and not label.isHidden() else ""


UNAVAILABLE = Qt.UserRole + 1  # a device this machine lacks


def _add_unavailable_device(editor: QComboBox, device: str) -> int:
    """A device a project names that this machine lacks, listed greyed out; returns its index."""
    editor.addItem(device, device)
    index = editor.count() - 1
    editor.model().item(index).setEnabled(False)
    editor.setItemData(index, True, UNAVAILABLE)
    _show_choices(editor)
    return index


def _show_choices(editor: QComboBox) -> None:
    """The choices' texts in the language of the moment (a device this machine lacks says so)."""
    for index in range(editor.count()):
        text = _choice_text(editor.itemData(index))
        if editor.itemData(index, UNAVAILABLE):
            text = translate("Forms", "{device} (not available)").format(device=text)
        editor.setItemText(index, text)


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
        for name in devices:  # cuda:0 ... cuda:N-1 on a machine with several GPUs, before mps
            if device_box.findData(name) < 0:
                device_box.insertItem(device_box.findData("mps"), _choice_text(name), name)
        for index in range(device_box.count()):
            name = device_box.itemData(index)
            if name not in ("auto", *devices):
                device_box.model().item(index).setEnabled(False)
                device_box.setItemData(index, True, UNAVAILABLE)
        _show_choices(device_box)

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
