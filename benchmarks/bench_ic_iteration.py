"""Cost of the paper's iteration for P_st (eqs. 76-80) against M, with the ansatz as reference.

For each M: sweeps to an L1 change below 1e-12 from the uniform guess, wall time,
rate (configurations x spins per second, i.e. elementary updates of eq. 77), the
error against the matrix product ansatz and the ratio of the times. The paper
stopped near M = 25; the table shows why (sweeps grow like M^2.5-3, each sweep
costs M 2^M).

Run: .venv/bin/python benchmarks/bench_ic_iteration.py [--quick] [--max-m N]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from noneq import ising_chain as ic


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="M up to 12")
    ap.add_argument("--max-m", type=int, default=16, help="largest M of the in-place sweep (default 16; "
                    "eq. 78 stops two below)")
    args = ap.parse_args(argv)
    T1, T2 = 1.0, 2.0
    m_max = 12 if args.quick else args.max_m
    Ms = list(range(6, m_max + 1, 2))
    # warm up the kernels
    ic.stationary_by_iteration(4, T1, T2, method="power")
    ic.stationary_by_iteration(4, T1, T2, method="gauss_seidel")
    ic.stationary_distribution(6, T1, T2)
    print("method        M   sweeps   seconds   updates/s   max rel. error   ansatz s   ratio")
    fits = {}
    for method in ("gauss_seidel", "power"):
        pts = []
        for M in Ms:
            if method == "power" and M > m_max - 2:
                continue
            r = ic.stationary_by_iteration(M, T1, T2, method=method, tol=1e-12, max_iterations=10**6)
            t_mpa = np.inf
            for _ in range(3):  # best of three (shared machine)
                t0 = time.perf_counter()
                P = ic.stationary_distribution(M, T1, T2)
                t_mpa = min(t_mpa, time.perf_counter() - t0)
            err = float(np.max(np.abs(r.P / P - 1)))
            rate = r.iterations * M * 2.0**M / r.seconds
            print(f"{method:<12} {M:>3} {r.iterations:>8} {r.seconds:>9.3f} {rate:>11.3g} {err:>16.1e} "
                  f"{t_mpa:>10.4f} {r.seconds / t_mpa:>7.0f}x")
            pts.append((M, r.iterations, r.seconds))
        fits[method] = pts
    print()
    for method, pts in fits.items():
        M, it, sec = (np.array(v, dtype=float) for v in zip(*pts))
        a = np.polyfit(np.log(M[-3:]), np.log(it[-3:]), 1)[0]
        # extrapolate to M = 25 with sweeps ~ M^a and a sweep ~ M 2^M
        sec25 = sec[-1] * (25 / M[-1]) ** (a + 1) * 2.0 ** (25 - M[-1])
        print(f"{method}: sweeps ~ M^{a:.2f} over the last three sizes; extrapolated M = 25: ~{sec25 / 3600:.1f} h")


if __name__ == "__main__":
    main()
