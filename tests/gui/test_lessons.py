"""The Lessons menu, the compare view and the race, driven like a user drives them."""

from tests.gui.conftest import wait_until


def test_a_lesson_opens_as_runs_with_its_text_and_races_into_the_compare_view(qtbot, make_window, tmp_path):
    window = make_window()
    titles = [a.text() for a in window.commands.lessons_menu.actions()]
    assert len(titles) == 13 and titles[2] == "&3. A ReLU RNN explodes; clipping tames it"
    window.commands.lessons_menu.actions()[2].trigger()
    project = window.document.project
    assert [r.name for r in project.runs] == ["ReLU RNN, no clipping", "ReLU RNN, clipped at 0.1"]
    text = window.lesson_panel.toPlainText()
    assert "Lesson 3" in text and "clipping keeps it finite" in text and "Race both runs" in text
    assert window.isWindowModified()

    compare = window.panels["compare"]
    assert compare.grid.rowCount() == 2 and not compare.has_data()
    assert window.race()
    assert not window.commands.race.isEnabled()  # one race at a time
    wait_until(qtbot, lambda: not window.session.active and not window.session.race_queue, 180, "the race to end")
    free, clipped = project.runs
    assert free.summary["diverged_at"] is not None and free.step == free.summary["diverged_at"]
    assert clipped.summary["diverged_at"] is None and clipped.step == clipped.spec.training.steps
    window.redraws.redraw(force=True)
    assert compare.has_data()
    rows = compare.table()[1]
    assert [row[0] for row in rows] == ["ReLU RNN, no clipping", "ReLU RNN, clipped at 0.1"]
    assert rows[0][1] == rows[1][1] == "ReLU RNN 1x64"
    assert int(rows[1][3]) == clipped.step and rows[1][4]  # steps and a final loss
    for row, (loss_curve, _) in enumerate(compare.curves.values()):
        assert len(loss_curve.xData) > 0
        # the run's name in the table carries its curve's colour (the plots have no legend)
        swatch = compare.grid.item(row, 0).icon().pixmap(14, 14).toImage()
        assert swatch.pixelColor(7, 7) == loss_curve.opts["pen"].color()
    # the target column answers from the evaluations
    compare.target.setValue(0.0)
    assert compare.table()[1][1][7].startswith("step ")
    compare.x_axis.setCurrentIndex(1)  # against wall time
    assert compare.loss_plot.getAxis("bottom").labelText == "wall time (s)"

    # saved and reopened: the lesson text and both runs come back
    path = tmp_path / "lesson.seqlab"
    assert window.document.save_to(path)
    again = make_window(path=path)
    assert [r.name for r in again.document.project.runs] == [r.name for r in project.runs]
    assert "Lesson 3" in again.lesson_panel.toPlainText()
    assert again.panels["compare"].table()[1][1][3] == str(clipped.step)


def test_race_trains_only_untrained_runs_and_a_stop_ends_it(qtbot, make_window):
    window = make_window()
    window.open_lesson(4)  # LSTM vs GRU: two runs of 1000 steps
    assert window.race()
    wait_until(qtbot, lambda: window.document.project.runs[0].step > 0 or len(window.document.project.runs[0].history) > 0,
               60, "the first run to start")
    window.session.stop()
    wait_until(qtbot, lambda: not window.session.active, 60, "the stop")
    qtbot.wait(200)
    assert window.session.race_queue == [] and not window.session.active
    assert len(window.document.project.runs[1].history) == 0  # the second run never started
    assert window.race()  # racing again trains only the untrained one
    wait_until(qtbot, lambda: window.session.run is window.document.project.runs[1], 30, "the second run")
    window.session.stop()
    wait_until(qtbot, lambda: not window.session.active, 60, "the stop")
