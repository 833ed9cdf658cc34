"""A small archive built for the index, query-layer and CLI tests (beside the seeds).

It holds what the seeds lack: duplicate pages of one event, day pages with stories
and topics, a day entry without a page, a related link whose slug differs from the
page it names, and a related link out of the archive.
"""

from __future__ import annotations

import marshal
import shutil
from pathlib import Path

BERLUSCONI = "news/2011/11/12/silvio-berlusconi-resigns-as-prime-minister-of-italy.md"
BERLUSCONI_ALIAS = "news/2011/11/12/italy-psilvio-berlusconi-resigns-as-prime-minister-of-italy.md"
MONTI = "news/2011/11/13/mario-monti-is-pasked-to-form-a-government.md"
MONTI_LINK = "/news/2011/11/13/mario-monti-is-asked-to-form-a-government.md"
MISSING = "news/2016/01/1/a-page-that-is-not-in-this-archive.md"
QUAKE = "news/2010/05/3/an-earthquake-shakes-the-coast-of-chile.md"
SEED_EVENT = "001_6bffd24d702e132c.txt"
SEED_ARTICLE = "000_ff699fc5e1eaf1b9.txt"

_BERLUSCONI_PAGE = """### [2011-11-12](/news/2011/11/12/index.md)

# Silvio Berlusconi resigns as Prime Minister of Italy.

Silvio Berlusconi resigned on Saturday to make way for an emergency government; crowds in
Rome shouted &quot;clown&quot; as he left.

### Source:

1. [Reuters](http://reuters.example/berlusconi)
2. [BBC News](http://bbc.example/berlusconi)

### Related:

1. [ Mario Monti is asked to form a government. ]({monti}) _Context: Italy, Mario Monti_
2. [A page that is not in this archive.](/{missing}) _Context: Italy_
"""

_ALIAS_PAGE = """### [2011-11-12](/news/2011/11/12/index.md)

# Silvio Berlusconi resigns as Prime Minister of Italy.

### Source:

1. [Reuters](http://reuters.example/berlusconi)
"""

_MONTI_PAGE = """### [2011-11-13](/news/2011/11/13/index.md)

# Mario Monti is asked to form a government.

President Giorgio Napolitano asks the economist Mario Monti to lead a technocratic
government after the resignation of Berlusconi.

### Source:

1. [Reuters](http://reuters.example/monti)
"""

_QUAKE_PAGE = """### [2010-05-3](/news/2010/05/3/index.md)

# An earthquake shakes the coast of Chile.

A strong earthquake shakes the coast of Chile; no damage is reported.

### Source:

1. [AP](http://ap.example/quake)
"""

_DAY_12 = """## [2011-11-12](/news/2011/11/12/index.md)

##### Italian politics
### [Silvio Berlusconi resigns as Prime Minister of Italy. ](/{berlusconi})
_Context: Italy, Silvio Berlusconi_
"""

_DAY_13 = """## [2011-11-13](/news/2011/11/13/index.md)

##### Italian politics
### [Mario Monti is asked to form a government. ](/{monti})
_Context: Italy, Mario Monti_

##### Italian politics
### [Thousands celebrate in the streets of Rome. ](/news/2011/11/13/thousands-celebrate.md)
Crowds gathered outside the Quirinal palace late into the night.
"""


def make_archive(root: Path, seeds: Path) -> Path:
    """Write the archive into ``root`` (seeds included) and return it."""
    shutil.copytree(seeds, root)
    files = {
        BERLUSCONI: _BERLUSCONI_PAGE.format(monti=MONTI_LINK, missing=MISSING),
        BERLUSCONI_ALIAS: _ALIAS_PAGE,
        MONTI: _MONTI_PAGE,
        QUAKE: _QUAKE_PAGE,
        "news/2011/11/12/index.md": _DAY_12.format(berlusconi=BERLUSCONI),
        "news/2011/11/13/index.md": _DAY_13.format(monti=MONTI),
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


class UnwritableMarshal:
    """Stands in for ``marshal`` in a module whose forked child reports through it: the
    child cannot write its answer, so the parent must do the child's share itself."""

    loads = staticmethod(marshal.loads)

    @staticmethod
    def dumps(value: object) -> bytes:
        raise ValueError("the child cannot write")
