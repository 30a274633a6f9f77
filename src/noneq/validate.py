"""Parameter validation shared by every public function.

Each check raises :class:`ValueError` whose message names the parameter and the
allowed range, so that bad input never reaches a numba kernel.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["integer", "real", "choice", "array"]


def _range_text(lo, hi, lo_open, hi_open):
    left = "(" if lo_open else "["
    right = ")" if hi_open else "]"
    lo_s = "-inf" if lo is None else f"{lo:g}"
    hi_s = "inf" if hi is None else f"{hi:g}"
    return f"{left}{lo_s}, {hi_s}{right}"


def integer(name: str, value, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as a Python ``int`` after checking ``minimum <= value <= maximum``.

    Booleans and non-integral numbers are rejected.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        lo = "-inf" if minimum is None else str(minimum)
        hi = "inf" if maximum is None else str(maximum)
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {value}")
    return value


def real(
    name: str,
    value,
    lo: float | None = None,
    hi: float | None = None,
    *,
    lo_open: bool = False,
    hi_open: bool = False,
    allow_inf: bool = False,
) -> float:
    """Return ``value`` as a ``float`` after checking it lies in the given interval.

    ``lo_open``/``hi_open`` make the bounds strict. NaN is always rejected;
    infinities only with ``allow_inf=True`` (for example ``T2=np.inf``).
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    rng = _range_text(lo, hi, lo_open, hi_open)
    if math.isnan(value) or (math.isinf(value) and not allow_inf):
        raise ValueError(f"{name} must be a finite number in {rng}, got {value}")
    bad = False
    if lo is not None:
        bad |= value <= lo if lo_open else value < lo
    if hi is not None:
        bad |= value >= hi if hi_open else value > hi
    if bad:
        raise ValueError(f"{name} must be in {rng}, got {value:g}")
    return value


def choice(name: str, value, options) -> str:
    """Check that ``value`` is one of ``options`` (compared with ``==``)."""
    options = tuple(options)
    if not isinstance(value, str) or value not in options:
        allowed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def array(
    name: str,
    value,
    *,
    ndim: int | None = 1,
    shape: tuple | None = None,
    lo: float | None = None,
    hi: float | None = None,
    lo_open: bool = False,
    dtype=np.float64,
    min_size: int = 1,
) -> np.ndarray:
    """Return ``value`` as a contiguous array of ``dtype`` after checking shape and range.

    Every element must be finite and lie in the interval given by ``lo``/``hi``.
    """
    try:
        arr = np.ascontiguousarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of numbers, got {value!r}") from None
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-dimensional array, got shape {arr.shape}")
    if shape is not None and arr.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {arr.shape}")
    if arr.size < min_size:
        raise ValueError(f"{name} must have at least {min_size} elements, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers")
    rng = _range_text(lo, hi, lo_open, False)
    if lo is not None and (np.any(arr <= lo) if lo_open else np.any(arr < lo)):
        raise ValueError(f"{name} must have all elements in {rng}")
    if hi is not None and np.any(arr > hi):
        raise ValueError(f"{name} must have all elements in {rng}")
    return arr
