"""A live diagram of the assembled model: its blocks (embedding, encoder and
decoder stacks, attention, output head) with output shape and parameter
count, and for recurrent models the network unrolled in time; for a window model
the window sliding over the input, for a Markov chain the tokens it looks at."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView

from engine.spec import CELL_NAMES
from lab_gui.theme import LIGHT, Theme

BLOCK_W, BLOCK_H, GAP = 250, 58, 16
UNROLL_SHOWN = 6  # timesteps drawn before "…"
KIND_COLOURS = {"Embedding": "#4f8fd8", "Linear": "#3fae5a", "LSTM": "#e08a2e", "GRU": "#e08a2e",
                "RNN": "#e08a2e", "Block": "#9a5fd0", "RecurrentAttention": "#c2477f", "LayerNorm": "#8c8c8c"}


def _kind_colour(kind: str) -> QColor:
    return QColor(KIND_COLOURS.get(kind, "#7a8aa0"))


def _shrink_to(text, room: float):
    """`text` in a smaller font where it would spill out of `room` px."""
    if text.boundingRect().width() > room:
        font = text.font()
        font.setPointSizeF(font.pointSizeF() * room / text.boundingRect().width())
        text.setFont(font)
    return text


class ModelDiagram(QGraphicsView):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.Antialiasing | QPainter.TextAntialiasing)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self.theme = LIGHT
        self.blueprint = None
        self.message = ""
        self.block_names: list[str] = []  # what is drawn, for tests and accessibility

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.redraw()

    def show_blueprint(self, blueprint, message: str = "") -> None:
        self.blueprint, self.message = blueprint, message
        self.redraw()

    # ------------------------------------------------------------ drawing
    def redraw(self) -> None:
        scene = self.scene()
        scene.clear()
        self.block_names = []
        scene.setBackgroundBrush(QColor(self.theme.background))
        bp = self.blueprint
        if bp is None:
            self._text(0, 0, self.message or self.tr("No model"), 13, bold=True)
            self._fit()
            return
        family = {"rnn": self.tr("Recurrent network"), "seq2seq": self.tr("Encoder-decoder"),
                  "transformer": self.tr("Transformer"), "window": self.tr("Fixed-window model"),
                  "markov": self.tr("Markov chain")}[bp.family]
        detail = {"transformer": "", "window": f"τ = {bp.context}",
                  "markov": self.tr("order {0}").format(bp.order)}.get(bp.family, CELL_NAMES.get(bp.cell, bp.cell))
        size = self.tr("{0} parameters").format(f"{bp.total_parameters:,}") if bp.family != "markov" \
            else self.tr("counts, no weights")
        kind = {"lm": self.tr("next-token prediction"), "classify": self.tr("classification"),
                "tagging": self.tr("tagging"), "seq2seq": self.tr("sequence to sequence"),
                "generate": self.tr("generation"), "regression": self.tr("regression")}.get(bp.kind, bp.kind)
        title = f"{family} {detail}".strip() + f"  ·  {size}  ·  {kind}"
        self._text(0, -46, title, 14, bold=True)
        if self.message:
            self._text(0, -24, self.message, 10, colour="#d0342c")
        tops = bp.top_level()
        containers = [b for b in tops if bp.children(b.name)]
        if len(containers) == 2:  # encoder and decoder side by side
            left = self._column(bp, [containers[0]], 0, 0)
            right = self._column(bp, [b for b in tops if b is not containers[0]], BLOCK_W + 120, 0)
            link = self.tr("attention") if (bp.family == "transformer" or bp.attention != "none") \
                else self.tr("context vector")
            self._arrow(QPointF(BLOCK_W + 10, left * 0.5), QPointF(BLOCK_W + 110, left * 0.5), link)
            bottom = max(left, right)
        else:
            bottom = self._column(bp, tops, 0, 0)
        if bp.family in ("rnn", "seq2seq"):
            self._unrolled(bp, 0, bottom + 40)
        elif bp.family in ("window", "markov"):
            self._sliding(bp, 0, bottom + 40)
        self._fit()

    def _column(self, bp, blocks, x: float, y: float) -> float:
        """Draw `blocks` top to bottom from (x, y); returns the bottom edge."""
        previous = None
        for block in blocks:
            children = bp.children(block.name)
            top = y
            if children:
                header = 30
                inner_y = y + header
                for child in children:
                    self._block(child, x + 12, inner_y, BLOCK_W - 24, label=child.name.split(".", 1)[1])
                    inner_y += BLOCK_H + 8
                height = inner_y - y + 4
                rect = self.scene().addRect(QRectF(x, y, BLOCK_W, height), QPen(QColor(self.theme.foreground), 1.2),
                                            QBrush(Qt.NoBrush))
                rect.setZValue(-1)
                name = {"encoder": self.tr("Encoder"), "decoder": self.tr("Decoder")}.get(block.name,
                                                                                       block.name.capitalize())
                self._text(x + 8, y + 6, f"{name}  ·  {block.parameters:,}", 11, bold=True)
                self.block_names.append(block.name)
                y += height
            else:
                self._block(block, x, y, BLOCK_W)
                y += BLOCK_H
            if previous is not None:
                self._arrow(QPointF(x + BLOCK_W / 2, previous), QPointF(x + BLOCK_W / 2, top))
            previous = y
            y += GAP + 10
        return y

    def _block(self, block, x: float, y: float, width: float, label: str | None = None) -> None:
        colour = _kind_colour(block.kind)
        fill = QColor(colour)
        fill.setAlpha(70 if self.theme.name == "light" else 110)
        path = QPainterPath()
        path.addRoundedRect(QRectF(x, y, width, BLOCK_H), 7, 7)
        self.scene().addPath(path, QPen(colour, 1.6), QBrush(fill))
        _shrink_to(self._text(x + 8, y + 4, f"{label or block.name}  ({block.kind})", 10, bold=True), width - 14)
        shape = self.tr("out {0}").format(block.shape) if block.shape else ""
        parameters = self.tr("{0} params").format(f"{block.parameters:,}")
        self._text(x + 8, y + 30, f"{shape}   {parameters}".strip(), 9)
        self.block_names.append(block.name)

    def _unrolled(self, bp, x: float, y: float) -> None:
        """The recurrent network unrolled in time: x_t in, h_t carried along, outputs where the task has them."""
        self._text(x, y, self.tr("Unrolled in time"), 12, bold=True)
        y += 30
        steps = min(bp.input_length, UNROLL_SHOWN)
        cell = CELL_NAMES.get(bp.cell, bp.cell)
        layers_shown = min(bp.layers, 3)
        width, height, pitch = 72, 34, 100
        encoder = bp.family == "seq2seq"
        for layer in range(layers_shown):
            row_y = y + (layers_shown - 1 - layer) * (height + 26) + 30
            for t in range(steps):
                cx = x + 40 + t * pitch
                self._cell(cx, row_y, width, height, f"{cell}" if layer == 0 else f"{cell} {layer + 1}")
                if t:
                    self._arrow(QPointF(cx - pitch + width, row_y + height / 2), QPointF(cx, row_y + height / 2))
                if layer:
                    self._arrow(QPointF(cx + width / 2, row_y + height + 26), QPointF(cx + width / 2, row_y + height))
            if bp.input_length > steps:
                self._text(x + 40 + steps * pitch - 18, row_y + 6, "…", 14, bold=True)
        bottom = y + layers_shown * (height + 26) + 30
        top = y + 30
        for t in range(steps):
            cx = x + 40 + t * pitch + width / 2
            self._text(cx - 10, bottom + 2, f"x{_sub(t + 1)}", 11)
            self._arrow(QPointF(cx, bottom), QPointF(cx, bottom - 26))
            outputs_each_step = bp.kind in ("lm", "tagging", "regression")
            if outputs_each_step or (t == steps - 1 and not encoder):
                self._arrow(QPointF(cx, top), QPointF(cx, top - 20))
                self._text(cx - 10, top - 42, f"y{_sub(t + 1)}" if outputs_each_step else "y", 11)
        last_x = x + 40 + (steps - 1) * pitch + width
        self._text(x, top + layers_shown * (height + 26) - 8 - height / 2, "h₀", 10)
        if encoder:
            note = self.tr("context vector + attention → decoder") if bp.attention != "none" \
                else self.tr("final hidden state = the one context vector the decoder gets")
            self._text(last_x + 14, top + 4, note, 10)
        if bp.input_length > steps:
            self._text(x + 40, bottom + 26, self.tr("{0} timesteps in all").format(bp.input_length), 9)
        if bp.layers > layers_shown:
            self._text(last_x + 14, top + 30, self.tr("{0} layers in all").format(bp.layers), 9)

    def _sliding(self, bp, x: float, y: float) -> None:
        """The inputs in a row and the span the model reads to predict the last one's output:
        its window of tau inputs, or the chain's last `order` tokens. Nothing before it counts."""
        span = bp.context or bp.order
        shown = min(bp.input_length, UNROLL_SHOWN + 2)
        pitch, size = 56, 34
        self._text(x, y, self.tr("What one output sees"), 12, bold=True)
        row_y = y + 80
        reads = set(range(max(0, shown - span), shown))
        for t in range(shown):
            cx = x + 40 + t * pitch
            colour = _kind_colour("Linear" if t in reads else "")
            fill = QColor(colour)
            fill.setAlpha((70 if self.theme.name == "light" else 110) if t in reads else 25)
            self.scene().addRect(QRectF(cx, row_y, size, size), QPen(colour, 1.4), QBrush(fill))
            first = bp.input_length - shown + t + 1
            self._text(cx + 6, row_y + size + 6, f"x{_sub(first)}", 10)
        left = x + 40 + min(reads) * pitch - 8
        right = x + 40 + (shown - 1) * pitch + size + 8
        bracket = self.scene().addRect(QRectF(left, row_y - 8, right - left, size + 16),
                                       QPen(QColor(self.theme.foreground), 1.6, Qt.DashLine))
        bracket.setZValue(-1)
        what = (self.tr("window of the last {0} inputs → MLP → y").format(span) if bp.context
                else self.tr("the last {0} tokens → their row of counts, P(next | them) → next token").format(span))
        self._text(x + 40, row_y - 50, what, 10)
        self._arrow(QPointF(right - size / 2 - 8, row_y - 8), QPointF(right - size / 2 - 8, row_y - 28))
        if span > shown:
            self._text(x + 40, row_y + size + 28, self.tr("it reads all {0} inputs shown, and up to {1}")
                       .format(shown, span), 9)
        elif bp.input_length > shown:
            self._text(x + 40, row_y + size + 28, self.tr("the last {0} of {1} timesteps: nothing before the "
                                                          "last {2} reaches the output").format(
                shown, bp.input_length, span), 9)

    def _cell(self, x, y, w, h, label) -> None:
        colour = _kind_colour("LSTM")
        fill = QColor(colour)
        fill.setAlpha(70 if self.theme.name == "light" else 110)
        path = QPainterPath()
        path.addRoundedRect(QRectF(x, y, w, h), 6, 6)
        self.scene().addPath(path, QPen(colour, 1.4), QBrush(fill))
        text = _shrink_to(self._text(x, y, label, 9, bold=True), w - 8)  # "ReLU RNN 2" in a 72 px cell
        box = text.boundingRect()
        text.setPos(x + (w - box.width()) / 2, y + (h - box.height()) / 2)

    def _text(self, x, y, text, size, bold=False, colour=None):
        item = self.scene().addSimpleText(text)
        font = QFont()
        font.setPointSizeF(size)
        font.setBold(bold)
        item.setFont(font)
        item.setBrush(QColor(colour or self.theme.foreground))
        item.setPos(x, y)
        return item

    def _arrow(self, start: QPointF, end: QPointF, label: str = "") -> None:
        pen = QPen(QColor(self.theme.foreground), 1.3)
        self.scene().addLine(start.x(), start.y(), end.x(), end.y(), pen)
        direction = end - start
        length = max((direction.x() ** 2 + direction.y() ** 2) ** 0.5, 1e-6)
        ux, uy = direction.x() / length, direction.y() / length
        head = QPolygonF([end, QPointF(end.x() - 8 * ux + 4 * uy, end.y() - 8 * uy - 4 * ux),
                          QPointF(end.x() - 8 * ux - 4 * uy, end.y() - 8 * uy + 4 * ux)])
        self.scene().addPolygon(head, pen, QBrush(QColor(self.theme.foreground)))
        if label:
            self._text(min(start.x(), end.x()) + 4, min(start.y(), end.y()) - 20, label, 9)

    def _fit(self) -> None:
        rect = self.scene().itemsBoundingRect().adjusted(-16, -16, 16, 16)
        self.scene().setSceneRect(rect)
        self.fitInView(rect, Qt.KeepAspectRatio)
        if self.transform().m11() > 1.6:  # never blow a small model up past readable
            self.resetTransform()
            self.scale(1.6, 1.6)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()


def _sub(number: int) -> str:
    return str(number).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
