"""Speed of the event-driven mass transport kernel (noneq.mass_transport).

Run: ``.venv/bin/python benchmarks/bench_mass_transport.py [--quick] [--interrupt] [--chunking]``

Measures events per second of the exact Gillespie kernel (8-ary prefix-sum tree,
O(log N) per event) on the paper's three-branch graph (3 x 43348 = 130044 sites,
p = 1, gamma_B = gamma_C = 1/2, phi = 1, rho = 0.5) and on smaller graphs, and the
ratio against a straightforward implementation of the same dynamics that rebuilds
the cumulative site rates at every event (O(N) per event, ``_mass_transport_reference.py``),
in the same run.

``--interrupt`` measures instead how long each long public call takes to raise
``KeyboardInterrupt`` after a ``SIGINT`` sent 1.5 s and 4 s after it started (fresh
process each time, relaxation and measurement phases), and how many kernel calls
(chunks) a run makes and how long they last.

``--chunking`` measures the cost of the chunks alone: the same run (same seed, same
events) as :func:`noneq.mass_transport.simulate` makes it and in a single kernel call,
alternating, over ``--repeats`` repeats (median and range of the ratios, ``_chunking.py``).
"""

from __future__ import annotations

import argparse
import functools
import os
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

import _chunking
from _mass_transport_reference import rebuild_every_event
from noneq import mass_transport as mt


class _OneCall:
    """No chunking: the whole block in one kernel call (the reference of the chunking overhead)."""

    def __init__(self, *args, **kwargs):
        pass

    def budget(self):
        return np.iinfo(np.int64).max

    def record(self, events, elapsed, full):
        pass


def bench_tree(graph, rho, events, seed=1, repeat=3):
    """Best events/s (wall, CPU) of simulate, and the best CPU rate of the same runs made in one kernel call.

    Chunked and one-call runs alternate, so both see the same load of the machine.
    """
    from noneq.mass_transport import dynamics

    m0 = mt.stationary_masses(graph.eta, rho * graph.n, seed=seed)
    rate = float(np.sum(graph.out_weight / graph.eta * m0))  # total event rate (constant here)
    mt.simulate(graph, m0, 10.0 / rate, seed=seed, progress=False)  # warm-up / compile
    best, best_cpu, best_one = 0.0, 0.0, 0.0
    chunked = dynamics._EventChunks
    for rep in range(repeat):
        c0 = time.process_time()
        run = mt.simulate(graph, m0, events / rate, seed=seed + rep, progress=False)
        cpu = time.process_time() - c0
        best = max(best, run.events / run.wall)
        best_cpu = max(best_cpu, run.events / cpu)
        dynamics._EventChunks = _OneCall
        try:
            c0 = time.process_time()
            run = mt.simulate(graph, m0, events / rate, seed=seed + rep, progress=False)
            best_one = max(best_one, run.events / (time.process_time() - c0))
        finally:
            dynamics._EventChunks = chunked
    return best, best_cpu, best_one


def bench_naive(graph, rho, events, seed=1):
    m = mt.stationary_masses(graph.eta, rho * graph.n, seed=seed)
    W = graph.out_weight
    c = W / graph.eta
    args = (graph.out_ptr, graph.out_idx, graph.out_w, W, 1.0 / graph.eta)
    rebuild_every_event(m.copy(), c, *args, 1e300, 10, seed)
    t = time.perf_counter()
    c0 = time.process_time()
    nev = rebuild_every_event(m.copy(), c, *args, 1e300, events, seed)
    return nev / (time.perf_counter() - t), nev / (time.process_time() - c0)


