"""Figures of the phase-coexistence chapter (Sasa & Nakagawa, arXiv:2407.12353).

Each ``*_figure`` function takes profiles computed with
:mod:`noneq.phase_coexistence` and returns a new :class:`matplotlib.figure.Figure`
of the book's style (at most 7 inches wide, no text below 9 pt);
:func:`draw_slider_frame` draws one frame of the chapter's slider into a given
figure. The functions only draw: every number they show is passed in.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ..style import COLORS, figure

__all__ = [
    "ring_figure",
    "kink_figure",
    "family_figure",
    "driven_mu_figure",
    "driven_rho_figure",
    "psi_figure",
    "steady_profiles_figure",
    "interface_potential_figure",
    "size_dependence_figure",
    "padded_limits",
    "draw_slider_frame",
    "eq422_figure",
    "sci",
    "sci_pm",
    "selection_figure",
    "pinned_family_figure",
    "run_spread_figure",
    "hop_figure",
    "bifurcation_figure",
    "stable_count_figure",
    "large_n_figure",
    "offset_series_figure",
]

LIQUID, GAS, BATTERY = COLORS[0], COLORS[5], COLORS[1]

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _split(x, digits):
    m, e = f"{x:.{digits}e}".split("e")
    return m, int(e)


def _times_ten(e):
    return f" × 10{str(e).translate(_SUPERSCRIPT)}" if e else ""


def sci(x, digits=2):
    """``x`` as plain text in scientific notation, e.g. ``7.69 × 10⁻³`` (for glue)."""
    x = float(x)
    if x == 0.0:
        return "0"
    if not np.isfinite(x):
        return str(x)
    m, e = _split(x, digits)
    return (m + _times_ten(e)).replace("-", "−", 1) if m.startswith("-") else m + _times_ten(e)


def sci_pm(value, err, digits=2):
    """``value ± err`` with one power of ten, e.g. ``(7.35 ± 0.33) × 10⁻³`` (for glue).

    ``digits`` is the number of decimals of the mantissa of the larger of
    ``|value|`` and ``err``.
    """
    value, err = float(value), float(err)
    _, e = _split(max(abs(value), err), digits)
    scale = 10.0**e
    m = f"{value / scale:.{digits}f}".replace("-", "−")
    d = f"{err / scale:.{digits}f}"
    return f"({m} ± {d}){_times_ten(e)}" if e else f"{m} ± {d}"


def _positions(n):
    """Positions i/N of the boxes i = 1..N."""
    return np.arange(1, n + 1) / n


def ring_figure(rho, *, size=4.8):
    """Fig. 1: the profile drawn round the ring, bar height = density.

    Box ``i`` sits at the angle 2 pi (i - 1/2) / N, clockwise from the top,
    where the battery bond ``N -> 1`` is drawn; the current runs clockwise.
    """
    rho = np.asarray(rho, dtype=float)
    n = rho.size
    fig = plt.figure(figsize=(size, size + 0.5), layout="constrained")
    ax = fig.add_subplot(projection="polar")
    ax.set_theta_zero_location("N")
    ax.set_theta_direction(-1)
    theta = 2 * np.pi * (np.arange(n) + 0.5) / n
    ax.bar(theta, rho, width=2 * np.pi / n * 0.85, bottom=0.0,
           color=np.where(rho > 1.5, LIQUID, GAS), edgecolor="none")
    ax.plot([0, 0], [0, 3.0], color=BATTERY, lw=3.5)
    t = np.linspace(0.12, 0.85, 40)
    ax.plot(t, np.full_like(t, 3.0), color="k", lw=1.2)
    ax.annotate("", xy=(0.95, 3.0), xytext=(0.84, 3.0),
                arrowprops=dict(arrowstyle="-|>", color="k", lw=1.2, mutation_scale=14))
    ax.text(0.5, 3.35, "current $J$", ha="center", va="center")
    ax.text(0.0, 3.45, r"battery $\phi$", ha="center", va="bottom", color=BATTERY)
    ax.set_ylim(0, 3.1)
    ax.set_yticks([0.5, 1.5, 2.5])
    ax.set_yticklabels(["", "1.5", "2.5"])
    ax.set_rlabel_position(240)
    ticks = [n // 4, n // 2, 3 * n // 4]
    ax.set_xticks(2 * np.pi * (np.array(ticks) - 0.5) / n)
    ax.set_xticklabels([f"$i = {i}$" for i in ticks])
    ax.grid(True, lw=0.6, color="0.8")
    ax.spines["polar"].set_visible(False)
    fig.legend(handles=[Patch(color=LIQUID, label=r"liquid, $\rho_i > 1.5$"),
                        Patch(color=GAS, label=r"gas, $\rho_i < 1.5$")],
               loc="outside lower center", ncol=2)
    return fig


def kink_figure(panels, *, half_width=12):
    """Fig. 2: discrete steady states against the continuum kink.

    ``panels`` is a sequence of ``(kappa, rho, x0)`` with ``x0`` the
    liquid->gas interface position in units of the ring length.
    """
    fig, axes = figure(len(panels), width=7.0, height=3.1, sharey=True)
    for n, (ax, (kappa, rho, x0)) in enumerate(zip(axes, panels)):
        N = len(rho)
        c = x0 * N
        xx = np.linspace(c - half_width, c + half_width, 300)
        ax.plot(np.arange(1, N + 1), rho, "o", ms=3.5, color=COLORS[0],
                label="discrete steady state")
        ax.plot(xx, 1.5 - np.tanh((xx - c) / np.sqrt(2 * kappa)), "-", color=COLORS[1],
                lw=1.2, label="continuum kink")
        ax.set(xlim=(c - half_width, c + half_width), ylim=(0.3, 2.7), xlabel="box $i$",
               title=rf"({'ab'[n]}) $\kappa_\Lambda = {kappa:g}$")
    axes[0].set_ylabel(r"$\rho_i$")
    axes[0].legend(loc="lower left")
    return fig


def family_figure(family, x_eq, *, every=2):
    """Fig. 3: the phi = 0 family of stationary two-phase profiles.

    ``family`` is a sequence of ``(X, rho, mu_X, F)``: liquid fraction, profile,
    uniform chemical potential and free energy. Panel (a) shows every
    ``every``-th profile, panel (b) F/N against X with X_eq marked.
    """
    fig, (a, b) = figure(2, width=7.0, height=3.5)
    for (X, rho, m, _), c in zip(family[::every], COLORS):
        a.plot(_positions(len(rho)), rho, "-", color=c, lw=1.4,
               label=rf"$X = {X:.3f}$, $\mu_X = {m:+.3f}$")
    a.set(xlabel="$i/N$", ylabel=r"$\rho_i$", title="(a) stationary profiles")
    X = np.array([f[0] for f in family])
    F = np.array([f[3] for f in family]) / len(family[0][1])
    b.plot(X, F, "o-", color=COLORS[0])
    b.axvline(x_eq, ls=":", color="k", lw=1)
    b.annotate(r"$X_{\rm eq}$", (x_eq, F.max()), xytext=(4, 0), textcoords="offset points",
               va="top")
    b.set(xlabel="liquid fraction $X$", ylabel=r"$\mathcal{F}/N$",
          title=r"(b) free energy $\mathcal{F}_{\rm eq}(X)$")
    fig.legend(loc="outside lower center", ncol=2)
    return fig


def driven_mu_figure(mu_phi, mu_0, fit_liquid, fit_gas, phi, rho_phi=None, *,
                     ylim=(-0.045, 0.045)):
    """Fig. 4: mu(rho_i) of the driven profile, its bulk lines and the phi = 0 member.

    ``fit_liquid`` and ``fit_gas`` are ``(mask, coefficients)``: the boxes of a
    phase and the straight line (``numpy.polyfit`` in the box index) fitted to
    their bulk. With ``rho_phi`` (the driven density profile) a second panel
    shows it, as the paper's Fig. 4 shows both profiles.
    """
    N = len(mu_phi)
    i = np.arange(1, N + 1)
    x = i / N
    if rho_phi is None:
        fig, a = figure(1, width=6.4, height=3.9)
        axes = (a,)
    else:
        fig, axes = figure(2, width=7.0, height=3.7)
        a = axes[0]
    a.plot(x, mu_0, "-", color="0.55", lw=1.2, label=r"$\phi = 0$, same $X$")
    for (mask, coef), name in ((fit_liquid, "L"), (fit_gas, "G")):
        ii = i[mask]
        a.plot(ii / N, np.polyval(coef, ii), "--", color="k", lw=1,
               label="bulk lines" if name == "L" else None)
    a.plot(x, mu_phi, "o", ms=3.5, color=COLORS[1], label=rf"$\phi = {phi:g}$")
    a.set(xlabel="$i/N$", ylabel=r"$\mu(\rho_i)$", ylim=ylim, xlim=(0, 1.02))
    if rho_phi is not None:
        a.set_title(r"(a) chemical potential $\mu_X^\phi$")
        b = axes[1]
        liquid = np.asarray(rho_phi) > 1.5
        b.plot(x, rho_phi, "-", color="0.75", lw=1)
        b.plot(x[liquid], rho_phi[liquid], "o", ms=3.5, color=LIQUID)
        b.plot(x[~liquid], rho_phi[~liquid], "o", ms=3.5, color=GAS)
        b.set(xlabel="$i/N$", ylabel=r"$\rho_i$", xlim=(0, 1.02), ylim=(0.3, 2.7),
              title=r"(b) density $\rho_X^\phi$")
    fig.legend(*a.get_legend_handles_labels(), loc="outside lower center", ncol=3)
    return fig


def driven_rho_figure(rho_phi, rho_0, phi):
    """Fig. 5: the driven profile rho_X^phi against the phi = 0 member rho_X^{phi=0}."""
    x = _positions(len(rho_phi))
    fig, (a, b) = figure(2, width=7.0, height=3.1)
    liquid = np.flatnonzero(rho_phi > 1.5)[2:-2]  # bulk liquid, off the interface boxes
    for ax, sl, name in ((a, slice(None), "(a) whole ring"), (b, liquid, "(b) bulk liquid")):
        ax.plot(x[sl], rho_0[sl], "-", color="0.55", lw=1.2, label=r"$\rho_X^{\phi=0}$")
        ax.plot(x[sl], rho_phi[sl], "o", ms=3, color=COLORS[0],
                label=rf"$\rho_X^\phi$, $\phi = {phi:g}$")
        ax.set(xlabel="$i/N$", title=name)
    a.set_ylabel(r"$\rho_i$")
    a.legend(loc="upper right")
    return fig


def psi_figure(rho, up, down):
    """Fig. 6: a snapshot with its interfaces, and psi extended periodically.

    ``up`` and ``down`` are the 0-based indices i of the boxes where the
    profile crosses 1.5 upwards (gas->liquid) and downwards between i-1 and i.
    """
    rho = np.asarray(rho, dtype=float)
    N = rho.size
    x = _positions(N)
    psi = np.cumsum(rho - rho.mean()) / N
    fig, (a, b) = figure(2, width=7.0, height=3.1)
    a.plot(x, rho, "-", color=COLORS[0])
    for idx, c, lab in ((up, COLORS[2], r"$X_\uparrow$"), (down, COLORS[1], r"$X_\downarrow$")):
        for i in idx:
            a.axvline((i + 0.5) / N, color=c, ls="--", lw=1)
            a.text((i + 0.5) / N + 0.02, 2.75, lab, ha="left", va="bottom", color=c)
    a.set(xlabel="$x = i/N$", ylabel=r"$\rho_i$", ylim=(0.3, 3.05), xlim=(0, 1),
          title="(a) snapshot")
    xx = np.concatenate([x - 1, x, x + 1])
    b.plot(xx, np.tile(psi, 3), "-", color=COLORS[3])
    b.axhline(0, color="0.6", lw=0.8)
    for k in (0, 1):
        b.axvline(k, color="0.8", lw=0.8, ls=":")
    b.set(xlabel="$x$", ylabel=r"$\psi$", xlim=(-1, 2), title=r"(b) $\psi(x)$, periodic")
    return fig


def steady_profiles_figure(kappas, noiseless, rho_noisy, mt_noisy, phi):
    """Fig. 7: rho_i and mu~_i, noiseless (lines) and noisy time averages (circles).

    ``noiseless[k]`` is a dict with ``rho``, ``mt``, ``x_I``, ``mu_I``;
    ``rho_noisy[n]``, ``mt_noisy[n]`` are the noisy averages for ``kappas[n]``.
    The mu~ axis spans every plotted value and phi/6.
    """
    mts = [noiseless[k]["mt"] for k in kappas] + list(mt_noisy) + [[0.0, phi / 6]]
    mt_ylim = padded_limits(mts)
    fig, (a, b) = figure(2, width=7.0, height=3.9)
    handles = []
    for n, (k, c) in enumerate(zip(kappas, COLORS)):
        d = noiseless[k]
        x = _positions(len(d["rho"]))
        a.plot(x, d["rho"], "-", color=c, lw=1.3)
        a.plot(x, rho_noisy[n], "o", ms=3, color=c, mfc="none", mew=0.9)
        b.plot(x, d["mt"], "-", color=c, lw=1.3)
        b.plot(x, mt_noisy[n], "o", ms=3, color=c, mfc="none", mew=0.9)
        b.plot([d["x_I"]], [d["mu_I"]], "*", ms=11, color=c, mec="k", mew=0.6)
        handles.append(Patch(color=c, label=rf"$\kappa_\Lambda = {k:g}$"))
    b.axhline(0.0, ls=":", color="k", lw=1)
    b.axhline(phi / 6, ls="--", color="0.5", lw=1)
    handles += [Line2D([], [], color="0.3", lw=1.3, label="noiseless"),
                Line2D([], [], ls="none", marker="o", mfc="none", color="0.3", label="noisy"),
                Line2D([], [], ls="none", marker="*", ms=11, color="0.6", mec="k", mew=0.6,
                       label=r"$\mu^I$ (eq. 6.4)"),
                Line2D([], [], ls=":", color="k", lw=1, label=r"$\mu_c = 0$"),
                Line2D([], [], ls="--", color="0.5", lw=1, label=r"$\phi/6$")]
    a.set(xlabel="$i/N$", ylabel=r"$\rho_i$", title="(a) density", xlim=(0, 1.02))
    b.set(xlabel="$i/N$", ylabel=r"$\tilde\mu_i$", title="(b) chemical potential",
          ylim=mt_ylim, xlim=(0, 1.02))
    fig.legend(handles=handles, loc="outside lower center", ncol=4)
    return fig


def interface_potential_figure(kappas, mu_liquid_first, mu_gas_first, noisy_kappas, noisy_m,
                               noisy_e, phi, T_eff, paper=((0.5, 7.7e-3), (1.5, 2.1e-4)), n_runs=None):
    """Fig. 8: mu^I / phi against kappa_Lambda, noiseless (two starts) and noisy (mean of ``n_runs`` runs)."""
    fig, ax = figure(1, width=6.4, height=4.6)
    ax.axhline(1 / 6, ls=":", color="k", lw=1)
    ax.axhline(0.0, ls=":", color="k", lw=1)
    ax.text(kappas[-1], 1 / 6 + 0.006, r"$\phi/6$ (eq. 6.5)", ha="right", va="bottom")
    ax.text(kappas[0], 0.006, r"$\mu_c = 0$", ha="left", va="bottom")
    ax.plot(kappas, mu_liquid_first / phi, "-", color=COLORS[0], label="noiseless, liquid-first")
    ax.plot(kappas, mu_gas_first / phi, "--", color=COLORS[2], label="noiseless, gas-first")
    ax.errorbar(noisy_kappas, noisy_m / phi, yerr=noisy_e / phi, fmt="s", ms=5, mfc="none",
                color=COLORS[1], capsize=2,
                label=rf"noisy, $T_{{\rm eff}} = {T_eff:g}$, liquid-first"
                + (f", mean of {n_runs} runs" if n_runs else ""))
    ax.plot([p[0] for p in paper], [p[1] / phi for p in paper], "x", color="k", ms=8,
            mew=1.5, label="values quoted in the paper")
    ax.set(xlabel=r"$\kappa_\Lambda$", ylabel=r"$\mu^I/\phi$")
    fig.legend(loc="outside lower center", ncol=2)
    return fig


def size_dependence_figure(kappas, mu_by_N, phi):
    """Beyond the paper: noiseless mu^I / phi against kappa_Lambda for several N."""
    fig, ax = figure(1, width=6.4, height=3.8)
    ax.axhline(1 / 6, ls=":", color="k", lw=1)
    ax.axhline(0.0, ls=":", color="k", lw=1)
    for (N, m), c in zip(mu_by_N.items(), COLORS):
        ax.plot(kappas, m / phi, "o-", ms=4, color=c, label=f"$N = {N}$")
    ax.set(xlabel=r"$\kappa_\Lambda$", ylabel=r"$\mu^I/\phi$")
    ax.legend(loc="lower left")
    return fig


def padded_limits(arrays, pad=0.05):
    """Axis limits spanning every value of ``arrays`` (e.g. all frames of a slider), padded."""
    lo = min(float(np.min(v)) for v in arrays)
    hi = max(float(np.max(v)) for v in arrays)
    span = hi - lo
    return lo - pad * span, hi + pad * span


def draw_slider_frame(fig, rho, mt, mu_I, x_I, theory, fixed, kappa, phi, rho_bar, *,
                      rho_ylim, mt_ylim):
    """One slider frame: rho_i (left) and mu~_i / phi (right) with mu^I and eq. 4.22.

    The axes are fixed (``rho_ylim``, ``mt_ylim`` from :func:`padded_limits` over
    the whole grid) so that frames can be compared; lines without markers keep the
    frames small.
    """
    x = _positions(len(rho))
    a, b = fig.subplots(1, 2)
    a.plot(x, rho, "-", lw=1.5, color=COLORS[0])
    a.axhline(1.5, ls=":", color="0.6", lw=1)
    a.set(xlabel="$i/N$", ylabel=r"$\rho_i$", xlim=(0, 1.02), ylim=rho_ylim)
    b.axhline(theory / phi, ls="--", color="k", lw=1.2, label="eq. 4.22")
    b.axhline(fixed / phi, ls="-.", color=COLORS[3], lw=1.2, label=r"fixed $X = X_{\rm eq}$")
    b.axhline(0.0, ls=":", color="0.5", lw=1, label=r"$\mu_c$")
    b.plot(x, mt / phi, "-", lw=1.5, color=COLORS[1])
    b.plot([x_I], [mu_I / phi], "*", ms=12, color=COLORS[2], mec="k", mew=0.6,
           label=r"$\mu^I$ (eq. 6.4)")
    b.set(xlabel="$i/N$", ylabel=r"$\tilde\mu_i/\phi$", xlim=(0, 1.02), ylim=mt_ylim)
    fig.suptitle(rf"$\kappa_\Lambda = {kappa:.1f}$, $\phi = {phi:.2f}$, "
                 rf"$\bar\rho = {rho_bar:.2f}$:  $\mu^I/\phi = {mu_I / phi:.3f}$, "
                 rf"eq. 4.22: ${theory / phi:.3f}$", fontsize=11)
    fig.legend(loc="outside lower center", ncol=4)


def eq422_figure(rho_grid, theory, fixed, rho_fine, noiseless, rho_noisy, noisy_m, noisy_e,
                 phi_noisy, T_eff):
    """mu^I / phi against rho_bar: eq. 4.22, the fixed-X formula, noiseless and noisy points.

    ``theory`` and ``fixed`` are the two formulas on ``rho_grid``; ``noiseless`` maps
    phi to mu^I on ``rho_fine``.
    """
    fig, ax = figure(1, width=6.4, height=4.6)
    ax.plot(rho_grid, theory, "k-", lw=1.3, label="eq. 4.22")
    ax.plot(rho_grid, fixed, "-.", color=COLORS[3], lw=1.3, label=r"fixed $X = X_{\rm eq}$")
    markers = "o^v"
    for (phi, m), c, mk in zip(noiseless.items(), COLORS, markers):
        ax.plot(rho_fine, m / phi, mk, color=c, ms=5, mfc="none", mew=1.1,
                label=rf"noiseless, $\phi = {phi:g}$")
    ax.errorbar(rho_noisy, noisy_m / phi_noisy, yerr=noisy_e / phi_noisy, fmt="s", color="k",
                ms=6, mfc="none", capsize=2,
                label=rf"noisy, $\phi = {phi_noisy:g}$, $T_{{\rm eff}} = {T_eff:g}$")
    ax.axhline(0, color="0.7", lw=0.8)
    ax.set(xlabel=r"$\bar\rho$", ylabel=r"$\mu^I/\phi$")
    fig.legend(loc="outside lower center", ncol=2)
    return fig


def selection_figure(ms, dF, m_star, sizes, selected, fixed_member, estimate, theory, fixed, rho_bar):
    """The variational selection of eq. 3.39 on the lattice, at one mean density.

    Left: ``dF`` = N (F_ss / N - min) against m = n_L - N X_eq for the largest ring,
    with the parabola minimiser ``m_star``. Right: mu^I / phi against N of the
    selected member, of the member m = 0 and the continuum estimate mu^I(m_*),
    with eq. 4.22 (``theory``) and the fixed-X value (``fixed``), all in units of phi.
    """
    fig, (a, b) = figure(2, width=6.8, height=3.4)
    a.plot(ms, dF, "o-", color=COLORS[0], ms=4, lw=1)
    a.axvline(m_star, color="0.5", ls=":", lw=1)
    a.set(xlabel=r"$m = n_L - N X_{\rm eq}$", ylabel=r"$\mathcal{F}_{\rm ss} - \min$",
          title=rf"$N = {sizes[-1]}$, $\bar\rho = {rho_bar:g}$")
    b.plot(sizes, selected, "o", color=COLORS[0], ms=6, label="selected member")
    b.plot(sizes, fixed_member, "s", color=COLORS[3], ms=5, mfc="none", label=r"member $m = 0$")
    b.plot(sizes, estimate, "^", color=COLORS[2], ms=5, mfc="none", label=r"$\mu^I(m_*)$")
    b.axhline(theory, color="k", lw=1.2, label="eq. 4.22")
    b.axhline(fixed, color=COLORS[3], ls="-.", lw=1.2, label=r"fixed $X_{\rm eq}$")
    b.set_xscale("log", base=2)
    b.set(xlabel=r"$N$", ylabel=r"$\mu^I/\phi$")
    fig.legend(*b.get_legend_handles_labels(), loc="outside lower center", ncol=3)
    return fig


def pinned_family_figure(offsets, mu_I, growth, phi, kappa, branches, curve_kappas, curve_mu):
    """The pinned states: mu^I and growth rate against the offset, and their branches in kappa_Lambda.

    Left: mu^I / phi of every rotation (offset = first liquid box after the battery)
    at ``kappa``; middle: their largest linear growth rate; right: mu^I / phi along
    the stable branches ``branches`` (offset -> (kappas, mu_I)) up to where each ends,
    with the noiseless liquid-first curve of Fig. 8 (``curve_kappas``, ``curve_mu``).
    """
    fig, (a, b, c) = figure(3, width=7.0, height=3.2)
    a.plot(offsets, mu_I / phi, "o", color=COLORS[0], ms=3)
    a.axhline(1 / 6, color="k", lw=0.8, ls="--")
    a.set(xlabel="offset of the liquid", ylabel=r"$\mu^I/\phi$", title=rf"$\kappa_\Lambda = {kappa:g}$")
    b.plot(offsets, growth, "o", color=COLORS[3], ms=3)
    b.axhline(0, color="0.6", lw=0.8)
    b.set(xlabel="offset of the liquid", ylabel="largest growth rate")
    for n, (o, (ks, m)) in enumerate(branches.items()):
        c.plot(ks, m / phi, "-", color=COLORS[n % len(COLORS)], lw=1.2, label=f"{o}")
        c.plot(ks[-1], m[-1] / phi, "x", color=COLORS[n % len(COLORS)], ms=5)
    c.plot(curve_kappas, curve_mu / phi, "ko", ms=3, mfc="none", label="Fig. 8")
    c.set(xlabel=r"$\kappa_\Lambda$", ylabel=r"$\mu^I/\phi$", xlim=(curve_kappas[0], curve_kappas[-1]))
    fig.legend(*c.get_legend_handles_labels(), title="offset of the liquid (branches)", loc="outside lower center",
               ncol=len(branches) + 1)
    return fig


def run_spread_figure(kappas, run_m, run_e, run_offsets, branches, *, what="ending at"):
    """mu^I of independent noisy runs against kappa_Lambda, marked by the pinned branch of each run.

    ``run_m``, ``run_e``: shape (n_kappa, n_runs), each run's mu^I and batch-means
    error; ``run_offsets``: the offset of the liquid that labels each run (the one
    it ends at, or the one it occupies longest; ``what`` says which, for the
    legend); ``branches`` maps an offset to (kappas, mu_I) of its noiseless pinned
    branch. Runs are spread sideways around their kappa for legibility; mu^I in
    units of 10^-3.
    """
    fig, ax = figure(1, width=6.4, height=4.2)
    offs = sorted({int(o) for row in run_offsets for o in row} | set(branches))
    color = {o: COLORS[n % len(COLORS)] for n, o in enumerate(offs)}
    dk = 0.6 * (np.min(np.diff(kappas)) if len(kappas) > 1 else 0.1)
    for n, k in enumerate(kappas):
        xs = k + dk * (np.arange(run_m.shape[1]) / max(run_m.shape[1] - 1, 1) - 0.5) * 0.5
        for x, m, e, o in zip(xs, run_m[n], run_e[n], run_offsets[n]):
            ax.errorbar(x, 1e3 * m, yerr=1e3 * e, fmt="o", color=color[int(o)], ms=3, capsize=1.5, lw=0.8)
    for o, (ks, m) in branches.items():
        sel = (ks >= kappas[0] - dk) & (ks <= kappas[-1] + dk)
        ax.plot(ks[sel], 1e3 * m[sel], "-", color=color[o], lw=1.2, label=f"noiseless, offset {o}")
    for o in offs:
        ax.plot([], [], "o", color=color[o], ms=4, label=f"noisy run {what} offset {o}")
    ax.set(xlabel=r"$\kappa_\Lambda$", ylabel=r"$10^3\,\mu^I$")
    fig.legend(loc="outside lower center", ncol=2)
    return fig


def hop_figure(kappas, shares, rate, rate_err, window):
    """Where the noisy liquid domain sits and how often it hops, against kappa_Lambda.

    Left: the fraction of time spent at each offset of ``shares`` (offset ->
    array over ``kappas``) and at any other offset; right: hops between pinned
    states per 10^4 time units (``rate``, ``rate_err`` per time unit, offsets
    read in windows of ``window`` time units).
    """
    fig, (a, b) = figure(2, width=7.0, height=3.4)
    rest = 1.0 - np.sum([np.asarray(v) for v in shares.values()], axis=0)
    for n, (o, v) in enumerate(shares.items()):
        a.plot(kappas, v, "o-", color=COLORS[n % len(COLORS)], ms=3, label=f"offset {o}")
    a.plot(kappas, rest, "s--", color="0.45", ms=3, label="other offsets")
    a.set(xlabel=r"$\kappa_\Lambda$", ylabel="fraction of time", ylim=(-0.03, 1.03))
    fig.legend(*a.get_legend_handles_labels(), loc="outside lower center", ncol=len(shares) + 1)
    b.errorbar(kappas, 1e4 * np.asarray(rate), yerr=1e4 * np.asarray(rate_err), fmt="o", color=COLORS[3], ms=3,
               capsize=2)
    b.set(xlabel=r"$\kappa_\Lambda$", ylabel=r"hops per $10^4$ time units",
          title=f"offsets read every {window:g} time units")
    return fig


def bifurcation_figure(branches, phi, kappa_range=None):
    """The bifurcation diagram of pinned states: mu^I / phi (top) and the leading eigenvalue (bottom) against kappa.

    ``branches`` maps an offset of the liquid (first liquid box after the battery)
    to a :class:`~noneq.phase_coexistence.Branch`; stable points are drawn solid,
    unstable ones dashed, each fold (saddle-node) with a circle. The eigenvalue
    axis is linear within +-10^-3 and logarithmic beyond.
    """
    fig, (a, b) = figure(1, 2, width=6.4, height=6.0, sharex=True)
    for n, (o, br) in enumerate(branches.items()):
        c = COLORS[n % len(COLORS)]
        for st, ls in ((True, "-"), (False, "--")):
            # split at the stability changes; the fold is shared by both pieces
            seg = _stability_pieces(br, st)
            for ks, ms, ls_ in seg:
                a.plot(ks, ms / phi, ls, color=c, lw=1.4)
                b.plot(ks, ls_, ls, color=c, lw=1.4)
        for f in br.folds:
            a.plot(f.kappa, f.mu_I / phi, "o", color=c, ms=5, mfc="white", zorder=3)
            b.plot(f.kappa, 0.0, "o", color=c, ms=5, mfc="white", zorder=3)
        a.plot([], [], "-", color=c, lw=1.4, label=f"{o}")
    a.axhline(1 / 6, color="k", lw=0.8, ls=":")
    a.set(ylabel=r"$\mu^I/\phi$")
    b.axhline(0, color="0.5", lw=0.8)
    b.set_yscale("symlog", linthresh=1e-3)
    b.set(xlabel=r"$\kappa_\Lambda$", ylabel="leading eigenvalue")
    if kappa_range is not None:
        b.set_xlim(*kappa_range)
    handles, labels = a.get_legend_handles_labels()
    handles += [Line2D([], [], color="k", ls="-"), Line2D([], [], color="k", ls="--"),
                Line2D([], [], color="k", marker="o", mfc="white", ls="none")]
    labels += ["stable", "unstable", "fold"]
    fig.legend(handles, labels, title="offset of the liquid", loc="outside lower center", ncol=5)
    return fig


def _stability_pieces(br, stable):
    """Runs of consecutive points of ``br`` with ``br.stable == stable``, each extended to an adjacent fold."""
    folds = {f.index: f for f in br.folds}
    out = []
    idx = np.flatnonzero(br.stable == stable)
    if idx.size == 0:
        return out
    for run in np.split(idx, np.flatnonzero(np.diff(idx) > 1) + 1):
        ks, ms, ls = list(br.kappa[run]), list(br.mu_I[run]), list(br.eigenvalue[run])
        if run[-1] in folds:  # the fold follows this run
            f = folds[run[-1]]
            ks, ms, ls = ks + [f.kappa], ms + [f.mu_I], ls + [0.0]
        if run[0] - 1 in folds:  # the fold precedes it
            f = folds[run[0] - 1]
            ks, ms, ls = [f.kappa] + ks, [f.mu_I] + ms, [0.0] + ls
        out.append((np.array(ks), np.array(ms), np.array(ls)))
    return out


def stable_count_figure(kappas, count, first_fold, n_rotations):
    """The number of linearly stable pinned states against kappa_Lambda, with the folds of every rotation.

    ``count`` (on the grid ``kappas``) is drawn as a staircase; ``first_fold``
    holds the kappa of the first fold of the branch through each of the
    ``n_rotations`` rotations (NaN for none), marked as ticks along the top.
    """
    fig, ax = figure(1, width=6.4, height=3.6)
    ax.step(kappas, np.maximum(count, 0.5), where="post", color=COLORS[0], lw=1.6, label="stable states")
    ks = first_fold[np.isfinite(first_fold)]
    ax.plot(ks, np.full(ks.size, 1.5 * n_rotations), "|", color=COLORS[3], ms=10, mew=1.0,
            label="first fold of a rotation")
    ax.axhline(n_rotations, color="0.6", lw=0.8, ls=":")
    ax.set_yscale("log", base=2)
    ticks = [2**k for k in range(int(np.log2(n_rotations)) + 1)]
    ax.set_yticks(ticks, [str(t) for t in ticks])
    ax.set(xlabel=r"$\kappa_\Lambda$", ylabel="stable pinned states", xlim=(kappas[0], kappas[-1]),
           ylim=(0.7, 2.2 * n_rotations))
    ax.legend(loc="center right")
    return fig


def large_n_figure(kappas, selected, noisy_kappas, noisy, theory=1 / 6):
    """Fig. 8 towards large N: the selected state's mu^I / phi against kappa_Lambda, with noisy runs.

    ``selected`` maps N to mu^I / phi of the selected state over ``kappas`` (NaN
    where there is none); ``noisy`` maps N to (mean, standard error) of mu^I / phi
    over ``noisy_kappas``, drawn in the colour of the same N and shifted sideways
    a little for legibility; ``theory`` is eq. 4.22 (1/6 at rho_bar = 1.5).
    """
    fig, ax = figure(1, width=6.4, height=4.2)
    sizes = sorted(set(selected) | set(noisy))
    color = {n: COLORS[i % len(COLORS)] for i, n in enumerate(sizes)}
    for n in sorted(selected):
        ax.plot(kappas, selected[n], "-", marker=".", color=color[n], lw=1.2, label=f"selected, N = {n}")
    dk = 0.012
    for i, n in enumerate(sorted(noisy)):
        m, e = noisy[n]
        ax.errorbar(np.asarray(noisy_kappas) + dk * (i - (len(noisy) - 1) / 2), m, yerr=e, fmt="s", ms=4, mfc="none",
                    color=color[n], capsize=2, label=f"noisy, N = {n}")
    ax.axhline(theory, color="k", ls="--", lw=1, label=r"eq. 4.22 ($\phi/6$)")
    ax.set(xlabel=r"$\kappa_\Lambda$", ylabel=r"$\mu^I/\phi$")
    fig.legend(loc="outside lower center", ncol=3)
    return fig


def offset_series_figure(window, offsets, kappa, *, max_runs=4):
    """The offset of the noisy liquid domain against time, run by run: the hops between pinned states.

    ``offsets`` has shape (n_runs, n_windows), one offset per window of ``window``
    time units (:func:`~noneq.phase_coexistence.hop_statistics`); the first
    ``max_runs`` runs are drawn one above the other at ``kappa``.
    """
    runs = np.asarray(offsets)[:max_runs]
    fig, axes = figure(1, len(runs), width=7.0, height=1.0 + 0.8 * len(runs), sharex=True, sharey=True)
    axes = np.atleast_1d(axes)
    t = window * np.arange(runs.shape[1])
    levels = np.unique(runs)
    for n, (ax, o) in enumerate(zip(axes, runs)):
        ax.step(t, o, where="post", color=COLORS[n % len(COLORS)], lw=1.0)
        ax.set_yticks(levels)
        ax.set_ylim(levels.min() - 0.5, levels.max() + 0.5)
        ax.set_ylabel(f"run {n + 1}")
    axes[0].set_title(rf"offset of the liquid domain, $\kappa_\Lambda = {kappa:g}$")
    axes[-1].set_xlabel("time after the burn-in")
    return fig
