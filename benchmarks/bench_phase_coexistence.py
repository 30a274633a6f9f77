"""Speed of the noisy Heun integration (noneq.phase_coexistence) against vectorised NumPy.

Rates are site-steps per CPU second (``time.process_time``), so that other work
on the machine does not distort them; the ratio column divides by the NumPy
rate measured in the same run. Each entry is the best of ``REPEAT`` runs. The
kernel is timed once as a single call over the whole run and once as the public
functions run it, in chunks of 0.25 s (0.5 s for parallel tasks; :class:`noneq.progress.Chunked`),
so the cost of the chunking shows as the ratio of the two. The two-task line
also gives the wall-clock rate, which shows the parallel speed-up only on an
otherwise idle machine.

Target: >= 5e7 site-steps per CPU second at N = 64 (one task).
Run: .venv/bin/python benchmarks/bench_phase_coexistence.py [--chunking [--repeats R]]

``--chunking`` measures the cost of the chunks on the very code path of the public
functions: the same run once as usual and once with :class:`noneq.progress.Chunked`
replaced by a single chunk (one kernel call), alternating (``_chunking.py``); with
the number and length of the chunks.
"""

import argparse
import time

import numpy as np

import _chunking
import noneq.phase_coexistence as pc
from _phase_coexistence_reference import numpy_heun
from noneq.phase_coexistence import noisy, steady
from noneq.phase_coexistence._kernels import _relax_kernel, _scan_chunk, _task_states

N, KAPPA, PHI, T_EFF, DT = 64, 0.5, 0.05, 0.002, 0.01
N_STEPS = 1_000_000
REPEAT = 3
NEVER = 10**9  # sampling interval longer than the run: no samples


def _single_call(n_tasks, n_steps, every):
    """The whole run in one kernel call."""
    rho = np.repeat(pc.initial_profile(N, 1.5, "liquid-first")[None, :], n_tasks, axis=0)
    states = _task_states(np.arange(1, n_tasks + 1, dtype=np.uint32))
    n_series = n_steps // every
    acc = np.zeros((n_tasks, 2, N)), np.zeros((n_tasks, 2, N))
    series = np.full((n_tasks, n_series), np.nan), np.full((n_tasks, n_series), np.nan)
    _scan_chunk(rho, np.full(n_tasks, KAPPA), PHI, 2 * T_EFF, DT, 1.0, 0, n_steps, 0, every, 1, n_series, 1.5, states,
                *acc, *series)


def _chunked(n_tasks, n_steps, every):
    """The run as simulate() and interface_scan() do it, in chunks."""
    rho = np.repeat(pc.initial_profile(N, 1.5, "liquid-first")[None, :], n_tasks, axis=0)
    noisy._run_tasks(rho, np.full(n_tasks, KAPPA), PHI, 2 * T_EFF, DT, 0.0, n_steps, every, 2,
                     np.arange(1, n_tasks + 1, dtype=np.uint32), progress=False)


def _relax(chunked, n_steps=N_STEPS):
    rho = pc.initial_profile(N, 1.5, "liquid-first")
    if chunked:
        steady._relax(rho, KAPPA, PHI, DT, n_steps, 0.0)
    else:
        _relax_kernel(rho, KAPPA, PHI, DT, n_steps, 0.0, 10)


def _rate(f, site_steps):
    best_cpu, best_wall = np.inf, np.inf
    for _ in range(REPEAT):
        c, w = time.process_time(), time.perf_counter()
        f()
        best_cpu = min(best_cpu, time.process_time() - c)
        best_wall = min(best_wall, time.perf_counter() - w)
    return site_steps / best_cpu, site_steps / best_wall


