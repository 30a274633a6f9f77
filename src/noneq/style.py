"""One plotting style for every figure of the book.

Call :func:`use_style` once at the top of a notebook. :data:`COLORS` is a
colour-blind-safe cycle (Okabe & Ito); :func:`figure` makes a figure of the
book's standard width.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

__all__ = ["COLORS", "RC", "use_style", "figure"]

#: Okabe-Ito palette, in the order used by the axes colour cycle.
COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

#: Matplotlib settings applied by :func:`use_style`.
RC = {
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "savefig.bbox": "tight",
    "font.size": 11,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": mpl.cycler(color=list(COLORS)),
    "lines.linewidth": 1.6,
    "lines.markersize": 4,
    "mathtext.fontset": "cm",
    "image.cmap": "viridis",
}


def use_style() -> None:
    """Apply the book's matplotlib style (idempotent)."""
    mpl.rcParams.update(RC)


def figure(ncols: int = 1, nrows: int = 1, *, width: float = 6.4, height: float | None = None, **kwargs):
    """Return ``(fig, axes)`` of the book's width; ``height`` defaults to 0.62 of one panel's width."""
    if ncols < 1 or nrows < 1:
        raise ValueError(f"ncols and nrows must be >= 1, got ncols={ncols}, nrows={nrows}")
    if height is None:
        height = 0.62 * width / ncols * nrows + 0.3
    kwargs.setdefault("layout", "constrained")
    return plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)
