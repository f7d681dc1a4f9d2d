"""SeqLab: `python main.py` opens the lab window; `python main.py PROJECT.seqlab`
opens that project in it; `python main.py COMMAND` runs a headless command
(train, presets, describe, spec, probes, info, recover, export; --help lists them)."""

from __future__ import annotations

import signal
import sys
import threading


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        if not args or (len(args) == 1 and args[0].endswith(".seqlab")):
            from lab_gui.app import run_window

            return run_window(args[0] if args else None)
        from engine.cli import main as cli_main

        return cli_main(args)
    finally:
        # The work is done and its files written; a late Ctrl-C must not turn
        # the exit into a traceback from torch's teardown.
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    sys.exit(main())
