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

Kernels that need Gaussian numbers call :func:`xoshiro_normal`, a ziggurat
sampler (Marsaglia & Tsang 2000, 128 layers) fed by :func:`xoshiro_next`: one
64-bit draw gives the layer (7 low bits) and the signed abscissa (32 high bits),
accepted at once in about 99 % of the draws; the rest goes to a separate,
non-inlined function (wedges and the tail beyond r = 3.4426). It is several
times cheaper than numba's ``np.random.standard_normal``. :func:`standard_normal`
draws from it outside a kernel (for tests and checks).
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from numba import njit

__all__ = [
    "resolve_seed",
    "spawn_seeds",
    "SEED_MAX",
    "xoshiro_state",
    "xoshiro_next",
    "xoshiro_uniform",
    "xoshiro_normal",
    "standard_normal",
]

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


# --------------------------------------------------------------------------- Gaussian numbers

#: Right edge of the base layer of the 128-layer ziggurat (Marsaglia & Tsang 2000).
_ZIG_R = 3.442619855899
#: Area of every layer (and of the base strip plus the tail).
_ZIG_V = 9.91256303526217e-3


def _ziggurat_tables():
    """Tables of the 128-layer ziggurat for 32-bit signed abscissae (Marsaglia & Tsang 2000).

    ``kn[i]`` is the acceptance bound of layer ``i`` (in units of ``2**-31``),
    ``wn[i]`` the abscissa scale and ``fn[i] = exp(-x_i**2 / 2)``.
    """
    m1 = 2147483648.0
    dn = tn = _ZIG_R
    kn = np.zeros(128, dtype=np.int64)
    wn = np.zeros(128)
    fn = np.zeros(128)
    q = _ZIG_V / math.exp(-0.5 * dn * dn)
    kn[0] = int((dn / q) * m1)
    kn[1] = 0
    wn[0] = q / m1
    wn[127] = dn / m1
    fn[0] = 1.0
    fn[127] = math.exp(-0.5 * dn * dn)
    for i in range(126, 0, -1):
        dn = math.sqrt(-2.0 * math.log(_ZIG_V / dn + math.exp(-0.5 * dn * dn)))
        kn[i + 1] = int((dn / tn) * m1)
        tn = dn
        fn[i] = math.exp(-0.5 * dn * dn)
        wn[i] = dn / m1
    return kn, wn, fn


# Global arrays are frozen into the compiled kernels as constants.
_ZIG_KN, _ZIG_WN, _ZIG_FN = _ziggurat_tables()


@njit(cache=True, inline="always")
def _open_uniform(r):
    """Uniform double in the open interval (0, 1) from the 53 high bits of ``r``."""
    return (np.float64(r >> np.uint64(11)) + 0.5) * (1.0 / 9007199254740992.0)


@njit(cache=True, inline="always")
def _layer(r):
    """Layer index (7 low bits) and signed 32-bit abscissa (32 high bits) of one draw."""
    return np.int64(r & np.uint64(127)), np.int64(r >> np.uint64(32)) - 2147483648


@njit(cache=True)
def _normal_slow(hz, iz, s0, s1, s2, s3):
    """The rejected part of :func:`xoshiro_normal`: wedges, tail, and new tries."""
    kn, wn, fn = _ZIG_KN, _ZIG_WN, _ZIG_FN
    while True:
        x = hz * wn[iz]
        if iz == 0:  # tail beyond _ZIG_R (Marsaglia 1964)
            while True:
                r, s0, s1, s2, s3 = xoshiro_next(s0, s1, s2, s3)
                x = -math.log(_open_uniform(r)) / _ZIG_R
                r, s0, s1, s2, s3 = xoshiro_next(s0, s1, s2, s3)
                y = -math.log(_open_uniform(r))
                if y + y >= x * x:
                    break
            return ((_ZIG_R + x) if hz > 0 else (-_ZIG_R - x)), s0, s1, s2, s3
        r, s0, s1, s2, s3 = xoshiro_next(s0, s1, s2, s3)
        if fn[iz] + _open_uniform(r) * (fn[iz - 1] - fn[iz]) < math.exp(-0.5 * x * x):
            return x, s0, s1, s2, s3
        r, s0, s1, s2, s3 = xoshiro_next(s0, s1, s2, s3)
        iz, hz = _layer(r)
        if abs(hz) < kn[iz]:
            return hz * wn[iz], s0, s1, s2, s3


@njit(cache=True, inline="always")
def xoshiro_normal(s0, s1, s2, s3):
    """One standard normal number from the xoshiro256** stream: ``(z, s0, s1, s2, s3)``.

    Ziggurat method (Marsaglia & Tsang 2000, 128 layers) on one
    :func:`xoshiro_next` draw per accepted number (about 99 % of the calls);
    inline it into a kernel whose state is held in four ``uint64`` scalars.
    """
    r, s0, s1, s2, s3 = xoshiro_next(s0, s1, s2, s3)
    iz, hz = _layer(r)
    if abs(hz) < _ZIG_KN[iz]:
        return hz * _ZIG_WN[iz], s0, s1, s2, s3
    return _normal_slow(hz, iz, s0, s1, s2, s3)


@njit(cache=True)
def _normals(n, seed):
    st = xoshiro_state(seed)
    s0, s1, s2, s3 = st[0], st[1], st[2], st[3]
    out = np.empty(n)
    for i in range(n):
        out[i], s0, s1, s2, s3 = xoshiro_normal(s0, s1, s2, s3)
    return out


def standard_normal(n, seed=None) -> np.ndarray:
    """``n`` standard normal numbers from :func:`xoshiro_normal`, as a kernel draws them.

    The stream is the one a kernel seeded with ``xoshiro_state(resolve_seed(seed))``
    sees, so a test can reproduce the noise of a kernel from its seed.

    Parameters
    ----------
    n : int
        Number of draws, >= 0.
    seed : int or None
        See :func:`resolve_seed`.

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    ValueError
        If ``n`` is not a non-negative integer or ``seed`` is invalid.

    Examples
    --------
    >>> from noneq.rng import standard_normal
    >>> z = standard_normal(100_000, seed=1)
    >>> bool(abs(z.mean()) < 0.02 and abs(z.std() - 1) < 0.02)
    True
    """
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral) or n < 0:
        raise ValueError(f"n must be an integer in [0, inf], got {n!r}")
    return _normals(int(n), resolve_seed(seed))
