"""Settings of a full build's Whoosh writer.

Each of Whoosh's writers keeps its postings in memory until its pool passes
``limitmb``; past it, it writes a sorted run to disk, and at commit every posting of
every run is read back and merged. At 100,000 events a sub-writer holds about 6.6
million postings (about 1.2 GB by Whoosh's own reckoning), so 256 MB meant five runs
and a merge: about a third of the writers' CPU. A full build therefore lets each
writer hold its whole pool when the machine has the memory for it.
"""

from __future__ import annotations

import os

# Whoosh's default pool size, used where physical memory cannot be read.
MIN_POOL_MB = 256
# The most a writer's pool may use (enough for about ten million postings).
MAX_POOL_MB = 2048
# The share of physical memory all writers' pools may take together.
MEMORY_SHARE = 0.25


def physical_memory_mb() -> int | None:
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)
    except (ValueError, OSError, AttributeError):
        return None


def pool_limit_mb(writers: int, memory_mb: int | None = None) -> int:
    """``limitmb`` for each of ``writers`` Whoosh writers of one full build.

    Whoosh's reckoning is about 1.3 times what its postings take in memory here
    (the text field shares their terms and encoded positions), so the pools stay
    under :data:`MEMORY_SHARE` of physical memory.
    """
    memory = physical_memory_mb() if memory_mb is None else memory_mb
    if not memory:
        return MIN_POOL_MB
    share = int(memory * MEMORY_SHARE / max(writers, 1))
    return max(MIN_POOL_MB, min(MAX_POOL_MB, share))
