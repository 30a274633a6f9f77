"""Speed reference for ``bench_mass_transport.py``: the dynamics with every site rate rebuilt at each event.

Same rule as the package's kernel (site ``i`` fires at rate ``W_i m_i / eta_i``, sends its
packet along link ``i -> j`` with probability ``w_ij / W_i`` and keeps ``m_i U**(1/eta_i)``),
but the cumulative rates are recomputed from scratch before every event (O(N) per event)
and the random numbers come from numba's own generator. Only the benchmark uses it, to
express the speed of the O(log N) prefix-sum tree as a ratio measured in the same run.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True)
def rebuild_every_event(m, c, out_ptr, out_idx, out_w, W, eta_inv, t_end, max_events, seed):
    """Reference: same dynamics, cumulative rates rebuilt at each event, numba's own RNG."""
    np.random.seed(seed)
    n = m.shape[0]
    cum = np.empty(n)
    t = 0.0
    nev = 0
    while nev < max_events:
        s = 0.0
        for i in range(n):
            s += c[i] * m[i]
            cum[i] = s
        R = s
        t += -math.log(1.0 - np.random.random()) / R
        if t > t_end:
            break
        u = np.random.random() * R
        lo, hi = 0, n - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if cum[mid] > u:
                hi = mid
            else:
                lo = mid + 1
        i = lo
        a0 = out_ptr[i]
        deg = out_ptr[i + 1] - a0
        kl = a0
        if deg > 1:
            uu = np.random.random() * W[i]
            kl = a0 + deg - 1
            for kk in range(a0, a0 + deg - 1):
                if uu < out_w[kk]:
                    kl = kk
                    break
                uu -= out_w[kk]
        e = eta_inv[i]
        x = np.random.random()
        if e != 1.0:
            x = x ** e
        mi_new = m[i] * x
        mu = m[i] - mi_new
        m[i] = mi_new
        m[out_idx[kl]] += mu
        nev += 1
    return nev
