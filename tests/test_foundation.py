"""Unit tests of the shared infrastructure: scales, seeds, validation, style, sliders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from noneq import __version__, rng, scale, style, validate  # noqa: E402
from noneq.sliders import Param, StaticSlider, slider, slider_mode  # noqa: E402


def test_version():
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


# --- scale -----------------------------------------------------------------

@pytest.mark.parametrize("name", ["ci", "book", "paper"])
def test_scale_from_environment(monkeypatch, name):
    monkeypatch.setenv("NONEQ_SCALE", name.upper())
    assert scale.scale() == name
    assert scale.pick(ci=1, book=2, paper=3) == {"ci": 1, "book": 2, "paper": 3}[name]


def test_scale_default_is_book(monkeypatch):
    monkeypatch.delenv("NONEQ_SCALE", raising=False)
    assert scale.scale() == "book"


@pytest.mark.parametrize("bad", ["huge", "cI2", "0"])
def test_scale_unknown_name(monkeypatch, bad):
    monkeypatch.setenv("NONEQ_SCALE", bad)
    with pytest.raises(ValueError, match="NONEQ_SCALE must be one of 'ci', 'book', 'paper'"):
        scale.scale()
    with pytest.raises(ValueError, match="NONEQ_SCALE"):
        scale.pick(ci=1, book=2, paper=3)


def test_scale_override_validated():
    assert scale.pick(ci=1, book=2, paper=3, override="paper") == 3
    with pytest.raises(ValueError, match="got 'fast'"):
        scale.scale("fast")


# --- seeds -----------------------------------------------------------------

def test_resolve_seed_passes_small_integers():
    assert rng.resolve_seed(0) == 0
    assert rng.resolve_seed(np.int64(12345)) == 12345
    assert rng.resolve_seed(rng.SEED_MAX) == rng.SEED_MAX


def test_resolve_seed_hashes_large_integers_deterministically():
    a, b = rng.resolve_seed(2**40), rng.resolve_seed(2**40 + 1)
    assert 0 <= a <= rng.SEED_MAX and 0 <= b <= rng.SEED_MAX
    assert a == rng.resolve_seed(2**40) and a != b


def test_resolve_seed_none_gives_fresh_entropy():
    draws = {rng.resolve_seed(None) for _ in range(8)}
    assert len(draws) > 1


@pytest.mark.parametrize("bad", [-1, 1.5, "7", True, [1]])
def test_resolve_seed_rejects(bad):
    with pytest.raises(ValueError, match="seed must be None or a non-negative integer"):
        rng.resolve_seed(bad)


def test_spawn_seeds_reproducible_and_distinct():
    a = rng.spawn_seeds(42, 16)
    assert a.dtype == np.uint32 and a.shape == (16,)
    np.testing.assert_array_equal(a, rng.spawn_seeds(42, 16))
    assert len(set(a.tolist())) == 16
    assert not np.array_equal(a, rng.spawn_seeds(43, 16))
    with pytest.raises(ValueError, match="n must be a positive integer"):
        rng.spawn_seeds(1, 0)


def test_numba_kernel_seeded_inside_is_reproducible():
    """The convention itself: np.random.seed inside an njit kernel fixes its stream."""
    from numba import njit

    @njit
    def draw(seed, n):
        np.random.seed(seed)
        out = np.empty(n)
        for i in range(n):
            out[i] = np.random.random()
        return out

    s = rng.resolve_seed(7)
    np.testing.assert_array_equal(draw(s, 5), draw(s, 5))
    assert not np.array_equal(draw(s, 5), draw(s + 1, 5))


# --- validation ------------------------------------------------------------

def test_integer():
    assert validate.integer("M", np.int32(5), minimum=2) == 5
    with pytest.raises(ValueError, match=r"M must be an integer in \[2, inf\], got 1"):
        validate.integer("M", 1, minimum=2)
    with pytest.raises(ValueError, match="M must be an integer, got 2.0"):
        validate.integer("M", 2.0, minimum=2)
    with pytest.raises(ValueError, match="must be an integer"):
        validate.integer("M", True)


def test_real():
    assert validate.real("T", 2, lo=0, lo_open=True) == 2.0
    assert validate.real("T2", np.inf, lo=0, lo_open=True, allow_inf=True) == np.inf
    with pytest.raises(ValueError, match=r"T must be in \(0, inf\], got 0"):
        validate.real("T", 0.0, lo=0, lo_open=True)
    with pytest.raises(ValueError, match="T must be a finite number"):
        validate.real("T", np.inf, lo=0)
    with pytest.raises(ValueError, match="finite"):
        validate.real("T", float("nan"))
    with pytest.raises(ValueError, match=r"p must be in \[0, 1\], got 1.5"):
        validate.real("p", 1.5, lo=0, hi=1)
    with pytest.raises(ValueError, match="p must be a real number"):
        validate.real("p", "0.5")


def test_choice_and_array():
    assert validate.choice("method", "mpa", ("mpa", "solve")) == "mpa"
    with pytest.raises(ValueError, match="method must be one of 'mpa', 'solve', got 'lu'"):
        validate.choice("method", "lu", ("mpa", "solve"))
    a = validate.array("rho", [1, 2, 3], lo=0)
    assert a.dtype == np.float64 and a.flags.c_contiguous
    with pytest.raises(ValueError, match="rho must have all elements in"):
        validate.array("rho", [1, -2], lo=0)
    with pytest.raises(ValueError, match="rho must be a 1-dimensional array"):
        validate.array("rho", [[1.0]])
    with pytest.raises(ValueError, match="finite"):
        validate.array("rho", [1.0, np.nan])


# --- style -----------------------------------------------------------------

def test_style_applies_palette():
    style.use_style()
    cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    assert [c.lower() for c in cycle] == [c.lower() for c in style.COLORS]
    fig, axes = style.figure(2)
    assert len(axes) == 2
    matplotlib.pyplot.close(fig)
    with pytest.raises(ValueError, match="ncols and nrows"):
        style.figure(0)


# --- sliders ---------------------------------------------------------------

def _draw(fig, a, b):
    ax = fig.add_subplot()
    x = np.linspace(0, 1, 50)
    ax.plot(x, a * x + (5 if np.isinf(b) else b))
    ax.set_title(f"a={a}, b={b}")


def test_static_slider_frames_and_html():
    params = [Param("a", [1, 2, 3], label="κ<sub>Λ</sub>", fmt="{:.1f}"), Param("b", [0.0, np.inf], default=np.inf)]
    s = slider(_draw, params, mode="static", dpi=40)
    assert isinstance(s, StaticSlider)
    assert len(s.frames) == 6 and all(f.startswith("data:image/png;base64,") for f in s.frames)
    assert len(set(s.frames)) == 6  # every parameter combination draws a different picture
    html = s._repr_html_()
    assert html.count('type="range"') == 2
    assert 'max="2"' in html and 'max="1"' in html
    assert "https://" not in html and "http://" not in html  # self-contained, no CDN
    payload = re.search(r'<script type="application/json" class="noneq-slider-data">(.*?)</script>', html)
    data = json.loads(payload.group(1))
    assert data["shape"] == [3, 2]
    assert data["shown"] == [["1.0", "2.0", "3.0"], ["0", "∞"]]
    assert data["names"] == ["κΛ", "b"]
    # the initial frame is the one of the defaults (a=1, b=inf): C-order index 0*2 + 1
    assert f'<img src="{s.frames[1]}" width="614"' in html  # shown at its true size: 6.4 in x 96 px/in


def test_static_slider_frames_have_equal_size():
    import base64
    import io

    from PIL import Image

    def draw(fig, n):
        ax = fig.add_subplot()
        ax.plot(np.arange(n), np.arange(n) ** 3)
        ax.set_ylabel("a long label" * (n % 3 + 1))

    s = slider(draw, {"n": [2, 10, 1000]}, mode="static", dpi=40)
    sizes = {Image.open(io.BytesIO(base64.b64decode(f.split(",", 1)[1]))).size for f in s.frames}
    assert len(sizes) == 1


def _frame(uri):
    import base64
    import io

    from PIL import Image

    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


def test_static_slider_frames_are_small_palette_pngs():
    s = slider(_draw, {"a": [1, 2], "b": [0.0, 1.0]}, mode="static")
    for uri in s.frames:
        img = _frame(uri)
        assert img.mode == "P" and len(img.getcolors()) <= 128
        assert img.size == (round(6.4 * 110), round(4.0 * 110))
        assert len(uri) < 40_000  # a line plot frame stays a few tens of kB


def test_static_slider_refuses_illegible_frames():
    def tiny(fig, a):
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, a], label="curve")
        ax.legend(fontsize=7)

    with pytest.raises(ValueError, match=r"smaller than 9 pt.*'curve' at 7 pt"):
        slider(tiny, {"a": [1, 2]}, mode="static")
    with pytest.raises(ValueError, match="figsize width must be <= 7.2 in"):
        slider(_draw, {"a": [1], "b": [0.0]}, mode="static", figsize=(9.0, 3.0))
    # the live slider is drawn by the kernel at the notebook's scale: no such limit
    assert slider(tiny, {"a": [1, 2]}, mode="live") is not None


def test_static_slider_labels_uneven_grids():
    even = slider(_draw, {"a": [0.1, 0.2, 0.3], "b": [0.0]}, mode="static", dpi=20).html
    assert "unevenly spaced" not in even
    uneven = slider(_draw, {"a": [0.1, 0.2, 0.3, 1.5, 2.0], "b": [0.0]}, mode="static", dpi=20).html
    assert "a: unevenly spaced values 0.1, 0.2, 0.3, 1.5, 2" in uneven
    with_inf = slider(_draw, {"a": [1.0], "b": [2.0, 5.0, 10.0, np.inf]}, mode="static", dpi=20).html
    assert "b: unevenly spaced values 2, 5, 10, ∞" in with_inf


def test_live_slider_builds_widgets():
    import ipywidgets as widgets

    calls = []

    def draw(fig, a, b):
        calls.append((a, b))
        _draw(fig, a, b)

    w = slider(draw, {"a": [1, 2], "b": [0.5, 1.5]}, mode="live")
    assert isinstance(w, widgets.VBox)
    controls = w.children[0].children
    assert [c.value for c in controls] == [1, 0.5]
    controls[0].value = 2  # moving a slider calls back into Python
    assert calls == [(1, 0.5), (2, 0.5)]


def test_slider_mode_from_environment(monkeypatch):
    monkeypatch.delenv("NONEQ_SLIDERS", raising=False)
    assert slider_mode() == "live"
    monkeypatch.setenv("NONEQ_SLIDERS", "static")
    assert slider_mode() == "static"
    monkeypatch.setenv("NONEQ_SLIDERS", "movie")
    with pytest.raises(ValueError, match="NONEQ_SLIDERS .* must be one of 'live', 'static', got 'movie'"):
        slider_mode()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(draw=None, params={"a": [1]}), "draw must be callable"),
        (dict(draw=_draw, params={}), "at least one parameter"),
        (dict(draw=_draw, params={"a": []}), "values must be a non-empty sequence"),
        (dict(draw=_draw, params={"a": 3}), "values must be a sequence"),
        (dict(draw=_draw, params={"a": [1.0, float("nan")]}), "must not contain NaN"),
        (dict(draw=_draw, params=[Param("a", [1]), Param("a", [2])]), "distinct names"),
        (dict(draw=_draw, params=["a"]), "Param objects"),
        (dict(draw=_draw, params={"a": range(30), "b": range(30)}, max_frames=100), "900 frames"),
        (dict(draw=_draw, params={"a": [1]}, figsize=(0, 3)), "figsize"),
        (dict(draw=_draw, params={"a": [1]}, dpi=5), "dpi must be an integer in"),
        (dict(draw=_draw, params={"a": [1]}, mode="video"), "must be one of 'live', 'static'"),
    ],
)
def test_slider_rejects_bad_specs(kwargs, message):
    with pytest.raises(ValueError, match=message):
        slider(**kwargs)


def test_param_validation():
    with pytest.raises(ValueError, match="Python identifier"):
        Param("not a name", [1])
    with pytest.raises(ValueError, match="default 5 is not one of its values"):
        Param("a", [1, 2], default=5)
    with pytest.raises(ValueError, match="cannot format"):
        Param("a", [1.0], fmt="{:d}")
    assert Param("T2", [1, np.inf]).show(np.inf) == "∞"
    assert Param("T2", [1, np.inf], fmt=lambda v: f"T={v}").show(1) == "T=1"


def test_xoshiro_kernel_generator():
    """The kernels' generator: seeded through np.random.seed, reproducible, uniform."""
    from numba import njit

    from noneq.rng import xoshiro_next, xoshiro_state, xoshiro_uniform

    @njit
    def draws(seed, n):
        s = xoshiro_state(seed)
        out = np.empty(n)
        for i in range(n):
            out[i] = xoshiro_uniform(s)
        return out

    @njit
    def first_raw(seed):
        s = xoshiro_state(seed)
        r, a, b, c, d = xoshiro_next(s[0], s[1], s[2], s[3])
        return r

    a = draws(11, 200_000)
    np.testing.assert_array_equal(a, draws(11, 200_000))
    assert not np.array_equal(a[:10], draws(12, 10))
    assert 0.0 <= a.min() and a.max() < 1.0
    # mean and variance of U(0, 1) within 5 standard errors
    n = a.size
    assert abs(a.mean() - 0.5) < 5 * np.sqrt(1 / 12 / n)
    assert abs(a.var() - 1 / 12) < 5 * np.sqrt(1 / 180 / n)
    # reference value of xoshiro256** from its definition (Blackman & Vigna), computed in Python
    s = _py_state(11)
    m = 2**64 - 1
    rotl = lambda x, k: ((x << k) | (x >> (64 - k))) & m  # noqa: E731
    assert int(first_raw(11)) == (rotl((s[1] * 5) & m, 7) * 9) & m


