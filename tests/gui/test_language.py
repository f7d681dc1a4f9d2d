"""The window in Korean: translation files that are complete and current,
the language following the system, and a switch in View > Language."""

import re
import shutil
import tokenize
import xml.etree.ElementTree as ET

import pytest

from resources.translations import update
from tests.gui.conftest import wait_until

TS = update.HERE / "seqlab_ko.ts"


def messages(ts):
    root = ET.parse(ts).getroot()
    return [(context.findtext("name"), message.find("source").text, message.find("translation"))
            for context in root.iter("context") for message in context.iter("message")]


def test_the_translation_file_lists_exactly_the_strings_the_sources_mark(tmp_path):
    fresh = tmp_path / TS.name
    shutil.copy(TS, fresh)
    update.collect(fresh)  # adds strings new in the sources, drops ones no longer there
    assert fresh.read_text(encoding="utf-8") == TS.read_text(encoding="utf-8"), (
        "the marked strings changed: run `python -m resources.translations.update` and translate the new ones")
    contexts = {context for context, _, _ in messages(TS)}
    assert {"Lessons", "LessonPanel", "MainWindow"} <= contexts


def test_every_string_has_a_finished_korean_translation_keeping_its_placeholders():
    found = messages(TS)
    assert len(found) >= 40
    for context, source, translation in found:
        assert translation.get("type") is None and translation.text, f"{context}: {source!r} is not translated"
        text = translation.text
        assert re.search("[가-힣]", text), f"{source!r} has no Korean in {text!r}"
        assert sorted(re.findall(r"\{\w+\}", text)) == sorted(re.findall(r"\{\w+\}", source)), source
        assert sorted(re.findall(r"</?\w+>", text)) == sorted(re.findall(r"</?\w+>", source)), source
        assert ("&" in source) == ("&" in text), f"menu mnemonic lost or added in {text!r}"


def test_the_compiled_file_is_current(tmp_path):
    compiled = tmp_path / "seqlab_ko.qm"
    update.compile_ts(TS, compiled)
    assert compiled.read_bytes() == TS.with_suffix(".qm").read_bytes(), (
        "seqlab_ko.qm is older than seqlab_ko.ts: run `python -m resources.translations.update`")


def test_no_tr_call_hides_inside_an_f_string():
    """lupdate does not look inside f-strings, so a tr() there is never translated."""
    for path in update.sources():
        with open(path, "rb") as source:
            for token in tokenize.tokenize(source.readline):
                if token.type == tokenize.STRING and token.string[:2].lower() in ("f'", 'f"') \
                        and re.search(r"\btr\(", token.string):
                    pytest.fail(f"{path.name}:{token.start[0]}: tr() inside an f-string")


def test_the_language_follows_the_system_when_seqlab_has_it(monkeypatch):
    from lab_gui import language

    class System:
        def __init__(self, names):
            self.names = names

        def uiLanguages(self):  # noqa: N802 - Qt's name
            return self.names

    for names, expected in ((["ko-KR", "en-US"], "ko"), (["de-DE", "ko"], "ko"), (["fr_FR"], "en"), ([], "en")):
        monkeypatch.setattr(language.QLocale, "system", staticmethod(lambda n=names: System(n)))
        assert language.system_language() == expected, names


def test_view_language_switches_the_lesson_panel_and_menus_and_is_remembered(qtbot, make_window):
    window = make_window()
    window.open_lesson(2)
    assert window.commands.lessons_menu.title() == "&Lessons"
    assert "Lesson 2: Vanishing gradients" in window.lesson_panel.toPlainText()

    window.commands.language_menu.actions()[2].trigger()  # 한국어
    try:
        wait_until(qtbot, lambda: window.commands.lessons_menu.title() == "레슨(&L)", 5)
        text = window.lesson_panel.toPlainText()
        assert "레슨 2: 기울기 소실" in text and "LSTM과 GRU는 성공" in text and "실행 목록" in text
        assert "python main.py lessons --only 2" in text  # the command stays as typed
        assert window.commands.lessons_menu.actions()[8].text() == "&9. 위치 인코딩"
        assert window.docks["lesson"].windowTitle() == "레슨"
        assert window.commands.language_menu.title() == "언어(&L)"
        assert window.settings.value("language") == "ko"
        assert window.commands.language_actions["ko"].isChecked()
        # run names are the project's own and stay as they were
        assert all(run.name in text for run in window.document.project.runs)
    finally:
        window.set_language("en")
    wait_until(qtbot, lambda: window.commands.lessons_menu.title() == "&Lessons", 5)
    assert "Lesson 2: Vanishing gradients" in window.lesson_panel.toPlainText()


def test_a_window_opens_in_the_language_its_settings_remember(qtbot, make_window):
    window = make_window(settings_name="korean")
    window.set_language("ko")
    try:
        again = make_window(settings_name="korean")  # the same settings file
        assert again.language == "ko"
        assert again.commands.lessons_menu.title() == "레슨(&L)"
        assert "메뉴에서 레슨을 여세요" in again.lesson_panel.toPlainText()
    finally:
        window.set_language("en")
