"""The Korean interface beyond the main window: the HTML report, Help ▸ About, the
crash dialog, and the engine's messages that reach the window from the device
checks, precision, recovery copies and project locks. Each text is checked with
the walk test's `english_words` and its allow-list."""

import json
import re
import time

import pytest
import torch
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QAbstractButton

from engine.project import save_project
from engine.project.lock import LockHolder, lock_file_of
from engine.project.recovery import RecoveryCopy
from engine.spec import ExperimentSpec
from lab_gui.language import apply_language
from tests.engine.project_helpers import trained_project
from tests.gui.conftest import train_to_end, wait_until
from tests.gui.test_korean import data_of, english_words

HANGUL = re.compile("[가-힣]")
# The report's parts that are data, not words: its style sheet and the spec as JSON
STYLE = re.compile(r"<style>.*?</style>", re.S)
SPEC_JSON = re.compile(r"<pre>.*?</pre>", re.S)


@pytest.fixture
def korean(qapp):
    assert apply_language("ko") == "ko"
    yield
    apply_language("en")


def korean_text(text: str, data: set[str] = frozenset()) -> str:
    """`text`, checked: some Hangul, and no English word but allowed names and `data`."""
    assert HANGUL.search(text), f"no Korean in {text!r}"
    assert not english_words(text, set(data)), f"English left in {text!r}: {english_words(text, set(data))}"
    return text


# ------------------------------------------------------------------ the report
def test_the_report_of_a_small_project_is_korean(qtbot, make_window):
    from lab_gui.report import build_report

    window = make_window()
    window.set_language("ko")
    try:
        wait_until(qtbot, lambda: window.commands.lessons_menu.title() == "레슨(&L)", 10, "the Korean menus")
        document = window.document
        document.set_draft(document.draft.with_overrides({"task.name": "copy", "training.steps": 20,
                                                          "training.eval_every": 10, "probes.every": 10,
                                                          "probes.max_time_fraction": 1.0}))
        train_to_end(qtbot, window)
        window.redraws.redraw(force=True)
        alone = build_report(document, window.panels)  # one trained run: its facts and plots
        assert window.session.new_run()  # a second run, untrained: the report compares the two
        compared = build_report(document, window.panels)
        assert "<html lang='ko'>" in alone and "실행 1개" in alone
        assert alone.count("<figure>") >= 3, "the run's plots are missing from the report"
        assert "<td>과제</td><td>복사</td>" in alone  # the task's name as the task form shows it
        assert "<h2>실행 비교</h2>" in compared and "<th>구조</th>" in compared and "<figure>" in compared
        for report in (alone, compared):
            words = english_words(SPEC_JSON.sub(" ", STYLE.sub(" ", report)), data_of(window))
            assert not words, f"English left in the Korean report: {sorted(set(words))}"
    finally:
        window.set_language("en")
    english = build_report(window.document, window.panels)
    assert "<h2>Runs compared</h2>" in english and "<td>task</td><td>copy</td>" in english


# ------------------------------------------------------------------ Help ▸ About
def test_about_is_korean(korean):
    from engine.logs import log_folder
    from lab_gui.about import about_html, versions

    # what SeqLab runs on, by name and version, and the log folder: data; the labels and the line are words
    data = {name for name, _ in versions() if name != "System"} | {version for _, version in versions()}
    text = korean_text(about_html(), data | {str(log_folder())})
    assert "시스템" in text and "장치" in text and "로그" in text


# ------------------------------------------------------------------ the crash dialog
def test_the_crash_dialog_is_korean(qtbot, korean, tmp_path):
    from lab_gui.crash_report import CrashDialog

    summary, log_path = "ZeroDivisionError: planted", tmp_path / "logs" / "seqlab.log"
    dialog = CrashDialog(summary, "Traceback (most recent call last): ...", log_path)
    qtbot.addWidget(dialog)
    dialog.another()
    data = {summary, str(log_path)}
    korean_text(dialog.windowTitle(), data)
    korean_text(dialog.message.text(), data)
    assert "1" in dialog.message.text()  # one more error since then
    assert str(log_path) in korean_text(dialog.where.text(), data)
    for button in dialog.findChildren(QAbstractButton):  # Copy Details and Close
        korean_text(button.text().replace("&", ""))
    dialog.copy_button.click()
    korean_text(dialog.copy_button.text())
    unlogged = CrashDialog(summary, "", None)
    qtbot.addWidget(unlogged)
    korean_text(unlogged.where.text())


# ------------------------------------------------------------------ the engine's messages
def _refusal(call) -> str:
    from engine.errors import SpecError

    with pytest.raises(SpecError) as caught:
        call()
    return str(caught.value)


