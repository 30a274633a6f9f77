"""Result containers of the family and the statistics that fill them.

Field names follow the package convention: ``*_err`` for standard errors,
``n_blocks`` for the number of batches of a batch-means error, ``seconds`` for
wall time. Containers that replaced dictionaries (:class:`SteadyStateInfo`,
:class:`SteadyScanResult`) still answer ``r["key"]``. Batch means, the integrated
autocorrelation time and the combination of independent runs come from
:mod:`noneq.stats`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from .. import stats, validate
from ..progress import progress as _progress_bar
from .interface import interface_chemical_potential

__all__ = ["SimulationResult", "ScanResult", "SteadyStateInfo", "SteadyScanResult", "batch_means"]


class _ByKey:
    """``r["name"]``, ``"name" in r``, ``r.keys()`` and ``r.items()`` on a dataclass, as on the dict it replaced."""

    def keys(self):
        return [f.name for f in dataclasses.fields(self)]

    def items(self):
        return [(k, getattr(self, k)) for k in self.keys()]

    def __contains__(self, key):
        return key in self.keys()

    def __getitem__(self, key):
        if key not in self.keys():
            raise KeyError(key)
        return getattr(self, key)


def batch_means(x, n_batches=20):
    """Mean and standard error of a correlated time series by batch means.

    Alias of :func:`noneq.stats.batch_means` with this family's keyword: the
    series is cut into ``n_batches`` contiguous batches; the standard error is
    the standard deviation of the batch averages over sqrt(n_batches). NaN
    entries (no interface found) are dropped first.

    Parameters
    ----------
    x : array_like
        The time series.
    n_batches : int
        Number of batches, >= 2.

    Returns
    -------
    mean, err : float
        ``err`` is NaN when fewer finite entries than batches remain.

    Raises
    ------
    ValueError
        If ``n_batches`` is not an integer >= 2.
    """
    n_batches = validate.integer("n_batches", n_batches, 2)
    return stats.batch_means(x, n_blocks=n_batches)


@dataclass
class SimulationResult:
    """Output of :func:`~noneq.phase_coexistence.simulate` and :func:`~noneq.phase_coexistence.simulate_dimensional`.

    Attributes
    ----------
    t : ndarray
        Times of the stored samples (after the burn-in).
    mu_I, x_I : ndarray
        Instantaneous interface chemical potential and position (eqs. 6.3-6.4),
        every ``params["series_stride"]``-th sample (runs of more than
        ``noisy.MAX_SAMPLES`` samples are thinned; averages use every sample).
    rho_mean, mu_tilde_mean : ndarray
        Time-averaged density and generalised chemical potential profiles.
    rho_final : ndarray
        Profile at the end of the run.
    mu_I_mean, mu_I_err : float
        Time average of the stored instantaneous mu^I and its batch-means standard error.
    mu_I_of_mean, mu_I_of_mean_err : float
        Eq. 6.4 applied to the time-averaged profiles, and the standard error
        from the spread of eq. 6.4 applied to each batch's averaged profiles.
    mu_I_batches : ndarray
        Eq. 6.4 of each batch's averaged profiles.
    tau_int : float
        Integrated autocorrelation time of mu^I (time units; resolved down to the
        interval between stored samples).
    mass_drift : float
        |sum rho(t_end) - N rho_bar|.
    params : dict
        The parameters of the run.
    n_blocks : int
        Number of batches of the standard errors.
    seconds : float
        Wall time of the run.
    """

    t: np.ndarray
    mu_I: np.ndarray
    x_I: np.ndarray
    rho_mean: np.ndarray
    mu_tilde_mean: np.ndarray
    rho_final: np.ndarray
    mu_I_mean: float
    mu_I_err: float
    mu_I_of_mean: float
    mu_I_of_mean_err: float
    mu_I_batches: np.ndarray
    tau_int: float
    mass_drift: float
    params: dict = field(default_factory=dict)
    n_blocks: int = 0
    seconds: float = float("nan")


@dataclass
class ScanResult:
    """Output of :func:`~noneq.phase_coexistence.interface_scan`: arrays indexed [kappa, run].

    Attributes
    ----------
    kappas : ndarray
        The kappa_Lambda values.
    mu_I_mean, mu_I_err, mu_I_of_mean, mu_I_of_mean_err, tau_int, mass_drift : ndarray, shape (n_kappa, n_runs)
        Per run, as in :class:`SimulationResult`.
    rho_mean, mu_tilde_mean, rho_final : ndarray, shape (n_kappa, n_runs, N)
        Time-averaged and final profiles.
    mu_I : ndarray, shape (n_kappa, n_runs, n_samples)
        Instantaneous mu^I series.
    params : dict
        The parameters of the scan.
    n_blocks : int
        Number of batches of the standard errors.
    seconds : float
        Wall time of the scan.
    """

    kappas: np.ndarray
    mu_I_mean: np.ndarray
    mu_I_err: np.ndarray
    mu_I_of_mean: np.ndarray
    mu_I_of_mean_err: np.ndarray
    tau_int: np.ndarray
    rho_mean: np.ndarray
    mu_tilde_mean: np.ndarray
    mass_drift: np.ndarray
    mu_I: np.ndarray
    rho_final: np.ndarray
    params: dict = field(default_factory=dict)
    n_blocks: int = 0
    seconds: float = float("nan")
    x_I: np.ndarray | None = None

    def combined(self, of_mean=True):
        """Average over the independent runs of each kappa, with the standard errors combined.

        Uses :func:`noneq.stats.combine_independent` (equal weights):
        mean = average of the runs, err = sqrt(sum err_r^2) / n_runs, over the
        runs whose estimate and error are both finite.

        Parameters
        ----------
        of_mean : bool
            True: eq. 6.4 of the time-averaged profiles (``mu_I_of_mean``);
            False: the time averages of the instantaneous mu^I (``mu_I_mean``).

        Returns
        -------
        mean, err : ndarray, shape (n_kappa,)
        """
        m, e = (self.mu_I_of_mean, self.mu_I_of_mean_err) if of_mean else (self.mu_I_mean, self.mu_I_err)
        return stats.combine_independent(m, e, axis=1)


@dataclass
class SteadyStateInfo(_ByKey):
    """Diagnostics of :func:`~noneq.phase_coexistence.steady_state` (``info["residual"]`` works as before).

    Attributes
    ----------
    residual : float
        max_i |d rho_i/dt| of the returned profile (eq. 2.8).
    mass_error : float
        |sum rho - N rho_bar|.
    newton_iterations : int
        Newton iterations of the accepted polish.
    t_relax : float
        Relaxation time spent before the accepted Newton solution.
    growth_rate : float
        Largest real part of the linearisation on the zero-mass subspace (< 0: stable; NaN for N > 1024).
    current : float
        Stationary current J (eq. 2.28).
    seconds : float
        Wall time.
    """

    residual: float
    mass_error: float
    newton_iterations: int
    t_relax: float
    growth_rate: float
    current: float
    seconds: float = float("nan")


@dataclass
class SteadyScanResult(_ByKey):
    """Output of :func:`~noneq.phase_coexistence.steady_state_scan` (``r["mu_I"]`` works as before).

    Attributes
    ----------
    kappa : ndarray, shape (K,)
        The kappa_Lambda values.
    mu_I, x_I : ndarray, shape (K,)
        Interface chemical potential and position of each steady state (eqs. 6.3-6.4).
    growth_rate, t_relax : ndarray, shape (K,)
        As in :class:`SteadyStateInfo`.
    rho : ndarray, shape (K, N)
        The steady profiles.
    seconds : float
        Wall time of the scan.
    """

    kappa: np.ndarray
    mu_I: np.ndarray
    x_I: np.ndarray
    growth_rate: np.ndarray
    t_relax: np.ndarray
    rho: np.ndarray
    seconds: float = float("nan")


def _iterate(it, progress, desc, total):
    """Wrap ``it`` in a progress bar: None follows NONEQ_PROGRESS, True forces it on, False off."""
    if progress is False:
        return it
    return _progress_bar(it, desc=desc, total=total, **({} if progress is None else {"disable": False}))


def _progress_switch(progress, show_progress, default):
    """The ``progress`` keyword, with the old ``show_progress`` accepted as an alias."""
    if progress is not None:
        if not isinstance(progress, (bool, np.bool_)):
            raise ValueError(f"progress must be None, True or False, got {progress!r}")
        return bool(progress)
    if show_progress is not None:
        return None if show_progress else False  # the old True showed the bar unless NONEQ_PROGRESS=0
    return default


def _result(rho_f, acc_r, acc_m, mu_s, x_s, n_series, t0, dt_s, N, rho_bar, params, level=1.5, seconds=float("nan"),
            stride=1):
    """A :class:`SimulationResult` from one task's kernel output.

    ``mu_s`` and ``x_s`` hold every ``stride``-th of the ``n_series`` samples.
    """
    n_b = acc_r.shape[0]
    counts = np.array([np.sum((np.arange(n_series) * n_b) // n_series == b) for b in range(n_b)], dtype=float)
    rho_mean = acc_r.sum(axis=0) / n_series
    mt_mean = acc_m.sum(axis=0) / n_series
    mean, err = stats.batch_means(mu_s, n_blocks=n_b)
    per_batch = np.full(n_b, np.nan)
    for b in range(n_b):
        if counts[b] == 0:
            continue
        try:
            per_batch[b] = interface_chemical_potential(acc_r[b] / counts[b], acc_m[b] / counts[b], level)
        except ValueError:
            pass
    try:
        mu_of_mean = interface_chemical_potential(rho_mean, mt_mean, level)
    except ValueError:
        mu_of_mean = float("nan")
    ok = np.isfinite(per_batch)
    err_of_mean = stats.block_mean(per_batch[ok])[1] if ok.sum() > 1 else math.nan
    return SimulationResult(
        t=t0 + dt_s * (1 + stride * np.arange(mu_s.size)),
        mu_I=mu_s,
        x_I=x_s,
        rho_mean=rho_mean,
        mu_tilde_mean=mt_mean,
        rho_final=rho_f,
        mu_I_mean=mean,
        mu_I_err=err,
        mu_I_of_mean=mu_of_mean,
        mu_I_of_mean_err=err_of_mean,
        mu_I_batches=per_batch,
        tau_int=stats.integrated_autocorrelation_time(mu_s) * dt_s * stride,
        mass_drift=float(abs(rho_f.sum() - N * rho_bar)),
        params=params,
        n_blocks=n_b,
        seconds=seconds,
    )
