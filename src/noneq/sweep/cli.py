"""Command line: ``python -m noneq.sweep FAMILY FIGURE... [--scale ci|book|paper] [--scheduler ADDRESS] [--force]
[--store DIR] [--summarise DIR]``.

With ``--summarise DIR`` each figure, once all its tasks are stored, is also
written as one assembled file into the committed summary store ``DIR``
(:func:`noneq.sweep.results.summarise`); tasks already stored are not run again,
so on a complete store this only writes the summaries.

``FIGURE`` may be repeated, or ``all`` for every figure of the family; the
figures run one after the other. ``--list`` lists the families and figures.

Exit status: 0 when every task of the figures is stored with the current
settings, 1 when some are not (failed tasks, stale entries left as they were,
or a lost scheduler), 2 on bad input (unknown family or figure, malformed or
unreachable scheduler, corrupt store entry, ...), 130 on Ctrl-C. Results
computed before an interruption stay stored; running the same command again
computes only the missing tasks.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from ..scale import SCALES
from .core import family_names, figure_names, figure_sweep
from .results import summarise
from .runner import ENV_SCHEDULER, SweepInterrupted, run_sweep
from .store import Store

__all__ = ["main", "ENV_STORE", "DEFAULT_STORE"]

#: Environment variable naming the default store directory.
ENV_STORE = "NONEQ_STORE"
DEFAULT_STORE = "sweeps"


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m noneq.sweep",
        description="Run the parameter sweep of a figure as Dask tasks; every finished task is stored at once, "
                    "so an interrupted sweep resumes where it stopped.",
    )
    ap.add_argument("family", nargs="?", help="the family (chapter) of the figure, e.g. mass_transport")
    ap.add_argument("figures", nargs="*", metavar="figure", help="the figure(s) to compute, or 'all'")
    ap.add_argument("--list", action="store_true", help="list the known families and figures and exit")
    ap.add_argument("--store", metavar="DIR", default=None,
                    help=f"results store directory (default: ${ENV_STORE} or {DEFAULT_STORE})")
    ap.add_argument("--scheduler", metavar="ADDRESS", default=None,
                    help=f"address of a running Dask scheduler, tcp://host:port (default: ${ENV_SCHEDULER}, "
                         "else a local cluster with one single-threaded worker process per core)")
    ap.add_argument("--workers", metavar="N", type=int, default=None,
                    help="worker processes of the local cluster (default: one per core)")
    ap.add_argument("--force", action="store_true", help="recompute every task, stored or not")
    ap.add_argument("--recompute-stale", action="store_true",
                    help="recompute tasks stored with other settings (default: report them only)")
    ap.add_argument("--scale", choices=SCALES, default=None, help="work scale (default: $NONEQ_SCALE, else book)")
    ap.add_argument("--import", dest="imports", metavar="MODULE", action="append", default=[],
                    help="import this module first (it may register more figures); repeatable")
    ap.add_argument("--timeout", metavar="SECONDS", type=float, default=5.0,
                    help="seconds to wait for the scheduler (default: 5)")
    ap.add_argument("--summarise", metavar="DIR", default=None,
                    help="then write each complete figure as one file into the summary store DIR "
                         "(the committed results/ directory; see noneq.sweep.results)")
    ap.add_argument("--no-progress", action="store_true", help="no progress bar")
    return ap


def main(argv=None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        for module in args.imports:
            try:
                importlib.import_module(module)
            except ImportError as exc:
                raise ValueError(f"--import {module}: {exc}") from None
        if args.list:
            for family in family_names():
                print(family + ": " + " ".join(figure_names(family)))
            return 0
        if args.family is None or not args.figures:
            raise ValueError("a family and at least one figure are required (see --list)")
        names = figure_names(args.family)
        wanted = names if args.figures == ["all"] else args.figures
        sweeps = [figure_sweep(args.family, name, args.scale) for name in wanted]
        store = Store(args.store or os.environ.get(ENV_STORE) or DEFAULT_STORE)
        reports = []
        for sweep in sweeps:
            report = run_sweep(sweep, store, scheduler=args.scheduler, n_workers=args.workers, force=args.force,
                               progress=False if args.no_progress else None,
                               recompute_stale=args.recompute_stale, connect_timeout=args.timeout)
            reports.append(report)
            print(report, flush=True)
            if args.summarise is not None and report.complete:
                family, figure = sweep.name.split(".", 1)
                path = summarise(family, figure, sweep.scale, store, args.summarise)
                print(f"summary: {path} ({path.stat().st_size / 1e3:.1f} kB)", flush=True)
            for params, err in report.errors.items():
                print(f"failed {params}: {err}", file=sys.stderr)
            if report.stale and not args.recompute_stale and not args.force:
                shown = ", ".join(report.stale_params[:3]) + (", ..." if report.stale > 3 else "")
                print(f"{report.stale} entries of {sweep.name} are stale (stored with other settings or seed: "
                      f"{shown}); --recompute-stale recomputes them", file=sys.stderr)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SweepInterrupted as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: the results that arrived are stored; run the same command again to compute the rest",
              file=sys.stderr)
        return 130
    print(f"store: {store.path}")
    return 0 if all(r.complete for r in reports) else 1
