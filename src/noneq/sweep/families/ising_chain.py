"""The figures of arXiv:1611.08188 (Ising chain) as sweeps.

The settings are the frozen objects of :mod:`noneq.ising_chain.figures` at the
requested scale, unchanged: they are stored with every result, so a changed
setting marks the stored results stale. The sweep's seed is the settings'
``seed`` and every task's seed is derived from it and the task's parameters
(:func:`noneq.sweep.task_seed`), so these runs are not the notebook's runs
(which use ``seed + i`` for the i-th T2), but are statistically equivalent and
reproducible on their own.

========  ==========================================  ==========================================
figure    grid                                        one task
========  ==========================================  ==========================================
``fig3``  ``T2`` (labels ``"2"``, ..., ``"inf"``) x    :func:`noneq.ising_chain.simulate` of
          ``chunk`` (``n_chunks`` of the settings)     ``samples // n_chunks`` runs (Figs. 3-4)
========  ==========================================  ==========================================

Fig. 4 is the fluctuation-theorem view of the same histograms, so it has no sweep
of its own. Every task of ``fig3`` writes its integer counts of ΔS on one grid
common to every task and every T2 (:func:`delta_s_grid`), so that the chunks of a
T2 add up bin by bin and the T2 share one coordinate; :func:`fig3_histograms`
does the sums. The grid's half-width is the largest of the windows
:func:`noneq.ising_chain.simulate` uses for the T2 values (they depend on T2
through the bath coefficients and the range of ``ln P_st``).
"""

from __future__ import annotations

import math

import numpy as np

from ...ising_chain import figures as icf
from ...ising_chain._common import half_bins, log_p
from ...ising_chain.montecarlo import simulate, split
from ...ising_chain.mpa import mpa_tau
from ...ising_chain.theory import insertion_probabilities
from ..core import Sweep, register_figure, sweep_name

__all__ = ["delta_s_grid", "fig3_histograms", "fig3_task", "t2_label"]

FAMILY = "ising_chain"
#: Dimension of the ΔS bins in the stored counts.
BIN_DIM = "dS_bin"


def t2_label(T2) -> str:
    """The grid label of a temperature: ``"inf"`` for ``numpy.inf``, else ``f"{T2:g}"`` (``"2"``, ``"10"``).

    Grid values must be finite (:func:`noneq.sweep.canonical_params`), and
    ``float(label)`` gives the temperature back for the values of Fig. 3.
    """
    return "inf" if math.isinf(T2) else f"{float(T2):g}"


def _temperature(label, settings) -> float:
    """The T2 of ``settings`` whose label is ``label``."""
    for T2 in settings.T2:
        if t2_label(T2) == label:
            return float(T2)
    known = ", ".join(repr(t2_label(T2)) for T2 in settings.T2)
    raise ValueError(f"params['T2'] must be one of {known}, got {label!r}")


def delta_s_grid(settings):
    """The ΔS bins shared by every task of ``fig3``: ``(nb, centers)``.

    Parameters
    ----------
    settings : EntropyProductionSettings
        Resolved settings (``FIG3.at(scale)``).

    Returns
    -------
    nb : int
        Half-width in bins: the largest over the T2 values of the window of
        :func:`noneq.ising_chain.simulate`, which holds every reachable ΔS.
    centers : numpy.ndarray
        ``bin_width * arange(-nb, nb + 1)``; bin ``k`` is ``[c_k - w/2, c_k + w/2)``.
    """
    s = settings
    nb = 0
    for T2 in s.T2:
        p1, p2 = insertion_probabilities(s.T1, T2, s.eps)
        lnp = log_p(mpa_tau(s.M - 1, p1, p2))
        nb = max(nb, half_bins(s.M, s.t, s.T1, T2, s.eps, lnp, s.bin_width))
    return nb, s.bin_width * np.arange(-nb, nb + 1)


