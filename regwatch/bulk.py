"""Bulk work over the whole store: the cyclic garbage collector paused while it runs."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the block (a no-op when it is paused already).

    Reading and folding the store makes millions of small, long-lived objects and no reference cycles;
    the collector's repeated full scans of everything alive made the 100k-notice build 1.2x slower
    (benchmarks/README.md). Reference counting still frees what is dropped. Usable as a decorator too.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
