"""The window end to end: assemble a model in the forms, train it in the
background, see every plot fill, change settings live, save and reopen."""

import numpy as np

from tests.gui.conftest import train_to_end, wait_until


def choose(window, key, value):
    """Pick `value` in a combo box the way a user does."""
    form = window.forms.form_of(key)
    combo = form.editors[key]
    index = combo.findData(value)
    assert index >= 0, f"{value} is not offered for {key}"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def type_into(qtbot, window, key, text):
    form = window.forms.form_of(key)
    editor = form.editors[key]
    editor.clear()
    qtbot.keyClicks(editor, text)
    editor.editingFinished.emit()
    return form


def quick(window, steps, probe_every=10):
    """Short runs probe on schedule (the probe time budget is for long runs)."""
    window.document.set_draft(window.document.draft.with_overrides({"training.steps": steps, "training.eval_every": 25,
                                                  "probes.every": probe_every, "probes.max_time_fraction": 1.0}))


def test_lstm_trains_live_changes_lr_saves_and_reopens(qtbot, make_window, tmp_path):
    window = make_window("process")
    choose(window, "model.family", "rnn")
    choose(window, "model.cell", "lstm")
    choose(window, "task.name", "recall")
    type_into(qtbot, window, "model.hidden_size", "48")
    assert window.document.draft.model.cell == "lstm" and window.document.draft.model.hidden_size == 48
    assert "rnn" in window.diagram.block_names  # the diagram follows the form
    quick(window, 100_000)
    assert window.session.train()
    wait_until(qtbot, lambda: len(window.session.run.history) >= 60, message="60 steps")
    type_into(qtbot, window, "training.lr", "0.0042")
    run = window.session.run
    wait_until(qtbot, lambda: np.isclose(run.history.column("lr")[-1], 0.0042), message="the new lr in use")
    # the plots in view are drawn while training (at least once a second) ...
    wait_until(qtbot, lambda: window.panels["loss"].has_data() and window.panels["inside"].has_data(),
               message="the plots in view to have data")
    window.docks["norms"].raise_()  # ... and a plot in a hidden tab when it is shown
    window.docks["compare"].raise_()
    # (the Sweep dock draws sweeps: tests/gui/test_sweep.py)
    wait_until(qtbot, lambda: all(p.has_data() for name, p in window.panels.items()
                                  if name not in ("attention", "sweep")), message="every plot to have data")
    assert window.panels["attention"].message.text() == "This model has no attention."
    window.session.stop()
    wait_until(qtbot, lambda: not window.session.active, message="the stop")
    steps = run.step
    assert steps >= 60 and run.state is not None
    assert "[*]" in window.windowTitle() and window.isWindowModified()
    path = tmp_path / "lab.seqlab"
    assert window.document.save_to(path)
    assert not window.isWindowModified() and window.windowTitle().startswith("lab.seqlab")

    reopened = make_window("thread", path)
    assert [r.id for r in reopened.document.project.runs] == [r.id for r in window.document.project.runs]
    again = reopened.document.project.run()
    assert again.step == steps and len(again.history) == len(run.history)
    np.testing.assert_array_equal(again.history.column("train_loss"), run.history.column("train_loss"))
    assert reopened.document.draft.model.cell == "lstm"
    assert reopened.panels["loss"].has_data() and reopened.panels["inside"].has_data()


def test_seq2seq_with_attention_shows_its_attention_map(qtbot, make_window):
    window = make_window()
    assert window.document.draft.model.family == "seq2seq" and window.document.draft.model.attention != "none"
    quick(window, 60)
    train_to_end(qtbot, window)
    attention = window.panels["attention"]
    assert attention.has_data()
    matrix, queries, keys, step = attention._shown
    assert step == 60 and matrix.shape == (len(queries), len(keys)) and matrix.sum() > 0
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0, atol=1e-3)  # each query's weights sum to one
    assert all(p.has_data() for name, p in window.panels.items() if name != "sweep")
    loss = window.panels["loss"]  # the titles name the curves in their colours: no legend box on them
    assert loss.loss_plot.legend is None and loss.metric_plot.legend is None
    assert f"<span style='color: {window.theme.color(1)}'>validation</span>" in loss.loss_plot.titleLabel.text
    assert f"<span style='color: {window.theme.color(2)}'>sequence accuracy</span>" in loss.metric_plot.titleLabel.text
    assert window.status.step_label.text() == "step 60" and window.status.progress.value() == 60
    choose(window, "model.cell", "gru")  # the trained run stays; a new one is named for what it is
    window.session.new_run()
    assert [window.run_panel.run_picker.itemText(i).split(" (")[0] for i in range(window.run_panel.run_picker.count())] == \
        ["run-1: reverse-attention", "run-2: GRU seq2seq 128, attention general"]


