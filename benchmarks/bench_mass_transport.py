"""Speed of the event-driven mass transport kernel (noneq.mass_transport).

Run: ``.venv/bin/python benchmarks/bench_mass_transport.py [--quick]``

Measures events per second of the exact Gillespie kernel (8-ary prefix-sum tree,
O(log N) per event) on the paper's three-branch graph (3 x 43348 = 130044 sites,
p = 1, gamma_B = gamma_C = 1/2, phi = 1, rho = 0.5) and on smaller graphs, and the
ratio against a straightforward implementation of the same dynamics that rebuilds
the cumulative site rates at every event (O(N) per event, ``_mass_transport_reference.py``),
in the same run.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from _mass_transport_reference import rebuild_every_event
from noneq import mass_transport as mt


def bench_tree(graph, rho, events, seed=1):
    m0 = mt.stationary_masses(graph.eta, rho * graph.n, seed=seed)
    rate = float(np.sum(graph.out_weight / graph.eta * m0))  # total event rate (constant here)
    mt.simulate(graph, m0, 10.0 / rate, seed=seed, progress=False)  # warm-up / compile
    best, best_cpu = 0.0, 0.0
    for rep in range(3):
        c0 = time.process_time()
        run = mt.simulate(graph, m0, events / rate, seed=seed + rep, progress=False)
        cpu = time.process_time() - c0
        best = max(best, run.events / run.wall)
        best_cpu = max(best_cpu, run.events / cpu)
    return best, best_cpu


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


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer events")
    a = ap.parse_args(argv)
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
    print(f"{'graph':36s} {'tree wall':>10s} {'tree cpu':>10s} {'naive wall':>11s} {'naive cpu':>10s} {'ratio':>7s}")
    for name, (t, tc), (nv, nvc) in rows:
        print(f"{name:36s} {t:10.3g} {tc:10.3g} {nv:11.3g} {nvc:10.3g} {tc / nvc:7.0f}")
    print("target: >= 1e7 events/s per core on 1.3e5 sites (three branches, N = 130044)")


if __name__ == "__main__":
    main()