CHILD = textwrap.dedent(
    """
    import sys
    from noneq import mass_transport as mt
    mt.simulate_three_branch(16, 0.5, t_max=5.0, t_relax=1.0, seed=0, progress=False)
    calls = {
        "simulate_three_branch, relaxation": lambda: mt.simulate_three_branch(
            1000, 0.5, t_max=1.0, t_relax=1e9, seed=2),
        "simulate_three_branch, measurement": lambda: mt.simulate_three_branch(
            43348, 0.5, t_max=1e9, t_relax=0.0, probe="B", seed=2),
        "simulate_zrp_three_branch": lambda: mt.simulate_zrp_three_branch(300, 300, 300, 0.5, t_max=1e9, seed=2),
        "simulate_ring_probe": lambda: mt.simulate_ring_probe(15870, mt.sinusoidal_eta(15870), 3968, 500,
                                                              t_max=1e9, seed=2),
        "simulate_ring": lambda: mt.simulate_ring(100000, t_max=1e9, seed=2),
    }
    print("ready", flush=True)
    try:
        calls[sys.argv[1]]()
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    """
)


def interrupt_latency(call, delay):
    """Seconds from SIGINT (sent ``delay`` s after the call started) to KeyboardInterrupt (nan: none in 30 s)."""
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    proc = subprocess.Popen([sys.executable, "-c", CHILD, call], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, bufsize=1, env=env)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(delay)
        t0 = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        ready, _, _ = select.select([proc.stdout], [], [], 30.0)
        ok = ready and proc.stdout.readline().strip() == "interrupted"
        return time.perf_counter() - t0 if ok else float("nan")
    finally:
        proc.kill()
        proc.wait()


def chunk_lengths():
    """Kernel calls of a 10 s three-branch run (N = 130044): their number and wall times."""
    from noneq.mass_transport import dynamics

    lengths = []
    orig = dynamics._EventChunks.record

    def record(self, events, elapsed, full):
        lengths.append((events, elapsed))
        orig(self, events, elapsed, full)

    dynamics._EventChunks.record = record
    try:
        g = mt.three_branch_graph(43346, 43348, 43348, p=1.0, gamma_B=0.5, gamma_C=0.5)
        m0 = mt.stationary_masses(g.eta, 0.5 * g.n, seed=1)
        mt.simulate(g, m0, 1.0, seed=1, progress=False)
        lengths.clear()
        t = time.perf_counter()
        while time.perf_counter() - t < 10.0:
            mt.simulate(g, m0, 2000.0, seed=2, progress=False)
    finally:
        dynamics._EventChunks.record = orig
    return lengths


def main_interrupt():
    print(f"chunk target {mt.dynamics.CHUNK_SECONDS} s, first chunk {mt.dynamics.FIRST_CHUNK} events")
    lengths = chunk_lengths()
    sec = np.array([e for _, e in lengths])
    ev = np.array([n for n, _ in lengths])
    print(f"three branches, N = 130044: {len(sec)} kernel calls, events per call median {np.median(ev):.3g}, "
          f"wall per call median {np.median(sec):.3f} s, max {sec.max():.3f} s")
    print(f"{'call':40s} {'SIGINT at':>9s} {'latency (s)':>12s}")
    for call in ("simulate_three_branch, relaxation", "simulate_three_branch, measurement",
                 "simulate_zrp_three_branch", "simulate_ring_probe", "simulate_ring"):
        for delay in (1.5, 4.0):
            print(f"{call:40s} {delay:9.1f} {interrupt_latency(call, delay):12.3f}", flush=True)