def test_transformer_trains_with_every_head_pickable(qtbot, make_window):
    window = make_window()
    choose(window, "model.family", "transformer")
    assert window.document.draft.model.arch == "encoder_decoder"  # the one that can learn the task
    quick(window, 40)
    train_to_end(qtbot, window)
    # the untrained default run took the new spec, and a name that says so
    assert window.run_panel.run_picker.currentText() == "run-1: Transformer encoder-decoder 1x64, 4 heads (40 steps)"
    attention = window.panels["attention"]
    assert attention.has_data()
    maps = [attention.which.itemData(i) for i in range(attention.which.count())]
    assert set(maps) == {"self", "cross", "decoder_self"}
    assert attention.head.count() == window.document.draft.model.heads + 1  # each head and their mean
    attention.head.setCurrentIndex(2)
    assert attention._shown[0].shape[0] > 0
    assert window.panels["inside"].message.text().startswith("Gates and hidden states are shown for recurrent")


def test_a_new_project_while_training_ends_the_run_and_says_so(qtbot, make_window, dialogs):
    window = make_window()
    quick(window, 100_000)
    assert window.session.train()
    run = window.session.run
    wait_until(qtbot, lambda: len(run.history) >= 5, message="training")
    states = []
    window.session.controller.state_changed.connect(states.append)
    window.session.controller.host.poll = lambda: []  # its last events lost: the window must still end the run
    window.document.new_project()
    assert dialogs["shown"][0][:2] == ("question", "Unsaved changes")
    assert states[-1] == "idle" and window.status.state_label.text() == "idle"
    assert window.commands.train.isEnabled() and not window.commands.stop.isEnabled()
    assert window.document.project.run() is not run and window.document.project.run().state is None


def test_invalid_values_are_refused_next_to_their_field_and_edits_undo(qtbot, make_window):
    window = make_window()
    before = window.document.draft
    form = type_into(qtbot, window, "model.hidden_size", "-5")
    assert form.error_text("model.hidden_size") == "model.hidden_size=-5 must be at least 1"
    assert form.editors["model.hidden_size"].text() == "128" and window.document.draft == before
    type_into(qtbot, window, "model.hidden_size", "96")
    assert form.error_text("model.hidden_size") == "" and window.document.draft.model.hidden_size == 96
    assert "96" in " ".join(b for b in window.diagram.block_names) or window.diagram.blueprint.total_parameters > 0
    window.commands.undo.trigger()
    assert window.document.draft.model.hidden_size == 128 and form.editors["model.hidden_size"].text() == "128"
    window.commands.redo.trigger()
    assert window.document.draft.model.hidden_size == 96
    choose(window, "model.family", "transformer")
    form = type_into(qtbot, window, "model.heads", "3")
    assert "not divisible by model.heads=3" in form.error_text("model.heads")
    assert window.document.draft.model.heads == 4


def test_a_bad_project_file_gets_one_message_and_changes_nothing(qtbot, make_window, dialogs, tmp_path):
    window = make_window()
    project = window.document.project
    bad = tmp_path / "broken.seqlab"
    bad.write_bytes(b"not a zip at all")
    assert not window.document.open_file(bad)
    assert window.document.project is project
    (kind, title, text), = dialogs["shown"]
    assert kind == "warning" and "broken.seqlab" in text


def test_plots_export_png_svg_and_csv(qtbot, make_window, tmp_path):
    window = make_window()
    quick(window, 30)
    train_to_end(qtbot, window)
    for name, panel in window.panels.items():
        if name == "sweep":  # no sweep in this project: tests/gui/test_sweep.py exports one
            continue
        for suffix in (".png", ".svg", ".csv"):
            path = tmp_path / f"{name}{suffix}"
            assert panel.export(path), path
            data = path.read_bytes()
            if suffix == ".png":
                assert data[:8] == b"\x89PNG\r\n\x1a\n"
            elif suffix == ".svg":
                assert b"<svg" in data and (b"<path" in data or b"<polyline" in data or b"<image" in data)
            else:
                assert len(data.decode().splitlines()) >= 2


def test_dark_theme_reaches_the_plots_and_the_diagram(qtbot, make_window):
    from lab_gui.theme import DARK

    window = make_window()
    window.set_theme_choice("dark")
    assert window.panels["loss"].graphics.backgroundBrush().color().name() == DARK.background
    assert window.diagram.scene().backgroundBrush().color().name() == DARK.background


