"""The search index (Whoosh) and the catalog (SQLite) of one archive.

Importing this package is cheap: Whoosh loads only with ``tui.index.builder`` and the
query layer, so ``chronicle --help`` never pays for it.
"""

from tui.index.store import (
    ArchiveMissing,
    IndexDamaged,
    IndexMissing,
    IndexOutdated,
    IndexUnwritable,
)

__all__ = ["ArchiveMissing", "IndexDamaged", "IndexMissing", "IndexOutdated", "IndexUnwritable"]
