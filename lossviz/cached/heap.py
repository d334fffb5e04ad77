"""Keep full garbage collections cheap: freeze the heap of imported modules once.

Streamlit runs ``gc.collect(2)`` after every script run unless ``runner.postScriptGC`` is off (the repository's
``.streamlit/config.toml`` turns it off; a server started without that file still runs it), and Python's own
collector runs a full collection now and then. A full collection walks every
tracked object, and torch, pandas and Plotly leave a few hundred thousand behind at import: on this app that walk
was most of a rerun's server CPU (~40-100 ms of ~150-250 ms, measured with the load generator's sessions).
:func:`freeze_imports` collects once and then moves every object alive now into the permanent generation
(``gc.freeze``), so a rerun's collection walks only what was made since. Objects are still freed by reference
counting as before; only cyclic garbage among objects that were alive at the freeze is never collected, a bounded
one-off (what existed while a page's modules were first imported). Each page's cache module calls it once, at
import, after its heavy imports.
"""

from __future__ import annotations

import gc


def freeze_imports() -> int:
    """Collect, then freeze every object alive now; returns how many objects are frozen in all."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
