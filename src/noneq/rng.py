"""Seeding convention shared by all stochastic functions.

Every public stochastic function takes ``seed`` (``None`` or a non-negative
integer); the same seed gives the same numbers, on any number of threads.

Kernels are ``@njit`` functions and draw from numba's own generator, seeded
inside the kernel with ``np.random.seed(s)``. A serial kernel takes one
integer seed from :func:`resolve_seed`. A parallel kernel splits its work into a
*fixed* number of chunks (independent of the thread count), takes an array of
child seeds from :func:`spawn_seeds` and reseeds at the start of each chunk
inside its ``prange`` loop, so which thread runs a chunk cannot change the result.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["resolve_seed", "spawn_seeds", "SEED_MAX"]

#: numba's ``np.random.seed`` takes an unsigned 32-bit integer.
SEED_MAX = 2**32 - 1


def resolve_seed(seed) -> int:
    """Return an integer seed in ``[0, 2**32 - 1]`` for a kernel.

    ``None`` draws fresh entropy from the operating system. Integers larger than
    ``2**32 - 1`` are hashed down through :class:`numpy.random.SeedSequence`, so
    distinct large seeds stay distinct with overwhelming probability.

    Raises
    ------
    ValueError
        If ``seed`` is not ``None`` or a non-negative integer.
    """
    if seed is None:
        return int(np.random.SeedSequence().generate_state(1, dtype=np.uint32)[0])
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"seed must be None or a non-negative integer, got {seed!r}")
    seed = int(seed)
    if seed <= SEED_MAX:
        return seed
    return int(np.random.SeedSequence(seed).generate_state(1, dtype=np.uint32)[0])


def spawn_seeds(seed, n: int) -> np.ndarray:
    """Return ``n`` independent child seeds (``uint32``) derived from ``seed``.

    Uses :meth:`numpy.random.SeedSequence.spawn`, so the streams are
    statistically independent; the result depends only on ``seed`` and ``n``.
    """
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    root = np.random.SeedSequence(resolve_seed(seed))
    return np.array(
        [child.generate_state(1, dtype=np.uint32)[0] for child in root.spawn(int(n))],
        dtype=np.uint32,
    )
