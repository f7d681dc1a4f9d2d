"""Refresh the translation files after a translatable string changed:

    python -m resources.translations.update

lupdate collects every string the window and the lesson catalogue mark for
translation into seqlab_<language>.ts, keeping the translations it already
has; new strings come in marked "unfinished" (translate them by hand or in
Qt Linguist, then run this again). lrelease then compiles each .ts to .qm.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
# lupdate reads these as text: translate() and QT_TRANSLATE_NOOP in the window, QT_TRANSLATE_NOOP
# in the lesson catalogue and in the engine's messages (engine/translation.py).
SOURCE_FOLDERS = ("lab_gui",)
SOURCE_FILES = ("engine/lessons/catalog.py", "engine/translation.py")
LANGUAGES = ("ko",)


def sources(root: Path = ROOT) -> list[Path]:
    return sorted([p for folder in SOURCE_FOLDERS for p in (root / folder).rglob("*.py")]
                  + [root / name for name in SOURCE_FILES])


def qt_tool(name: str) -> str:
    """lupdate and lrelease ship inside the PySide6-Essentials wheel."""
    import PySide6

    suffix = ".exe" if sys.platform == "win32" else ""
    return str(Path(PySide6.__file__).parent / f"{name}{suffix}")


def collect(ts: Path, root: Path = ROOT) -> None:
    """Write (or refresh) `ts` with the strings marked in the sources. No line
    numbers, so the file changes only when a string does."""
    _run([qt_tool("lupdate"), *map(str, sources(root)), "-ts", str(ts), "-locations", "none", "-no-obsolete"])


def compile_ts(ts: Path, qm: Path) -> None:
    _run([qt_tool("lrelease"), str(ts), "-qm", str(qm)])


def _run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")


def main() -> None:
    for language in LANGUAGES:
        ts = HERE / f"seqlab_{language}.ts"
        collect(ts)
        compile_ts(ts, ts.with_suffix(".qm"))
        print(f"updated {ts.relative_to(ROOT)} and {ts.with_suffix('.qm').name}")


if __name__ == "__main__":
    main()
