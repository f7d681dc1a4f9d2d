"""Screenshots of the window after training, for the README and for looking
at what a person sees. Runs on a virtual screen:

    xvfb-run -a python -m resources.screenshots.take --lesson 6 --show compare,attention
    xvfb-run -a python -m resources.screenshots.take --steps 300 --out /tmp/default.png
    xvfb-run -a -s "-screen 0 1920x1080x24" python -m resources.screenshots.take --lesson 8 --presentation
    QT_QPA_PLATFORM=offscreen python -m resources.screenshots.take --lesson 2 --language ko
    xvfb-run -a python -m resources.screenshots.take --steps 600 --try 2718281 --hover 2
    QT_QPA_PLATFORM=offscreen python -m resources.screenshots.take --preset recall-rnn --steps 150 \
        --sweep model.cell=rnn_tanh,lstm,gru --sweep task.distractors=2,6 --seeds 2 --out sweep-dock.png

A lesson races all its runs; a --sweep runs its trials on an embedded Ray (the Sweep
dock shows them); otherwise the default project trains --steps steps.
The settings are a fresh file of the script's own, so the window has its default
layout and your own settings are left alone.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent


def wait(app, condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        app.processEvents()
        time.sleep(0.02)
    return True


def take(out: Path, lesson: int | None = None, steps: int = 200, show: tuple[str, ...] = (),
         language: str = "en", run: int | None = None, size: tuple[int, int] = (1600, 1000),
         presentation: bool = False, try_text: str | None = None, hover: int | None = None,
         timeout: float = 600.0, preset: str | None = None, sweep: tuple[str, ...] = (), seeds: int = 1,
         lesson_sweep: bool = False) -> Path:
    """Train as asked, bring the `show` docks to the front, and save the window as PNG
    (in presentation mode: full screen, the size of the screen). With `try_text`,
    the Playground runs the model on it, with output token `hover` hovered. `preset`: the
    draft to start from; `sweep`: the fields a sweep of it varies (KEY=VALUES), `seeds` each."""
    from PySide6.QtCore import QCoreApplication, QEvent, QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from lab_gui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.IniFormat)
        settings.setValue("language", language)
        window = MainWindow(host_kind="thread", settings=settings)
        window.resize(*size)
        window.show()
        window.finish_startup(None)
        try:
            if preset is not None:
                from engine.presets import load_preset

                window.document.set_draft(load_preset(preset))
            if sweep:
                _sweep(window, sweep, seeds, steps)
            elif lesson is not None and lesson_sweep:
                window.open_lesson(lesson)
                _lesson_sweep(window)
            elif lesson is not None:
                window.open_lesson(lesson)
                window.race()
            else:
                window.document.set_draft(window.document.draft.with_overrides({"training.steps": steps}))
                window.session.train()
            if not wait(app, lambda: not (window.session.active or window.session.race_queue
                                          or window.sweeps.running), timeout):
                raise TimeoutError(f"training did not end within {timeout:.0f} s")
            if sweep or lesson_sweep:
                window.docks.make_room("sweep")  # in the default layout, made since the sweep started
                window.docks["sweep"].raise_()
            if run is not None:  # show this run (1-based) in the plots that show one run
                window.session.pick_run(window.document.project.runs[run - 1].id)
            window.redraws.redraw(force=True)
            for name in show:
                window.docks[name].show()
                window.docks[name].raise_()
            if try_text is not None:
                window.open_playground()
                window.playground.input.setEditText(try_text)
                if not window.playground.try_model():
                    raise ValueError(window.playground.message.text())
                if hover is not None:
                    window.playground.output_view.highlight(hover)
            if presentation:
                window.commands.presentation.setChecked(True)
            wait(app, lambda: False, 1.0)  # let the docks lay out and paint
            out.parent.mkdir(parents=True, exist_ok=True)
            if not window.grab().save(str(out)):
                raise OSError(f"could not write {out}")
        finally:
            window.session.shutdown(10)
            window.dialogs.save_discard_or_cancel = lambda *_question: "discard"  # a picture was all we wanted
            window.close()
            # Deleted now, while the application still exists: left to Python's
            # exit, a window that had been in presentation mode crashed it.
            window.deleteLater()
            QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    return out


def _sweep(window, vary: tuple[str, ...], seeds: int, steps: int) -> None:
    """A sweep of the draft (`steps` each, evaluated 10 times) on this machine's cores, as
    Run ▸ Sweep… starts one."""
    import os

    from engine.sweep.plan import SweepPlan, parse_variation
    from engine.sweep.ray_sweep import Placement
    from lab_gui.sweep_session import SweepRequest

    draft = window.document.draft.with_overrides({"training.steps": steps, "training.eval_every": max(steps // 10, 1)})
    plan = SweepPlan(draft, [parse_variation(text) for text in vary], seeds)
    if not window.sweeps.start(SweepRequest(plan, Placement(cpus=os.cpu_count()))):
        raise RuntimeError(window.status.banner.text() or "the sweep did not start")
    window.docks.make_room("sweep")


def _lesson_sweep(window) -> None:
    """The open lesson's sweep, as Continue Sweep in the Sweep dock runs it."""
    import os

    from engine.sweep.ray_sweep import Placement
    from lab_gui.sweep_session import SweepRequest

    record = window.sweeps.last_sweep()
    if record is None or not window.sweeps.start(SweepRequest(record.plan, Placement(cpus=os.cpu_count()),
                                                              record=record)):
        raise RuntimeError("this lesson has no sweep to run, or it did not start")
    window.docks.make_room("sweep")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lesson", type=int, help="race this lesson's runs (1-13)")
    parser.add_argument("--steps", type=int, default=200, help="steps for the default project")
    parser.add_argument("--show", default="", help="docks to bring to the front, e.g. compare,attention")
    parser.add_argument("--run", type=int, help="the run (1-based) the single-run plots show")
    parser.add_argument("--language", default="en", help="en or ko")
    parser.add_argument("--presentation", action="store_true", help="in presentation mode (full screen)")
    parser.add_argument("--size", default="1600x1000", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--try", dest="try_text", help="run the model on this input in the Playground")
    parser.add_argument("--hover", type=int, help="with --try: the output token (0-based) to hover")
    parser.add_argument("--preset", help="start from this preset (e.g. recall-rnn)")
    parser.add_argument("--sweep", action="append", default=[], metavar="KEY=VALUES",
                        help="sweep the draft varying this field (up to twice); the Sweep dock shows it")
    parser.add_argument("--seeds", type=int, default=1, help="with --sweep: seeds of each combination")
    parser.add_argument("--lesson-sweep", action="store_true", help="with --lesson: run its sweep, not its race")
    parser.add_argument("--out", type=Path, help="PNG to write (default: resources/screenshots/...)")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.lower().split("x"))
    kind = (f"lesson-{args.lesson}" + ("-sweep" if args.lesson_sweep else "") if args.lesson
            else "sweep-dock" if args.sweep else "default")
    name = kind + ("-playground" if args.try_text else "") \
        + ("-presentation" if args.presentation else "")
    out = args.out or HERE / f"{name}{'-' + args.language if args.language != 'en' else ''}.png"
    show = tuple(filter(None, args.show.split(",")))
    print(take(out, args.lesson, args.steps, show, args.language, args.run, (width, height), args.presentation,
               args.try_text, args.hover, preset=args.preset, sweep=tuple(args.sweep), seeds=args.seeds,
               lesson_sweep=args.lesson_sweep))
    return 0


if __name__ == "__main__":
    sys.exit(main())
