"""SeqLab: `python main.py` opens the lab window; `python main.py PROJECT.seqlab`
opens that project in it; `python main.py COMMAND` runs a headless command
(train, presets, describe, spec, probes, info, recover, export; --help lists them).
Qt's own options (`-platform offscreen`, `-style fusion`, `-reverse`) go to the window."""

from __future__ import annotations

import signal
import sys
import threading

# Qt's options that take a value (QGuiApplication, QApplication, and X11's older names);
# SeqLab's own options all start with "--".
QT_OPTIONS_WITH_VALUE = {"-platform", "-platformpluginpath", "-platformtheme", "-plugin", "-qwindowgeometry",
                         "-qwindowtitle", "-qwindowicon", "-geometry", "-title", "-icon", "-display", "-session",
                         "-style", "-stylesheet"}
QT_FLAGS = {"-reverse", "-widgetcount"}


def window_arguments(args: list[str]) -> tuple[list[str], str | None] | None:
    """(Qt's options, the project to open) when `args` ask for the window: Qt's
    options and at most one PROJECT.seqlab. None when they name a headless command."""
    qt_options, rest = [], []
    arguments = iter(args)
    for arg in arguments:
        if arg in QT_OPTIONS_WITH_VALUE:
            qt_options += [arg, next(arguments, "")]
        elif arg in QT_FLAGS or arg.split("=", 1)[0] in {"-style", "-stylesheet", "-qmljsdebugger"}:
            qt_options.append(arg)
        else:
            rest.append(arg)
    if not rest:
        return qt_options, None
    if len(rest) == 1 and rest[0].endswith(".seqlab"):
        return qt_options, rest[0]
    return None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        window = window_arguments(args)
        if window is not None:
            from lab_gui.app import run_window

            qt_options, project = window
            return run_window(project, qt_arguments=qt_options)
        from engine.logs import log_to_file, warn_in_terminal

        log_file = log_to_file()
        if log_file is not None:  # else Python prints warnings and errors, tracebacks too, as it always did
            warn_in_terminal(log_file)
        from engine.cli import main as cli_main

        return cli_main(args)
    finally:
        # The work is done and its files written; a late Ctrl-C must not turn
        # the exit into a traceback from torch's teardown.
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    sys.exit(main())
