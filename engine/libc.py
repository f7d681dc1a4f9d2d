"""C library calls the os module lacks (Linux), reached through ctypes: None
where the platform has no such call, so callers treat them as optional."""

from __future__ import annotations

import ctypes
import sys


def libc_function(name: str, argtypes: list, restype=ctypes.c_int):
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = getattr(ctypes.CDLL(None, use_errno=True), name)
    except (OSError, AttributeError):
        return None
    function.argtypes, function.restype = argtypes, restype
    return function