def test_following_the_system_theme_follows_it_switching_while_open(qtbot, make_window, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from lab_gui import theme
    from lab_gui.theme import DARK, LIGHT

    window = make_window()
    window.set_theme_choice("system")
    monkeypatch.setattr(theme, "system_theme", lambda: DARK)  # what the system says after its switch
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert window.theme is DARK and window.panels["loss"].graphics.backgroundBrush().color().name() == DARK.background
    window.set_theme_choice("light")  # a theme of the person's own stays
    QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert window.theme is LIGHT


def test_a_killed_engine_is_reported_and_training_starts_again(qtbot, make_window):
    import os
    import signal
    import time

    window = make_window("process")
    quick(window, 1_000_000)
    assert window.session.train()
    run = window.session.run
    wait_until(qtbot, lambda: len(run.history) >= 20, message="20 steps")
    os.kill(window.session.controller.host.pid, signal.SIGKILL)
    killed = time.monotonic()
    wait_until(qtbot, lambda: not window.status.banner.isHidden(), timeout=5, message="the report")
    assert time.monotonic() - killed < 1.0  # issue 8: within a second
    assert "engine process died" in window.status.banner.text()
    kept = len(run.history)
    assert kept >= 20 and window.document.project.run() is run
    quick(window, 20)
    assert window.session.train()
    wait_until(qtbot, lambda: not window.session.active, message="the new run")
    assert len(run.history) == kept  # what the dead engine sent is kept as it was
    assert window.document.project.run() is not run and window.document.project.run().step == 20


def test_the_dock_layout_and_theme_come_back_next_time(qtbot, make_window):
    window = make_window(settings_name="shared")
    # The docks come after the window is on screen; each is shown then and there,
    # so a layout saved at once has them (the Playground becomes a tab a moment later;
    # the Sweep dock waits for a sweep).
    assert [name for name, dock in window.docks.docks.items() if dock.isHidden()] == ["playground", "sweep"]
    window.docks["norms"].hide()
    window.set_theme_choice("dark")
    window.close()
    again = make_window(settings_name="shared")
    assert again.docks["norms"].isHidden() and not again.docks["loss"].isHidden()
    assert again.theme.name == "dark"


def visible_tab_bars(window) -> list[list[str]]:
    from PySide6.QtWidgets import QTabBar

    return sorted([bar.tabText(i) for i in range(bar.count())]
                  for bar in window.findChildren(QTabBar)
                  if bar.isVisible() and bar.parent() is window)  # the docks' own, not a panel's tabs


def test_each_group_of_tabbed_docks_has_one_tab_bar_fresh_and_restored(qtbot, make_window):
    """Qt drew a second, stale tab bar over the attention plot when tab groups were made too early."""
    groups = [["Architecture", "Task", "Training", "Lesson"], ["Inside view", "Gradient norms", "Playground"],
              ["Loss", "Compare runs"]]
    window = make_window(settings_name="tabs")
    qtbot.wait(1200)  # the layout settles within a second, however busy the machine
    assert visible_tab_bars(window) == groups
    window.close()
    again = make_window(settings_name="tabs")
    qtbot.wait(1200)
    assert visible_tab_bars(again) == groups


def test_the_screenshot_script_saves_a_painted_window(qtbot, tmp_path):
    """resources/screenshots/take.py, which makes the README's pictures, trains and grabs the window."""
    from PySide6.QtGui import QImage

    from resources.screenshots.take import take

    out = take(tmp_path / "shot.png", steps=10, show=("loss",), size=(1400, 900))
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1400, 900)  # fits a 1440-wide laptop screen
    colours = {image.pixel(x, y) for x in range(0, 1400, 37) for y in range(0, 900, 23)}
    assert len(colours) > 20  # drawn widgets and plots, not one flat colour


def test_garbage_is_collected_in_the_gui_thread_only(qtbot, make_window):
    """A cycle holding a Qt object, collected in a training thread, deleted that object
    off the GUI thread and crashed the window (a segfault in CI). The thread host trains
    in this process and frees memory after each run."""
    import gc
    import threading

    window = make_window("thread")
    finalised_in = []

    class Cycle:
        def __init__(self):
            self.me = self

        def __del__(self):
            finalised_in.append(threading.current_thread().name)

    Cycle()  # garbage now, collectable only by the cycle collector
    quick(window, 3)
    assert window.session.train()
    wait_until(qtbot, lambda: not window.session.active, message="the run to end")
    wait_until(qtbot, lambda: finalised_in, timeout=10, message="the GUI's collection")
    assert finalised_in == [threading.main_thread().name] and not gc.isenabled()


def test_the_window_redraws_a_plot_once_its_cost_allows(qtbot, make_window, monkeypatch):
    """The scheduler's rule (tests/gui/test_redraw.py) with the window's real plots."""
    import time

    window = make_window()
    panel = window.panels["loss"]
    monkeypatch.setattr(panel, "refresh", lambda: time.sleep(0.004))  # a redraw costing 4 ms
    window.redraws.mark_stale(["loss"])
    assert window.redraws.redraw(force=True)
    assert window.redraws.interval >= window.redraws.cost_factor * 0.004
    window.redraws.mark_stale(["loss"])
    assert not window.redraws.redraw()  # too soon: the plots wait, the training goes on
    assert "loss" in window.redraws.stale


