"""Save a plot as PNG, SVG or its data as CSV, each written atomically.

pyqtgraph's own SVGExporter fails on current versions (docs/ARCHITECTURE.md), so SVG is
rendered through QSvgGenerator: the widget paints itself as vector paths.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

from engine.atomic_file import write_atomic


def png_bytes(widget: QWidget) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    if not widget.grab().save(buffer, "PNG"):
        raise OSError("Qt could not encode the plot as PNG")
    return bytes(data)


def svg_bytes(widget: QWidget, title: str = "") -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    size = QSize(widget.width(), widget.height())
    generator.setSize(size)
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle(title)
    painter = QPainter(generator)
    try:
        widget.render(painter)
    finally:
        painter.end()
    return bytes(data)


def csv_text(header: list[str], rows) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def export_plot(widget: QWidget, path: Path, table=None, title: str = "") -> None:
    """Write `widget` to `path` in the format its suffix names (.png, .svg, .csv)."""
    suffix = path.suffix.lower()
    if suffix == ".png":
        write_atomic(path, png_bytes(widget))
    elif suffix == ".svg":
        write_atomic(path, svg_bytes(widget, title))
    elif suffix == ".csv":
        if table is None:
            raise ValueError("this plot has no data to export yet")
        write_atomic(path, csv_text(*table))
    else:
        raise ValueError(f"{path.name}: choose a .png, .svg or .csv file name")