def test_gpu_refusals_translate(korean, monkeypatch):
    """A cuda:N the machine lacks, a machine with no such device, a precision the device cannot do."""
    import engine.precision as precision
    import engine.training as training
    from engine.precision import resolve_precision
    from engine.errors import SpecError
    from engine.spec import field_problems
    from lab_gui.engine_text import engine_text

    messages = []
    for count in (0, 1, 3):  # no GPU, one, several
        monkeypatch.setattr(training, "gpu_count", lambda count=count: count)
        messages.append(_refusal(lambda: training.resolve_device("cuda:5")))
    monkeypatch.setattr(training, "available_devices", lambda: ["cpu"])
    messages.append(_refusal(lambda: training.resolve_device("cuda")))
    messages.append(_refusal(lambda: resolve_precision("fp16", torch.device("cpu"))))
    monkeypatch.setattr(precision, "native_bf16", lambda device: False)
    def no_name(device):
        raise RuntimeError("no CUDA here")

    monkeypatch.setattr(torch.cuda, "get_device_name", no_name)  # the GPU's name unknown: "this GPU"
    messages.append(_refusal(lambda: resolve_precision("bf16", torch.device("cuda", 0))))
    # the form's refusal, alone and among the spec's other problems (it holds "; " itself)
    spec = ExperimentSpec().with_overrides({"training.precision": "fp16", "training.device": "cpu"})
    messages.append(str(SpecError(field_problems(spec))))
    spec = spec.with_overrides({"training.schedule": "warmup", "training.warmup_steps": 0})
    messages.append(str(SpecError(field_problems(spec))))

    assert messages[0].endswith("this machine has no GPU")
    assert "1 GPU (cuda:0)" in messages[1] and "3 GPUs (cuda:0 to cuda:2)" in messages[2]
    assert "this GPU" in messages[5]
    assert messages[7].count("; ") == 2  # two problems, one of which holds "; "
    shown = [korean_text(engine_text(message)) for message in messages]
    for message, korean in zip(messages, shown):
        for kept in re.findall(r"training\.\w+=\S+?(?=[ ;:)]|$)|cuda:\d", message):
            assert kept in korean, (kept, korean)  # keys, values and devices as they were
    assert "GPU가 없습니다" in shown[0] and "이 GPU" in shown[5]
    assert shown[7].count("; ") == 1, shown[7]  # the problems, each whole


def test_recovery_copies_and_lock_holders_translate(korean, tmp_path):
    from lab_gui.engine_text import engine_text

    project = tmp_path / "my project.seqlab"
    saved = "2025-01-02T03:04:05+00:00"
    for copy in (RecoveryCopy(tmp_path / "x.seqlab", project, saved), RecoveryCopy(tmp_path / "y.seqlab", None, saved)):
        text = korean_text(engine_text(copy.describe()), {str(project)})
        assert saved in text and "복구본" in text
    assert str(project) in engine_text(RecoveryCopy(tmp_path / "x.seqlab", project, saved).describe())

    holder = LockHolder("a SeqLab window", 4321, "labhost", "kim", time.time(), None)
    text = korean_text(engine_text(holder.describe()), {"labhost", "kim"})
    assert "SeqLab 창" in text and "4321" in text and "labhost" in text and "kim" in text
    korean_text(engine_text(LockHolder("another program", 0, "", "", time.time(), None).describe()))


def test_gpu_failures_shown_after_a_run_translate(korean):
    """Out of memory on a GPU and an fp16 run that overflowed: messages of several
    sentences, an error quoted in one of them."""
    from engine.failures import failure_event
    from engine.step_guard import StepGuard
    from lab_gui.engine_text import engine_text

    error = "CUDA out of memory. Tried to allocate 2.00 GiB."
    event = failure_event(torch.cuda.OutOfMemoryError(error), 5, ExperimentSpec(), "cuda:0")
    text = engine_text(event.message)
    assert error in text
    korean_text(text.replace(error, ""))

    guard = StepGuard.__new__(StepGuard)  # only its message: no optimizer needed
    guard.scaled, guard.last_finite, guard.on_nonfinite = True, (6, 2.5, 3.25), "stop"
    message = guard._message(7, 1.5, float("inf"), "", 0.5, 0.0)
    assert message.startswith("diverged at step 7: the gradients overflowed fp16")
    text = korean_text(engine_text(message))
    assert "training.precision=fp32" in text and "training.lr" in text


def test_a_project_open_elsewhere_names_its_holder_in_korean(qtbot, make_window, tmp_path):
    path = tmp_path / "shared.seqlab"
    save_project(trained_project(), path)
    first = make_window(path=path)
    assert not first.document.read_only
    QSettings(str(tmp_path / "korean.ini"), QSettings.IniFormat).setValue("language", "ko")
    second = make_window(path=path, settings_name="korean")
    try:
        assert second.document.read_only
        banner = second.status.banner.text()
        assert "SeqLab 창(" in banner, banner
        holder = json.loads(lock_file_of(path).read_text(encoding="utf-8"))  # its user and host: names
        korean_text(banner, data_of(second) | {path.name, holder["user"], holder["host"]})
    finally:
        second.set_language("en")
