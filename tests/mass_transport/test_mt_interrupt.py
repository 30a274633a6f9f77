"""Long runs stop on SIGINT within a second, give the same numbers however they are chunked, move
their progress bar and refuse, before allocating, what cannot fit in memory."""

import os
import re
import select
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from noneq import mass_transport as mt
from noneq.mass_transport import dynamics

SRC = str(Path(__file__).resolve().parents[2] / "src")

# ----------------------------------------------------------------------------- SIGINT in a subprocess

CHILD = textwrap.dedent(
    """
    import sys, time
    import numpy as np
    from noneq import mass_transport as mt

    def small():
        return mt.simulate_three_branch(16, 0.5, t_max=50.0, t_relax=10.0, n_blocks=4, seed=0,
                                        progress=False).series["density"]

    before = small()  # loads the compiled kernel
    g = mt.three_branch_graph(998, 1000, 1000, p=0.75)
    m0 = mt.stationary_masses(g.eta, 0.5 * g.n, seed=1)
    m0_copy = m0.copy()
    calls = {
        "three_branch_relax": lambda: mt.simulate_three_branch(1000, 0.5, t_max=1.0, t_relax=1e9, seed=2),
        "three_branch_measure": lambda: mt.simulate_three_branch(1000, 0.5, t_max=1e9, t_relax=0.0,
                                                                 probe="B", seed=2),
        "zrp": lambda: mt.simulate_zrp_three_branch(300, 300, 300, 0.5, t_max=1e9, t_relax=1e9, seed=2),
        "ring_probe": lambda: mt.simulate_ring_probe(2000, mt.sinusoidal_eta(2000), 500, 16,
                                                     t_max=1e9, seed=2),
        "simulate": lambda: mt.simulate(g, m0, 1e9, n_blocks=3, regions=[g.info["B"]], track_sites=True,
                                        seed=2),
    }
    call = calls[sys.argv[1]]
    print("ready", flush=True)
    try:
        call()
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        untouched = np.array_equal(m0, m0_copy)
        usable = np.array_equal(small(), before)
        print(f"untouched={untouched} usable={usable}", flush=True)
        sys.exit(0)
    print("finished", flush=True)
    """
)


def _readline(proc, timeout):
    """The child's next line, or "" if none comes within ``timeout`` seconds."""
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    return proc.stdout.readline().strip() if ready else ""


def _interrupt(call, delay):
    """Start ``call`` in a fresh process, send SIGINT ``delay`` s after it began; return (latency, line, rest)."""
    env = dict(os.environ, PYTHONPATH=SRC, NONEQ_PROGRESS="1")  # bars on: they must not delay the stop
    proc = subprocess.Popen([sys.executable, "-c", CHILD, call], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, bufsize=1, env=env)
    try:
        assert _readline(proc, 120) == "ready"
        time.sleep(delay)
        assert proc.poll() is None, "the call finished before the signal"
        t0 = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        line = _readline(proc, 10)  # a kernel that ignores SIGINT fails here instead of hanging
        latency = time.perf_counter() - t0
        rest = _readline(proc, 60) if line else ""
    finally:
        proc.kill()
        proc.wait()
    return latency, line, rest


@pytest.mark.parametrize(
    "call, delay",
    [("three_branch_relax", 1.5), ("three_branch_relax", 4.0), ("three_branch_measure", 1.5),
     ("three_branch_measure", 4.0), ("zrp", 1.5), ("ring_probe", 4.0), ("simulate", 2.5)],
)
def test_sigint_stops_a_long_run_within_three_seconds(call, delay):
    """Relaxation and measurement, every model: KeyboardInterrupt within 3 s, the caller's masses
    untouched, and the next call gives the same numbers as before the interrupt."""
    latency, line, rest = _interrupt(call, delay)
    assert line == "interrupted", (line, rest)
    assert latency < 3.0, latency
    assert "untouched=True usable=True" in rest


# ----------------------------------------------------------------------------- chunks do not change the numbers


class _RandomChunks(dynamics._EventChunks):
    """Event budgets of 1 to 40 events, drawn at random (chunk ends everywhere)."""

    rng = np.random.default_rng(0)
    calls = 0

    def budget(self):
        _RandomChunks.calls += 1
        return int(self.rng.integers(1, 41))


class _OneChunk(dynamics._EventChunks):
    """No chunking: one kernel call per block."""

    def budget(self):
        return np.iinfo(np.int64).max


def _arrays(x):
    """Every array and number held by a result, flattened to a list (for bitwise comparison)."""
    if isinstance(x, dict):
        return [a for k in sorted(x, key=str) for a in _arrays(x[k])]
    if isinstance(x, (list, tuple)):
        return [a for v in x for a in _arrays(v)]
    if hasattr(x, "__dataclass_fields__"):
        return [a for k in x.__dataclass_fields__ if k not in ("seconds", "wall", "graph")
                for a in _arrays(getattr(x, k))]
    if isinstance(x, (np.ndarray, float, int, np.floating, np.integer)):
        return [np.asarray(x)]
    return []


