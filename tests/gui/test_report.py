"""The HTML report, opened in headless Chromium, and copying a plot to the clipboard."""

import re
import shutil
import subprocess

import pytest
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import wait_until

# Counts the report's images that the browser decoded; added to a copy of the
# report for the test only (the report itself has no script).
PROBE = ("<script>addEventListener('load', () => document.body.setAttribute('data-images', "
         "[...document.images].map(i => i.complete && i.naturalWidth > 0 ? i.naturalWidth : 0).join(',')))</script>")


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.fail("the report test needs Chromium: on Debian, apt-get install chromium")


def images_loaded(report, tmp_path) -> list[int]:
    probe = tmp_path / "probe.html"
    probe.write_text(report.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), encoding="utf-8")
    profile = tmp_path / "profile"
    done = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
         "--disable-background-networking", "--disable-component-update", "--disable-quic",
         f"--user-data-dir={profile}", "--virtual-time-budget=10000", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=120)
    found = re.search(r'data-images="([\d,]*)"', done.stdout)
    assert found, f"Chromium did not run the page: {done.stderr[-2000:]}"
    return [int(n) for n in found.group(1).split(",") if n]


def test_a_lesson_report_opens_in_chromium_with_every_image_and_no_network(qtbot, make_window, tmp_path):
    window = make_window()
    window.open_lesson(9)  # two Transformer runs: attention maps as well as curves
    for run in window.document.project.runs:
        run.spec = run.spec.with_overrides({"training.steps": 30})
    assert window.race()
    wait_until(qtbot, lambda: not window.session.active and not window.session.race_queue, 180, "the race to end")

    report = tmp_path / "lesson.html"
    assert window.export("report", report)
    text = report.read_text(encoding="utf-8")
    assert "Lesson 9: Positional encoding" in text and "Runs compared" in text
    for run in window.document.project.runs:
        assert run.name in text
    assert "Transformer" in text and "device" in text and "cpu" in text
    # self-contained: nothing to fetch
    assert not re.search(r"""(src|href)=['"](?!data:)""", text)
    assert "http://" not in text and "https://" not in text

    widths = images_loaded(report, tmp_path)
    # the comparison; the current run's loss, gradients, its three attention maps, gradient norms
    assert len(widths) >= 6 and all(width >= 900 for width in widths), widths  # drawn at print size


def test_a_plot_copies_to_the_clipboard_as_an_image(qtbot, make_window):
    window = make_window()
    QApplication.clipboard().clear()
    panel = window.panels["loss"]
    panel.copy_image()
    image = QApplication.clipboard().image()
    assert not image.isNull() and image.size() == panel.graphics.size()
