"""safetensors files read into, and written from, the tensors' own memory.

Going through the safetensors package's bytes in and bytes out, a project's
weights were copied three times on open and twice on save, into buffers big
enough that every save paid fresh page faults for them. Here each tensor's
bytes are copied once, from a mapped file into the tensor that keeps them
(reading) or from the tensor into the file (writing, `TensorsEntry`), and a
checksum sees them on the way.

The header is untrusted: dtypes, shapes and offsets are checked before any
memory is allocated (a header that lies about sizes is refused, never read
past), and the tensors must tile the data exactly as the format requires.
Files are still written with the safetensors package.
"""

from __future__ import annotations

import json
import math
from typing import Callable

import numpy as np

# safetensors dtype -> (numpy dtype, torch dtype name)
DTYPES = {"F64": ("<f8", "float64"), "F32": ("<f4", "float32"), "F16": ("<f2", "float16"),
          "BF16": (None, "bfloat16"), "I64": ("<i8", "int64"), "I32": ("<i4", "int32"),
          "I16": ("<i2", "int16"), "I8": ("i1", "int8"), "U8": ("u1", "uint8"), "BOOL": ("?", "bool")}
ITEM_SIZE = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}
MAX_HEADER_BYTES = 100 * 2**20  # the safetensors package's own limit


class TensorFileError(ValueError):
    """The data is not a valid safetensors file; the message says why."""


def read_tensors(data, framework: str = "numpy",
                 sink: Callable[[memoryview], None] | None = None) -> tuple[dict, dict[str, str]]:
    """({name: array or tensor}, metadata) of the safetensors file in `data`
    (bytes, or a memoryview of a mapped file). `framework` is "numpy" or
    "torch"; `sink` sees every byte, in order (for a checksum). Each tensor is
    one copy of its bytes into memory of its own. Raises TensorFileError."""
    data = memoryview(data).cast("B")
    size = len(data)
    if size < 8:
        raise TensorFileError("it is cut short")
    header_size = int.from_bytes(data[:8], "little")
    if header_size > min(MAX_HEADER_BYTES, size - 8):
        raise TensorFileError(f"its header claims {header_size:,} bytes, more than the "
                              f"{size - 8:,} it holds")
    layout, metadata = parse_header(bytes(data[8:8 + header_size]), size - 8 - header_size)
    if sink is not None:
        sink(data[:8 + header_size])
    tensors = {}
    source = np.frombuffer(data, np.uint8)
    position = 8 + header_size
    for name, dtype, shape, nbytes in layout:
        array = _empty(dtype, shape, framework)
        target = np.frombuffer(_byte_view(array, framework), np.uint8)
        # Blocks small enough to stay in the cache, so the checksum reads them
        # from there; numpy copies without the GIL, so another thread can hash.
        for begin in range(0, nbytes, _BLOCK):
            end = min(begin + _BLOCK, nbytes)
            target[begin:end] = source[position + begin:position + end]
            if sink is not None:
                sink(target[begin:end])
        position += nbytes
        tensors[name] = array
    return tensors, metadata


_BLOCK = 2**20


class TensorsEntry:
    """A safetensors file not yet written: its size is known up front and its
    bytes come as chunks (the header, then each tensor's own memory), so it can
    be streamed into a zip with no copy of the whole in memory. Readable by
    the safetensors package: tensors in order of alignment, header padded to 8."""

    def __init__(self, tensors: dict, metadata: dict[str, str] | None = None):
        views = []
        for name, array in tensors.items():
            dtype, view = _dtype_and_bytes(array)
            views.append((-ITEM_SIZE[dtype], name, dtype, list(array.shape), view))
        views.sort(key=lambda item: item[:2])
        header, position = {}, 0
        if metadata:
            header["__metadata__"] = metadata
        for _, name, dtype, shape, view in views:
            header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [position, position + view.nbytes]}
            position += view.nbytes
        text = json.dumps(header, separators=(",", ":")).encode("utf-8")
        text += b" " * (-len(text) % 8)
        self._chunks = [len(text).to_bytes(8, "little") + text] + [view for *_, view in views if view.nbytes]
        self.size = sum(len(chunk) for chunk in self._chunks)

    def chunks(self) -> list:
        return self._chunks

    def to_bytes(self) -> bytes:
        return b"".join(self._chunks)


