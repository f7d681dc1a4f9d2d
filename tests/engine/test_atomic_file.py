"""What keeps a large atomic write short (Linux): eager writeback, the replaced
file freed off the caller's thread, its cached pages dropped first."""

import ctypes
import mmap
import os
import sys
import threading

import numpy as np
import pytest

from engine import atomic_file
from engine.atomic_file import atomic_writer, wait_for_releases, write_atomic
from tests.engine.helpers import open_descriptors_of

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux-only system calls")
MiB = 2**20


def resident_pages(path) -> int:
    """How many of the file's pages are in the page cache (mincore)."""
    mincore = ctypes.CDLL(None, use_errno=True).mincore
    mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]
    size = os.path.getsize(path)
    with open(path, "rb") as f, mmap.mmap(f.fileno(), size, prot=mmap.PROT_READ) as mapped:
        address = np.frombuffer(mapped, np.uint8).ctypes.data
        vector = np.zeros(-(-size // mmap.PAGESIZE), np.uint8)
        assert mincore(address, size, vector.ctypes.data) == 0, os.strerror(ctypes.get_errno())
        return int((vector & 1).sum())


def test_a_large_write_is_handed_to_the_disk_every_few_mib(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(atomic_file, "_SYNC_FILE_RANGE", lambda *args: calls.append(args) or 0)
    data = np.random.default_rng(0).bytes(40 * MiB)
    with atomic_writer(tmp_path / "big") as f:
        for begin in range(0, len(data), MiB):
            f.write(data[begin:begin + MiB])
    assert len(calls) == 40 * MiB // atomic_file._WRITEBACK_EVERY
    assert all(args[1:] == (0, 0, atomic_file._SYNC_FILE_RANGE_WRITE) for args in calls)
    assert (tmp_path / "big").read_bytes() == data


def test_the_replaced_file_is_freed_on_another_thread_and_never_leaks(tmp_path, monkeypatch):
    path = tmp_path / "project.seqlab"
    write_atomic(path, b"old" * MiB)
    wait_for_releases()
    closed_by = []
    real_close = os.close

    def close(fd):
        target = os.readlink(f"/proc/self/fd/{fd}")
        closed_by.append((target, threading.current_thread().name))
        real_close(fd)

    monkeypatch.setattr(atomic_file.os, "close", close)
    write_atomic(path, b"new" * MiB)
    wait_for_releases()
    monkeypatch.undo()
    assert (f"{path} (deleted)", "seqlab-release-replaced") in closed_by
    assert path.read_bytes() == b"new" * MiB
    assert open_descriptors_of(path) == []
    assert os.listdir(tmp_path) == ["project.seqlab"]


def test_small_files_are_replaced_as_usual(tmp_path, monkeypatch):
    released = []
    monkeypatch.setattr(atomic_file, "_release_in_background", released.append)
    write_atomic(tmp_path / "notes.json", "{}")
    write_atomic(tmp_path / "notes.json", "{ }")
    assert released == [] and (tmp_path / "notes.json").read_text() == "{ }"
    assert open_descriptors_of(tmp_path / "notes.json") == []


def test_the_replaced_files_cached_pages_are_dropped_before_writing(tmp_path):
    path = tmp_path / "project.seqlab"
    write_atomic(path, np.random.default_rng(1).bytes(8 * MiB))  # written and synced: clean, cached
    path.read_bytes()
    assert resident_pages(path) >= 8 * MiB // mmap.PAGESIZE // 2
    with atomic_writer(path) as f:
        assert resident_pages(path) < 8 * MiB // mmap.PAGESIZE // 10
        f.write(b"new")
    wait_for_releases()
    assert path.read_bytes() == b"new"


def test_a_failed_write_keeps_the_old_file_and_lets_it_go(tmp_path):
    path = tmp_path / "project.seqlab"
    write_atomic(path, b"old" * MiB)
    with pytest.raises(RuntimeError), atomic_writer(path) as f:
        f.write(b"half")
        raise RuntimeError("disk full, say")
    wait_for_releases()
    assert path.read_bytes() == b"old" * MiB
    assert open_descriptors_of(path) == [] and os.listdir(tmp_path) == ["project.seqlab"]
