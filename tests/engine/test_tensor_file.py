"""engine.tensor_file: safetensors read straight into arrays, header untrusted."""

import json
import struct

import numpy as np
import pytest
import torch
import xxhash
from hypothesis import given, settings
from hypothesis import strategies as st
from safetensors.numpy import save as save_numpy
from safetensors.torch import save as save_torch

from engine.tensor_file import TensorFileError, read_tensors


def read(data: bytes, framework="numpy", sink=None):
    return read_tensors(data, framework, sink)


def with_header(header: dict, data: bytes) -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def test_reads_what_safetensors_writes_for_every_dtype_and_shape():
    arrays = {"f64": np.arange(6, dtype=np.float64).reshape(2, 3), "f32": np.float32(2.5) * np.ones((4, 1, 2), np.float32),
              "f16": np.array([1.5, -2], np.float16), "i64": np.array([2**40], np.int64), "u8": np.arange(7, dtype=np.uint8),
              "bool": np.array([True, False]), "scalar": np.array(3.0, np.float32), "empty": np.zeros((0, 5), np.float32)}
    data = save_numpy(arrays, metadata={"k": "v"})
    seen = []
    tensors, metadata = read(data, sink=lambda view: seen.append(bytes(view)))
    assert metadata == {"k": "v"} and tensors.keys() == arrays.keys()
    for name, array in arrays.items():
        assert tensors[name].dtype == array.dtype and tensors[name].shape == array.shape
        assert np.array_equal(tensors[name], array), name
    assert b"".join(seen) == data  # the sink saw every byte, in order: a checksum of it is the file's
    weights = {"w": torch.randn(3, 4), "b": torch.randn(4, dtype=torch.bfloat16), "s": torch.tensor(7)}
    again, _ = read(save_torch(weights), "torch")
    assert all(again[k].dtype == v.dtype and torch.equal(again[k], v) for k, v in weights.items())


def test_tensors_own_their_memory():
    tensors, _ = read(save_torch({"w": torch.ones(3)}), "torch")
    tensors["w"] += 1  # writable, not a view of a read-only buffer
    assert torch.equal(tensors["w"], torch.full((3,), 2.0))


@pytest.mark.parametrize("header,data,message", [
    ({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 7, "cover 8 bytes but it holds 7"),
    ({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}, b"\0" * 9, "cover 8 bytes but it holds 9"),
    ({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 12]}}, b"\0" * 12, "needs 8"),
    ({"a": {"dtype": "F32", "shape": [10**12], "data_offsets": [0, 4 * 10**12]}}, b"", "holds 0"),
    ({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},
      "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}}, b"\0" * 12, "no gaps or overlaps"),
    ({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
      "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}, b"\0" * 8, "no gaps or overlaps"),
    ({"a": {"dtype": "X9", "shape": [1], "data_offsets": [0, 4]}}, b"\0" * 4, "unknown dtype 'X9'"),
    ({"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}, b"\0" * 4, "not a list of sizes"),
    ({"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}, b"\0" * 4, "needs 4"),
    ({"a": {"dtype": "F32", "shape": [1]}}, b"\0" * 4, "needs exactly dtype, shape and data_offsets"),
    ({"__metadata__": {"k": 1}}, b"", "metadata must map names to strings"),
])
def test_headers_that_lie_are_refused_before_anything_is_read(header, data, message):
    with pytest.raises(TensorFileError, match=message):
        read(with_header(header, data))


def test_a_header_size_beyond_the_data_is_refused():
    with pytest.raises(TensorFileError, match="claims 4,611,686,018,427,387,904 bytes"):
        read(struct.pack("<Q", 2**62) + b"{}")
    with pytest.raises(TensorFileError, match="not JSON"):
        read(struct.pack("<Q", 2) + b"{]")
    with pytest.raises(TensorFileError, match="cut short"):
        read(b"\x02\x00")
    data = save_numpy({"a": np.ones(100, np.float32)})
    with pytest.raises(TensorFileError, match="cover 400 bytes but it holds 390"):
        read(data[:-10])


def test_what_tensors_entry_writes_the_safetensors_package_reads_back():
    from safetensors.numpy import load as load_numpy
    from safetensors.torch import load as load_torch

    from engine.tensor_file import TensorsEntry

    arrays = {"z": np.arange(5, dtype=np.int8), "a": np.ones((2, 3), np.float64), "e": np.zeros(0, np.float32),
              "s": np.array(2.5, np.float16), "big_endian": np.arange(3, dtype=">f4")}
    entry = TensorsEntry(arrays, {"format": "x"})
    data = entry.to_bytes()
    assert entry.size == len(data) and (8 + struct.unpack("<Q", data[:8])[0]) % 8 == 0
    for again in (load_numpy(data), read(data)[0]):
        assert again.keys() == arrays.keys()
        assert all(np.array_equal(again[k], v) and again[k].shape == v.shape for k, v in arrays.items())
    assert read(data)[1] == {"format": "x"}
    weights = {"w": torch.randn(4, 3).t(), "b": torch.randn(2, dtype=torch.bfloat16), "n": torch.tensor(3)}
    again = load_torch(TensorsEntry(weights).to_bytes())  # a transposed tensor is written contiguous
    assert all(torch.equal(again[k], v) and again[k].dtype == v.dtype for k, v in weights.items())


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_fuzzed_tensor_files_read_or_raise_tensor_file_error(data):
    raw = bytearray(save_numpy({"a": np.arange(12, dtype=np.float32).reshape(3, 4), "b": np.ones(5, np.int64)},
                               metadata={"k": "v"}))
    for _ in range(data.draw(st.integers(1, 6))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    raw = raw[:data.draw(st.integers(0, len(raw)))]
    hasher = xxhash.xxh3_128()
    try:
        tensors, _ = read(bytes(raw), sink=hasher.update)
    except TensorFileError:
        return
    assert sum(t.nbytes for t in tensors.values()) <= len(raw)
    assert hasher.hexdigest() == xxhash.xxh3_128_hexdigest(bytes(raw))
