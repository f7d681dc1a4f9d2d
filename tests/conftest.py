import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Engine processes and command-line runs in the tests log to a folder of their own, not the person's.
os.environ.setdefault("SEQLAB_LOG_DIR", tempfile.mkdtemp(prefix="seqlab-test-logs-"))