def test_events_are_pulled_as_often_as_the_plots_redraw_need_them(qtbot, make_window, monkeypatch):
    """Half the redraw interval, between a frame (33 ms) and half a second, and the
    engine batches them as often: more only takes time from the training."""
    import time

    from lab_gui.training_controller import FRAME_MS, SLOWEST_POLL_MS

    window = make_window()
    window.redraws.cost_factor = 60  # a 2-core machine's, whatever this one has
    panel = window.panels["loss"]
    monkeypatch.setattr(panel, "refresh", lambda: time.sleep(0.02))  # a slow redraw: 20 ms, a second apart
    window.redraws.mark_stale(["loss"])
    assert window.redraws.redraw(force=True)
    assert window.session.controller.timer.interval() == SLOWEST_POLL_MS
    assert window.session.controller.host.flush_interval == SLOWEST_POLL_MS / 1000
    monkeypatch.setattr(panel, "refresh", lambda: None)  # a redraw costing next to nothing
    window.redraws.mark_stale(["loss"])
    assert window.redraws.redraw(force=True)
    assert window.session.controller.timer.interval() == FRAME_MS
    assert window.session.controller.host.flush_interval == FRAME_MS / 1000
    window.session.controller.poll_every(1.0)
    window.document.set_draft(window.document.draft.with_overrides({"training.steps": 5}))
    assert window.session.train()
    assert window.session.controller.timer.interval() == FRAME_MS  # a run starts at the frame rate
    assert window.session.controller.host.flush_interval == FRAME_MS / 1000
    wait_until(qtbot, lambda: not window.session.active, message="the run to end")


def test_a_pause_or_stop_is_answered_at_the_frame_rate_however_seldom_events_are_pulled(qtbot, make_window):
    """Between redraws a second apart the pulls go every half second; a control's
    answer from the engine must not wait that long to show."""
    from lab_gui.training_controller import FRAME_MS, SLOWEST_POLL_MS

    window = make_window()
    controller = window.session.controller
    window.redraws.on_interval = lambda seconds: None  # the pace is this test's to set
    window.document.set_draft(window.document.draft.with_overrides({"training.steps": 100_000}))
    assert window.session.train()
    wait_until(qtbot, lambda: len(window.session.run.history) > 0, message="the first steps")
    controller.poll_every(1.0)
    assert controller.timer.interval() == SLOWEST_POLL_MS
    controller.pause()
    assert controller.timer.interval() == FRAME_MS
    wait_until(qtbot, lambda: controller.state == "paused", message="the pause's answer")
    assert controller.timer.interval() == SLOWEST_POLL_MS  # answered: back to the plots' pace
    controller.resume()
    assert controller.timer.interval() == FRAME_MS
    controller.poll_every(0.1)  # a redraw interval learnt while the answer is awaited...
    assert controller.timer.interval() == FRAME_MS
    wait_until(qtbot, lambda: controller.state == "running", message="the resume's answer")
    assert controller.timer.interval() == 100  # ...is the pace after it
    controller.poll_every(1.0)
    controller.stop()
    assert controller.timer.interval() == FRAME_MS
    wait_until(qtbot, lambda: not window.session.active, message="the stop's answer")


def test_the_last_pull_of_a_run_comes_at_the_frame_rate(qtbot):
    """With pulls half a second apart, a run whose steps left are fewer than the last
    pull brought ends before the next: the controller pulls at the frame rate until
    it does, so the finished run shows at once."""
    import numpy as np

    from engine.events import RunFinished, Scalars
    from engine.presets import DEFAULT_PRESET, load_preset
    from engine.project import Project
    from lab_gui.training_controller import FRAME_MS, SLOWEST_POLL_MS, TrainingController

    class Host:
        outbox: list = []

        def start(self, *args):
            pass

        def poll(self):
            events, Host.outbox = Host.outbox, []
            return events

        def flush_every(self, seconds):
            pass

    run = Project().add_run(load_preset(DEFAULT_PRESET).with_overrides({"training.steps": 100}))
    controller = TrainingController(Host())
    controller.start(run)
    controller.poll_every(1.0)

    def pull(first: int, last: int) -> None:
        steps = np.arange(first, last, dtype=np.int64)
        Host.outbox = [Scalars(steps, steps * 0.01, {"train_loss": np.ones(len(steps), np.float32)})]
        controller.drain()

    pull(0, 40)
    assert controller.timer.interval() == SLOWEST_POLL_MS  # 60 left, 40 a pull
    pull(40, 80)
    assert controller.timer.interval() == FRAME_MS  # 20 left: the end comes before the next pull
    Host.outbox = [RunFinished(100, "completed", {})]
    controller.drain()
    assert controller.state == "idle" and not controller.timer.isActive()
