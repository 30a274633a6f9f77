"""Seeding convention shared by all stochastic functions.

Every public stochastic function takes ``seed`` (``None`` or a non-negative
integer); the same seed gives the same numbers, on any number of threads.

Kernels are ``@njit`` functions and draw from numba's own generator, seeded
inside the kernel with ``np.random.seed(s)``. A serial kernel takes one
integer seed from :func:`resolve_seed`. A parallel kernel splits its work into a
*fixed* number of chunks (independent of the thread count), takes an array of
child seeds from :func:`spawn_seeds` and reseeds at the start of each chunk
inside its ``prange`` loop, so which thread runs a chunk cannot change the result.

Kernels whose inner loop is dominated by random numbers use the xoshiro256**
generator below (:func:`xoshiro_state`, :func:`xoshiro_next`,
:func:`xoshiro_uniform`): its state is drawn from numba's generator after
``np.random.seed(s)``, so it follows the same convention, and one draw costs a
few integer operations instead of a Mersenne-twister call.
"""

from __future__ import annotations

import numbers

import numpy as np
from numba import njit

__all__ = ["resolve_seed", "spawn_seeds", "SEED_MAX", "xoshiro_state", "xoshiro_next", "xoshiro_uniform"]

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


# --------------------------------------------------------------------------- kernel generator


@njit(cache=True, inline="always")
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True)
def xoshiro_state(seed):
    """xoshiro256** state (4 x uint64) for a kernel, drawn after ``np.random.seed(seed)``.

    Call inside an ``@njit`` kernel with a seed from :func:`resolve_seed` or
    :func:`spawn_seeds`; the state depends only on ``seed``.
    """
    np.random.seed(seed)
    st = np.empty(4, dtype=np.uint64)
    for i in range(4):
        hi = np.uint64(np.random.randint(0, 2**32))
        lo = np.uint64(np.random.randint(0, 2**32))
        st[i] = (hi << np.uint64(32)) | lo
    if st[0] == 0 and st[1] == 0 and st[2] == 0 and st[3] == 0:
        st[0] = np.uint64(1)  # the all-zero state is the generator's one fixed point
    return st


@njit(cache=True, inline="always")
def xoshiro_next(s0, s1, s2, s3):
    """One xoshiro256** step on a state held in four scalars: ``(r, s0, s1, s2, s3)``."""
    r = _rotl(s1 * np.uint64(5), 7) * np.uint64(9)
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    return r, s0, s1, s2, s3


@njit(cache=True, inline="always")
def xoshiro_uniform(s):
    """Uniform double in [0, 1) with 53 random bits, advancing the state array ``s`` in place."""
    r, s[0], s[1], s[2], s[3] = xoshiro_next(s[0], s[1], s[2], s[3])
    return np.float64(r >> np.uint64(11)) * (1.0 / 9007199254740992.0)
