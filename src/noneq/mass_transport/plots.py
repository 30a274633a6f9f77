"""Figures of arXiv 1106.5652 drawn with matplotlib: the schematics (Figs. 1, 2 and 4)
and the data figures (Figs. 3, 6 and 7), the latter shared by the book-scale runs of
the notebooks and the paper-scale results of :func:`noneq.sweep.paper_result`.

Each function draws into given :class:`matplotlib.axes.Axes` and returns them.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

from ..style import COLORS

__all__ = ["draw_ring_dynamics", "draw_probe_contact", "draw_three_branch", "plot_fig3", "plot_fig5",
           "plot_probe_parts", "plot_probe_bulk", "plot_fig6", "plot_fig7", "plot_finite_size"]

#: Marker of each branch in Figs. 6 and 7.
MARKERS = {"A": "o", "B": "s", "C": "^"}


def _arrow(ax, a, b, text=None, color="k", rad=0.0, offset=(0, 0.12), fs=11, lw=1.4):
    ar = FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=12, color=color, lw=lw,
                         connectionstyle=f"arc3,rad={rad}", shrinkA=2, shrinkB=2)
    ax.add_patch(ar)
    if text:
        mx, my = (a[0] + b[0]) / 2 + offset[0], (a[1] + b[1]) / 2 + offset[1]
        ax.text(mx, my, text, ha="center", va="center", fontsize=fs, color=color)


def draw_ring_dynamics(ax, masses=(0.9, 1.6, 0.7)):
    """Fig. 1: a mass ``mu`` leaves site ``i`` to ``i+1`` (rate ``p phi``) or ``i-1`` (``q phi``)."""
    xs = [0.0, 1.2, 2.4]
    names = ["$i-1$", "$i$", "$i+1$"]
    for x, m, nm, lab in zip(xs, masses, names, ["$m_{i-1}$", "$m_i$", "$m_{i+1}$"]):
        ax.add_patch(Rectangle((x - 0.35, 0), 0.7, m, fc=COLORS[5], ec="k", lw=1))
        ax.text(x, -0.22, nm, ha="center", va="top")
        ax.text(x, m / 2, lab, ha="center", va="center")
    mu = 0.45
    top = masses[1]
    ax.add_patch(Rectangle((xs[1] - 0.35, top - mu), 0.7, mu, fc=COLORS[1], ec="k", lw=1, alpha=0.9))
    ax.text(xs[1] + 0.45, top - mu / 2, r"$\mu$", va="center", color=COLORS[1])
    _arrow(ax, (xs[1], top + 0.1), (xs[2], masses[2] + 0.15), "$p$", rad=-0.4, offset=(0.1, 0.45))
    _arrow(ax, (xs[1], top + 0.1), (xs[0], masses[0] + 0.15), "$q$", rad=0.4, offset=(-0.1, 0.45))
    ax.text(xs[1], top + 0.95, r"$\varphi_i(\mu|m_i) = v(\mu)\,f_i(m_i-\mu)/f_i(m_i)$", ha="center")
    ax.set_xlim(-0.8, 3.2)
    ax.set_ylim(-0.5, top + 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def draw_probe_contact(ax, n_main=7, n_probe=10):
    """Fig. 2 as simulated: a probe ring joined to site ``i`` by one link each way.

    Along the main chain ``i-1 -> i -> i+1`` (rates ``phi``), the probe ring (rates
    ``phi_pr``), and the contact ``i <-> pr`` with unit weight in each direction, so
    that every site has equal total in- and out-weights (eq. 13).
    """
    xs = np.arange(n_main) - n_main // 2
    for x in xs:
        ax.add_patch(Circle((x, 0), 0.18, fc=COLORS[0] if x == 0 else "white", ec="k", lw=1, zorder=3))
    for x in xs[:-1]:
        _arrow(ax, (x + 0.18, 0), (x + 0.82, 0))
    for x, t in zip((-1, 0, 1), ("$i-1$", "$i$", "$i+1$")):
        ax.text(x, -0.35, t, ha="center", va="top")
    ax.text(xs[0] - 0.5, 0, "main\nsystem", ha="right", va="center", fontsize=11)
    R, cy = 1.0, 2.9
    ang = -np.pi / 2 + 2 * np.pi * np.arange(n_probe) / n_probe
    px, py = R * np.cos(ang), cy + R * np.sin(ang)
    for k in range(n_probe):
        ax.add_patch(Circle((px[k], py[k]), 0.13, fc=COLORS[1] if k == 0 else "white", ec=COLORS[1], lw=1, zorder=3))
        k2 = (k + 1) % n_probe
        _arrow(ax, (px[k], py[k]), (px[k2], py[k2]), color=COLORS[1], lw=1.0)
    ax.text(R + 0.35, cy, "probe,\n" + r"$f_{\rm pr}\equiv 1$", color=COLORS[1], va="center",
            fontsize=11)
    _arrow(ax, (-0.1, 0.18), (px[0] - 0.1, py[0] - 0.13), r"$\varphi_i$", rad=0.45, offset=(-0.6, 0),
           fs=13)
    _arrow(ax, (px[0] + 0.1, py[0] - 0.13), (0.1, 0.18), r"$\varphi_{\rm pr}$", color=COLORS[1], rad=0.45,
           offset=(0.65, 0), fs=13)
    ax.set_xlim(xs[0] - 1.8, xs[-1] + 0.6)
    ax.set_ylim(-0.8, cy + R + 0.4)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def draw_three_branch(ax, gamma_B="B", gamma_C="C"):
    """Fig. 4: oriented branches A, B, C between two branching points.

    Mass goes forward (weight ``p``) along each branch and backward with ``q``; the
    splitting node (top) reweights the transfers into B and C by ``gamma_B``,
    ``gamma_C``, the merging node (bottom) the backward transfers likewise.
    """
    top, bot = (0.0, 2.0), (0.0, -2.0)
    t = np.linspace(-np.pi / 2, np.pi / 2, 60)
    paths = {"A": (np.zeros_like(t), 2 * np.sin(t)), "B": (-1.6 * np.cos(t), -2 * np.sin(t)),
             "C": (1.6 * np.cos(t), -2 * np.sin(t))}
    cols = {"A": COLORS[0], "B": COLORS[1], "C": COLORS[2]}
    for b, (x, y) in paths.items():
        ax.plot(x, y, color=cols[b], lw=2)
        i = len(t) // 2
        _arrow(ax, (x[i - 3], y[i - 3]), (x[i + 3], y[i + 3]), color=cols[b], lw=2)
        ax.text(x[i] + (0.25 if b != "B" else -0.25), y[i], b, color=cols[b], ha="center", va="center", fontsize=13)
        for k in range(4, len(t) - 4, 7):
            ax.add_patch(Circle((x[k], y[k]), 0.07, fc="white", ec=cols[b], lw=1, zorder=3))
    for pnt in (top, bot):
        ax.add_patch(Circle(pnt, 0.13, fc="k", zorder=4))
    ax.text(0.25, 2.3, rf"$\gamma_{{{gamma_B}}}\,p$ to B, $\gamma_{{{gamma_C}}}\,p$ to C", fontsize=12, ha="left")
    ax.text(0.25, -2.45, rf"$\gamma_{{{gamma_B}}}\,q$ to B, $\gamma_{{{gamma_C}}}\,q$ to C", fontsize=12,
            ha="left")
    ax.text(-2.3, 0, "forward: $p$\nbackward: $q$", fontsize=11, ha="right", va="center")
    ax.set_xlim(-4.0, 3.4)
    ax.set_ylim(-2.8, 2.8)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_fig3(ax, curves, t_max, rho_pr):
    """Fig. 3: probe and main-ring chemical potentials after the contact at ``t = 0``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    curves : dict
        Legend label to ``(times, lam_probe, lam_main, lam0_main, lam_expected)``:
        block end times, the probe's ``N_pr / M_pr`` and the main ring's
        ``sum(eta) / M_main`` per block (eqs. 7-8), the main ring's value
        before the contact and the exact limit ``lambda_inf``.
    t_max : float
        Run time (> 0); the curves start at ``-0.08 t_max`` with their initial values.
    rho_pr : float
        Initial probe density (> 0); the probe starts at ``1 / rho_pr``.
    """
    colors = (COLORS[1], COLORS[2], COLORS[0])
    lam_inf = []
    for (label, (times, lam_probe, lam_main, lam0, lam_exp)), c in zip(curves.items(), colors):
        t = np.concatenate([[-0.08 * t_max, 0.0], np.asarray(times)])
        ax.plot(t, np.concatenate([[1 / rho_pr] * 2, lam_probe]), color=c, lw=1.2, label=label)
        ax.plot(t, np.concatenate([[lam0] * 2, lam_main]), color=c, lw=1.2)
        lam_inf.append(float(lam_exp))
    ax.axhline(np.mean(lam_inf), color="k", ls="--", lw=1, label="exact limit λ∞")
    ax.axvline(0, color="k", ls=":", lw=1)
    ax.set(xlabel="$t$", ylabel=r"$\tilde\lambda(t)$ (probe), $\lambda(t)$ (main)", yscale="log")
    ax.minorticks_off()
    ax.set_yticks([1, 2, 3, 5], ["1", "2", "3", "5"])
    ax.legend()
    return ax


def plot_fig5(ax, times, lam_probe, lam_pred, rho_pr, shade_from=None):
    """Fig. 5: the chemical potential of a probe on each branch after the contact at ``t = 0``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    times : array (n_blocks,)
        Block end times after the contact.
    lam_probe : dict
        Branch ("A", "B", "C") to the probe's ``N_pr / M_pr`` per block, one run
        ``(n_blocks,)`` or several ``(n_runs, n_blocks)`` (one colour per branch).
    lam_pred : dict
        Branch to the predicted final value (dashed), e.g. :func:`~noneq.mass_transport.probe_branch_lambda`.
    rho_pr : float
        Initial probe density (> 0); the curves start at ``1 / rho_pr`` before the contact.
    shade_from : float, optional
        Shade ``t >= shade_from`` (the averaged part of the runs).
    """
    times = np.asarray(times, dtype=float)
    t = np.concatenate([[-0.05 * times[-1], 0.0], times])
    for (b, lam), c in zip(lam_probe.items(), COLORS):
        for k, row in enumerate(np.atleast_2d(lam)):
            ax.plot(t, np.concatenate([[1 / rho_pr] * 2, row]), color=c, lw=1.0 if np.ndim(lam) > 1 else 1.2,
                    label=f"probe in {b}" if k == 0 else None)
        ax.axhline(lam_pred[b], color=c, ls="--", lw=1)
    if shade_from is not None:
        ax.axvspan(shade_from, times[-1], color="0.9", zorder=0, lw=0)
    ax.axvline(0, color="k", ls=":", lw=1)
    ax.set(xlabel="$t$", ylabel=r"$\tilde\lambda_\nu(t)$", ylim=(0, 1.1 / rho_pr))
    ax.legend()
    return ax


def plot_probe_parts(ax, t_edges, parts, lam_pred):
    """The probe value over consecutive parts of the measurement (stationarity of Fig. 5).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    t_edges : array (n_parts + 1,)
        Start and end times of the parts.
    parts : dict
        Group label (e.g. "A", "B,C") to ``(values, errors)`` per part, as in
        :attr:`~noneq.mass_transport.ProbeEstimates.parts`.
    lam_pred : dict
        Group label to the predicted final value (dashed).
    """
    edges = np.asarray(t_edges, dtype=float)
    mid, half = (edges[1:] + edges[:-1]) / 2, (edges[1:] - edges[:-1]) / 2
    for (label, (values, errors)), c in zip(parts.items(), (COLORS[0], COLORS[1])):
        ax.errorbar(mid, values, yerr=errors, xerr=half, fmt="o", color=c, ms=4, label=f"probe in {label}")
        ax.axhline(lam_pred[label], color=c, ls="--", lw=1)
    ax.set(xlabel="$t$ (part of the run)", ylabel=r"$N_{\rm pr}/\langle M_{\rm pr}\rangle$")
    ax.legend()
    return ax


def plot_probe_bulk(ax, times, lam_probe, lam_bulk, lam_pred, t_from=0.0):
    """A probe against the bulk of the branch it touches, relative to a prediction, over time.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    times : array (n_blocks,)
        Block end times.
    lam_probe, lam_bulk : dict
        Branch, or label of a group of branches (e.g. "B,C"), to the probe's
        ``N_pr / M_pr`` and to the bulk ``1 / rho_nu`` of the touched branch per block,
        ``(n_blocks,)`` or ``(n_runs, n_blocks)``; the probe is drawn solid from
        ``t_from`` on, the bulk dotted.
    lam_pred : dict
        Same keys: the value the percentages are taken against.
    t_from : float
        First time of the probe curves (e.g. one relaxation time after the contact).
    """
    times = np.asarray(times, dtype=float)
    keep = times >= t_from
    for (b, lam), c in zip(lam_probe.items(), COLORS):
        pred = lam_pred[b]
        for k, (row, bulk) in enumerate(zip(np.atleast_2d(lam), np.atleast_2d(lam_bulk[b]))):
            ax.plot(times[keep], 100 * (row[keep] / pred - 1), color=c, lw=1.0,
                    label=f"probe in {b}" if k == 0 else None)
            ax.plot(times, 100 * (bulk / pred - 1), color=c, lw=1.0, ls=":",
                    label=f"bulk of {b}" if k == 0 else None)
    ax.axhline(0, color="k", ls="--", lw=1)
    ax.set(xlabel="$t$", ylabel=r"$\tilde\lambda/\tilde\lambda_{\rm eq.\,17}-1$ (%)")
    ax.legend(ncol=3, fontsize="small")
    return ax


def plot_fig6(axs, rhos, dens, g, g_err, lam, lam_err, base):
    """Fig. 6: ``g_nu(rho_nu)`` (left) and ``lambda_nu = 1 / rho_nu`` against ``rho`` (right).

    Parameters
    ----------
    axs : pair of matplotlib.axes.Axes
    rhos : array
        Global densities of the scan.
    dens, g, g_err, lam, lam_err : dict
        Per branch ``"A"``, ``"B"``, ``"C"``: bulk density, ``g`` of eq. (14) on
        the sub-systems and its error, local chemical potential and its error,
        one value per density.
    base : dict
        Per branch ``"A"``, ``"B"``: the conservation baseline factor of ``g / rho**2``
        (dashed lines; C is drawn with B).
    """
    from . import theory

    rhos = np.asarray(rhos, dtype=float)
    for k, b in enumerate("ABC"):
        axs[0].errorbar(dens[b], g[b], yerr=g_err[b], fmt=MARKERS[b], color=COLORS[k], mfc="none", label=b)
        axs[1].errorbar(rhos, lam[b], yerr=lam_err[b], fmt=MARKERS[b], color=COLORS[k], mfc="none", label=b)
    all_dens = np.concatenate([np.asarray(dens[b]) for b in "ABC"])
    x = np.logspace(np.log10(all_dens.min()) - 0.15, np.log10(all_dens.max()) + 0.15, 50)
    axs[0].plot(x, x ** 2, "k", lw=1, label="ρ²")
    for k, b in enumerate("AB"):
        axs[0].plot(x, base[b] * x ** 2, color=COLORS[k], ls="--", lw=1,
                    label=f"baseline {b}" + (", C" if b == "B" else ""))
    axs[0].set(xscale="log", yscale="log", xlabel=r"$\rho_\nu$", ylabel=r"$g_\nu(\rho_\nu)$")
    from matplotlib.ticker import NullFormatter

    axs[0].xaxis.set_minor_formatter(NullFormatter())
    xr = np.linspace(rhos.min() * 0.9, rhos.max() * 1.05, 100)
    th = [theory.three_branch_theory(r) for r in xr]
    for k, b in enumerate("ABC"):
        axs[1].plot(xr, [t["lam"][b] for t in th], color=COLORS[k], lw=1, ls="--" if b != "A" else "-")
    axs[1].set(xlabel=r"$\rho$", ylabel=r"$\tilde\lambda_\nu$", ylim=(0, None))
    axs[0].legend(fontsize=9)
    axs[1].legend()
    return axs


def plot_fig7(axs, rhos, lam, lam_err):
    """Fig. 7: the collapse ``lambda_A, lambda_{B,C} / sqrt(2)`` (eq. 17, left) and the shift (eq. 35, right).

    Parameters
    ----------
    axs : pair of matplotlib.axes.Axes
    rhos : array
        Global densities of the scan.
    lam, lam_err : dict
        Per branch ``"A"``, ``"B"``, ``"C"``: local chemical potential and its error
        at each density.
    """
    from . import theory

    rhos = np.asarray(rhos, dtype=float)
    for k, b in enumerate("ABC"):
        s = 1.0 if b == "A" else np.sqrt(2)
        label = "A" if b == "A" else f"{b} ÷ √2"
        axs[0].errorbar(rhos, lam[b] / s, yerr=lam_err[b] / s, fmt=MARKERS[b], color=COLORS[k], mfc="none",
                        label=label)
    axs[0].set(xlabel=r"$\rho$", ylabel=r"$\tilde\lambda^{(r)}_\nu$", ylim=(0, None))
    axs[0].legend()
    for b, fmt, c in (("B", "x", COLORS[1]), ("C", "+", COLORS[2])):
        axs[1].errorbar(rhos, lam[b] - lam["A"], yerr=np.hypot(lam_err[b], lam_err["A"]), fmt=fmt, color=c,
                        label=f"{b} − A")
    xr = np.linspace(rhos.min() * 0.9, rhos.max() * 1.05, 100)
    axs[1].plot(xr, theory.alpha_theory(xr), "k", lw=1, label="1/(3ρ), eq. (35)")
    axs[1].set(xlabel=r"$\rho$", ylabel=r"$\alpha(\rho)$", ylim=(0, None))
    axs[1].legend()
    return axs


def plot_finite_size(ax, sizes, mean, err, coef):
    """The dimensionless shift ``3 rho (lambda_BC - lambda_A)`` of eq. (35) against ``1 / N_b``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    sizes : array of int
        Branch sizes ``N_b`` (> 0).
    mean, err : array
        Mean and standard error of the shift over independent runs at each size.
    coef : pair of float
        ``(a, b)`` of the fit ``a + b / N_b`` (drawn as a line); eq. (35) predicts 1 (dashed).
    """
    x = 1 / np.asarray(sizes, dtype=float)
    ax.errorbar(x, mean, yerr=err, fmt="o", color=COLORS[0], label="simulation")
    xx = np.linspace(0, 1.1 * x.max(), 50)
    ax.plot(xx, coef[0] + coef[1] * xx, color=COLORS[0], lw=1, label="weighted fit")
    ax.axhline(1, color="k", ls="--", lw=1, label="eq. (35)")
    ax.set(xlabel="$1/N_b$", ylabel=r"$3\rho(\tilde\lambda_{B,C}-\tilde\lambda_A)$")
    ax.legend()
    return ax
