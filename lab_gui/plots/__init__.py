"""Live plots. Each panel keeps its plot items and calls setData; the stream
asks each for one redraw per frame, however many training steps arrived."""