def main_chunking(repeats, other_seconds=(), control=False):
    """Chunked / one-call rates of the Heun kernels (1 task, 2 parallel tasks) and of the relaxation kernel.

    ``other_seconds``: chunk durations to measure besides the ones the public functions use.
    """
    _chunked(1, 100, 10)  # compile or load the caches
    _chunked(2, 100, 10)
    _relax(True)
    n_steps = 2 * N_STEPS
    cases = [
        ("Heun, 1 task (_heun_steps)", noisy, lambda: _chunked(1, n_steps, NEVER), N * n_steps),
        ("Heun, 1 task, sampling every 10 steps", noisy, lambda: _chunked(1, n_steps, 10), N * n_steps),
        ("Heun, 2 tasks in parallel (_scan_chunk)", noisy, lambda: _chunked(2, n_steps, NEVER), 2 * N * n_steps),
        ("noiseless relaxation (_relax_kernel)", steady, lambda: _relax(True, 20 * N_STEPS), 20 * N * N_STEPS),
    ]
    print(f"N = {N}, site-steps per second; {repeats} interleaved repeats, medians")
    print(_chunking.HEADER)
    for name, module, f, work in cases:
        for seconds in [None] + list(other_seconds):
            timed = _chunking.Timed if seconds is None else _chunking.timed(seconds)

            def chunked(module=module, f=f, timed=timed):
                with _chunking.patched(module, "Chunked", timed):
                    f()

            def one_call(module=module, f=f):
                with _chunking.patched(module, "Chunked", _chunking.OneCall):
                    f()

            _chunking.Timed.log = []
            stats = _chunking.paired(chunked, one_call, work, repeats)
            label = name if seconds is None else f"  ... chunks of {seconds:g} s"
            print(_chunking.row(label, stats, _chunking.Timed.log), flush=True)
        if control:
            print(_chunking.control_row(one_call, work, repeats), flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    _chunking.add_arguments(ap)
    args = ap.parse_args(argv)
    if args.chunking:
        return main_chunking(args.repeats, args.seconds, args.control)
    _single_call(1, 100, 10)  # compile or load the cache
    _chunked(2, 100, 10)
    _relax(True)
    work = N * N_STEPS
    rows = [
        ("numba kernel, 1 task, one call", _rate(lambda: _single_call(1, N_STEPS, NEVER), work)),
        ("numba kernel, 1 task, chunks", _rate(lambda: _chunked(1, N_STEPS, NEVER), work)),
        ("  ... sampling every 10 steps, one call", _rate(lambda: _single_call(1, N_STEPS, 10), work)),
        ("  ... sampling every 10 steps, chunks", _rate(lambda: _chunked(1, N_STEPS, 10), work)),
        ("numba kernel, 2 tasks in parallel, one call", _rate(lambda: _single_call(2, N_STEPS, NEVER), 2 * work)),
        ("numba kernel, 2 tasks in parallel, chunks", _rate(lambda: _chunked(2, N_STEPS, NEVER), 2 * work)),
        ("noiseless relaxation, one call", _rate(lambda: _relax(False), work)),
        ("noiseless relaxation, chunks", _rate(lambda: _relax(True), work)),
    ]
    n_np = 20_000
    rng = np.random.default_rng(1)
    rho = pc.initial_profile(N, 1.5, "liquid-first")
    rate_np, _ = _rate(lambda: numpy_heun(rho.copy(), KAPPA, PHI, T_EFF, DT, n_np, rng), N * n_np)
    print(f"{'implementation (N = 64, Heun, dt = 0.01)':<46} {'site-steps/CPU-s':>17} {'ratio':>8} {'wall':>10}")
    for name, (cpu, wall) in rows:
        print(f"{name:<46} {cpu:17.3e} {cpu / rate_np:8.1f} {wall:10.3e}")
    print(f"{'vectorised NumPy, same noisy scheme':<46} {rate_np:17.3e} {1.0:8.1f}")
    for k, what in zip((0, 2, 4, 6), ("1 task", "1 task sampling", "2 tasks", "relaxation")):
        print(f"chunks / one call, {what}: {rows[k + 1][1][0] / rows[k][1][0]:.3f}")
    rate = rows[1][1][0]
    print(f"target >= 5e7 site-steps per CPU second: {'met' if rate >= 5e7 else 'NOT met'} ({rate:.2e})")


if __name__ == "__main__":
    main()
