"""Holding Python's cyclic garbage collector off during a large launch, whose renders each have a time limit."""

from __future__ import annotations

import contextlib
import gc
import threading

_lock = threading.Lock()
_depth = 0
_was_enabled = True


@contextlib.contextmanager
def collector_paused():
    """Pause automatic collection inside (a decorator too), restoring it when the outermost use ends.

    A launch of ten thousand recipients holds hundreds of thousands of objects; a full collection over them
    took up to two seconds on a busy machine, longer than the one-second limit each render has, so a template
    that renders in a millisecond failed at random. Cycles made inside are collected once it ends.
    """
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