_NUMPY_TO_DTYPE = {np.dtype(numpy): name for name, (numpy, _) in DTYPES.items() if numpy is not None}
_TORCH_TO_DTYPE = {torch_name: name for name, (_, torch_name) in DTYPES.items()}


def _dtype_and_bytes(array) -> tuple[str, memoryview]:
    if isinstance(array, np.ndarray):
        dtype = _NUMPY_TO_DTYPE[array.dtype.newbyteorder("<") if array.dtype.byteorder == ">" else array.dtype]
        return dtype, _byte_view(np.ascontiguousarray(array, dtype=DTYPES[dtype][0]), "numpy")
    dtype = _TORCH_TO_DTYPE[str(array.dtype).removeprefix("torch.")]
    return dtype, _byte_view(array.detach().cpu().contiguous(), "torch")


def parse_header(header_bytes: bytes, data_size: int) -> tuple[list[tuple[str, str, tuple, int]], dict[str, str]]:
    """[(name, dtype, shape, nbytes)] in file order, and the metadata; the tensors
    must cover exactly `data_size` bytes, back to back."""
    try:
        header = json.loads(header_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise TensorFileError(f"its header is not JSON ({exc})") from None
    if not isinstance(header, dict):
        raise TensorFileError("its header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise TensorFileError("its metadata must map names to strings")
    entries = []
    for name, info in header.items():
        if not isinstance(info, dict) or set(info) != {"dtype", "shape", "data_offsets"}:
            raise TensorFileError(f"tensor {name!r}: needs exactly dtype, shape and data_offsets")
        dtype, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in DTYPES:
            raise TensorFileError(f"tensor {name!r}: unknown dtype {dtype!r}")
        if not isinstance(shape, list) or not all(type(d) is int and d >= 0 for d in shape) or len(shape) > 16:
            raise TensorFileError(f"tensor {name!r}: shape {shape!r} is not a list of sizes")
        if not isinstance(offsets, list) or len(offsets) != 2 or not all(type(o) is int for o in offsets):
            raise TensorFileError(f"tensor {name!r}: data_offsets must be two integers")
        begin, end = offsets
        nbytes = math.prod(shape) * ITEM_SIZE[dtype]
        if not 0 <= begin <= end or end - begin != nbytes:
            raise TensorFileError(f"tensor {name!r}: its offsets span {end - begin:,} bytes, its shape "
                                  f"{shape} of {dtype} needs {nbytes:,}")
        entries.append((begin, end, name, dtype, tuple(shape)))
    entries.sort()
    position = 0
    for begin, end, name, _, _ in entries:
        if begin != position:
            raise TensorFileError(f"tensor {name!r}: starts at byte {begin:,}, expected {position:,} "
                                  f"(tensors must follow each other with no gaps or overlaps)")
        position = end
    if position != data_size:
        raise TensorFileError(f"its tensors cover {position:,} bytes but it holds {data_size:,}")
    return [(name, dtype, shape, end - begin) for begin, end, name, dtype, shape in entries], metadata


def _empty(dtype: str, shape: tuple, framework: str):
    if framework == "torch":
        import torch

        return torch.empty(shape, dtype=getattr(torch, DTYPES[dtype][1]))
    if DTYPES[dtype][0] is None:
        raise TensorFileError(f"dtype {dtype} has no numpy equivalent")
    return np.empty(shape, dtype=DTYPES[dtype][0])


def _byte_view(array, framework: str) -> memoryview:
    if framework == "torch":
        import torch

        array = array.view(torch.uint8) if array.dim() else array.reshape(1).view(torch.uint8)
        array = array.numpy()
    return memoryview(array).cast("B") if array.nbytes else memoryview(b"")
