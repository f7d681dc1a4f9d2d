"""SeqLab: `python main.py` runs the default experiment; `python main.py COMMAND`
runs a headless command (train, presets, describe, spec; --help lists them)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from engine.cli import main as cli_main

    args = sys.argv[1:] if argv is None else argv
    if not args:
        # The window is not built yet: train the default preset headless.
        return cli_main(["train", "--preset", "default"])
    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