RUNS = {
    "ring": lambda: mt.simulate_ring(40, rho=1.0, eta=mt.random_eta(40, seed=1), p=0.8, t_max=60.0, n_blocks=5,
                                     seed=3, progress=False),
    "ring_probe": lambda: mt.simulate_ring_probe(40, mt.sinusoidal_eta(40), 10, 6, p=0.9, t_max=80.0, n_blocks=6,
                                                 seed=4, progress=False),
    "three_branch": lambda: mt.simulate_three_branch(24, 0.5, gamma_B=0.3, gamma_C=0.6, p=0.9, t_max=150.0,
                                                     t_relax=40.0, n_blocks=4, n_relax_blocks=3, probe="C",
                                                     seed=5, progress=False),
    "zrp": lambda: mt.simulate_zrp_three_branch(6, 7, 8, 0.7, t_max=400.0, t_relax=50.0, n_blocks=4, seed=6,
                                                progress=False),
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_chunked_run_is_bit_identical_to_one_call(name, monkeypatch):
    monkeypatch.setattr(dynamics, "_EventChunks", _OneChunk)
    whole = RUNS[name]()
    monkeypatch.setattr(dynamics, "_EventChunks", _RandomChunks)
    _RandomChunks.calls = 0
    cut = RUNS[name]()
    assert _RandomChunks.calls > 50  # the run was really cut in many places
    a, b = _arrays(whole), _arrays(cut)
    assert len(a) == len(b) and len(a) > 5
    for x, y in zip(a, b):
        assert x.shape == y.shape and np.array_equal(x, y, equal_nan=x.dtype.kind == "f")


def test_frozen_run_with_chunks():
    """No mass can move (all mass on sites without rate): the integrals run on to t_max."""
    g = mt.ring_graph(6, p=1.0)
    run = mt.simulate(g, np.zeros(6), 10.0, n_blocks=2, regions=[[0, 1]], seed=1, progress=False)
    assert run.events == 0 and np.array_equal(run.region_mean, np.zeros((2, 1)))


def test_max_events_still_caps_a_block(monkeypatch):
    monkeypatch.setattr(dynamics, "_EventChunks", _RandomChunks)
    g = mt.ring_graph(10, p=1.0)
    with pytest.raises(RuntimeError, match="max_events=500"):
        mt.simulate(g, np.ones(10), 1e6, max_events=500, seed=1, progress=False)


def test_event_budget_adapts_to_the_rate():
    ch = dynamics._EventChunks(seconds=0.25, first=1000, growth=4.0)
    ch.record(1000, 1e-4, True)  # 1e7 events/s: grows by at most 4x
    assert ch.budget() == 4000
    for _ in range(10):
        ch.record(ch.budget(), ch.budget() / 1e7, True)
    assert ch.budget() == 2_500_000  # 0.25 s at 1e7 events/s
    ch.record(2_500_000, 2.5, True)  # slower machine: shrinks at once to 0.25 s
    assert ch.budget() == 250_000
    ch.record(10, 1e-5, False)  # a block that ended early says nothing about the rate
    assert ch.budget() == 250_000


# ----------------------------------------------------------------------------- progress bar


class _Bar:
    instances = []

    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.updates = []
        self.closed = False
        _Bar.instances.append(self)

    def update(self, x):
        self.updates.append(x)

    def close(self):
        self.closed = True


def test_chunks_drive_the_progress_bar(monkeypatch):
    monkeypatch.setattr(dynamics, "_EventChunks", _RandomChunks)
    monkeypatch.setattr(dynamics, "_progress_bar", _Bar)
    _Bar.instances.clear()
    mt.simulate_three_branch(16, 0.5, t_max=100.0, t_relax=30.0, n_blocks=3, seed=1, progress=True)
    relax, measure = _Bar.instances
    assert relax.kwargs["desc"].endswith("(relax)") and relax.kwargs["total"] == 30.0
    assert measure.kwargs["total"] == 100.0 and measure.kwargs["progress"] is True
    for bar in (relax, measure):
        assert bar.closed and len(bar.updates) > 20
        assert np.isclose(sum(bar.updates), bar.kwargs["total"], rtol=1e-12)
        assert min(bar.updates) >= 0.0


def test_progress_bar_text_and_switch(monkeypatch, capsys):
    g = mt.ring_graph(20, p=1.0)
    mt.simulate(g, np.ones(20), 50.0, seed=1, progress=True, desc="ring run")
    assert "ring run" in capsys.readouterr().err
    monkeypatch.setenv("NONEQ_PROGRESS", "0")
    mt.simulate(g, np.ones(20), 50.0, seed=1, desc="ring run")
    assert capsys.readouterr().err == ""


# ----------------------------------------------------------------------------- memory checked up front

OVERSIZED = textwrap.dedent(
    """
    import resource, sys, time
    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))  # a failing check cannot take the machine
    from noneq import mass_transport as mt
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    try:
        mt.simulate_three_branch(10**9, 0.5, t_max=1.0)
    except ValueError as e:
        print(repr(str(e)))
    print(time.perf_counter() - t0)
    print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024)
    """
)


def test_oversized_request_fails_fast_without_growing():
    """``simulate_three_branch(10**9, ...)`` once grew to 21 GB: now a ValueError naming N_b and the size."""
    env = dict(os.environ, PYTHONPATH=SRC)
    env.pop("NONEQ_MEMORY_LIMIT", None)
    out = subprocess.run([sys.executable, "-c", OVERSIZED], capture_output=True, text=True, env=env, timeout=120)
    msg, seconds, grew_mb = out.stdout.strip().splitlines()
    assert re.search(r"N_b = 1000000000 needs [\d.]+ (GiB|TiB) .* is available", msg), msg
    assert float(seconds) < 1.0
    assert float(grew_mb) < 50.0


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: mt.simulate_three_branch(20_000, 0.5), "N_b = 20000"),
        (lambda: mt.simulate_three_branch(64, 0.5, n_blocks=10**6), "n_blocks = 1000000"),
        (lambda: mt.simulate_ring(200_000), "N = 200000"),
        (lambda: mt.simulate_ring(1000, n_blocks=20_000), "N = 1000 with n_blocks = 20000"),
        (lambda: mt.simulate_ring_probe(100_000, 2.0, 5, 10), "N \\+ N_pr = 100010"),
        (lambda: mt.simulate_zrp_three_branch(10_000, 10_000, 10_000, 0.5), "n_A \\+ n_B \\+ n_C \\+ 2 = 30002"),
        (lambda: mt.simulate_zrp_three_branch(10, 10, 10, 10**6), "rho = 1e\\+06"),
        (lambda: mt.ring_graph(10**6), "N = 1000000"),
        (lambda: mt.three_branch_graph(10**6, 10, 10), "n_A \\+ n_B \\+ n_C \\+ 2 = 1000022"),
        (lambda: mt.simulate(mt.ring_graph(1000), np.ones(1000), 1.0, n_blocks=10**7), "n_blocks = 10000000"),
    ],
)
def test_memory_limit_names_the_parameter(call, name, monkeypatch):
    """With a 20 MiB limit each of these needs more and says which argument asks for it."""
    monkeypatch.setenv("NONEQ_MEMORY_LIMIT", str(20 * 2**20))
    with pytest.raises(ValueError, match=name + r"\b.* needs [\d.]+ MiB .*; 20\.0 MiB is available"):
        call()


