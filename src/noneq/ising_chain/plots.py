"""Figures of the Ising chain / symmetric exclusion process chapter (Toral et al.).

Schematics (Figs. 1-2) are drawn from an actual configuration with matplotlib;
:func:`draw_entropy_production_panels` is the drawing callback behind the T₂
slider (P(ΔS), the fluctuation-theorem plot and I(J));
:func:`plot_entropy_production_paper` and :func:`plot_fluctuation_theorem_paper`
draw Figs. 3 and 4 from the paper-scale counts of the sweep ``ising_chain fig3``. The mirror log-ratio of
that plot is :func:`~noneq.ising_chain.checks.fluctuation_theorem_residual`.
Not imported by ``noneq.ising_chain`` itself (matplotlib is loaded only here);
``noneq.ising_chain_plots`` is the former name of this module.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from noneq.style import COLORS

from .checks import fluctuation_theorem_residual
from .large_deviations import large_deviation_function
from .theory import insertion_probabilities

__all__ = [
    "draw_fig1",
    "draw_fig2",
    "draw_entropy_production_panels",
    "entropy_production_limits",
    "plot_entropy_production_paper",
    "plot_fluctuation_theorem_paper",
    "draw_missing",
    "sci",
    "spins_to_tau",
]


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def sci(x, digits=1):
    """``x`` as plain text in scientific notation, e.g. ``2.8 × 10⁻¹⁷`` (for glued prose)."""
    x = float(x)
    if x == 0:
        return "0"
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    return f"{mantissa} × 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


def spins_to_tau(spins):
    """Link occupations ``τ_i = (1 - s_i s_{i+1})/2`` of a spin sequence."""
    s = np.asarray(spins)
    return ((1 - s[:-1] * s[1:]) // 2).astype(int)


def _reservoir(ax, x, y, w, h, text, color):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.15",
                                fc=color, ec="k", alpha=0.25, lw=1))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=11)


def _arrow(ax, x0, y0, x1, y1, **kw):
    kw.setdefault("arrowstyle", "-|>")
    kw.setdefault("mutation_scale", 10)
    kw.setdefault("lw", 1.0)
    kw.setdefault("color", "k")
    ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), **kw))


def _spin_row(ax, spins, y, x0=0.0, dx=1.0, color=COLORS[0]):
    for i, s in enumerate(spins):
        x = x0 + i * dx
        _arrow(ax, x, y - 0.28 * s, x, y + 0.28 * s, color=color, lw=1.6, mutation_scale=12)
    ax.plot([x0, x0 + (len(spins) - 1) * dx], [y, y], color="0.75", lw=0.8, zorder=0)


def _particle_row(ax, tau, y, x0=0.5, dx=1.0, color=COLORS[1]):
    for i, t in enumerate(tau):
        x = x0 + i * dx
        ax.add_patch(FancyBboxPatch((x - 0.3, y - 0.22), 0.6, 0.44, boxstyle="square,pad=0",
                                    fc="white", ec="0.5", lw=0.8))
        if t:
            ax.add_patch(Circle((x, y), 0.15, fc=color, ec="k", lw=0.6))


def draw_fig1(fig, spins=(1, 1, -1, -1, -1, 1, -1, -1), T1=1.0, T2=2.0):
    """Fig. 1: the three readings of the model, drawn for one spin configuration.

    Top: Ising chain between heat reservoirs B₁ (T₁) and B₂ (T₂). Middle: the same
    configuration as particles on the M−1 links (τ_i = 1 where ℓ_i = +1), with
    insertion/removal probabilities α, γ (left) and δ, β (right) of eq. (4).
    Bottom: the engine, with particle and heat exchange with reservoirs
    (T₁, μ₁) and (T₂, μ₂).
    """
    spins = np.asarray(spins)
    M = len(spins)
    tau = spins_to_tau(spins)
    ax = fig.add_subplot(111)
    ax.set_xlim(-2.6, M + 1.6)
    ax.set_ylim(-0.9, 7.4)
    ax.axis("off")
    rows = {"ising": 6.2, "ssep": 3.6, "engine": 1.0}
    for key, y in rows.items():
        _reservoir(ax, -2.4, y - 0.7, 1.6, 1.4,
                   "$B_1$\n$T_1$" if key != "engine" else "$B_1$\n$T_1,\\mu_1$", COLORS[5])
        _reservoir(ax, M - 0.2, y - 0.7, 1.6, 1.4,
                   "$B_2$\n$T_2$" if key != "engine" else "$B_2$\n$T_2,\\mu_2$", COLORS[1])
    _spin_row(ax, spins, rows["ising"], x0=0.0)
    for i in range(M):
        ax.text(i, rows["ising"] - 0.55, f"$s_{{{i + 1}}}$", ha="center", va="top", fontsize=11)
    _arrow(ax, M - 0.35, rows["ising"] + 0.95, -0.65, rows["ising"] + 0.95, color=COLORS[3])
    ax.text((M - 1) / 2, rows["ising"] + 1.05, "heat current $J_Q$", ha="center", va="bottom",
            fontsize=10, color=COLORS[3])
    _particle_row(ax, tau, rows["ssep"], x0=0.5)
    for i in range(M - 1):
        ax.text(0.5 + i, rows["ssep"] - 0.35, f"$\\tau_{{{i + 1}}}$", ha="center", va="top", fontsize=11)
    y = rows["ssep"]
    _arrow(ax, -0.75, y + 0.3, 0.15, y + 0.3, connectionstyle="arc3,rad=-0.3")
    ax.text(-0.3, y + 0.6, "$\\alpha$", ha="center", fontsize=12)
    _arrow(ax, 0.15, y - 0.3, -0.75, y - 0.3, connectionstyle="arc3,rad=-0.3")
    ax.text(-0.3, y - 0.85, "$\\gamma$", ha="center", fontsize=12)
    _arrow(ax, M - 0.25, y + 0.3, M - 1.15, y + 0.3, connectionstyle="arc3,rad=0.3")
    ax.text(M - 0.7, y + 0.6, "$\\delta$", ha="center", fontsize=12)
    _arrow(ax, M - 1.15, y - 0.3, M - 0.25, y - 0.3, connectionstyle="arc3,rad=0.3")
    ax.text(M - 0.7, y - 0.85, "$\\beta$", ha="center", fontsize=12)
    _arrow(ax, 2.5, y + 0.35, 3.3, y + 0.35, arrowstyle="<|-|>")
    ax.text(2.9, y + 0.45, "$\\lambda$", ha="center", va="bottom", fontsize=12)
    _particle_row(ax, tau, rows["engine"], x0=0.5, color=COLORS[2])
    y = rows["engine"]
    _arrow(ax, M - 0.35, y + 0.75, -0.65, y + 0.75, color=COLORS[2])
    ax.text((M - 1) / 2, y + 0.82, "particles (energy $\\epsilon$ each): power $(\\mu_1-\\mu_2)J$",
            ha="center", va="bottom", fontsize=10, color=COLORS[2])
    ax.text((M - 1) / 2, -0.75, "heat $J_{Q_2} = (\\epsilon-\\mu_2)J$ in, $J_{Q_1} = (\\epsilon-\\mu_1)J$ out",
            ha="center", va="bottom", fontsize=10)
    for key, label in (("ising", "Ising chain"), ("ssep", "exclusion process"), ("engine", "thermal engine")):
        ax.text(M + 1.55, rows[key] + 0.85, label, ha="right", va="bottom", fontsize=11, style="italic")
    return fig


def draw_fig2(fig, eps=2.0):
    """Fig. 2: flipping an inner spin whose neighbours are opposite moves energy ε.

    Left: spins (↑, ↓, ↓) -> (↑, ↑, ↓); the link energies (ε/2)ℓ change from
    (+ε/2, −ε/2) to (−ε/2, +ε/2). Right: the same move as a particle hop.
    """
    axs = fig.subplots(1, 2)
    before = np.array([1, -1, -1])
    after = np.array([1, 1, -1])
    for ax in axs:
        ax.set_xlim(-0.8, 5.2)
        ax.set_ylim(-1.3, 3.4)
        ax.axis("off")
    ax = axs[0]
    for y, s, title in ((2.3, before, "before"), (0.0, after, "after")):
        _spin_row(ax, s, y, x0=0.0, dx=1.2)
        ell = -s[:-1] * s[1:]
        for i, l in enumerate(ell):
            ax.text(0.6 + 1.2 * i, y + 0.45, f"${'+' if l > 0 else '-'}\\epsilon/2$", ha="center",
                    fontsize=10, color=COLORS[1] if l > 0 else COLORS[0])
        ax.text(3.2, y, title, va="center", fontsize=11, style="italic")
    ax.add_patch(Circle((1.2, 2.3), 0.42, fill=False, ec=COLORS[3], lw=1.2, ls="--"))
    _arrow(ax, 1.2, 1.65, 1.2, 0.55, color=COLORS[3])
    ax.text(1.35, 1.1, "flip $s_i$", fontsize=10, color=COLORS[3])
    ax.text(1.2, -1.1, "$s_{i-1}$, $s_i$, $s_{i+1}$: energy $\\epsilon$ moves one link right",
            ha="center", fontsize=10)
    ax = axs[1]
    for y, s, title in ((2.3, before, "before"), (0.0, after, "after")):
        _particle_row(ax, spins_to_tau(s), y, x0=0.6, dx=1.2, color=COLORS[1])
        ax.text(3.2, y, title, va="center", fontsize=11, style="italic")
    _arrow(ax, 0.75, 2.75, 1.65, 2.75, connectionstyle="arc3,rad=-0.5", color=COLORS[3])
    ax.text(1.2, -1.1, "a particle (energy $\\epsilon$) hops", ha="center", fontsize=10)
    return fig


def _log_ratio_points(centers, probs, pmin):
    """Positive bin centres and ln[P(c)/P(-c)] where both mirror bins hold more than ``pmin``."""
    r = fluctuation_theorem_residual(centers, probs, min_prob=pmin)
    return r.delta_s, r.log_ratio


def entropy_production_limits(data, T1=1.0, eps=2.0, J=None, pmin=1e-8):
    """Common axis limits for :func:`draw_entropy_production_panels` over a grid of T₂.

    ``data`` maps each ``T2`` of the grid to ``(centers, probabilities)``. Only
    bins with probability ``>= pmin`` are drawn, so the limits enclose every
    drawn point of every frame; ``J`` is the current grid of the I(J) panel.
    """
    J = np.linspace(-0.4, 0.4, 161) if J is None else np.asarray(J)
    ds_lo, ds_hi, ft_x, ft_lo, ft_hi, i_hi = 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    for T2, (centers, probs) in data.items():
        shown = centers[probs >= pmin]
        ds_lo, ds_hi = min(ds_lo, shown.min()), max(ds_hi, shown.max())
        x, y = _log_ratio_points(centers, probs, pmin)
        if x.size:
            ft_x = max(ft_x, x.max())
            ft_lo, ft_hi = min(ft_lo, y.min()), max(ft_hi, y.max(), x.max())
        i_hi = max(i_hi, float(np.max(large_deviation_function(J, T1, T2, eps))))
    pad = 0.04
    return {
        "pmin": pmin,
        "J": J,
        "dS": (ds_lo - pad * (ds_hi - ds_lo), ds_hi + pad * (ds_hi - ds_lo)),
        "ft_x": (0.0, ft_x * (1 + pad)),
        "ft_y": (ft_lo - pad * (ft_hi - ft_lo), ft_hi + pad * (ft_hi - ft_lo)),
        "I": (0.0, i_hi * (1 + pad)),
    }


def draw_entropy_production_panels(fig, T2, data, limits, T1=1.0, eps=2.0):
    """Three panels for one T₂: P(ΔS) (log), ln[P(ΔS)/P(−ΔS)] against ΔS, and I(J).

    ``data`` is ``(centers, probabilities, M, t)`` (exact histogram for this T₂);
    ``limits`` comes from :func:`entropy_production_limits` over the whole T₂ grid,
    so the axes are the same in every frame and every drawn point is inside them.
    """
    centers, probs, M, t = data
    pmin = limits["pmin"]
    axs = fig.subplot_mosaic([["P", "P"], ["FT", "I"]])
    Tt = "\\infty" if np.isinf(T2) else f"{T2:g}"
    ax = axs["P"]
    ok = probs >= pmin
    ax.semilogy(centers[ok], probs[ok], "-", color=COLORS[0], lw=1.0)
    ax.set_xlim(*limits["dS"])
    ax.set_ylim(pmin / 3, 1.5)
    ax.set_xlabel(r"$\Delta S$")
    ax.set_ylabel(r"$P(\Delta S)$")
    ax.set_title(f"exact law, $M={M}$, $t={t}$ MCS, $T_1={T1:g}$, $T_2={Tt}$", loc="left")
    ax = axs["FT"]
    x, y = _log_ratio_points(centers, probs, pmin)
    ax.plot(x, y, "o", ms=2.5, color=COLORS[1], label="exact bins")
    xx = np.array(limits["ft_x"])
    ax.plot(xx, xx, "k-", lw=0.8, label="slope 1")
    ax.set_xlim(*limits["ft_x"])
    ax.set_ylim(*limits["ft_y"])
    ax.set_xlabel(r"$\Delta S$")
    ax.set_ylabel(r"$\ln\,[P(\Delta S)/P(-\Delta S)]$")
    ax.legend(loc="upper left")
    ax = axs["I"]
    J = limits["J"]
    ax.plot(J, large_deviation_function(J, T1, T2, eps), color=COLORS[2])
    p1, p2 = insertion_probabilities(T1, T2, eps)
    ax.axvline((p1 - p2) / 2, color="0.6", lw=0.8, ls=":")
    ax.set_xlim(J[0], J[-1])
    ax.set_ylim(*limits["I"])
    ax.set_xlabel(r"$J$ (one site, from $B_1$)")
    ax.set_ylabel(r"$I(J)$")
    return fig


def _t2_tex(T2):
    return "\\infty" if np.isinf(T2) else f"{T2:g}"


def plot_entropy_production_paper(axs, panels, bin_width, label="MC", xlim=(-6.0, 12.0)):
    """Fig. 3 from counts: per T₂, the exact bin probabilities (bars) and the Monte Carlo ones (dots), log scale.

    Parameters
    ----------
    axs : sequence of matplotlib.axes.Axes
        One axis per panel.
    panels : dict
        T₂ -> ``(centers_exact, probs_exact, centers_mc, counts_mc)``; counts are
        divided by their sum, empty bins are not drawn.
    bin_width : float
        Width of the bars.
    label : str
        Legend label of the Monte Carlo dots.
    xlim : tuple of float
        ΔS range shown.
    """
    for ax, (T2, (ce, pe, cm, nm)), tag in zip(axs, panels.items(), "abcdefgh"):
        nm = np.asarray(nm, dtype=float)
        ok = nm > 0
        shown = pe > 0
        ax.bar(ce[shown], pe[shown], width=bin_width, color=COLORS[0], alpha=0.45, label="exact")
        ax.semilogy(cm[ok], nm[ok] / nm.sum(), ".", ms=3, color=COLORS[1], label=label)
        ax.set_xlim(*xlim)
        ax.set_ylim(0.3 / nm.sum(), 1.0)
        ax.set_title(f"({tag}) $T_2={_t2_tex(T2)}$", loc="left")
        ax.set_xlabel(r"$\Delta S$")
        ax.set_ylabel(r"$P(\Delta S)$")
    return axs


def plot_fluctuation_theorem_paper(axs, panels, xmax=12.0):
    """Fig. 4 from counts: ``ln[n(c)/n(-c)]`` with Poisson error bars, the exact bins and the line of slope 1.

    Parameters
    ----------
    axs : sequence of matplotlib.axes.Axes
        One axis per panel.
    panels : dict
        T₂ -> ``(fit, exact)``: ``fit`` a
        :class:`~noneq.ising_chain.results.FluctuationTheoremSlope` of the Monte
        Carlo counts, ``exact`` a
        :class:`~noneq.ising_chain.results.FluctuationTheoremResidual` of the exact
        bins (or None).
    xmax : float
        Largest ΔS shown.
    """
    for ax, (T2, (fit, exact)), tag in zip(axs, panels.items(), "abcdefgh"):
        if exact is not None:
            ax.plot(exact.delta_s, exact.log_ratio, "o", ms=4, mfc="none", mew=0.7, color=COLORS[0],
                    label="exact bins")
        ax.errorbar(fit.delta_s, fit.log_ratio, yerr=fit.log_ratio_err, fmt=".", ms=3, lw=0.8,
                    color=COLORS[1], label="MC")
        ax.plot([0, xmax], [0, xmax], "k-", lw=0.8, label="slope 1")
        ax.set_xlim(0, xmax)
        ax.set_ylim(-0.5, xmax)
        ax.set_title(f"({tag}) $T_2={_t2_tex(T2)}$", loc="left")
        ax.set_xlabel(r"$\Delta S$")
        ax.set_ylabel(r"$\ln[P(\Delta S)/P(-\Delta S)]$")
    return axs


def draw_missing(fig, note):
    """Replace the axes of ``fig`` by one line of text (a paper-scale result that is not available)."""
    for ax in fig.axes:
        ax.set_axis_off()
    fig.text(0.5, 0.5, note, ha="center", va="center", wrap=True)
    return fig
