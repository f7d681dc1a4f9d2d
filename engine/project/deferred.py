"""A run's optimizer state, left in its project file until first used.

Adam keeps two tensors per parameter, so a trained run's optimizer state is
twice the size of its weights, and it is needed only to train the run on (or
to save it again). Opening a project checks that state's checksum and header
like every other entry, but copies it into memory only when it is first used:
a 10M-parameter project opened in about half the time, and a project of
several runs does not hold the optimizer state of every one of them.

The file stays open (a descriptor shared by the runs of one open) until the
state is read or dropped. On POSIX systems that descriptor keeps the opened
file's content reachable even after SeqLab saves over the path (a rename) or
the file is deleted. Another program rewriting the file in place is caught by
the checksum when the state is read, as a ProjectError naming it. Elsewhere
(Windows, where an open file cannot be replaced) the state is read at open.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, MutableMapping
from typing import Callable

import torch

from engine.errors import ProjectError
from engine.tensor_file import TensorFileError, read_tensors_at

DEFERS = os.name == "posix" and hasattr(os, "preadv")


class SharedFile:
    """An open file descriptor, closed when the last holder lets go of it."""

    def __init__(self, fd: int):
        self.fd = fd

    def __del__(self):
        os.close(self.fd)


class DeferredEntry:
    """A safetensors entry, already checked, read from `file` on request."""

    def __init__(self, source: str, name: str, file: SharedFile, offset: int, size: int,
                 digest: str, hasher: Callable, names: list[str]):
        self.source, self.name = source, name
        self._file, self._offset, self._size = file, offset, size
        self._digest, self._hasher = digest, hasher
        self.names = names

    def read(self) -> dict[str, torch.Tensor]:
        checksum = self._hasher()
        try:
            tensors, _ = read_tensors_at(self._file.fd, self._offset, self._size, "torch", checksum.update)
        except (TensorFileError, OSError) as exc:
            raise self._changed(f"it cannot be read back: {exc}") from None
        if checksum.hexdigest() != self._digest:
            raise self._changed("it fails its checksum")
        if sorted(tensors) != sorted(self.names):
            raise self._changed("it holds other tensors")
        self._file = None  # the last holder closes the file
        return tensors

    def _changed(self, why: str) -> ProjectError:
        return ProjectError(f"{self.source}: entry {self.name!r} was changed on disk by another program since "
                            f"the project was opened ({why}). The run's weights and history are still here, but "
                            f"training it on needs this state: open the project again")


class RunTensors(MutableMapping):
    """A run's state tensors by name ("model/...", "optimizer/...", "rng/..."):
    a mapping whose `prefix` names come from `deferred` the first time one of
    them is looked up, the whole mapping is iterated over with its values, or
    it is changed. Listing the names reads nothing."""

    def __init__(self, tensors: dict[str, torch.Tensor], deferred: DeferredEntry, prefix: str):
        self._tensors = dict(tensors)
        self._deferred: DeferredEntry | None = deferred
        self._deferred_names = {prefix + name for name in deferred.names}
        self._prefix = prefix
        self._lock = threading.Lock()  # an autosave may read it while the window does

    @property
    def loaded(self) -> bool:
        return self._deferred is None

    def _load(self) -> None:
        with self._lock:
            if self._deferred is not None:
                tensors = self._deferred.read()
                self._tensors.update({self._prefix + name: tensor for name, tensor in tensors.items()})
                self._deferred = None

    def __getitem__(self, name: str) -> torch.Tensor:
        if self._deferred is not None and name in self._deferred_names:
            self._load()
        return self._tensors[name]

    def __setitem__(self, name: str, tensor: torch.Tensor) -> None:
        self._load()
        self._tensors[name] = tensor

    def __delitem__(self, name: str) -> None:
        self._load()
        del self._tensors[name]

    def __iter__(self) -> Iterator[str]:
        if self._deferred is None:
            return iter(self._tensors)
        return iter([*self._tensors, *sorted(self._deferred_names)])

    def __len__(self) -> int:
        return len(self._tensors) + (len(self._deferred_names) if self._deferred is not None else 0)

    def __contains__(self, name) -> bool:
        return name in self._tensors or (self._deferred is not None and name in self._deferred_names)
