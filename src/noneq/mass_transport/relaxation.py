"""How long a probe needs to reach the chemical potential of the branch it touches (Fig. 5).

A probe of ``N_pr`` sites exchanges mass with the main system through its single
contact site, so its total mass ``M_pr(t)`` approaches its final value on a time
``tau`` that grows with ``N_pr``. This module measures that time:

* :func:`fit_relaxation` -- the estimator: a least-squares fit of
  ``x(t) = x_inf + A exp(-t / tau)`` to the mean of independent series over the
  tail of the relaxation, with jackknife errors over the series;
* :func:`fit_power_law` -- ``tau = c N_pr**z`` by weighted least squares in
  log-log, with the covariance of ``(ln c, z)`` for extrapolations;
* :func:`probe_relaxation` -- independent runs of
  :func:`~noneq.mass_transport.simulate_three_branch` with a probe on one branch,
  returning the probe mass per block;
* :func:`probe_estimates` -- what independent Fig. 5 runs say once the probes
  have relaxed: the probe's and the bulk's chemical potential per branch, with
  errors from the run-to-run spread, and the same by parts of the run.

For ``p = 1`` the probe is a directed ring whose linearised hydrodynamics is
advection at the kinematic-wave speed ``dPhi/drho = 2 rho`` (``Phi = rho**2``, eq. 11
with ``lambda = 1 / rho``); a perturbation returns to the contact after
``N_pr / (2 rho)`` and is reduced there by a fixed factor, so ``tau`` is
proportional to ``N_pr`` rather than to ``N_pr**2`` (:func:`probe_tau_advective`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import validate
from ..rng import spawn_seeds
from .graphs import BRANCHES
from .models import simulate_three_branch

__all__ = ["RelaxationFit", "PowerLawFit", "ProbeRelaxation", "ProbeEstimates", "fit_relaxation", "fit_power_law",
           "probe_relaxation", "probe_tau_advective", "probe_estimates"]


@dataclass(frozen=True)
class RelaxationFit:
    """Result of :func:`fit_relaxation`.

    Attributes
    ----------
    tau, tau_err : float
        Relaxation time and its jackknife standard error over the series (NaN for one series).
    x_inf, x_inf_err : float
        Fitted final value and its jackknife error.
    amplitude : float
        ``A`` of ``x_inf + A exp(-t / tau)`` (value of the fitted gap at ``t = 0``).
    t_min : float
        Start of the fitted window.
    n_points, n_series : int
        Points in the window and number of independent series.
    """

    tau: float
    tau_err: float
    x_inf: float
    x_inf_err: float
    amplitude: float
    t_min: float
    n_points: int
    n_series: int

    def curve(self, t):
        """The fitted ``x_inf + A exp(-t / tau)`` at times ``t``."""
        return self.x_inf + self.amplitude * np.exp(-np.asarray(t, dtype=float) / self.tau)


@dataclass(frozen=True)
class PowerLawFit:
    """Result of :func:`fit_power_law`: ``y = c x**z``.

    Attributes
    ----------
    z, z_err : float
        Exponent and its standard error.
    c : float
        Prefactor.
    cov : ndarray (2, 2)
        Covariance of ``(ln c, z)``.
    chi2 : float
        Chi-square of the fit in ``ln y``.
    dof : int
        Degrees of freedom (points minus 2).
    """

    z: float
    z_err: float
    c: float
    cov: np.ndarray
    chi2: float
    dof: int

    def predict(self, x):
        """``(c x**z, standard error)`` at ``x``, the error propagated from :attr:`cov`."""
        x = np.asarray(x, dtype=float)
        lx = np.log(x)
        y = self.c * x ** self.z
        var = self.cov[0, 0] + 2 * lx * self.cov[0, 1] + lx ** 2 * self.cov[1, 1]
        return y, y * np.sqrt(var)


def _exp_fit(t, x, p0):
    """Least-squares ``(x_inf, A, tau)`` of ``x_inf + A exp(-t / tau)``; ``tau`` is fitted as ``ln tau``."""
    from scipy.optimize import least_squares

    def resid(q):
        return q[0] + q[1] * np.exp(-t * math.exp(-q[2])) - x

    q0 = np.array([p0[0], p0[1], math.log(p0[2])])
    span = t[-1] - t[0]
    lo = math.log(1e-3 * span)
    hi = math.log(1e3 * span)
    q0[2] = min(max(q0[2], lo + 1e-9), hi - 1e-9)
    sol = least_squares(resid, q0, bounds=([-np.inf, -np.inf, lo], [np.inf, np.inf, hi]), x_scale="jac")
    return float(sol.x[0]), float(sol.x[1]), float(math.exp(sol.x[2]))


def _guess(t, x):
    """Starting values: the mean of the last fifth as ``x_inf``, the 1/e time of the gap as ``tau``."""
    k = max(1, t.size // 5)
    x_inf = float(x[-k:].mean())
    gap = x - x_inf
    g0 = gap[0] if gap[0] != 0 else (gap[np.argmax(np.abs(gap))] or 1.0)
    below = np.flatnonzero(np.abs(gap) < abs(g0) / math.e)
    tau = float(t[below[0]] - t[0]) if below.size and t[below[0]] > t[0] else (t[-1] - t[0]) / 4
    return x_inf, float(g0 * math.exp(t[0] / max(tau, 1e-300))) if tau > 0 else float(g0), max(tau, 1e-12)


def fit_relaxation(times, values, *, t_min=None, tail=None):
    """Relaxation time of the mean of independent series: fit of ``x_inf + A exp(-t / tau)``.

    The mean over series is fitted by least squares on the window ``t >= t_min``.
    With ``tail`` the window is chosen from the data instead: a first fit on all
    points gives ``tau_0``, and the window starts where that fit has fallen to the
    fraction ``tail`` of its initial gap, ``t_min = t_0 + tau_0 ln(1 / tail)``
    (the early, non-linear part of a relaxation is left out on a scale set by the
    relaxation itself). The errors are jackknife errors over the series (each
    series left out in turn, same window), so the series must be independent
    (different seeds). Time-averaging over blocks of equal length does not change
    ``tau``, so block averages can be passed with the block mid-times.

    Parameters
    ----------
    times : array (n_t,)
        Strictly increasing finite times, at least 4.
    values : array (n_t,) or (n_series, n_t)
        One series, or one independent series per row (finite).
    t_min : float, optional
        Start of the fitted window, in ``[times[0], times[-4]]``. Default: ``times[0]``.
    tail : float, optional
        Alternative to ``t_min``: start the window where a first fit has relaxed to
        this fraction of its initial gap, in (0, 1). Not together with ``t_min``.

    Returns
    -------
    RelaxationFit
        ``tau``, ``tau_err``, ``x_inf``, ``x_inf_err``, ``amplitude``, ``t_min``,
        ``n_points``, ``n_series`` (errors NaN for a single series).

    Raises
    ------
    ValueError
        If ``times`` or ``values`` are malformed, if ``t_min`` or ``tail`` is out of
        range or both are given, or if the window holds fewer than 4 points.

    Examples
    --------
    >>> t = np.linspace(0.0, 100.0, 201)
    >>> f = fit_relaxation(t, 2.0 - np.exp(-t / 12.5))
    >>> round(f.tau, 6), round(f.x_inf, 6)
    (12.5, 2.0)
    """
    t = validate.array("times", times, min_size=4)
    if np.any(np.diff(t) <= 0):
        raise ValueError("times must be strictly increasing")
    x = validate.array("values", values, ndim=None)
    if x.ndim == 1:
        x = x[None, :]
    if x.ndim != 2 or x.shape[1] != t.size:
        raise ValueError(f"values must have shape ({t.size},) or (n_series, {t.size}), got {np.shape(values)}")
    if t_min is not None and tail is not None:
        raise ValueError("give t_min or tail, not both")
    if tail is not None:
        tail = validate.real("tail", tail, 0.0, 1.0, lo_open=True, hi_open=True)
        x_inf0, a0, tau0 = _exp_fit(t, x.mean(axis=0), _guess(t, x.mean(axis=0)))
        t_min = min(t[0] + tau0 * math.log(1.0 / tail), t[-4])
    elif t_min is None:
        t_min = float(t[0])
    else:
        t_min = validate.real("t_min", t_min, float(t[0]), float(t[-4]))
    win = t >= t_min
    tw, xw = t[win], x[:, win]
    p0 = _guess(tw, xw.mean(axis=0))
    x_inf, amp, tau = _exp_fit(tw, xw.mean(axis=0), p0)
    n = x.shape[0]
    tau_err = x_inf_err = float("nan")
    if n >= 2:
        jk = np.array([_exp_fit(tw, np.delete(xw, j, axis=0).mean(axis=0), (x_inf, amp, tau)) for j in range(n)])
        tau_err = float(math.sqrt((n - 1) / n * ((jk[:, 2] - jk[:, 2].mean()) ** 2).sum()))
        x_inf_err = float(math.sqrt((n - 1) / n * ((jk[:, 0] - jk[:, 0].mean()) ** 2).sum()))
    return RelaxationFit(tau, tau_err, x_inf, x_inf_err, amp, float(t_min), int(win.sum()), int(n))


def fit_power_law(x, y, y_err):
    """Weighted least-squares fit of ``y = c x**z`` in log-log (for ``tau = c N_pr**z``).

    ``ln y = ln c + z ln x`` with weights ``(y / y_err)**2``; the covariance is the
    inverse of the weighted normal matrix (errors taken as given, not rescaled by
    the chi-square, which is returned for that judgement).

    Parameters
    ----------
    x, y : array (n,)
        Positive abscissae (at least 2 distinct) and positive values, n >= 2.
    y_err : array (n,)
        Positive standard errors of ``y``.

    Returns
    -------
    PowerLawFit
        ``z``, ``z_err``, ``c``, ``cov`` of ``(ln c, z)``, ``chi2``, ``dof``.

    Raises
    ------
    ValueError
        If an array is not positive and finite, if the shapes differ, or if fewer
        than two distinct ``x`` are given.

    Examples
    --------
    >>> f = fit_power_law([16, 32, 64], [3 * 16 ** 1.5, 3 * 32 ** 1.5, 3 * 64 ** 1.5], [1.0, 1.0, 1.0])
    >>> round(f.z, 9), round(f.c, 9)
    (1.5, 3.0)
    """
    x = validate.array("x", x, lo=0.0, lo_open=True, min_size=2)
    y = validate.array("y", y, shape=x.shape, lo=0.0, lo_open=True)
    e = validate.array("y_err", y_err, shape=x.shape, lo=0.0, lo_open=True)
    if np.unique(x).size < 2:
        raise ValueError("x must hold at least two distinct values")
    lx, ly, w = np.log(x), np.log(y), (y / e) ** 2
    A = np.stack([np.ones_like(lx), lx], axis=1)
    cov = np.linalg.inv(A.T @ (w[:, None] * A))
    b = cov @ (A.T @ (w * ly))
    chi2 = float((w * (ly - A @ b) ** 2).sum())
    return PowerLawFit(float(b[1]), float(math.sqrt(cov[1, 1])), float(math.exp(b[0])), cov, chi2, int(x.size - 2))


def probe_tau_advective(N_pr, rho):
    """Relaxation time of a directed probe ring (``p = 1``, ``f = 1``) fed at one site, linearised.

    The probe's contact site receives the ring's inflow and the main contact site's
    outflow and splits its out-weight 2 between the ring and the main site (eq. 11:
    each link carries ``<m**2>/2 = rho**2``); the main contact site does the same
    with its upstream neighbour. Balancing these fluxes, a density perturbation
    entering the contact is multiplied by 2/3, and it comes back after one lap at
    the kinematic-wave speed ``2 rho``: ``tau = N_pr / (2 rho ln(3/2))``.

    Parameters
    ----------
    N_pr : float or array
        Probe size(s), > 0.
    rho : float
        Density of the branch at the contact, > 0.

    Returns
    -------
    float or ndarray
        The linearised relaxation time (mean-field: fluctuations and the
        non-linear start of the relaxation are neglected).

    Raises
    ------
    ValueError
        If ``N_pr`` or ``rho`` is not positive.

    Examples
    --------
    >>> round(float(probe_tau_advective(1024, 0.5)), 1)
    2525.5
    """
    n = validate.array("N_pr", N_pr, ndim=None, lo=0.0, lo_open=True)
    rho = validate.real("rho", rho, 0.0, lo_open=True)
    tau = n / (2.0 * rho * math.log(1.5))
    return float(tau[0]) if np.ndim(N_pr) == 0 else tau


@dataclass(frozen=True)
class ProbeRelaxation:
    """Result of :func:`probe_relaxation`.

    Attributes
    ----------
    N_pr, N_b : int
        Probe and branch sizes.
    branch : str
        Branch the probe touches.
    times : ndarray (n_blocks,)
        Block mid-times after the contact.
    mass : ndarray (n_seed, n_blocks)
        Time-averaged probe mass in each block, one row per independent run.
    density : ndarray (n_seed,)
        Bulk density of the touched branch over each measurement.
    seconds : float
        Wall-clock seconds of all runs.
    """

    N_pr: int
    N_b: int
    branch: str
    times: np.ndarray
    mass: np.ndarray
    density: np.ndarray
    seconds: float

    def fit(self, **kwargs):
        """:func:`fit_relaxation` of :attr:`mass` (keywords ``t_min`` or ``tail`` passed on)."""
        return fit_relaxation(self.times, self.mass, **kwargs)


def probe_relaxation(N_pr, N_b, rho=0.5, branch="B", t_max=None, *, n_seed=8, n_blocks=100, t_relax=200.0,
                     init="balanced", rho_pr=0.2, seed=None):
    """Independent runs of a probe put in contact with one branch of the three-branch model (Fig. 5 setting).

    Each run is :func:`~noneq.mass_transport.simulate_three_branch` with ``p = 1``,
    ``gamma_B = gamma_C = 1/2``, ``phi = 1`` and a probe of ``N_pr`` sites (initial
    density ``rho_pr``) attached to the middle of ``branch`` after ``t_relax``; the
    probe mass is recorded in ``n_blocks`` blocks. Choose ``N_b`` several times
    ``N_pr`` so that the branch is a good reservoir.

    Parameters
    ----------
    N_pr : int
        Probe size, >= 2.
    N_b : int
        Sites per branch, >= 8.
    rho : float
        Global density, > 0.
    branch : {"A", "B", "C"}
        Branch the probe touches.
    t_max : float, optional
        Time after contact, > 0 (default ``40 N_pr``).
    n_seed : int
        Independent runs (child seeds of ``seed``), >= 1.
    n_blocks : int
        Blocks of each run, >= 4.
    t_relax : float
        Relaxation of the main system before the contact, >= 0.
    init : {"balanced", "uniform"}
        Initial state of the main system (see
        :func:`~noneq.mass_transport.simulate_three_branch`).
    rho_pr : float
        Initial probe density, >= 0.
    seed : None or int
        Seed (:mod:`noneq.rng`).

    Returns
    -------
    ProbeRelaxation

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Examples
    --------
    >>> r = probe_relaxation(8, 32, t_max=100.0, n_seed=2, n_blocks=5, t_relax=10.0, seed=1)
    >>> r.mass.shape
    (2, 5)
    """
    N_pr = validate.integer("N_pr", N_pr, 2)
    N_b = validate.integer("N_b", N_b, 8)
    branch = validate.choice("branch", branch, BRANCHES)
    t_max = 40.0 * N_pr if t_max is None else validate.real("t_max", t_max, 0.0, lo_open=True)
    n_seed = validate.integer("n_seed", n_seed, 1)
    n_blocks = validate.integer("n_blocks", n_blocks, 4)
    mass, dens, sec = [], [], 0.0
    for s in spawn_seeds(seed, n_seed):
        r = simulate_three_branch(N_b, rho, t_max=t_max, t_relax=t_relax, n_blocks=n_blocks, n_relax_blocks=1,
                                  init=init, probe=branch, N_pr=N_pr, rho_pr=rho_pr, seed=int(s), progress=False)
        mass.append(N_pr / r.series["lam_probe"])
        dens.append(r.density[branch])
        sec += r.seconds
    times = (np.arange(n_blocks) + 0.5) * t_max / n_blocks
    return ProbeRelaxation(N_pr, N_b, branch, times, np.array(mass), np.array(dens), sec)


@dataclass(frozen=True)
class ProbeEstimates:
    """Result of :func:`probe_estimates`.

    Attributes
    ----------
    groups : dict
        Label (e.g. ``"B,C"``) to the tuple of branches pooled under it.
    run : dict
        Branch to the array ``(n_rep,)`` of each run's probe value over the second
        half of its measurement.
    probe, bulk : dict
        Label to ``(value, standard error)``: the probe's ``N_pr / <M_pr>`` and the
        touched branch's bulk ``1 / rho_nu`` over the second halves of the group's runs.
    parts : dict
        Label to ``(values, errors)``, arrays ``(n_parts,)``: the probe value over
        each of ``n_parts`` equal consecutive parts of the measurement.
    rel_sd, bulk_rel_sd : float
        Pooled relative standard deviation of one run's probe value and bulk value.
    dof : int
        Degrees of freedom of the pooled spreads, ``sum_g (n_g - 1)``.
    n_parts : int
        Parts of the measurement in :attr:`parts`.
    """

    groups: dict
    run: dict
    probe: dict
    bulk: dict
    parts: dict
    rel_sd: float
    bulk_rel_sd: float
    dof: int
    n_parts: int


def _pooled(values, groups):
    """Group means, their standard errors and the pooled relative spread of ``values[branch]`` (1-d arrays)."""
    pooled = {label: np.concatenate([values[b] for b in bs]) for label, bs in groups.items()}
    means = {label: float(v.mean()) for label, v in pooled.items()}
    dev = np.concatenate([v / means[label] - 1.0 for label, v in pooled.items()])
    dof = sum(v.size - 1 for v in pooled.values())
    rel = float(np.sqrt(np.sum(dev ** 2) / dof))
    return {label: (means[label], means[label] * rel / math.sqrt(v.size)) for label, v in pooled.items()}, rel, dof


def probe_estimates(lam_probe, bulk_density, N_pr, groups=(("A",), ("B", "C")), n_parts=4):
    """Probe and bulk chemical potentials of independent Fig. 5 runs, with errors from their spread.

    The value of one run is ``N_pr / <M_pr>`` over the second half of its
    measurement after the contact (the first half is left to the probe's
    relaxation; its time ``tau`` grows as ``N_pr``, :func:`fit_relaxation`). Runs on
    branches of one group (B and C when ``gamma_B = gamma_C``) are equivalent and
    pooled. A 1024-site probe relaxes on ``tau ~ 3000``, so the blocks of one run are
    correlated over thousands of time units and a run has only a few independent
    stretches: the errors come from the spread of the independent runs instead. Each
    group's error is the standard error of its mean, from the runs' relative
    deviations from their group means pooled over the groups (relative, because the
    relative fluctuation of a probe's mass, ``~ 1 / sqrt(N_pr)``, hardly depends on the
    branch), with ``sum_g (n_g - 1)`` degrees of freedom. The bulk value of a run is
    ``1 / rho_nu`` of the branch its probe touches, over the same second half.

    Parameters
    ----------
    lam_probe : array (3, n_rep, n_blocks)
        The probe's ``N_pr / M_pr`` in equal consecutive blocks after the contact,
        rows in the order A, B, C of the touched branch (as stored by the Fig. 5
        sweep), at least 2 blocks per part.
    bulk_density : array (3, n_rep, n_blocks, 3)
        Bulk density of branches A, B, C in the same blocks (last axis), > 0.
    N_pr : int
        Probe size, >= 1.
    groups : sequence of sequences of str
        Disjoint groups of branches pooled together; together at least 2 runs more
        than groups (at least one degree of freedom).
    n_parts : int
        Parts of the measurement for :attr:`ProbeEstimates.parts`, >= 2.

    Returns
    -------
    ProbeEstimates

    Raises
    ------
    ValueError
        If an array is malformed or not positive, or ``groups`` or ``n_parts`` is invalid.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> lam = 2.0 * (1 + 0.01 * rng.standard_normal((3, 4, 40)))
    >>> est = probe_estimates(lam, np.full((3, 4, 40, 3), 0.5), 1024)
    >>> est.dof, round(est.probe["B,C"][0], 2), est.bulk["A"]
    (10, 2.0, (2.0, 0.0))
    """
    lam = validate.array("lam_probe", lam_probe, ndim=3, lo=0.0, lo_open=True)
    if lam.shape[0] != len(BRANCHES):
        raise ValueError(f"lam_probe must have one row per branch (3), got shape {lam.shape}")
    n_rep, n_blocks = lam.shape[1:]
    dens = validate.array("bulk_density", bulk_density, ndim=4, shape=lam.shape + (3,), lo=0.0, lo_open=True)
    N_pr = validate.integer("N_pr", N_pr, 1)
    n_parts = validate.integer("n_parts", n_parts, 2)
    if n_blocks < 2 * n_parts:
        raise ValueError(f"lam_probe must have at least 2 blocks per part ({2 * n_parts}), got {n_blocks}")
    try:
        groups = {",".join(g): tuple(validate.choice("groups", b, BRANCHES) for b in g) for g in groups}
    except TypeError:
        raise ValueError(f"groups must be a sequence of sequences of branches, got {groups!r}") from None
    used = [b for g in groups.values() for b in g]
    if not groups or len(used) != len(set(used)) or min(map(len, groups.values())) == 0:
        raise ValueError(f"groups must be non-empty disjoint groups of branches, got {list(groups)}")
    if len(used) * n_rep - len(groups) < 1:
        raise ValueError("groups must hold at least one run more than groups (one degree of freedom)")
    row = {b: k for k, b in enumerate(BRANCHES)}
    half = n_blocks // 2
    mass = N_pr / lam  # probe mass per block
    run = {b: N_pr / mass[row[b], :, half:].mean(axis=1) for b in used}
    probe, rel, dof = _pooled(run, groups)
    bulk_run = {b: 1.0 / dens[row[b], :, half:, row[b]].mean(axis=1) for b in used}
    bulk, bulk_rel, _ = _pooled(bulk_run, groups)
    cuts = np.array_split(np.arange(n_blocks), n_parts)
    by_part = [_pooled({b: N_pr / mass[row[b]][:, c].mean(axis=1) for b in used}, groups)[0] for c in cuts]
    parts = {label: (np.array([p[label][0] for p in by_part]), np.array([p[label][1] for p in by_part]))
             for label in groups}
    return ProbeEstimates(groups=groups, run=run, probe=probe, bulk=bulk, parts=parts, rel_sd=rel,
                          bulk_rel_sd=bulk_rel, dof=dof, n_parts=n_parts)
