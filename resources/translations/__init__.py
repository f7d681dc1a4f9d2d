"""Qt translation files: seqlab_<language>.ts (the source, edited by hand or
in Qt Linguist) and seqlab_<language>.qm (compiled, loaded by the window)."""