def _py_state(seed):
    """The state xoshiro_state(seed) must produce, from numba's seeded generator."""
    from numba import njit

    @njit
    def words(seed):
        np.random.seed(seed)
        out = np.empty(8, dtype=np.int64)
        for i in range(8):
            out[i] = np.random.randint(0, 2**32)
        return out

    w = words(seed)
    return [(int(w[2 * i]) << 32) | int(w[2 * i + 1]) for i in range(4)]


# --- citation files ---------------------------------------------------------


def test_citation_files_name_the_three_papers():
    import yaml

    root = Path(__file__).resolve().parents[1]
    cff = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    for key in ("cff-version", "message", "title", "authors", "license"):
        assert cff.get(key), f"CITATION.cff has no {key}"
    ids = {i["value"] for ref in cff["references"] for i in ref["identifiers"]}
    bib = (root / "book" / "references.bib").read_text(encoding="utf-8")
    for arxiv in ("1106.5652", "2407.12353", "1611.08188"):
        assert f"arXiv:{arxiv}" in ids
        assert re.search(rf"eprint\s*=\s*{{{re.escape(arxiv)}}}", bib), f"references.bib lacks arXiv:{arxiv}"
    assert (root / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


# --- chunked runs and memory ------------------------------------------------


def test_chunked_covers_the_work_in_adaptive_chunks():
    import time

    from noneq.progress import Chunked

    run = Chunked(2_000_000, seconds=0.02, first=10, progress=False)
    sizes = []
    for n in run:
        time.sleep(n * 1e-7)  # 1e7 units per second, so 0.02 s is 2e5 units
        sizes.append(n)
    assert sum(sizes) == 2_000_000 and run.done == 2_000_000 and run.chunks == len(sizes)
    assert sizes[0] == 10 and sizes[1] == 40  # growth is capped at 4x
    assert max(sizes) <= 1.2 * 2e5  # no chunk runs much longer than `seconds`
    assert len(sizes) >= 2_000_000 / 2e5
    assert list(Chunked(0, progress=False)) == []
    with pytest.raises(ValueError, match=r"seconds must be in \(0, 5\], got 0"):
        Chunked(10, seconds=0.0)


def test_chunked_lets_sigint_through_between_chunks():
    import os
    import signal

    from noneq.progress import Chunked

    seen = []
    with pytest.raises(KeyboardInterrupt):
        for n in Chunked(10, first=1, growth=1.0, progress=False):
            seen.append(n)
            if len(seen) == 3:
                os.kill(os.getpid(), signal.SIGINT)
    assert len(seen) == 3


def test_memory_require_names_parameter_and_sizes(monkeypatch):
    from noneq import memory

    monkeypatch.setenv(memory.ENV_VAR, str(2**30))
    assert memory.available_bytes() == 2**30
    memory.require(2**29, "n = 10")
    with pytest.raises(ValueError, match=r"n_A = 1000000000 needs 96\.0 GiB for the per-site arrays; 1\.0 GiB is"):
        memory.require(96 * 2**30, "n_A = 1000000000", "the per-site arrays")
    monkeypatch.setenv(memory.ENV_VAR, "lots")
    with pytest.raises(ValueError, match="NONEQ_MEMORY_LIMIT must be a number of bytes"):
        memory.available_bytes()
    monkeypatch.delenv(memory.ENV_VAR)
    assert 0 < memory.available_bytes() < 2**50