def test_memory_estimate_covers_what_a_run_allocates():
    """The estimate of simulate is an upper bound of its measured peak (tracemalloc)."""
    import tracemalloc

    g = mt.three_branch_graph(9998, 10000, 10000, p=0.8)
    m0 = mt.stationary_masses(g.eta, 0.5 * g.n, seed=1)
    regions = [g.info[b] for b in "ABC"]
    kw = dict(n_blocks=50, regions=regions, track_sites=True, snap_sites=np.arange(100), seed=1, progress=False)
    mt.simulate(g, m0, 1.0, **kw)
    tracemalloc.start()
    mt.simulate(g, m0, 1.0, **kw)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    est = dynamics.simulate_bytes(g.n, g.out_idx.size, 50, 3, g.n, 100)
    assert peak < est < 4 * peak


# ----------------------------------------------------------------------------- command line


def test_cli_parallel_run_stops_when_only_the_parent_is_interrupted():
    """fig5 --jobs 3 runs the probes in worker processes; SIGINT to the parent alone stops them all."""
    import psutil

    env = dict(os.environ, PYTHONPATH=SRC, NONEQ_PROGRESS="0")
    cmd = [sys.executable, "-m", "noneq.mass_transport", "fig5", "--scale", "ci", "--N", "2000",
           "--t-max", "1e9", "--t-relax", "0", "--jobs", "3"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    workers = []
    try:
        assert _readline(proc, 120).startswith("fig5")
        deadline = time.perf_counter() + 60
        while len(workers) < 3 and time.perf_counter() < deadline:
            workers = psutil.Process(proc.pid).children(recursive=True)
            workers = [w for w in workers if w.cpu_percent(0.2) > 0]
        assert len(workers) >= 3, "the workers did not start"
        time.sleep(2.0)  # inside the simulations
        assert proc.poll() is None
        t0 = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
        latency = time.perf_counter() - t0
        err = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        gone, alive = psutil.wait_procs(workers, timeout=3)
        for w in alive:  # never leave a worker running, whatever failed above
            w.kill()
    assert "KeyboardInterrupt" in err
    assert latency < 3.0, latency
    assert not alive


def test_cli_output_file_is_complete_or_absent(tmp_path, monkeypatch):
    from noneq.mass_transport import cli

    path = cli._save(tmp_path / "r", {"a": [1.0, 2.0]})
    assert path.endswith("r.npz") and np.load(path)["a"].tolist() == [1.0, 2.0]

    def interrupted(file, **arrays):  # SIGINT while the file is being written
        Path(file).write_bytes(b"PK\x03\x04 half")
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.np, "savez", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cli._save(tmp_path / "s.npz", {"a": [1.0]})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.npz"]
