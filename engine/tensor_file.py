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

import ctypes
import json
import math
import mmap
import os
from typing import Callable

import numpy as np

from engine.libc import libc_function

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
    source = np.frombuffer(data, np.uint8)

    def copy(target: np.ndarray, position: int) -> None:
        target[:] = source[position:position + len(target)]

    return _read(len(data), lambda begin, end: bytes(data[begin:end]), copy, framework, sink)


def read_tensors_at(fd: int, offset: int, size: int, framework: str = "numpy",
                    sink: Callable[[memoryview], None] | None = None) -> tuple[dict, dict[str, str]]:
    """read_tensors() of the `size` bytes at `offset` in the open file `fd`,
    read with pread, straight into the tensors (POSIX only)."""
    def read(begin: int, end: int) -> bytes:
        data = os.pread(fd, end - begin, offset + begin)
        if len(data) != end - begin:
            raise TensorFileError("the file ends before it does")
        return data

    def copy(target: np.ndarray, position: int) -> None:
        if os.preadv(fd, [target], offset + position) != len(target):
            raise TensorFileError("the file ends before it does")

    return _read(size, read, copy, framework, sink)


def _read(size: int, read: Callable[[int, int], bytes], copy: Callable[[np.ndarray, int], None],
          framework: str, sink) -> tuple[dict, dict[str, str]]:
    start, header, layout, metadata = _header(size, read)
    if sink is not None:
        sink(start)
        sink(header)
    tensors = {}
    position = len(start) + len(header)
    for name, dtype, shape, nbytes in layout:
        array = _empty(dtype, shape, framework, nbytes)
        target = np.frombuffer(_byte_view(array, framework), np.uint8)
        # Blocks small enough to stay in the cache, so the checksum reads them from there.
        for begin in range(0, nbytes, _BLOCK):
            end = min(begin + _BLOCK, nbytes)
            copy(target[begin:end], position + begin)
            if sink is not None:
                sink(target[begin:end])
        position += nbytes
        tensors[name] = array
    return tensors, metadata


def header_layout(data) -> tuple[list[tuple[str, str, tuple, int]], dict[str, str]]:
    """parse_header() of the safetensors file in `data`, reading no tensor."""
    data = memoryview(data).cast("B")
    _, _, layout, metadata = _header(len(data), lambda begin, end: bytes(data[begin:end]))
    return layout, metadata


def _header(size: int, read: Callable[[int, int], bytes]):
    if size < 8:
        raise TensorFileError("it is cut short")
    start = read(0, 8)
    header_size = int.from_bytes(start, "little")
    if header_size > min(MAX_HEADER_BYTES, size - 8):
        raise TensorFileError(f"its header claims {header_size:,} bytes, more than the "
                              f"{size - 8:,} it holds")
    header = read(8, 8 + header_size)
    return (start, header, *parse_header(header, size - 8 - header_size))


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


def _empty(dtype: str, shape: tuple, framework: str, nbytes: int):
    if framework == "torch":
        import torch

        array = torch.empty(shape, dtype=getattr(torch, DTYPES[dtype][1]))
    elif DTYPES[dtype][0] is None:
        raise TensorFileError(f"dtype {dtype} has no numpy equivalent")
    else:
        array = np.empty(shape, dtype=DTYPES[dtype][0])
    if nbytes >= _HUGE_PAGES_FROM:
        _prefer_huge_pages(array.data_ptr() if framework == "torch" else array.ctypes.data, nbytes)
    return array


# Fresh memory costs a page fault per 4 KiB page on first write: for a
# 10M-parameter project opened in a fresh process, more time than the copy
# itself. Large tensors ask the kernel to back what it has not yet given them
# with 2 MiB pages; memory the allocator reuses is already there and unchanged.
_HUGE_PAGES_FROM = 4 * 2**20
_HUGE_PAGE = 2 * 2**20
_MADVISE = libc_function("madvise", [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]) \
    if hasattr(mmap, "MADV_HUGEPAGE") else None


def _prefer_huge_pages(address: int, nbytes: int) -> None:
    begin = -(-address // _HUGE_PAGE) * _HUGE_PAGE
    end = (address + nbytes) // _HUGE_PAGE * _HUGE_PAGE
    if _MADVISE is not None and end > begin:
        _MADVISE(begin, end - begin, mmap.MADV_HUGEPAGE)  # advice only: a refusal changes nothing


def _byte_view(array, framework: str) -> memoryview:
    if framework == "torch":
        import torch

        if not array.numel():  # an empty tensor (a Markov chain's before it counts) has no bytes to view
            return memoryview(b"")
        array = array.view(torch.uint8) if array.dim() else array.reshape(1).view(torch.uint8)
        array = array.numpy()
    return memoryview(array).cast("B") if array.nbytes else memoryview(b"")
