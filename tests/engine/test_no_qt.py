"""The engine runs on a machine with no Qt: import every engine module and
train with PySide6 and pyqtgraph made unimportable."""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import importlib.abc, pkgutil, sys

    class NoQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("PySide6", "pyqtgraph", "lab_gui", "shiboken6"):
                raise ImportError(f"{name} is blocked: the engine must not need it")
            return None

    sys.meta_path.insert(0, NoQt())
    import engine
    for module in pkgutil.walk_packages(engine.__path__, "engine."):
        importlib.import_module(module.name)
    from engine.cli import main
    code = main(["train", "--preset", "hello-rnn", "--steps", "20", "--quiet"])
    assert not any(m.split(".")[0] in ("PySide6", "pyqtgraph") for m in sys.modules)
    sys.exit(code)
""")


def test_engine_imports_and_trains_with_qt_blocked():
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "completed at step 20" in result.stdout
