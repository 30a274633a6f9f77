"""Parameter sweeps as Dask tasks, with a results store that keeps provenance and resumes.

A figure's data is a :class:`Sweep`: a task function mapped over a parameter
grid (for example kappa x N x replica), with the figure's settings in a frozen
dataclass and one seed. :func:`run_sweep` computes the tasks that are not
stored yet on a Dask cluster (a local one, one single-threaded worker process
per core, or an existing scheduler given by address or ``NONEQ_SCHEDULER``),
and writes every result into a :class:`Store` the moment it arrives. Each task
is deterministic in its own seed, derived from the sweep's seed and the task's
parameters only (:func:`task_seed`), so the result does not depend on the
number of workers, the order of completion, or interruptions and reruns.

* :mod:`noneq.sweep.core` -- :class:`Sweep`, seeds, settings fingerprints, the figure registry;
* :mod:`noneq.sweep.store` -- :class:`Store`: one netCDF4 file per task with its
  provenance (why this format: see that module);
* :mod:`noneq.sweep.runner` -- :func:`run_sweep` and :class:`SweepReport`;
* :mod:`noneq.sweep.families` -- the book's figures as sweeps, one module per
  family (so far ``mass_transport``: Figs. 3, 5, 6, 7; ``ising_chain``: Figs. 3-4);
* :mod:`noneq.sweep.results` -- the committed summary store (``results/``): one
  assembled file per figure, :func:`summarise` writes it, :func:`paper_result`
  reads it for the book's pages (with a provenance line, or a missing/stale status);
* ``python -m noneq.sweep --help`` -- the command line.

Typical use::

    sweep = figure_sweep("mass_transport", "fig3", "ci")   # or Sweep(name, task, grid, settings, seed)
    report = run_sweep(sweep, "sweeps")
    data = Store("sweeps").assemble(sweep)   # xarray.Dataset over the grid
"""

from .core import (
    BUILTIN_FAMILIES,
    Sweep,
    canonical_params,
    family_names,
    figure_names,
    figure_sweep,
    params_json,
    register_figure,
    settings_hash,
    settings_json,
    sweep_name,
    task_seed,
)
from .results import PaperResult, paper_result, result_path, summarise
from .runner import ENV_SCHEDULER, SweepInterrupted, SweepReport, parse_address, run_sweep
from .store import CorruptEntryError, Entry, EntryKey, Store

__all__ = [
    "BUILTIN_FAMILIES",
    "ENV_SCHEDULER",
    "CorruptEntryError",
    "Entry",
    "PaperResult",
    "EntryKey",
    "Store",
    "Sweep",
    "SweepInterrupted",
    "SweepReport",
    "canonical_params",
    "family_names",
    "figure_names",
    "figure_sweep",
    "params_json",
    "paper_result",
    "parse_address",
    "register_figure",
    "result_path",
    "run_sweep",
    "settings_hash",
    "settings_json",
    "summarise",
    "sweep_name",
    "task_seed",
]
