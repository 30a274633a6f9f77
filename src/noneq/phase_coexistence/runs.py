"""The chapter's figures computed from their settings (:mod:`.figures`).

* :func:`run_fig6` -- the noisy snapshot at phi = 0 and psi(x) (Fig. 6, eq. 3.17);
* :func:`run_fig7` -- noiseless and noisy steady profiles (Fig. 7);
* :func:`run_fig8` -- mu^I against kappa_Lambda, per ring size (Fig. 8);
* :func:`run_rho_bar` -- mu^I against rho_bar with eq. 4.22 and the fixed-X formula.

Each returns a dataclass holding its settings, the numbers and the wall time.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

import numpy as np

from .. import validate
from .figures import FIG6, FIG7, FIG8, RHO_BAR, Fig6Settings, Fig7Settings, Fig8Settings, RhoBarSettings
from .interface import interface_chemical_potential
from .model import initial_profile, mu_tilde
from .noisy import interface_scan, simulate
from .results import ScanResult, SimulationResult
from .steady import steady_state, steady_state_scan
from .theory import interface_chemical_potential_fixed_x, interface_chemical_potential_theory, x_eq

__all__ = [
    "Fig6Result",
    "Fig7Result",
    "Fig8Result",
    "RhoBarResult",
    "run_fig6",
    "run_fig7",
    "run_fig8",
    "run_rho_bar",
]


def _settings(fig, scale, settings, seed):
    s = settings if settings is not None else fig.at(scale)
    if seed is not None:
        s = dataclasses.replace(s, seed=validate.integer("seed", seed, 0))
    return s


@dataclass
class Fig6Result:
    """Output of :func:`run_fig6`.

    Attributes
    ----------
    settings : Fig6Settings
    run : SimulationResult
        The noisy run; ``run.rho_final`` is the snapshot.
    psi : ndarray
        psi(i/N) = sum_{j <= i} (rho_j - rho_bar) / N (eq. 3.17); psi(1) = 0 by mass conservation.
    up, down : list of float
        Positions (i + 1/2)/N of the gas->liquid and liquid->gas crossings of 1.5.
    seconds : float
        Wall time.
    """

    settings: Fig6Settings
    run: SimulationResult
    psi: np.ndarray
    up: list
    down: list
    seconds: float = float("nan")


@dataclass
class Fig7Result:
    """Output of :func:`run_fig7`.

    Attributes
    ----------
    settings : Fig7Settings
    noiseless : list of (ndarray, SteadyStateInfo)
        Steady profile and diagnostics for each kappa.
    noiseless_mu_I : ndarray
        mu^I (eq. 6.4) of each noiseless profile.
    scan : ScanResult
        The noisy runs.
    mu_I, mu_I_err : ndarray
        mu^I of the time-averaged noisy profiles, combined over runs, and its standard error.
    seconds : float
        Wall time.
    """

    settings: Fig7Settings
    noiseless: list
    noiseless_mu_I: np.ndarray
    scan: ScanResult
    mu_I: np.ndarray
    mu_I_err: np.ndarray
    seconds: float = float("nan")


@dataclass
class Fig8Result:
    """Output of :func:`run_fig8`.

    Attributes
    ----------
    settings : Fig8Settings
    theory : float
        Eq. 4.22 (phi/6 at rho_bar = 1.5).
    noiseless : dict of int -> SteadyScanResult
        Noiseless scans over ``settings.kappas``, per ring size.
    noisy : dict of int -> ScanResult
        Noisy scans over ``settings.noisy_kappas``, per ring size (empty if not run).
    seconds : float
        Wall time.
    """

    settings: Fig8Settings
    theory: float
    noiseless: dict = field(default_factory=dict)
    noisy: dict = field(default_factory=dict)
    seconds: float = float("nan")


@dataclass
class RhoBarResult:
    """Output of :func:`run_rho_bar`.

    Attributes
    ----------
    settings : RhoBarSettings
    noiseless : dict of float -> ndarray
        Noiseless mu^I over ``settings.rhos``, per phi.
    theory, fixed_x : dict of float -> ndarray
        Eq. 4.22 and the fixed-X formula (eqs. 2.39-2.43 at X = X_eq) over ``settings.rhos``, per phi.
    noisy_mu_I, noisy_mu_I_err : ndarray
        Noisy mu^I (eq. 6.4 of the averaged profiles) at ``settings.noisy_rhos`` and its standard error.
    seconds : float
        Wall time.
    """

    settings: RhoBarSettings
    noiseless: dict
    theory: dict
    fixed_x: dict
    noisy_mu_I: np.ndarray
    noisy_mu_I_err: np.ndarray
    seconds: float = float("nan")


def run_fig6(scale=None, seed=None, *, settings=None):
    """Compute Fig. 6: a noisy snapshot at phi = 0 from a shifted liquid-first profile.

    Parameters
    ----------
    scale : str, optional
        ``"ci"``, ``"book"`` or ``"paper"`` (default: ``NONEQ_SCALE``).
    seed : int, optional
        Overrides the settings' seed (>= 0).
    settings : Fig6Settings, optional
        Use these instead of ``FIG6.at(scale)``.

    Returns
    -------
    Fig6Result

    Raises
    ------
    ValueError
        For an unknown scale or an invalid seed.
    """
    t0 = time.perf_counter()
    s = _settings(FIG6, scale, settings, seed)
    init = np.roll(initial_profile(s.N, 1.5), s.shift)
    r = simulate(s.N, s.kappa, s.phi, s.T_eff, t_max=s.t_max, seed=s.seed, t_burn=0.0, init=init, sample_every=1.0)
    rho = r.rho_final
    psi = np.cumsum(rho - rho.mean()) / s.N
    up = [(i + 0.5) / s.N for i in range(s.N) if rho[i - 1] < 1.5 <= rho[i]]
    down = [(i + 0.5) / s.N for i in range(s.N) if rho[i - 1] > 1.5 >= rho[i]]
    return Fig6Result(s, r, psi, up, down, seconds=time.perf_counter() - t0)


def run_fig7(scale=None, seed=None, *, progress=None, settings=None):
    """Compute Fig. 7: noiseless and noisy steady profiles at the two kappa_Lambda.

    Parameters
    ----------
    scale : str, optional
        ``"ci"``, ``"book"`` or ``"paper"`` (default: ``NONEQ_SCALE``).
    seed : int, optional
        Overrides the settings' seed (>= 0).
    progress : bool, optional
        Progress bar of the noisy scan (None follows ``NONEQ_PROGRESS``).
    settings : Fig7Settings, optional
        Use these instead of ``FIG7.at(scale)``.

    Returns
    -------
    Fig7Result

    Raises
    ------
    ValueError
        For an unknown scale or an invalid seed.
    """
    t0 = time.perf_counter()
    s = _settings(FIG7, scale, settings, seed)
    det, m_det = [], []
    for k in s.kappas:
        rho, info = steady_state(s.N, k, s.phi, s.rho_bar, init=s.init, dt=s.dt, return_info=True)
        det.append((rho, info))
        m_det.append(interface_chemical_potential(rho, mu_tilde(rho, k)))
    scan = interface_scan(s.N, list(s.kappas), s.phi, s.T_eff, s.rho_bar, t_max=s.t_max, dt=s.dt, init=s.init,
                          seed=s.seed, n_runs=s.n_runs, progress=progress)
    m, e = scan.combined()
    return Fig7Result(s, det, np.array(m_det), scan, m, e, seconds=time.perf_counter() - t0)


def run_fig8(scale=None, seed=None, *, progress=None, settings=None, sizes=None, noisy=True, t_burn=None,
             continuation_above=128):
    """Compute Fig. 8: noiseless mu^I(kappa_Lambda) and noisy points, per ring size.

    Parameters
    ----------
    scale : str, optional
        ``"ci"``, ``"book"`` or ``"paper"`` (default: ``NONEQ_SCALE``).
    seed : int, optional
        Overrides the settings' seed (>= 0).
    progress : bool, optional
        Progress bars (None follows ``NONEQ_PROGRESS``).
    settings : Fig8Settings, optional
        Use these instead of ``FIG8.at(scale)``.
    sizes : sequence of int, optional
        Ring sizes to run (default: ``(settings.N,)``).
    noisy : bool
        Also run the noisy scan.
    t_burn : float, optional
        Burn-in per noisy run (default of :func:`~noneq.phase_coexistence.interface_scan`).
    continuation_above : int
        Noiseless scans of rings larger than this follow one branch by continuation.

    Returns
    -------
    Fig8Result

    Raises
    ------
    ValueError
        For an unknown scale or invalid parameters.
    """
    t0 = time.perf_counter()
    s = _settings(FIG8, scale, settings, seed)
    out = Fig8Result(s, interface_chemical_potential_theory(s.phi, s.rho_bar))
    for N in (s.N,) if sizes is None else tuple(sizes):
        out.noiseless[N] = steady_state_scan(N, s.kappas, s.phi, s.rho_bar, s.init,
                                             continuation=N > continuation_above, progress=progress)
        if noisy:
            out.noisy[N] = interface_scan(N, s.noisy_kappas, s.phi, s.T_eff, s.rho_bar, s.t_max, s.dt, s.init,
                                          seed=s.seed, n_runs=s.n_runs, t_burn=t_burn, progress=progress)
    out.seconds = time.perf_counter() - t0
    return out


def run_rho_bar(scale=None, seed=None, *, progress=None, settings=None, noisy=True):
    """Compute mu^I against rho_bar: noiseless states per phi, noisy runs, eq. 4.22 and the fixed-X formula.

    Parameters
    ----------
    scale : str, optional
        ``"ci"``, ``"book"`` or ``"paper"`` (default: ``NONEQ_SCALE``).
    seed : int, optional
        Overrides the settings' seed (>= 0).
    progress : bool, optional
        Progress bars of the noisy runs (None follows ``NONEQ_PROGRESS``).
    settings : RhoBarSettings, optional
        Use these instead of ``RHO_BAR.at(scale)``.
    noisy : bool
        Also run the noisy runs (otherwise their arrays are NaN).

    Returns
    -------
    RhoBarResult

    Raises
    ------
    ValueError
        For an unknown scale or invalid parameters.
    """
    t0 = time.perf_counter()
    s = _settings(RHO_BAR, scale, settings, seed)
    det, th, fx = {}, {}, {}
    for phi in s.phis:
        mus = []
        for r in s.rhos:
            rho = steady_state(s.N, s.kappa, phi, r, init="liquid-first")
            mus.append(interface_chemical_potential(rho, mu_tilde(rho, s.kappa)))
        det[phi] = np.array(mus)
        th[phi] = np.array([interface_chemical_potential_theory(phi, r) for r in s.rhos])
        fx[phi] = np.array([interface_chemical_potential_fixed_x(phi, x_eq(r), r) for r in s.rhos])
    m = np.full(len(s.noisy_rhos), np.nan)
    e = np.full(len(s.noisy_rhos), np.nan)
    if noisy:
        for n, r in enumerate(s.noisy_rhos):
            scan = interface_scan(s.N, [s.kappa], s.noisy_phi, s.T_eff, float(r), t_max=s.t_max, seed=s.seed + n,
                                  progress=progress)
            (m[n],), (e[n],) = scan.combined()
    return RhoBarResult(s, det, th, fx, m, e, seconds=time.perf_counter() - t0)
