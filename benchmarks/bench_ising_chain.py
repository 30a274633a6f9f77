"""Speed of noneq.ising_chain: Monte Carlo trials/s (vs vectorised NumPy), exact P(ΔS), ansatz, p(E).

Run: .venv/bin/python benchmarks/bench_ising_chain.py [--quick] [--chunking]

``--chunking`` measures instead the cost of running :func:`noneq.ising_chain.simulate`
in chunks of about 0.25 s (:class:`noneq.progress.Chunked`): the same run, same seed,
once as usual and once in a single kernel call, alternating (``_chunking.py``).
"""

from __future__ import annotations

import argparse
import resource
import time

import numba
import numpy as np

import _chunking
from _ising_chain_reference import mc_trials_only, numpy_reference
from noneq import ising_chain as ic
from noneq.ising_chain._common import n1_bound
from noneq.ising_chain._kernels import _exact_kernel
from noneq.ising_chain.montecarlo import split, thresholds
from noneq.rng import spawn_seeds


def _best(f, repeat=3):
    best = np.inf
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main_chunking(repeats, other_seconds=(), control=False):
    """Chunked / one-call rates of the Monte Carlo kernel, M = 10, t = 10 (one block of runs).

    ``other_seconds``: chunk durations to measure besides the one :func:`simulate` uses.
    """
    from noneq.ising_chain import montecarlo

    M, t, runs = 10, 10, 4_000_000
    ic.simulate(M, t, 1.0, 2.0, samples=1000, seed=0, progress=False)  # load the compiled kernel
    results = {}

    def run(cls, key):
        with _chunking.patched(montecarlo, "Chunked", cls):
            results[key] = ic.simulate(M, t, 1.0, 2.0, samples=runs, seed=1, progress=False)

    print(f"numba threads: {numba.config.NUMBA_NUM_THREADS}; {repeats} interleaved repeats, medians")
    print(_chunking.HEADER)
    for seconds in [None] + list(other_seconds):
        timed = _chunking.Timed if seconds is None else _chunking.timed(seconds)
        _chunking.Timed.log = []
        stats = _chunking.paired(lambda timed=timed: run(timed, "chunked"), lambda: run(_chunking.OneCall, "one"),
                                 runs * M * t, repeats)
        # same work: the same numbers however the run is cut
        assert np.array_equal(results["chunked"].counts, results["one"].counts)
        label = "as simulate() runs" if seconds is None else f"chunks of {seconds:g} s"
        print(_chunking.row(f"MC, M={M}, t={t}, {label} (trials/s)", stats, _chunking.Timed.log), flush=True)
    if control:
        print(_chunking.control_row(lambda: run(_chunking.OneCall, "one"), runs * M * t, repeats))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller workloads")
    _chunking.add_arguments(ap)
    args = ap.parse_args(argv)
    if args.chunking:
        return main_chunking(args.repeats, args.seconds, args.control)
    M, t, T1, T2 = 10, 10, 1.0, 2.0
    L = M - 1
    p1, p2 = ic.insertion_probabilities(T1, T2)
    thr1, thr2 = thresholds(p1, p2)
    seeds = spawn_seeds(1, ic.N_CHUNKS)
    runs = 2_000_000 if args.quick else 10_000_000
    trials = runs * M * t
    ncores = numba.config.NUMBA_NUM_THREADS
    rows = []

    # warm up every kernel
    mc_trials_only(L, M, M * t, thr1, thr2, split(1000, ic.N_CHUNKS), seeds)
    ic.simulate(M, t, T1, T2, samples=1000, seed=0)
    ic.entropy_production_distribution(4, 2, T1, T2)
    ic.stationary_distribution(8, T1, T2)
    ic.energy_distribution(10, T1, T2)

    # --- Monte Carlo: bare update loop and full sampler, 1 thread and all threads
    rate = {}
    for nth in sorted({1, ncores}):
        numba.set_num_threads(nth)
        counts = split(runs, ic.N_CHUNKS)
        sec, _ = _best(lambda counts=counts: mc_trials_only(L, M, M * t, thr1, thr2, counts, seeds), repeat=2)
        rate[("bare", nth)] = trials / sec
        sec, _ = _best(lambda: ic.simulate(M, t, T1, T2, samples=runs, seed=1), repeat=2)
        rate[("full", nth)] = trials / sec
    # CPU time of the single-thread bare loop: the per-core rate, insensitive to other load on the machine
    numba.set_num_threads(1)
    counts = split(runs, ic.N_CHUNKS)
    c0 = time.process_time()
    mc_trials_only(L, M, M * t, thr1, thr2, counts, seeds)
    rate_cpu = trials / (time.process_time() - c0)
    numba.set_num_threads(ncores)
    nref = 200_000 if args.quick else 1_000_000
    sec_ref, _ = _best(lambda: numpy_reference(M, t, p1, p2, nref, seed=0), repeat=1)
    rate_ref = nref * M * t / sec_ref
    for (kind, nth), r in rate.items():
        rows.append((f"MC {kind} loop, M=10, {nth} thread(s)", f"{r:.3g} trials/s", f"{r / nth:.3g} /s/core",
                     f"{r / rate_ref:.1f}x NumPy"))
    rows.append(("MC bare loop, 1 thread, per CPU-second", f"{rate_cpu:.3g} trials/s", "target >= 2e8 /s/core",
                 f"{rate_cpu / rate_ref:.1f}x NumPy"))
    rows.append(("MC vectorised NumPy reference (1 core)", f"{rate_ref:.3g} trials/s", "", "1x"))
    full = rate[("full", ncores)]
    rows.append(("paper K = 1e9 runs x 100 trials, one T2", f"{1e11 / full:.0f} s (projected)", "", "target <= 300 s"))

    # --- exact P(ΔS), M = 10, t = 10
    sec, _ = _best(lambda: ic.entropy_production_distribution(M, t, T1, T2), repeat=1)
    rows.append(("exact P(dS), M=10, t=10, one T2 (histogram)", f"{sec:.1f} s", "", "target <= 15 s"))
    # straightforward reference: the same propagation with a full 2R+1 counter window and no
    # identity-swap folding, measured on M = 8 where it is affordable
    Ms = 8
    R = n1_bound(Ms, t)
    sec_fast, _ = _best(lambda: _exact_kernel(Ms - 1, Ms, Ms * t, p1, p2, R), repeat=2)
    rows.append((f"exact propagation kernel, M={Ms}, t={t}", f"{sec_fast:.3f} s", "", ""))

    # --- stationary distribution by the ansatz, M = 20 and 25
    for Mb in (20, 25):
        if args.quick and Mb == 25:
            continue
        r0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        sec, P = _best(lambda Mb=Mb: ic.stationary_distribution(Mb, T1, T2), repeat=1)
        r1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out_mb = P.nbytes / 2**20
        del P
        rows.append((f"stationary_distribution(M={Mb}) by the ansatz", f"{sec:.2f} s",
                     f"output {out_mb:.0f} MiB, peak RSS +{(r1 - r0) / 1024:.0f} MiB",
                     f"target <= {2 if Mb == 20 else 60} s"))
    Ms = 12
    sec_mpa, _ = _best(lambda: ic.stationary_distribution(Ms, T1, T2), repeat=3)
    sec_solve, _ = _best(lambda: ic.stationary_distribution(Ms, T1, T2, method="solve"), repeat=1)
    rows.append((f"stationary_distribution(M={Ms}): ansatz vs sparse LU", f"{sec_mpa:.4f} s vs {sec_solve:.2f} s", "",
                 f"{sec_solve / sec_mpa:.0f}x"))

    # --- energy distribution M = 100
    sec, _ = _best(lambda: ic.energy_distribution(100, T1, T2), repeat=3)
    rows.append(("energy_distribution(M=100)", f"{sec * 1e3:.1f} ms", "", "target <= 1 s"))

    w0 = max(len(r[0]) for r in rows)
    print(f"numba threads: {ncores}; machine shared, timings are noisy (best of repeats)\n")
    print(f"{'benchmark':<{w0}}  {'result':>24}  {'':>34}  ratio / target")
    for a, b, c, d in rows:
        print(f"{a:<{w0}}  {b:>24}  {c:>34}  {d}")


if __name__ == "__main__":
    main()