def main_chunking(repeats, other_seconds=(), control=False, events=10_000_000):
    """Chunked / one-call event rates of the Gillespie kernel on the paper's three branches and on a ring.

    ``other_seconds``: chunk durations to measure besides :data:`noneq.mass_transport.dynamics.CHUNK_SECONDS`.
    """
    from noneq.mass_transport import dynamics

    class Timed(dynamics._EventChunks):
        def record(self, events, elapsed, full):
            _chunking.Timed.log.append(elapsed)
            super().record(events, elapsed, full)

    graphs = [("three branches, N = 130044 (events/s)", mt.three_branch_graph(43346, 43348, 43348, p=1.0), 0.5),
              ("ring, N = 15870, eta_i = 2 + sin (events/s)",
               mt.ring_graph(15870, p=1.0, eta=mt.sinusoidal_eta(15870)), 2.0)]
    print(f"chunk target {dynamics.CHUNK_SECONDS} s, first chunk {dynamics.FIRST_CHUNK} events; "
          f"{repeats} interleaved repeats, medians")
    print(_chunking.HEADER)
    for name, g, rho in graphs:
        m0 = mt.stationary_masses(g.eta, rho * g.n, seed=1)
        t_max = events / float(np.sum(g.out_weight / g.eta * m0))  # total event rate (constant here)
        mt.simulate(g, m0, 10.0 / events * t_max, seed=1, progress=False)  # load the compiled kernel
        runs = {}

        def run(cls, key, g=g, m0=m0, t_max=t_max, runs=runs):
            with _chunking.patched(dynamics, "_EventChunks", cls):
                runs[key] = mt.simulate(g, m0, t_max, seed=2, progress=False)

        for seconds in [None] + list(other_seconds):
            cls = Timed if seconds is None else functools.partial(Timed, seconds=seconds)
            _chunking.Timed.log = []
            stats = _chunking.paired(lambda cls=cls: run(cls, "chunked"), lambda: run(_OneCall, "one"), events,
                                     repeats)
            assert runs["chunked"].events == runs["one"].events  # the same work
            label = name if seconds is None else f"  ... chunks of {seconds:g} s"
            print(_chunking.row(label, stats, _chunking.Timed.log), flush=True)
        if control:
            print(_chunking.control_row(lambda run=run: run(_OneCall, "one"), events, repeats), flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer events")
    ap.add_argument("--interrupt", action="store_true", help="SIGINT latencies and chunk lengths instead of rates")
    _chunking.add_arguments(ap, "cost of the chunking: chunked vs one kernel call")
    a = ap.parse_args(argv)
    if a.chunking:
        return main_chunking(a.repeats, a.seconds, a.control)
    if a.interrupt:
        return main_interrupt()
    n_ev = 2_000_000 if a.quick else 10_000_000
    rows = []
    for N_b in (43348, 4096, 512):
        g = mt.three_branch_graph(N_b - 2, N_b, N_b, p=1.0, gamma_B=0.5, gamma_C=0.5)
        tree = bench_tree(g, 0.5, n_ev)
        n_naive = max(2000, int(2e9 / g.n / (20 if a.quick else 5)))
        naive = bench_naive(g, 0.5, n_naive)
        rows.append((f"three branches, N = {g.n}", tree, naive))
    g = mt.ring_graph(15870, p=1.0, eta=mt.sinusoidal_eta(15870))
    rows.append(("ring, N = 15870, eta_i = 2 + sin", bench_tree(g, 2.0, n_ev),
                 bench_naive(g, 2.0, max(2000, int(2e9 / g.n / (20 if a.quick else 5))))))
    print("events per second of wall time, and per second of CPU time of this process (the machine may be shared)")
    print("(chunked / one call: CPU rate of the usual run, cut into kernel calls of about "
          f"{mt.dynamics.CHUNK_SECONDS} s, over the same run made in one kernel call)")
    print(f"{'graph':36s} {'tree wall':>10s} {'tree cpu':>10s} {'naive wall':>11s} {'naive cpu':>10s} {'ratio':>7s}"
          f" {'chunked / one call':>19s}")
    for name, (t, tc, one), (nv, nvc) in rows:
        print(f"{name:36s} {t:10.3g} {tc:10.3g} {nv:11.3g} {nvc:10.3g} {tc / nvc:7.0f} {tc / one:19.3f}")
    print("target: >= 1e7 events/s per core on 1.3e5 sites (three branches, N = 130044)")


if __name__ == "__main__":
    main()
