"""Work sizes selected by the ``NONEQ_SCALE`` environment variable.

Three presets:

``ci``
    seconds per notebook; what the test suite executes.
``book``
    the website build, minutes in total (the default).
``paper``
    the paper's own system sizes and sample counts, run from the command line.

Every size that depends on the scale is chosen with :func:`pick`, so a notebook
reads ``N = pick(ci=64, book=256, paper=15870)`` and says what it runs.
"""

from __future__ import annotations

import os

__all__ = ["SCALES", "ENV_VAR", "scale", "pick"]

SCALES = ("ci", "book", "paper")
ENV_VAR = "NONEQ_SCALE"
DEFAULT = "book"


def _check(name: str) -> str:
    if name not in SCALES:
        allowed = ", ".join(repr(s) for s in SCALES)
        raise ValueError(f"{ENV_VAR} must be one of {allowed}, got {name!r}")
    return name


def scale(override: str | None = None) -> str:
    """Return the active scale.

    Parameters
    ----------
    override : str, optional
        Use this scale instead of the environment (validated the same way).

    Returns
    -------
    str
        ``"ci"``, ``"book"`` or ``"paper"``; ``"book"`` when ``NONEQ_SCALE`` is unset.

    Raises
    ------
    ValueError
        If the scale (from the argument or from ``NONEQ_SCALE``) is unknown.
    """
    if override is not None:
        return _check(override)
    value = os.environ.get(ENV_VAR, "").strip().lower()
    return _check(value) if value else DEFAULT


def pick(*, ci, book, paper, override: str | None = None):
    """Return the value for the active scale: ``pick(ci=..., book=..., paper=...)``."""
    return {"ci": ci, "book": book, "paper": paper}[scale(override)]
