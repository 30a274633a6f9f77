"""Cost of chunking: the same work run as the public functions run it (in chunks) and in one kernel call.

The two runs alternate (which goes first alternates too), so both see the same load
of a shared machine; each repeat gives one chunked / one-call ratio of CPU rates
(``time.process_time``, all threads of this process) and one of wall rates. The
median over the repeats is the result, the smallest and largest ratio its spread.
The control (``--control``) pairs the one-call run with itself: its ratios show how
far from 1 a median lands by the load of the machine alone.
"""

from __future__ import annotations

import contextlib
import time

import numpy as np

from noneq.progress import Chunked


def add_arguments(ap, chunking_help="cost of the chunking instead of the rates"):
    """The ``--chunking``, ``--repeats``, ``--seconds`` and ``--control`` options of every benchmark."""
    ap.add_argument("--chunking", action="store_true", help=chunking_help)
    ap.add_argument("--repeats", type=int, default=5, help="interleaved repeats of --chunking")
    ap.add_argument("--seconds", type=float, nargs="*", default=(), help="other chunk durations for --chunking")
    ap.add_argument("--control", action="store_true", help="--chunking also pairs the one-call run with itself")


class OneCall(Chunked):
    """All the units in one chunk: the kernel is called once (the reference of the chunking cost)."""

    def __iter__(self):
        if self.total:
            yield self.total
            self.done, self.chunks = self.total, 1


class Timed(Chunked):
    """:class:`noneq.progress.Chunked` that keeps the wall time of every chunk in ``Timed.log``."""

    log: list[float] = []

    def __iter__(self):
        t = time.perf_counter()
        for n in super().__iter__():
            yield n
            now = time.perf_counter()
            Timed.log.append(now - t)
            t = now


def timed(seconds):
    """:class:`Timed` with chunks of ``seconds`` instead of the caller's choice."""

    class TimedSeconds(Timed):
        def __init__(self, total, **kwargs):
            kwargs["seconds"] = seconds
            super().__init__(total, **kwargs)

    return TimedSeconds


@contextlib.contextmanager
def patched(obj, name, value):
    """Set ``obj.name`` to ``value`` for the duration of the block."""
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


def paired(chunked, one_call, work, repeats=5):
    """Rates (work per second) of ``chunked()`` and ``one_call()`` over interleaved repeats.

    Returns a dict of arrays over the repeats: ``cpu`` and ``wall`` rates of the
    chunked runs, ``cpu_one`` and ``wall_one`` of the one-call runs, and the
    per-repeat ratios ``ratio_cpu`` and ``ratio_wall`` (chunked / one call).
    """
    out = {k: np.empty(repeats) for k in ("cpu", "wall", "cpu_one", "wall_one")}
    for r in range(repeats):
        for kind in (("", "_one") if r % 2 == 0 else ("_one", "")):
            f = chunked if kind == "" else one_call
            c, w = time.process_time(), time.perf_counter()
            f()
            out["cpu" + kind][r] = work / (time.process_time() - c)
            out["wall" + kind][r] = work / (time.perf_counter() - w)
    out["ratio_cpu"] = out["cpu"] / out["cpu_one"]
    out["ratio_wall"] = out["wall"] / out["wall_one"]
    return out


HEADER = (f"{'kernel':44s} {'chunks':>6s} {'s/chunk: median, max':>20s} {'CPU rate, chunked':>18s} {'one call':>10s}"
          f"  {'chunked / one call: CPU [min, max]':>35s}  {'wall [min, max]':>22s}")


def row(name, stats, chunk_seconds):
    """One line of the table: chunk count and median length, median rates, median ratios with their range."""
    cs = np.asarray(chunk_seconds)
    rc, rw = stats["ratio_cpu"], stats["ratio_wall"]
    chunks = f"{len(cs) / len(rc):6.0f} {np.median(cs):13.3f} {cs.max():6.3f}" if len(cs) else f"{'1':>6s} {'-':>20s}"
    return (f"{name:44s} {chunks} {np.median(stats['cpu']):18.3e}"
            f" {np.median(stats['cpu_one']):10.3e}"
            f"  {np.median(rc):17.3f} [{rc.min():.3f}, {rc.max():.3f}]"
            f"  {np.median(rw):8.3f} [{rw.min():.3f}, {rw.max():.3f}]")


def control_row(one_call, work, repeats):
    """The one-call run against itself: the noise floor of the ratios on this machine, now."""
    Timed.log = []  # no chunks
    stats = paired(one_call, one_call, work, repeats)
    return row("  ... control: one call / one call", stats, Timed.log)
