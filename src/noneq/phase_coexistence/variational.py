"""The variational function of eqs. 3.39 / 4.9 on the lattice, and the family of pinned states.

For ``kappa_Lambda << 1`` the lattice pins the interfaces, so the noiseless ring
has many linearly stable stationary states: one for (almost) every number
``n_L`` of liquid boxes at the same mass, and for every position of the liquid
domain relative to the battery. The paper selects among the members with
different liquid fractions ``X = n_L / N`` by minimising (eq. 3.39, written in
the form of eq. 4.9)::

    F_ss(X) / L = int_0^1 dx f(rho(x)) - (phi / 2) (rho^L_X - rho^G_X) X (1 - X) + phi C

* :func:`pinned_state` -- the stationary profile with ``n_L`` liquid boxes
  starting ``offset`` boxes after the battery bond (Newton's method from the
  step profile, so it follows the branch of that step and no other);
* :func:`variational_function` -- eq. 3.39 per box on a lattice profile;
* :func:`selected_steady_state` -- the member ``n_L = round(N X_eq) + m`` of
  the family that minimises it;
* :func:`pinned_family` -- ``mu^I`` and the linear growth rate of every offset;
* :func:`fold_point` -- continuation of one pinned state in ``kappa_Lambda``
  up to its saddle-node;
* :func:`phase_averages` -- the phase averages of Sec. 4.1 and the interface
  pressures of eq. 4.25 on a lattice profile;
* :func:`selected_phase_averages` -- those averages interpolated to the
  continuum minimiser ``m_*`` (compare with
  :func:`~noneq.phase_coexistence.selected_state_theory`, eqs. 4.19-4.27).

On the lattice the integral of eq. 3.39 is the lattice free energy
``(1/N) sum_i [f(rho_i) + kappa (rho_{i+1} - rho_i)^2 / 2]``, whose gradient is
``mu~_i`` of eq. 2.12 (the gradient term is nearly the same for all members of
the family, whose interfaces have the same shape); ``rho^L_X`` and ``rho^G_X``
are the mean densities of the liquid (``rho_i > 1.5``) and gas boxes, and the
constant ``phi C`` is dropped.
"""

from __future__ import annotations

import numpy as np

from .. import validate
from .interface import interface_chemical_potential
from .model import (
    RHO_G,
    RHO_L,
    _check_profile,
    _check_rho_bar,
    drho_dt,
    free_energy_density,
    mu_tilde,
    pressure,
)
from .steady import _growth_rate, _newton
from .theory import x_eq

__all__ = [
    "variational_function",
    "pinned_state",
    "selected_steady_state",
    "pinned_family",
    "fold_point",
    "phase_averages",
    "selected_phase_averages",
]

_LEVEL = 0.5 * (RHO_G + RHO_L)


def _check_common(N, kappa, phi, rho_bar, tol):
    N = validate.integer("N", N, 3, 1 << 16)
    kappa = validate.real("kappa", kappa, 0.0, 100.0)
    phi = validate.real("phi", phi, -1.0, 1.0)
    rho_bar = _check_rho_bar(rho_bar)
    tol = validate.real("tol", tol, 0.0, 1e-3, lo_open=True)
    return N, kappa, phi, rho_bar, tol


def _n_liquid_default(N, rho_bar):
    return int(round(N * float(x_eq(rho_bar))))


def _step(N, rho_bar, n_liquid, offset):
    rho = np.full(N, RHO_G)
    rho[:n_liquid] = RHO_L
    rho = np.roll(rho, offset)
    return rho + (rho_bar - rho.mean())


def _solve(rho0, kappa, phi, rho_bar, tol):
    rho, _, res = _newton(rho0.copy(), kappa, phi, rho_bar, tol, max_iter=60)
    return rho, res


def _same_domain(rho, n_liquid, offset):
    liq = rho > _LEVEL
    want = np.roll(np.arange(rho.shape[0]) < n_liquid, offset)
    return bool(np.array_equal(liq, want))


