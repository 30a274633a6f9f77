"""Memory checked before it is used.

A public call that allocates in proportion to its arguments first adds up what it
will need and calls :func:`require`, which raises a ``ValueError`` naming the
parameter responsible, the memory needed and the memory available, instead of
letting the process grow until the machine kills it or a kernel fails inside
numba with ``MemoryError``.
"""

from __future__ import annotations

import os

__all__ = ["available_bytes", "require", "format_bytes", "ENV_VAR"]

#: Overrides the memory a call may use, in bytes (for tests and shared machines).
ENV_VAR = "NONEQ_MEMORY_LIMIT"
#: Share of the available memory one call may take.
SHARE = 0.8


def available_bytes() -> int:
    """Memory a call may allocate: ``NONEQ_MEMORY_LIMIT`` if set, else 80% of what is available.

    What is available is the kernel's ``MemAvailable`` (Linux), else psutil's
    estimate, capped by the process's address-space limit (``ulimit -v``).
    """
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        try:
            value = int(float(env))
        except ValueError:
            raise ValueError(f"{ENV_VAR} must be a number of bytes, got {env!r}") from None
        if value <= 0:
            raise ValueError(f"{ENV_VAR} must be positive, got {env!r}")
        return value
    avail = None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    break
    except OSError:
        pass
    if avail is None:
        import psutil

        avail = int(psutil.virtual_memory().available)
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft not in (resource.RLIM_INFINITY, -1):
            avail = min(avail, soft)
    except (ImportError, ValueError, OSError):
        pass
    return int(avail * SHARE)


def format_bytes(n: float) -> str:
    """``1536`` -> ``'1.5 KiB'``."""
    n = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n) < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TiB"  # pragma: no cover


def require(nbytes: float, parameter: str, what: str = "the arrays of this call") -> None:
    """Raise ``ValueError`` if ``nbytes`` exceed what this call may allocate.

    Parameters
    ----------
    nbytes : float
        Estimated bytes the call will allocate (its largest simultaneous need).
    parameter : str
        The argument(s) responsible, named in the message (e.g. ``"n_A = 1000000000"``).
    what : str
        What the memory is for, named in the message.

    Raises
    ------
    ValueError
        ``"n_A = 1000000000 needs 96.0 GiB for the per-site arrays; 18.1 GiB is available"``.
    """
    limit = available_bytes()
    if nbytes > limit:
        raise ValueError(
            f"{parameter} needs {format_bytes(nbytes)} for {what}; "
            f"{format_bytes(limit)} is available (set {ENV_VAR} to change the limit)"
        )
