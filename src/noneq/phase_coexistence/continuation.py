"""Pseudo-arclength continuation of the noiseless stationary states in kappa_Lambda.

A noiseless stationary state of the ring solves (eqs. 2.8, 2.10 with T_eff = 0,
2.12, with the parameters of eq. 6.2)::

    F_i(rho, kappa) = -(j_i - j_{i-1}) = 0,  i = 1..N,     sum_i rho_i = N rho_bar,

where the N equations F_i = 0 sum to zero (mass conservation), so one of them
is replaced by the mass constraint, as in :func:`~noneq.phase_coexistence.steady_state`.
:func:`pinned_state` follows a pinned state in kappa only while it is stable and
brackets its saddle-node by bisection (:func:`~noneq.phase_coexistence.fold_point`).
Here the curve of solutions ``x(s) = (rho(s), kappa(s))`` is followed by its
arclength ``s`` instead (Keller's pseudo-arclength method), which passes through
the fold, where ``d kappa / ds`` changes sign, and continues on the unstable
branch on the other side:

* :func:`continue_branch` -- the branch through a pinned state, with ``mu^I``
  (eqs. 6.3-6.4), the leading eigenvalue of the Jacobian on the zero-mass
  subspace and the residual at every point;
* :func:`continuation_fold` -- the first fold of that branch, refined to where
  ``d kappa / ds = 0``;
* :func:`stable_state_count` -- the number of linearly stable states on a set of
  branches at each kappa;
* :func:`run_bifurcation` -- the chapter's bifurcation diagram from its settings
  (:data:`~noneq.phase_coexistence.BIFURCATION`).

The right-hand side and its Jacobian with respect to rho are those of
:mod:`.model` (written once there, checked against a plain implementation and
against finite differences); F is affine in kappa (mu~ of eq. 2.12 is), so its
kappa-derivative is ``F(rho, 1) - F(rho, 0)``. The arclength is measured in the
norm ``ds^2 = |d rho|^2 / N + d kappa^2``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .. import validate
from .interface import interface_chemical_potential
from .model import _check_rho_bar, _drho_dt_raw, _jacobian, mu_tilde
from .steady import _growth_rate
from .variational import _n_liquid_default, pinned_state

__all__ = ["Branch", "Fold", "BifurcationResult", "continue_branch", "continuation_fold", "stable_state_count",
           "run_bifurcation"]


@dataclass(frozen=True)
class Fold:
    """A saddle-node (fold) of a branch: the point where d kappa / ds = 0.

    Attributes
    ----------
    kappa : float
        kappa_Lambda at the fold.
    mu_I : float
        mu^I (eqs. 6.3-6.4) at the fold.
    eigenvalue : float
        Leading eigenvalue of the Jacobian on the zero-mass subspace there (0 at
        an exact fold).
    residual : float
        max_i |d rho_i / dt| of the fold profile.
    index : int
        The fold lies between points ``index`` and ``index + 1`` of the branch.
    bracket : tuple of float
        kappa of the two branch points on either side (``kappa`` exceeds both at
        a fold to the right).
    rho : ndarray, shape (N,)
        The profile at the fold.
    """

    kappa: float
    mu_I: float
    eigenvalue: float
    residual: float
    index: int
    bracket: tuple
    rho: np.ndarray


@dataclass(frozen=True)
class Branch:
    """A branch of noiseless stationary states followed in kappa_Lambda by arclength.

    Attributes
    ----------
    kappa, mu_I, eigenvalue, residual, s, dkappa_ds : ndarray, shape (n,)
        At every point: kappa_Lambda, mu^I (eqs. 6.3-6.4), the leading eigenvalue
        (largest real part) of the Jacobian on the zero-mass subspace, the residual
        max_i |d rho_i/dt|, the arclength from the start and the kappa-component of
        the unit tangent.
    stable : ndarray of bool, shape (n,)
        ``eigenvalue < 0``: linearly stable.
    folds : tuple of Fold
        The folds passed, in order.
    rho : ndarray, shape (n, N), or None
        The profiles, if requested.
    params : dict
        ``N``, ``phi``, ``rho_bar``, ``n_liquid``, ``offset``, ``kappa_start``,
        ``tol`` and why the continuation stopped (``stop``).
    """

    kappa: np.ndarray
    mu_I: np.ndarray
    eigenvalue: np.ndarray
    stable: np.ndarray
    residual: np.ndarray
    s: np.ndarray
    dkappa_ds: np.ndarray
    folds: tuple
    rho: np.ndarray | None
    params: dict

    def __len__(self):
        return int(self.kappa.size)


# --------------------------------------------------------------------------- the extended system


def _dF_dkappa(rho, phi):
    """dF/dkappa: F is affine in kappa (mu~ of eq. 2.12 is), so F(rho, 1) - F(rho, 0)."""
    return _drho_dt_raw(rho, 1.0, phi) - _drho_dt_raw(rho, 0.0, phi)


def _constrained(rho, kappa, phi, target):
    """F with its last row replaced by the mass constraint."""
    f = _drho_dt_raw(rho, kappa, phi)
    f[-1] = rho.sum() - target
    return f


def _system(rho, kappa, phi, target):
    """F with its last row replaced by the mass constraint, and the N x (N + 1) Jacobian in (rho, kappa)."""
    n = rho.shape[0]
    f = _constrained(rho, kappa, phi, target)
    a = np.empty((n, n + 1))
    a[:, :n] = _jacobian(rho, kappa, phi).toarray()
    a[:, n] = _dF_dkappa(rho, phi)
    a[-1, :n] = 1.0
    a[-1, n] = 0.0
    return f, a


def _extended_jacobian(rho, kappa, phi):
    """The N x (N + 1) Jacobian of (F_1..F_{N-1}, sum rho) with respect to (rho, kappa)."""
    return _system(rho, kappa, phi, 0.0)[1]


def _weights(n):
    w = np.full(n + 1, 1.0 / n)
    w[n] = 1.0
    return w


def _tangent(a, prev, w):
    """Unit tangent (norm with weights ``w``) in the null space of ``a``, oriented along ``prev``."""
    m = np.vstack([a, w * prev])
    rhs = np.zeros(m.shape[0])
    rhs[-1] = 1.0
    t = np.linalg.solve(m, rhs)
    return t / np.sqrt(np.sum(w * t * t))


def _residual(rho, kappa, phi):
    return float(np.max(np.abs(_drho_dt_raw(rho, kappa, phi))))


def _correct(x0, t, ds, phi, target, w, tol, max_iter):
    """Newton's method on (F', mass, t . W (x - x0) - ds) from the predictor x0 + ds t.

    Returns (x, converged, iterations).
    """
    n = x0.shape[0] - 1
    x = x0 + ds * t
    wt = w * t
    for it in range(max_iter):
        rho, kappa = x[:n], x[n]
        if not (np.all(rho > 0) and kappa >= 0):
            return x, False, it
        g = np.append(_constrained(rho, kappa, phi, target), wt @ (x - x0) - ds)
        if np.max(np.abs(g[:n])) <= tol and abs(g[n]) <= tol and _residual(rho, kappa, phi) <= tol:
            return x, True, it
        jac = np.vstack([_system(rho, kappa, phi, target)[1], wt])
        try:
            dx = np.linalg.solve(jac, -g)
        except np.linalg.LinAlgError:
            return x, False, it
        x = x + dx
    rho, kappa = x[:n], x[n]
    ok = bool(np.all(rho > 0) and kappa >= 0)
    if ok:
        ok = np.max(np.abs(_constrained(rho, kappa, phi, target))) <= tol and _residual(rho, kappa, phi) <= tol
    return x, ok, max_iter


def _close(x, t, x_new, t_new, ds, w, max_correction=0.1, min_cos=0.95):
    """Guard against branch jumping: the corrector moved the predictor little and the tangent turned little.

    On a smooth branch the correction is about (curvature) ds^2 / 2; a point of
    another branch nearby needs a correction of order ds or more (measured: below
    0.09 ds on the branches of the chapter, 0.24 ds at a jump that this excludes).
    """
    d = x_new - (x + ds * t)
    return bool(np.sqrt(np.sum(w * d * d)) <= max_correction * ds and np.sum(w * t * t_new) >= min_cos)


def _point_info(rho, kappa, phi):
    m = interface_chemical_potential(rho, mu_tilde(rho, kappa))
    return float(m), _growth_rate(rho, kappa, phi), _residual(rho, kappa, phi)


def _refine_fold(xa, ta, ds_ab, phi, target, w, tol, max_iter, s_tol):
    """The root of d kappa / ds between a point ``xa`` (tangent ``ta``) and the next one, ``ds_ab`` further.

    Points at arclength s in (0, ds_ab) from ``xa`` are found with the same
    predictor-corrector; the kappa-component of their tangent changes sign at the
    fold. Bisection with secant steps (Illinois rule) on s.
    """
    n = xa.shape[0] - 1

    def at(s):
        x, ok, _ = _correct(xa, ta, s, phi, target, w, tol, max_iter)
        if not ok:
            return x, None
        _, a = _system(x[:n], x[n], phi, target)
        t = _tangent(a, ta, w)
        # the fold lies within one accepted step: points on the way are as close to the predictor
        return (x, t) if _close(xa, ta, x, t, max(s, 1e-12), w, max_correction=0.2, min_cos=-1.0) else (x, None)

    lo, hi = 0.0, ds_ab
    f_lo, f_hi = ta[n], None
    x_hi, t_hi = at(hi)
    if t_hi is None:
        return None
    f_hi = t_hi[n]
    best = (x_hi, abs(f_hi))
    side = 0
    for _ in range(100):
        if hi - lo <= s_tol:
            break
        s = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)  # secant
        if not lo < s < hi:
            s = 0.5 * (lo + hi)
        x, t = at(s)
        if t is None:
            s = 0.5 * (lo + hi)
            x, t = at(s)
            if t is None:
                return None
        f = t[n]
        if abs(f) < best[1]:
            best = (x, abs(f))
        if f == 0.0:
            break
        if (f > 0) == (f_lo > 0):
            lo, f_lo = s, f
            if side == -1:
                f_hi *= 0.5
            side = -1
        else:
            hi, f_hi = s, f
            if side == 1:
                f_lo *= 0.5
            side = 1
    return best[0]


# --------------------------------------------------------------------------- public functions


def _check(N, kappa_start, phi, rho_bar, n_liquid, offset, kappa_min, kappa_max, ds, ds_min, ds_max, max_steps,
           max_folds, tol):
    N = validate.integer("N", N, 3, 1024)
    kappa_start = validate.real("kappa_start", kappa_start, 0.0, 100.0)
    phi = validate.real("phi", phi, -1.0, 1.0)
    rho_bar = _check_rho_bar(rho_bar)
    if n_liquid is None:
        n_liquid = _n_liquid_default(N, rho_bar)
    n_liquid = validate.integer("n_liquid", n_liquid, 1, N - 1)
    offset = validate.integer("offset", offset, 0, N - 1)
    kappa_min = kappa_start if kappa_min is None else validate.real("kappa_min", kappa_min, 0.0, kappa_start)
    kappa_max = validate.real("kappa_max", kappa_max, kappa_start, 100.0, lo_open=True)
    ds_max = validate.real("ds_max", ds_max, 0.0, 1.0, lo_open=True)
    ds = validate.real("ds", ds, 0.0, ds_max, lo_open=True)
    ds_min = validate.real("ds_min", ds_min, 0.0, ds, lo_open=True)
    max_steps = validate.integer("max_steps", max_steps, 1, 100_000)
    max_folds = validate.integer("max_folds", max_folds, 0, 1000)
    tol = validate.real("tol", tol, 0.0, 1e-3, lo_open=True)
    return (N, kappa_start, phi, rho_bar, n_liquid, offset, kappa_min, kappa_max, ds, ds_min, ds_max, max_steps,
            max_folds, tol)


def continue_branch(N, kappa_start, phi, rho_bar=1.5, n_liquid=None, offset=0, *, kappa_min=None, kappa_max=3.0,
                    ds=0.02, ds_min=1e-6, ds_max=0.05, max_steps=5000, max_folds=1, stop_at_fold=False,
                    tol=1e-10, keep_profiles=False):
    """Follow the branch of noiseless stationary states through a pinned state, by arclength in kappa_Lambda.

    The branch starts at :func:`~noneq.phase_coexistence.pinned_state` (``n_liquid``
    liquid boxes from box ``offset`` after the battery) at ``kappa_start`` and is
    followed towards larger kappa_Lambda: the stationarity equations of eqs. 2.8,
    2.10 (T_eff = 0) and 2.12 with the mass fixed to ``N rho_bar`` (eq. 6.2 gives the
    paper's parameters), augmented by the pseudo-arclength condition
    ``t . W (x - x_k) = ds`` (``x = (rho, kappa)``, ``t`` the unit tangent at the last
    point ``x_k``, ``W = diag(1/N, ..., 1/N, 1)``), are solved by Newton's method
    from the predictor ``x_k + ds t``. The step ``ds`` is halved when Newton's
    method fails (down to ``ds_min``) and grows by 1.5 after easy steps (up to
    ``ds_max``). Where the kappa-component of the tangent changes sign the branch
    has passed a fold (saddle-node), which is refined (:class:`Fold`); the
    continuation goes on along the branch beyond it.

    At every point it records mu^I (eqs. 6.3-6.4), the residual
    max_i |d rho_i/dt| (below ``tol``, as in :func:`~noneq.phase_coexistence.steady_state`)
    and the leading eigenvalue of the Jacobian of eq. 2.8 restricted to the
    zero-mass subspace (negative: linearly stable).

    Parameters
    ----------
    N : int
        Number of boxes, in [3, 1024] (the eigenvalues need a dense problem).
    kappa_start : float
        kappa_Lambda of the starting pinned state, in [0, 100].
    phi : float
        Battery voltage in [-1, 1].
    rho_bar : float
        Mean density in (0.5, 2.5).
    n_liquid : int, optional
        Liquid boxes of the starting state, in [1, N - 1]; default ``round(N X_eq)``.
    offset : int
        First liquid box of the starting state, in [0, N - 1].
    kappa_min : float, optional
        The continuation stops when kappa falls below it, in [0, kappa_start]
        (default ``kappa_start``).
    kappa_max : float
        The continuation stops when kappa exceeds it, in (kappa_start, 100].
    ds, ds_min, ds_max : float
        Initial, smallest and largest arclength step, 0 < ds_min <= ds <= ds_max <= 1.
    max_steps : int
        Largest number of points, in [1, 100000].
    max_folds : int
        The continuation stops at fold number ``max_folds + 1`` (recorded, not
        passed), in [0, 1000] (0: no limit).
    stop_at_fold : bool
        Stop at the first fold (only the stable side is followed).
    tol : float
        Required residual max_i |d rho_i/dt| and mass error, in (0, 1e-3].
    keep_profiles : bool
        Keep the profiles of every point in ``Branch.rho``.

    Returns
    -------
    Branch
        The points in order of arclength and the folds passed.

    Raises
    ------
    ValueError
        For invalid parameters, or when no pinned state of that shape exists at
        ``kappa_start``.

    Examples
    --------
    >>> import noneq.phase_coexistence as pc
    >>> b = pc.continue_branch(64, 0.85, 0.05, kappa_min=0.85)
    >>> round(b.folds[0].kappa, 3), bool(b.stable[0]), bool(b.stable[-1])
    (0.902, True, False)
    """
    (N, kappa_start, phi, rho_bar, n_liquid, offset, kappa_min, kappa_max, ds, ds_min, ds_max, max_steps,
     max_folds, tol) = _check(N, kappa_start, phi, rho_bar, n_liquid, offset, kappa_min, kappa_max, ds, ds_min,
                              ds_max, max_steps, max_folds, tol)
    if stop_at_fold:
        max_folds = 1
    max_iter = 12
    target = N * rho_bar
    w = _weights(N)
    rho0 = pinned_state(N, kappa_start, phi, rho_bar, n_liquid, offset, tol=tol)
    x = np.append(rho0, kappa_start)
    _, a = _system(rho0, kappa_start, phi, target)
    start = np.zeros(N + 1)
    start[N] = 1.0  # towards larger kappa
    t = _tangent(a, start, w)
    rec = {k: [] for k in ("kappa", "mu_I", "eigenvalue", "residual", "s", "dkappa_ds")}
    profiles = []
    folds = []
    s_total = 0.0

    def record(x, t, s):
        m, g, r = _point_info(x[:N], x[N], phi)
        for k, v in zip(rec, (x[N], m, g, r, s, t[N])):
            rec[k].append(float(v))
        if keep_profiles:
            profiles.append(x[:N].copy())

    record(x, t, 0.0)
    stop = "max_steps"
    while len(rec["kappa"]) < max_steps:
        x_new, ok, iters = _correct(x, t, ds, phi, target, w, tol, max_iter)
        if ok:
            try:
                interface_chemical_potential(x_new[:N], mu_tilde(x_new[:N], x_new[N]))
            except ValueError:
                ok = False  # no liquid->gas interface left: not a two-phase state
        if not ok:
            ds *= 0.5
            if ds < ds_min:
                stop = "step below ds_min"
                break
            continue
        _, a = _system(x_new[:N], x_new[N], phi, target)
        t_new = _tangent(a, t, w)
        if not _close(x, t, x_new, t_new, ds, w):  # a jump to another branch: shorter step
            ds *= 0.5
            if ds < ds_min:
                stop = "step below ds_min"
                break
            continue
        if not kappa_min <= x_new[N] <= kappa_max:
            # end exactly on the boundary: the same corrector with kappa fixed there
            edge = kappa_max if x_new[N] > kappa_max else kappa_min
            e = np.zeros(N + 1)
            e[N] = 1.0
            x_end, ok, _ = _correct(x, e, edge - x[N], phi, target, w, tol, max_iter)
            if ok and abs(x_end[N] - edge) <= 1e-12 and (t[N] > 0) == (edge > x[N]):
                _, a = _system(x_end[:N], x_end[N], phi, target)
                t_end = _tangent(a, t, w)
                if (t_end[N] > 0) == (t[N] > 0):  # no fold on the way to the boundary
                    d = x_end - x
                    s_total += float(np.sqrt(np.sum(w * d * d)))
                    record(x_end, t_end, s_total)
            stop = "kappa range"
            break
        passed = (t_new[N] > 0) != (t[N] > 0)
        fold = None
        if passed:
            xf = _refine_fold(x, t, ds, phi, target, w, tol, max_iter, s_tol=1e-7)
            if xf is not None:
                m, g, r = _point_info(xf[:N], xf[N], phi)
                fold = Fold(kappa=float(xf[N]), mu_I=m, eigenvalue=g, residual=r, index=len(rec["kappa"]) - 1,
                            bracket=(float(x[N]), float(x_new[N])), rho=xf[:N].copy())
        if passed and fold is None:  # refinement failed: retry the step shorter
            ds *= 0.5
            if ds < ds_min:
                stop = "step below ds_min"
                break
            continue
        s_total += ds
        x, t = x_new, t_new
        record(x, t, s_total)
        if fold is not None:
            folds.append(fold)
            if max_folds and len(folds) >= max_folds and stop_at_fold:
                stop = "fold"
                break
        if max_folds and len(folds) > max_folds:
            stop = "max_folds"
            break
        if iters <= 3:
            ds = min(1.5 * ds, ds_max)
    arr = {k: np.array(v) for k, v in rec.items()}
    params = {"N": N, "phi": phi, "rho_bar": rho_bar, "n_liquid": n_liquid, "offset": offset,
              "kappa_start": kappa_start, "tol": tol, "stop": stop}
    return Branch(stable=arr["eigenvalue"] < 0, folds=tuple(folds),
                  rho=np.array(profiles) if keep_profiles else None, params=params, **arr)


def continuation_fold(N, kappa_start, phi, rho_bar=1.5, n_liquid=None, offset=0, *, ds=0.02, ds_min=1e-6,
                      ds_max=0.05, kappa_max=3.0, tol=1e-10):
    """The first fold (saddle-node) of the branch through a pinned state, from :func:`continue_branch`.

    The branch is followed from ``kappa_start`` towards larger kappa_Lambda until
    the kappa-component of its tangent changes sign; the fold is refined to
    ``d kappa / ds = 0`` (arclength located to 1e-7, so kappa to about 1e-12) on the branch of the
    stationarity equations (eqs. 2.8, 2.10 with T_eff = 0, 2.12; mass fixed).

    Parameters
    ----------
    N, kappa_start, phi, rho_bar, n_liquid, offset, ds, ds_min, ds_max, kappa_max, tol
        As in :func:`continue_branch`.

    Returns
    -------
    Fold
        kappa, mu^I (eqs. 6.3-6.4), leading eigenvalue and residual at the fold.

    Raises
    ------
    ValueError
        For invalid parameters, when the state does not exist at ``kappa_start``,
        or when the branch has no fold below ``kappa_max``.
    """
    b = continue_branch(N, kappa_start, phi, rho_bar, n_liquid, offset, kappa_max=kappa_max, ds=ds, ds_min=ds_min,
                        ds_max=ds_max, stop_at_fold=True, tol=tol)
    if not b.folds:
        raise ValueError(f"no fold found between kappa_start={kappa_start:g} and kappa_max={kappa_max:g} "
                         f"(stopped: {b.params['stop']})")
    return b.folds[0]


def stable_state_count(branches, kappas):
    """Number of linearly stable stationary states on ``branches`` at each kappa_Lambda.

    A branch contributes one state for every segment between consecutive points
    whose kappa interval ``[min, max)`` contains the kappa and whose two ends are
    stable (negative leading eigenvalue); on a segment that contains a fold, the
    state is stable between the stable end and the fold. A branch that crosses a
    kappa on two stable segments (two distinct states) counts twice.

    Parameters
    ----------
    branches : sequence of Branch
        Results of :func:`continue_branch`.
    kappas : array_like
        Values of kappa_Lambda, each >= 0.

    Returns
    -------
    ndarray of int, shape (len(kappas),)

    Raises
    ------
    ValueError
        For kappas that are not finite and non-negative, or an entry that is not a Branch.
    """
    kappas = validate.array("kappas", kappas, ndim=1, lo=0.0)
    count = np.zeros(kappas.size, dtype=int)
    for b in branches:
        if not isinstance(b, Branch):
            raise ValueError(f"branches must hold Branch results of continue_branch, got {type(b).__name__}")
        k, st = b.kappa, b.stable
        fold_at = {f.index: f.kappa for f in b.folds}
        for i in range(k.size - 1):
            if i in fold_at:  # stable up to the fold on the side of the stable end
                ends = [k[j] for j in (i, i + 1) if st[j]]
                seg = [(min(e, fold_at[i]), max(e, fold_at[i])) for e in ends]
            elif st[i] and st[i + 1]:
                seg = [(min(k[i], k[i + 1]), max(k[i], k[i + 1]))]
            else:
                seg = []
            for a, c in seg:
                count += (kappas >= a) & (kappas < c)
    return count


@dataclass(frozen=True)
class BifurcationResult:
    """The bifurcation diagram of the pinned states (:func:`run_bifurcation`).

    Attributes
    ----------
    settings : BifurcationSettings
        What was run.
    branches : dict
        offset -> :class:`Branch` for the offsets of ``settings.branch_offsets``,
        followed through their first fold and back down to ``kappa_start``.
    first_fold : ndarray, shape (N,)
        kappa_Lambda of the first fold of the branch through every rotation
        (offset 0 .. N - 1); NaN where the branch reaches ``kappa_max`` without one.
    first_fold_mu_I : ndarray, shape (N,)
        mu^I there (NaN without a fold).
    kappas, count : ndarray, shape (n_count,)
        The number of linearly stable states on the branches of all N rotations
        (:func:`stable_state_count`) on ``n_count`` evenly spaced kappa_Lambda in
        ``[kappa_start, kappa_max)``.
    seconds : float
        Wall time.
    """

    settings: object
    branches: dict
    first_fold: np.ndarray
    first_fold_mu_I: np.ndarray
    kappas: np.ndarray
    count: np.ndarray
    seconds: float


def run_bifurcation(scale=None, *, settings=None):
    """The bifurcation diagram of the noiseless pinned states (eqs. 2.8-2.12 at the parameters of eq. 6.2).

    Every rotation of the two-phase profile at ``kappa_start`` (``N`` offsets) is
    followed by :func:`continue_branch` to its first fold (or ``kappa_max``); the
    offsets of ``branch_offsets`` are followed through the fold and along the
    unstable branch back to ``kappa_start``. The stable states are counted on all
    these branches.

    Parameters
    ----------
    scale : str, optional
        ``"ci"``, ``"book"`` or ``"paper"`` (default: ``NONEQ_SCALE``).
    settings : BifurcationSettings, optional
        Used instead of ``BIFURCATION.at(scale)``.

    Returns
    -------
    BifurcationResult

    Raises
    ------
    ValueError
        For an unknown scale or settings of another type.
    """
    from .figures import BIFURCATION, BifurcationSettings

    s = BIFURCATION.at(scale) if settings is None else settings
    if not isinstance(s, BifurcationSettings):
        raise ValueError(f"settings must be a BifurcationSettings, got {type(s).__name__}")
    t0 = time.perf_counter()
    common = {"kappa_max": s.kappa_max, "ds": s.ds, "ds_max": s.ds_max, "tol": s.tol}
    branches = {int(o): continue_branch(s.N, s.kappa_start, s.phi, s.rho_bar, offset=int(o),
                                        kappa_min=s.kappa_start, **common)
                for o in s.branch_offsets}
    every = []
    fold_k = np.full(s.N, np.nan)
    fold_m = np.full(s.N, np.nan)
    for o in range(s.N):
        b = branches.get(o)
        if b is None:
            b = continue_branch(s.N, s.kappa_start, s.phi, s.rho_bar, offset=o, stop_at_fold=True, **common)
        every.append(b)
        if b.folds:
            fold_k[o], fold_m[o] = b.folds[0].kappa, b.folds[0].mu_I
    kappas = np.linspace(s.kappa_start, s.kappa_max, s.n_count, endpoint=False)
    return BifurcationResult(settings=s, branches=branches, first_fold=fold_k, first_fold_mu_I=fold_m,
                             kappas=kappas, count=stable_state_count(every, kappas),
                             seconds=time.perf_counter() - t0)