def variational_function(rho, kappa, phi):
    """The variational function of eq. 3.39 (form of eq. 4.9) per box, on a lattice profile.

    ``F / N = (1/N) sum_i [f(rho_i) + kappa (rho_{i+1} - rho_i)^2 / 2]
    - (phi / 2) (rho^L - rho^G) X (1 - X)``, with ``X`` the fraction of boxes with
    ``rho_i > 1.5``, ``rho^L`` and ``rho^G`` the mean densities of the liquid and
    gas boxes; the constant ``phi C`` of eq. 3.39 is dropped. At ``phi = 0`` it is
    the lattice free energy per box, whose gradient is ``mu~`` (eq. 2.12).

    Parameters
    ----------
    rho : array_like, shape (N,)
        A two-phase density profile (N >= 3, positive, with liquid and gas boxes).
    kappa : float
        kappa_Lambda in [0, 100].
    phi : float
        Battery voltage in [-1, 1].

    Returns
    -------
    float
        F_ss / N without the constant.

    Raises
    ------
    ValueError
        For invalid parameters or a profile without both phases.
    """
    rho = _check_profile("rho", rho)
    kappa = validate.real("kappa", kappa, 0.0, 100.0)
    phi = validate.real("phi", phi, -1.0, 1.0)
    liq = rho > _LEVEL
    if liq.all() or not liq.any():
        raise ValueError("rho must contain both liquid (> 1.5) and gas (<= 1.5) boxes")
    x = liq.mean()
    bulk = free_energy_density(rho).mean() + 0.5 * kappa * np.mean((np.roll(rho, -1) - rho) ** 2)
    return float(bulk - 0.5 * phi * (rho[liq].mean() - rho[~liq].mean()) * x * (1.0 - x))


def pinned_state(N, kappa, phi, rho_bar=1.5, n_liquid=None, offset=0, *, tol=1e-10, return_info=False):
    """The stationary profile with ``n_liquid`` liquid boxes starting ``offset`` boxes after the battery.

    Newton's method on the stationarity equations with the mass constraint
    (as in :func:`~noneq.phase_coexistence.steady_state`), started from the step
    profile (liquid 2.5 on boxes ``offset .. offset + n_liquid - 1``, gas 0.5
    elsewhere, shifted to mass ``N rho_bar``), without relaxation: it follows the
    pinned branch of that step. Box 0 is the first box after the battery bond
    ``N -> 1``.

    Parameters
    ----------
    N : int
        Number of boxes, in [3, 65536].
    kappa : float
        kappa_Lambda in [0, 100].
    phi : float
        Battery voltage in [-1, 1].
    rho_bar : float
        Mean density in (0.5, 2.5).
    n_liquid : int, optional
        Liquid boxes, in [1, N - 1]; default ``round(N X_eq)`` (eq. 2.18).
    offset : int
        First liquid box, in [0, N - 1].
    tol : float
        Required residual max_i |d rho_i/dt|, in (0, 1e-3].
    return_info : bool
        Also return a dict with ``residual``, ``growth_rate`` (largest real part
        of the linearised dynamics on the zero-mass subspace; negative: linearly
        stable; NaN for N > 1024), ``mu_I`` and ``x_I`` (eqs. 6.3-6.4).

    Returns
    -------
    ndarray, shape (N,) or (ndarray, dict)

    Raises
    ------
    ValueError
        For invalid parameters, or when Newton's method does not converge to a
        profile with the same liquid boxes (no pinned state of that shape).
    """
    N, kappa, phi, rho_bar, tol = _check_common(N, kappa, phi, rho_bar, tol)
    if n_liquid is None:
        n_liquid = _n_liquid_default(N, rho_bar)
    n_liquid = validate.integer("n_liquid", n_liquid, 1, N - 1)
    offset = validate.integer("offset", offset, 0, N - 1)
    rho, res = _solve(_step(N, rho_bar, n_liquid, offset), kappa, phi, rho_bar, tol)
    if not (res <= tol and np.all(rho > 0) and _same_domain(rho, n_liquid, offset)):
        raise ValueError(
            f"no pinned state with n_liquid={n_liquid}, offset={offset} (N={N}, kappa={kappa:g}, phi={phi:g})"
        )
    if not return_info:
        return rho
    m, x = interface_chemical_potential(rho, mu_tilde(rho, kappa), return_position=True)
    info = {
        "residual": float(np.max(np.abs(drho_dt(rho, kappa, phi)))),
        "growth_rate": _growth_rate(rho, kappa, phi) if N <= 1024 else float("nan"),
        "mu_I": float(m),
        "x_I": float(x),
    }
    return rho, info


