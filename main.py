"""SeqLab: `python main.py` runs the default experiment; `python main.py COMMAND`
runs a headless command (train, presets, describe, spec, probes, info, recover,
export; --help lists them)."""

from __future__ import annotations

import signal
import sys
import threading


def main(argv: list[str] | None = None) -> int:
    from engine.cli import main as cli_main

    args = sys.argv[1:] if argv is None else argv
    try:
        if not args:
            # The window is not built yet: train the default preset headless.
            return cli_main(["train", "--preset", "default"])
        return cli_main(args)
    finally:
        # The work is done and its files written; a late Ctrl-C must not turn
        # the exit into a traceback from torch's teardown.
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)


if __name__ == "__main__":
    sys.exit(main())
