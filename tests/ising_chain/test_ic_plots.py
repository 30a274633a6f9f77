"""Drawing functions of noneq.ising_chain.plots and the former module name noneq.ising_chain_plots."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from noneq import ising_chain as ic  # noqa: E402
from noneq.ising_chain import plots as icp  # noqa: E402


def test_former_module_name_reexports_the_same_functions():
    from noneq import ising_chain_plots as old

    assert set(old.__all__) == set(icp.__all__)
    for name in icp.__all__:
        assert getattr(old, name) is getattr(icp, name)


def test_package_import_does_not_load_matplotlib():
    import subprocess
    import sys

    code = "import sys, noneq.ising_chain; assert 'matplotlib' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_slider_panels_draw_inside_common_limits():
    data = {T2: ic.entropy_production_distribution(4, 2, 1.0, T2) for T2 in (2.0, np.inf)}
    limits = icp.entropy_production_limits(data)
    for T2, (c, p) in data.items():
        fig = plt.figure()
        icp.draw_entropy_production_panels(fig, T2, (c, p, 4, 2), limits)
        assert len(fig.axes) == 3
        x, y = fig.axes[1].lines[0].get_data()
        assert x.size > 0
        assert limits["ft_x"][0] <= x.min() and x.max() <= limits["ft_x"][1]
        assert limits["ft_y"][0] <= y.min() and y.max() <= limits["ft_y"][1]
        plt.close(fig)


def test_mirror_log_ratio_of_the_panels_is_the_package_residual():
    # exact bins of width 0.2: the drawn log-ratio is ln[P(c)/P(-c)] of fluctuation_theorem_residual
    c, p = ic.entropy_production_distribution(4, 2, 1.0, 2.0)
    x, y = icp._log_ratio_points(c, p, 1e-8)
    pos = c > 0
    mirror = p[::-1][pos]
    keep = (p[pos] > 1e-8) & (mirror > 1e-8)
    np.testing.assert_array_equal(x, c[pos][keep])
    np.testing.assert_allclose(y, np.log(p[pos][keep] / mirror[keep]), rtol=1e-14)


@pytest.mark.parametrize("draw", [icp.draw_fig1, icp.draw_fig2])
def test_schematics_draw(draw):
    fig = plt.figure()
    draw(fig)
    assert fig.axes
    plt.close(fig)


def test_sci_and_spins_to_tau():
    assert icp.sci(2.8e-17) == "2.8 × 10⁻¹⁷" and icp.sci(0) == "0"
    np.testing.assert_array_equal(icp.spins_to_tau([1, 1, -1, -1, 1]), [0, 1, 0, 1])


def test_paper_scale_panels_draw_counts_and_the_missing_note():
    c, p = ic.entropy_production_distribution(4, 2, 1.0, 2.0)
    n = np.rint(1e7 * p)
    fig, axs = plt.subplots(1, 2)
    icp.plot_entropy_production_paper(axs[:1], {2.0: (c, p, c, n)}, 0.2)
    x, y = axs[0].lines[0].get_data()
    assert x.size == np.count_nonzero(n) and np.allclose(y.sum(), 1.0)
    fit = ic.fluctuation_theorem_slope(c, n, 0.2)
    icp.plot_fluctuation_theorem_paper(axs[1:], {2.0: (fit, None)})
    assert axs[1].get_xlim() == (0.0, 12.0)
    icp.draw_missing(fig, "not here")
    assert not any(ax.axison for ax in fig.axes) and fig.texts[0].get_text() == "not here"
    plt.close(fig)