def fig3_task(params, seed, settings):
    """One chunk of one T2 of Figs. 3-4: ``samples // n_chunks`` runs, ΔS counted on the common grid.

    Parameters
    ----------
    params : dict
        ``{"T2": label, "chunk": c}``, ``label`` one of :func:`t2_label` of
        ``settings.T2`` and ``0 <= c < settings.n_chunks``.
    seed : int
        The task's seed, handed to :func:`noneq.ising_chain.simulate`.
    settings : EntropyProductionSettings
        Resolved settings of Fig. 3.

    Returns
    -------
    dict
        ``counts`` (int64 over ``dS_bin``, the bins of :func:`delta_s_grid`),
        ``samples`` (runs of this chunk: ``samples // n_chunks``, one more for
        the first ``samples % n_chunks`` chunks), ``Q1_mean``, ``Q1_err``,
        ``Q2_mean``, ``Q2_err`` (heat taken from B1, B2 per run and their
        standard errors, as :func:`~noneq.ising_chain.simulate` returns them).

    Raises
    ------
    ValueError
        If ``params`` names another T2 or a chunk outside ``[0, n_chunks)``.
    """
    s = settings
    T2 = _temperature(params["T2"], s)
    chunk = params["chunk"]
    if isinstance(chunk, bool) or not isinstance(chunk, int) or not 0 <= chunk < s.n_chunks:
        raise ValueError(f"params['chunk'] must be an integer in [0, {s.n_chunks}), got {chunk!r}")
    runs = int(split(s.samples, s.n_chunks)[chunk])
    r = simulate(s.M, s.t, s.T1, T2, eps=s.eps, samples=runs, bin_width=s.bin_width, seed=seed,
                 progress=False)
    nb, _ = delta_s_grid(s)
    k = np.rint(np.asarray(r.bin_centers) / s.bin_width).astype(np.int64) + nb
    if k.size and (k[0] < 0 or k[-1] > 2 * nb):
        raise RuntimeError(f"the ΔS window of T2 = {T2:g} ({k.size} bins) exceeds the common grid of {2 * nb + 1}")
    counts = np.zeros(2 * nb + 1, dtype=np.int64)
    counts[k] = r.counts
    return {
        "counts": ((BIN_DIM,), counts),
        "samples": runs,
        "Q1_mean": float(r.Q1_mean),
        "Q1_err": float(r.Q1_err),
        "Q2_mean": float(r.Q2_mean),
        "Q2_err": float(r.Q2_err),
    }


def fig3_histograms(data, settings) -> dict:
    """The chunks of each T2 of an assembled ``fig3`` sweep, added up.

    Parameters
    ----------
    data : xarray.Dataset
        ``Store.assemble`` of the sweep, or ``paper_result(...).data``.
    settings : EntropyProductionSettings
        The resolved settings the data were computed with.

    Returns
    -------
    dict
        T2 (float) to a dict with ``bin_centers`` and ``counts`` (the common grid
        cut to the smallest symmetric range holding every non-zero bin),
        ``samples`` (total runs), ``Q1_mean``, ``Q2_mean`` (run-weighted means of
        the chunks) and ``Q1_err``, ``Q2_err`` (``sqrt(sum (n_c e_c)^2) / n``,
        the chunks being independent).

    Raises
    ------
    ValueError
        If the data do not hold the grid of :func:`delta_s_grid` or a T2 of the settings.
    """
    nb, centers = delta_s_grid(settings)
    if data.sizes.get(BIN_DIM) != centers.size:
        raise ValueError(f"data hold {data.sizes.get(BIN_DIM)} ΔS bins, the settings give {centers.size}")
    out = {}
    for T2 in settings.T2:
        d = data.sel(T2=t2_label(T2))
        counts = d["counts"].values.sum(axis=0)
        n_c = d["samples"].values.astype(np.float64)
        n = int(d["samples"].values.sum())
        nz = np.flatnonzero(counts)
        half = int(max(abs(nz[0] - nb), abs(nz[-1] - nb))) if nz.size else 0
        sl = slice(nb - half, nb + half + 1)
        h = {"bin_centers": centers[sl], "counts": counts[sl], "samples": n}
        for q in ("Q1", "Q2"):
            h[f"{q}_mean"] = float(n_c @ d[f"{q}_mean"].values / n)
            h[f"{q}_err"] = float(np.sqrt(np.sum((n_c * d[f"{q}_err"].values) ** 2)) / n)
        out[float(T2)] = h
    return out


def fig3_sweep(scale) -> Sweep:
    s = icf.FIG3.at(scale)
    if not isinstance(s.n_chunks, int) or not 1 <= s.n_chunks <= s.samples:
        raise ValueError(f"FIG3.n_chunks must be an integer in [1, samples = {s.samples}], got {s.n_chunks!r}")
    grid = {"T2": [t2_label(T2) for T2 in s.T2], "chunk": list(range(s.n_chunks))}
    return Sweep(sweep_name(FAMILY, "fig3"), fig3_task, grid, s, s.seed, scale=scale)


register_figure(FAMILY, "fig3", fig3_sweep)
