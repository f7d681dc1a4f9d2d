"""SeqLab's window (PySide6 + pyqtgraph). Imports engine's public modules; the engine never imports this."""

APP_NAME = "SeqLab"