def selected_steady_state(N, kappa, phi, rho_bar=1.5, *, m_max=None, tol=1e-10):
    """The pinned state that minimises the variational function (eqs. 3.39, 4.1) over the liquid fraction.

    Evaluates :func:`variational_function` on the pinned states (see
    :func:`pinned_state`, liquid right after the battery) with
    ``n_L = round(N X_eq) + m`` liquid boxes, ``|m| <= m_max``, and returns the
    minimiser. The range grows (doubling ``m_max``) while the minimum sits on its
    edge. The paper's X_* = X_eq + O(phi) (Sec. 4) corresponds to
    ``m ~ N O(phi)``, which a small ring cannot resolve.

    Parameters
    ----------
    N : int
        Number of boxes, in [3, 65536].
    kappa : float
        kappa_Lambda in [0, 100]; pinned families exist for kappa_Lambda of order
        0.5 and below.
    phi : float
        Battery voltage in [-1, 1].
    rho_bar : float
        Mean density in (0.5, 2.5).
    m_max : int, optional
        Initial half-width of the range of m, >= 1 (default max(3, ceil(N / 128))).
    tol : float
        Required residual of every state, in (0, 1e-3].

    Returns
    -------
    dict
        ``rho`` (the selected profile), ``n_liquid``, ``m`` (= n_liquid -
        round(N X_eq)), ``mu_I``, ``x_I``, ``residual``, ``growth_rate`` of the
        selected state; ``ms``, ``F``, ``mu_Is`` over the members found (members
        without a pinned state are left out); ``m_star`` and ``mu_I_star``, the
        minimiser of a parabola through the three values of F around the
        minimum and mu^I interpolated there (the continuum estimate).

    Raises
    ------
    ValueError
        For invalid parameters, or when fewer than three members exist.
    """
    N, kappa, phi, rho_bar, tol = _check_common(N, kappa, phi, rho_bar, tol)
    m_max = max(3, -(-N // 128)) if m_max is None else validate.integer("m_max", m_max, 1, N)
    n0 = _n_liquid_default(N, rho_bar)
    found = {}
    while True:
        for m in range(-m_max, m_max + 1):
            if m in found or not 1 <= n0 + m <= N - 1:
                continue
            try:
                rho = pinned_state(N, kappa, phi, rho_bar, n0 + m, 0, tol=tol)
            except ValueError:
                continue
            found[m] = (variational_function(rho, kappa, phi), rho)
        if len(found) < 3:
            raise ValueError(f"fewer than three pinned states found (N={N}, kappa={kappa:g}, rho_bar={rho_bar:g})")
        ms = np.array(sorted(found))
        F = np.array([found[m][0] for m in ms])
        j = int(np.argmin(F))
        if 0 < j < len(ms) - 1 or m_max >= N:
            break
        m_max *= 2
    rho = found[int(ms[j])][1]
    mu_is = np.array([interface_chemical_potential(found[m][1], mu_tilde(found[m][1], kappa)) for m in ms])
    k = min(max(j, 1), len(ms) - 2)
    a, b, _ = np.polyfit(ms[k - 1 : k + 2].astype(float), F[k - 1 : k + 2], 2)
    m_star = float(-b / (2 * a)) if a > 0 else float(ms[j])
    _, info = pinned_state(N, kappa, phi, rho_bar, n0 + int(ms[j]), 0, tol=tol, return_info=True)
    return {
        "rho": rho,
        "n_liquid": n0 + int(ms[j]),
        "m": int(ms[j]),
        "mu_I": info["mu_I"],
        "x_I": info["x_I"],
        "residual": info["residual"],
        "growth_rate": info["growth_rate"],
        "ms": ms,
        "F": F,
        "mu_Is": mu_is,
        "m_star": m_star,
        "mu_I_star": float(np.interp(m_star, ms, mu_is)),
    }


def pinned_family(N, kappa, phi, rho_bar=1.5, n_liquid=None, *, tol=1e-10):
    """Every rotation of the two-phase profile relative to the battery: mu^I and linear stability.

    Parameters
    ----------
    N : int
        Number of boxes, in [3, 1024] (the growth rate needs a dense eigenvalue problem).
    kappa, phi, rho_bar, n_liquid, tol
        As in :func:`pinned_state`.

    Returns
    -------
    dict
        ``offsets`` (0 .. N-1, the first liquid box counted from the battery),
        ``found`` (bool: a pinned state of that shape exists), ``mu_I``, ``x_I``
        and ``growth_rate`` (NaN where none was found).

    Raises
    ------
    ValueError
        For invalid parameters.
    """
    N = validate.integer("N", N, 3, 1024)
    offsets = np.arange(N)
    out = {k: np.full(N, np.nan) for k in ("mu_I", "x_I", "growth_rate")}
    found = np.zeros(N, dtype=bool)
    for o in offsets:
        try:
            _, info = pinned_state(N, kappa, phi, rho_bar, n_liquid, int(o), tol=tol, return_info=True)
        except ValueError:
            continue
        found[o] = True
        for k in out:
            out[k][o] = info[k]
    return {"offsets": offsets, "found": found, **out}


def fold_point(N, kappa_start, phi, rho_bar=1.5, n_liquid=None, offset=0, *, dk=0.01, dk_min=1e-5, tol=1e-10):
    """Follow one pinned state in kappa_Lambda (natural continuation) up to its saddle-node.

    Starting from :func:`pinned_state` at ``kappa_start``, kappa_Lambda is raised in
    steps ``dk`` (each Newton solve starts from the previous profile); when a
    step fails or the state loses its shape or stability, the step is halved,
    down to ``dk_min``. The saddle-node (where the growth rate reaches 0 and the
    stable state merges with an unstable one) lies between the last kappa reached
    and the last kappa tried.

    Parameters
    ----------
    N : int
        Number of boxes, in [3, 1024].
    kappa_start : float
        kappa_Lambda at which the state exists, in [0, 100].
    phi, rho_bar, n_liquid, offset, tol
        As in :func:`pinned_state`.
    dk, dk_min : float
        Initial and smallest step in kappa, 0 < dk_min <= dk <= 1.

    Returns
    -------
    dict
        ``kappas``, ``mu_I``, ``growth_rate`` along the branch, ``kappa_last``
        (the largest kappa with a stable state) and ``kappa_fail`` (the smallest
        kappa tried without one, ``kappa_last + 2 step`` with ``step < dk_min``).

    Raises
    ------
    ValueError
        For invalid parameters, or if the state does not exist at ``kappa_start``.
    """
    N = validate.integer("N", N, 3, 1024)
    dk = validate.real("dk", dk, 0.0, 1.0, lo_open=True)
    dk_min = validate.real("dk_min", dk_min, 0.0, dk, lo_open=True)
    if n_liquid is None:
        n_liquid = _n_liquid_default(N, _check_rho_bar(rho_bar))
    rho, info = pinned_state(N, kappa_start, phi, rho_bar, n_liquid, offset, tol=tol, return_info=True)
    ks, mus, gs = [float(kappa_start)], [info["mu_I"]], [info["growth_rate"]]
    k, step = float(kappa_start), dk
    while step >= dk_min:
        trial, res = _solve(rho, k + step, phi, rho_bar, tol)
        ok = res <= tol and np.all(trial > 0) and _same_domain(trial, n_liquid, offset)
        g = _growth_rate(trial, k + step, phi) if ok else np.nan
        if ok and g < 0:
            k, rho = k + step, trial
            ks.append(k)
            mus.append(interface_chemical_potential(rho, mu_tilde(rho, k)))
            gs.append(float(g))
        else:
            step *= 0.5
    return {
        "kappas": np.array(ks),
        "mu_I": np.array(mus),
        "growth_rate": np.array(gs),
        "kappa_last": float(k),
        "kappa_fail": float(k + 2 * step),
    }


def _line_at(idx, values, x):
    a, b = np.polyfit(idx.astype(float), values, 1)
    return a * x + b


def phase_averages(rho, kappa, *, edge=3):
    """Phase averages (Sec. 4.1) and interface pressures (eq. 4.25) of a one-domain lattice profile.

    Liquid boxes are those with ``rho_i > 1.5``; they must form one domain on
    the ring. ``rho_L``, ``rho_G`` are the mean densities of the liquid and gas
    boxes (eq. 4.1), ``mu_L``, ``mu_G`` the means of ``mu~_i`` (eq. 2.12) over
    them (eq. 4.3), ``p_L = p(rho_L)``, ``p_G = p(rho_G)`` (eq. 4.6, p of eq. 2.17).
    The pressures on the two sides of the liquid->gas interface (eq. 4.25) are
    ``p`` of the bulk densities extrapolated to it: a straight line through
    ``rho_i`` of the liquid (gas) boxes at least ``edge`` boxes away from both
    ends of the domain, evaluated at the interface position of eq. 6.3.

    Parameters
    ----------
    rho : array_like, shape (N,)
        Density profile (N >= 3, positive) with one liquid and one gas domain,
        each longer than ``2 edge + 1`` boxes.
    kappa : float
        kappa_Lambda in [0, 100].
    edge : int
        Boxes left out at each end of a domain for the extrapolation, in [0, N].

    Returns
    -------
    dict
        ``X`` (liquid fraction), ``rho_L``, ``rho_G``, ``mu_L``, ``mu_G``,
        ``p_L``, ``p_G``, ``p_minus``, ``p_plus``, ``mu_I`` and ``x_I`` (eqs. 6.3-6.4).

    Raises
    ------
    ValueError
        For invalid parameters, or a profile without exactly one liquid domain
        long enough for the extrapolation.
    """
    rho = _check_profile("rho", rho)
    kappa = validate.real("kappa", kappa, 0.0, 100.0)
    n = rho.shape[0]
    edge = validate.integer("edge", edge, 0, n)
    liq = rho > _LEVEL
    starts = np.flatnonzero(liq & ~np.roll(liq, 1))
    if starts.size != 1:
        raise ValueError("rho must have exactly one liquid (> 1.5) and one gas domain")
    n_l = int(liq.sum())
    if min(n_l, n - n_l) < 2 * edge + 2:
        raise ValueError(f"each domain needs more than {2 * edge + 1} boxes for edge={edge}")
    r = np.roll(rho, -int(starts[0]))  # liquid on boxes 0 .. n_l - 1
    mt = mu_tilde(r, kappa)
    m_i, x_i = interface_chemical_potential(r, mt, return_position=True)
    j_i = x_i * n - 1.0  # box index of the interface (box j sits at (j + 1) / N)
    il = np.arange(edge, n_l - edge)
    ig = np.arange(n_l + edge, n - edge)
    rl, rg = r[:n_l].mean(), r[n_l:].mean()
    return {
        "X": n_l / n,
        "rho_L": float(rl),
        "rho_G": float(rg),
        "mu_L": float(mt[:n_l].mean()),
        "mu_G": float(mt[n_l:].mean()),
        "p_L": float(pressure(rl)),
        "p_G": float(pressure(rg)),
        "p_minus": float(pressure(_line_at(il, r[il], j_i))),
        "p_plus": float(pressure(_line_at(ig, r[ig], j_i))),
        "mu_I": float(m_i),
        "x_I": float((x_i + starts[0] / n) % 1.0),
    }


def selected_phase_averages(N, kappa, phi, rho_bar=1.5, *, edge=3, tol=1e-10, selected=None):
    """:func:`phase_averages` of the selected state, interpolated to the continuum minimiser m_*.

    Runs :func:`selected_steady_state`, computes :func:`phase_averages` of the two
    members ``n_L = round(N X_eq) + m`` with ``m = floor(m_*)`` and ``floor(m_*) + 1``
    and interpolates every average linearly to ``m_*``; ``X_star`` is
    ``(round(N X_eq) + m_*) / N``. On a ring the liquid fraction moves in steps of
    ``1/N`` and each step changes the bulk densities by about ``2/N``, so the
    integer members straddle the continuum state; the interpolation removes that
    lattice step (compare with :func:`~noneq.phase_coexistence.selected_state_theory`).

    Parameters
    ----------
    N : int
        Number of boxes, in [3, 65536].
    kappa, phi, rho_bar, tol
        As in :func:`selected_steady_state`.
    edge : int
        As in :func:`phase_averages`.
    selected : dict, optional
        The result of :func:`selected_steady_state` for the same parameters, to
        reuse (not recomputed; its ``m_star`` and ``m`` are used).

    Returns
    -------
    dict
        The keys of :func:`phase_averages` (interpolated), with ``X_star``,
        ``m_star``, ``m`` (the selected integer member) and ``mu_I_selected``
        (mu^I of that member).

    Raises
    ------
    ValueError
        As :func:`selected_steady_state`, or when a member next to m_* has no
        pinned state.
    """
    N, kappa, phi, rho_bar, tol = _check_common(N, kappa, phi, rho_bar, tol)
    sel = selected_steady_state(N, kappa, phi, rho_bar, tol=tol) if selected is None else selected
    if not {"m_star", "m", "mu_I"} <= set(sel):
        raise ValueError("selected must be a result of selected_steady_state")
    n0 = _n_liquid_default(N, rho_bar)
    lo = int(np.floor(sel["m_star"]))
    w = sel["m_star"] - lo
    a, b = (phase_averages(pinned_state(N, kappa, phi, rho_bar, n0 + m, 0, tol=tol), kappa, edge=edge)
            for m in (lo, lo + 1))
    out = {k: float((1 - w) * a[k] + w * b[k]) for k in a}
    out.update(X_star=(n0 + sel["m_star"]) / N, m_star=sel["m_star"], m=sel["m"], mu_I_selected=sel["mu_I"])
    return out
