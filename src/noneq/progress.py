"""Text progress bars for long loops.

Plain :mod:`tqdm` (text on stderr), never the widget flavour, so the website
build has no widget state and no page needs a script from a CDN. Set
``NONEQ_PROGRESS=0`` to silence the bars.
"""

from __future__ import annotations

import os

from tqdm import tqdm

__all__ = ["progress"]


def progress(iterable=None, **kwargs):
    """Wrap ``iterable`` in a text progress bar (``tqdm`` keyword arguments pass through)."""
    disable = os.environ.get("NONEQ_PROGRESS", "1").strip() in {"0", "false", "no", "off"}
    kwargs.setdefault("disable", disable)
    kwargs.setdefault("dynamic_ncols", True)
    kwargs.setdefault("mininterval", 0.5)
    return tqdm(iterable, **kwargs)
