"""Gradient norms per parameter group at the latest probe, and the total
gradient norm at every step."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from engine.translation import QT_TRANSLATE_NOOP
from lab_gui.plots.panel import PlotPanel, new_plot, set_title, translate


class GroupNormPanel(PlotPanel):
    title = QT_TRANSLATE_NOOP("Plots", "Gradient norms")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.finish_controls()
        self.bar_plot = new_plot(self.graphics, 0, 0, QT_TRANSLATE_NOOP("Plots", "Per group"),
                                 QT_TRANSLATE_NOOP("Plots", "log10 ‖gradient‖ before clipping"), "")
        font = self.bar_plot.getAxis("left").style.get("tickFont") or self.font()
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        self.bar_plot.getAxis("left").setStyle(tickFont=font)
        self.bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[])
        self.bar_plot.addItem(self.bars)
        self.total_plot = new_plot(self.graphics, 1, 0, QT_TRANSLATE_NOOP("Plots", "Total gradient norm"),
                                   QT_TRANSLATE_NOOP("Plots", "step"), QT_TRANSLATE_NOOP("Plots", "‖gradient‖"))
        self.graphics.ci.layout.setRowStretchFactor(0, 3)
        self.total = self.total_plot.plot(connect="finite")
        self.total.setClipToView(True)
        self.total.setDownsampling(auto=True, method="peak")
        self.graphics.ci.layout.setRowStretchFactor(1, 1)
        self._latest: tuple[list[str], np.ndarray, int] | None = None
        self.bar_plot.vb.sigResized.connect(self._label_groups)

    def refresh(self) -> None:
        theme = self.theme
        run = self.run
        if run is not None and len(run.history) and "grad_norm" in run.history.names:
            norms = run.history.column("grad_norm")
            self.total.setData(run.history.column("step"), norms)
        else:
            self.total.setData([], [])
        snapshot = next((s for s in reversed(run.probes.snapshots()) if s.group_grad_norms is not None),
                        None) if run is not None else None
        if snapshot is None:
            self._latest = None
            self.bars.setOpts(x0=[], y=[], width=[])
            self.say(QT_TRANSLATE_NOOP("Plots", "Per-group norms appear at the first probe after a training step.")
                     if run is not None else "")
            return
        self.say("")
        names, norms = snapshot.group_names, np.asarray(snapshot.group_grad_norms, dtype=np.float64)
        self._latest = (names, norms, snapshot.step)
        with np.errstate(divide="ignore"):
            logs = np.log10(np.maximum(norms, 1e-12))
        base = min(float(logs.min()), 0.0) - 0.5
        rows = np.arange(len(names))[::-1]  # first group on top
        self.bars.setOpts(x0=np.full(len(names), base), y=rows, width=logs - base, height=0.7,
                          brush=theme.color(0), pen=pg.mkPen(theme.foreground, width=0.5))
        self._label_groups()
        set_title(self.bar_plot, translate("Plots", "Per group, step {step}").format(step=snapshot.step), theme)
        self.bar_plot.setYRange(-0.6, len(names) - 0.4, padding=0)

    def apply_theme(self, theme) -> None:
        self.total.setPen(pg.mkPen(theme.color(3), width=theme.width(1)))
        super().apply_theme(theme)

    def _label_groups(self) -> None:
        """Label every k-th group when there are more groups than lines of text fit."""
        if self._latest is None:
            return
        names = self._latest[0]
        rows = np.arange(len(names))[::-1]
        every = max(1, -(-len(names) * 14 // max(int(self.bar_plot.vb.height()), 1)))
        self.bar_plot.getAxis("left").setTicks([[(int(r), _short(n)) for i, (r, n) in enumerate(zip(rows, names))
                                                  if i % every == 0]])

    def has_data(self) -> bool:
        return self._latest is not None

    def table(self):
        if self._latest is None:
            return None
        names, norms, step = self._latest
        return ["group", "gradient_norm", "step"], [[n, float(v), step] for n, v in zip(names, norms)]


def _short(name: str, limit: int = 22) -> str:
    """Long module paths keep their end, which says what the group is."""
    return name if len(name) <= limit else "…" + name[-(limit - 1):]
