"""Parameter sliders that work both in JupyterLab and on the static website.

One call, :func:`slider`, serves both places with the same notebook code:

* **live** (the default, a kernel is attached): ipywidgets selection sliders;
  every move redraws the figure by calling back into Python.
* **static** (``NONEQ_SLIDERS=static``, set by the website build): every
  combination of parameter values is drawn ahead of time and embedded as PNG
  frames in a small self-contained HTML block: plain ``<input type="range">``
  controls, a few lines of inline JavaScript, no CDN and no kernel.

The figure is drawn by a callback ``draw(fig, **values)`` that receives an empty
:class:`matplotlib.figure.Figure` and the current value of every parameter.
Expensive computations belong in a cached function the callback calls (for
example with :func:`functools.lru_cache`), so that the static build computes each
point once.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import math
import numbers
import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib

__all__ = ["Param", "slider", "slider_mode", "MODES", "ENV_VAR", "MIN_FONT_PT", "MAX_WIDTH_IN"]

ENV_VAR = "NONEQ_SLIDERS"
MODES = ("live", "static")


def _default_fmt(value) -> str:
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = float(value)
        if math.isinf(value):
            return "∞" if value > 0 else "−∞"
        return f"{value:g}"
    return str(value)


@dataclass(frozen=True)
class Param:
    """One slider: a parameter name, its values, and how to show them.

    Parameters
    ----------
    name : str
        Keyword passed to the draw callback (a Python identifier).
    values : sequence
        The values the slider steps through, in order (numbers or strings;
        ``numpy.inf`` is allowed and shown as ∞).
    label : str, optional
        Text shown next to the slider; may contain simple HTML such as
        ``κ<sub>Λ</sub>``. Defaults to ``name``.
    fmt : str or callable, optional
        Format of the displayed value: a ``str.format`` pattern such as
        ``"{:.3f}"`` or a function of the value. Defaults to ``{:g}`` (∞ for inf).
    default : optional
        Initial value; must be one of ``values``. Defaults to the first value.
    """

    name: str
    values: Sequence[Any]
    label: str | None = None
    fmt: str | Callable[[Any], str] | None = None
    default: Any = None

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"Param name must be a Python identifier, got {self.name!r}")
        try:
            values = tuple(self.values)
        except TypeError:
            raise ValueError(f"Param {self.name!r}: values must be a sequence, got {self.values!r}") from None
        if not values:
            raise ValueError(f"Param {self.name!r}: values must be a non-empty sequence")
        for v in values:
            if isinstance(v, float) and math.isnan(v):
                raise ValueError(f"Param {self.name!r}: values must not contain NaN")
        object.__setattr__(self, "values", values)
        if self.default is not None and self.index_of(self.default) is None:
            raise ValueError(f"Param {self.name!r}: default {self.default!r} is not one of its values")
        if self.fmt is not None and not (isinstance(self.fmt, str) or callable(self.fmt)):
            raise ValueError(f"Param {self.name!r}: fmt must be a format string or a callable")
        if isinstance(self.fmt, str):
            try:
                self.fmt.format(values[0])
            except (ValueError, IndexError, KeyError) as exc:
                raise ValueError(f"Param {self.name!r}: fmt {self.fmt!r} cannot format {values[0]!r} ({exc})") from None

    def index_of(self, value) -> int | None:
        """Index of ``value`` in :attr:`values` (``None`` if absent)."""
        for i, v in enumerate(self.values):
            if v is value or v == value:
                return i
        return None

    @property
    def start(self) -> int:
        """Index of the initial value."""
        return 0 if self.default is None else self.index_of(self.default)

    @property
    def text(self) -> str:
        """Label shown next to the slider."""
        return self.name if self.label is None else self.label

    def show(self, value) -> str:
        """Displayed text of one value."""
        if self.fmt is None:
            return _default_fmt(value)
        if isinstance(self.fmt, str):
            return self.fmt.format(value)
        return str(self.fmt(value))


def slider_mode(override: str | None = None) -> str:
    """Return ``"live"`` or ``"static"``: the argument, else ``NONEQ_SLIDERS``, else ``"live"``.

    Raises
    ------
    ValueError
        If the mode is not one of ``"live"``, ``"static"``.
    """
    value = override if override is not None else os.environ.get(ENV_VAR, "").strip().lower() or "live"
    if value not in MODES:
        raise ValueError(f"{ENV_VAR} (slider mode) must be one of 'live', 'static', got {value!r}")
    return value


def _as_params(params) -> list[Param]:
    if isinstance(params, Param):
        params = [params]
    if isinstance(params, Mapping):
        params = [p if isinstance(p, Param) else Param(name, p) for name, p in params.items()]
    try:
        params = list(params)
    except TypeError:
        raise ValueError("params must be a mapping name -> values or a sequence of Param") from None
    if not params:
        raise ValueError("params must name at least one parameter")
    for p in params:
        if not isinstance(p, Param):
            raise ValueError(f"params must contain Param objects, got {p!r}")
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise ValueError(f"params must have distinct names, got {names}")
    return params


#: Smallest text size allowed in a precomputed frame, in points at display size.
MIN_FONT_PT = 9.0
#: Widest figure a frame may have, in inches: the text column of the website is
#: about 690 CSS px, i.e. 7.2 in at 96 px/in, so a wider frame would be shrunk and
#: its text would drop below :data:`MIN_FONT_PT`.
MAX_WIDTH_IN = 7.2
#: Colours kept in a precomputed frame (palette PNG): line plots need far fewer, and
#: a palette frame is 3-5 times smaller than an RGBA one.
PALETTE_COLORS = 128


def _check_legible(fig, values: dict) -> None:
    """Raise ``ValueError`` if a frame has text below :data:`MIN_FONT_PT`."""
    from matplotlib.text import Text

    small = sorted(
        {
            (round(t.get_fontsize(), 1), t.get_text().strip()[:30])
            for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and t.get_fontsize() < MIN_FONT_PT - 1e-9
        }
    )
    if small:
        listed = ", ".join(f"{text!r} at {size:g} pt" for size, text in small[:5])
        raise ValueError(
            f"slider frame for {values} has text smaller than {MIN_FONT_PT:g} pt ({listed}); "
            "the website shows frames at their true size, so use font sizes >= 9 pt"
        )


def _draw_png(draw, values: dict, figsize, dpi) -> bytes:
    """Draw one frame; return it as a palette PNG."""
    from matplotlib.figure import Figure
    from PIL import Image

    fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    draw(fig, **values)
    _check_legible(fig, values)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    buf.seek(0)
    image = Image.open(buf).convert("RGB").quantize(colors=PALETTE_COLORS, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _uneven(values) -> bool:
    """True for a numeric grid (infinities aside) whose steps are not all equal."""
    try:
        xs = [float(v) for v in values if not (isinstance(v, numbers.Real) and math.isinf(float(v)))]
    except (TypeError, ValueError):
        return False
    if len(xs) < 3:
        return False
    steps = [b - a for a, b in zip(xs, xs[1:])]
    scale = max(abs(x) for x in steps) or 1.0
    return any(abs(d - steps[0]) > 1e-6 * scale for d in steps) or len(xs) < len(values)


_STYLE = """
.noneq-slider{margin:0.5em 0 1.2em 0;max-width:100%}
.noneq-slider img{display:block;max-width:100%;height:auto}
.noneq-slider-grid{font-size:0.85em;color:#555;margin:0.1em 0 0 0}
.noneq-slider-controls{display:flex;flex-wrap:wrap;gap:0.4em 1.6em;margin-top:0.4em;font-size:0.95em}
.noneq-slider-controls label{display:flex;align-items:center;gap:0.5em}
.noneq-slider-controls input[type=range]{width:12em;accent-color:#0072B2}
.noneq-slider-controls output{min-width:4em;font-variant-numeric:tabular-nums}
"""

_SCRIPT = """
(function(){
  var root = document.currentScript.parentNode;
  var data = JSON.parse(root.querySelector('script.noneq-slider-data').textContent);
  var img = root.querySelector('img');
  var inputs = root.querySelectorAll('input[type=range]');
  function update(){
    var k = 0, alt = [];
    for (var i = 0; i < inputs.length; i++){
      var j = parseInt(inputs[i].value, 10);
      k = k * data.shape[i] + j;
      inputs[i].parentNode.querySelector('output').textContent = data.shown[i][j];
      alt.push(data.names[i] + ' = ' + data.shown[i][j]);
    }
    img.src = data.frames[k];
    img.alt = data.alt + ' (' + alt.join(', ') + ')';
  }
  for (var i = 0; i < inputs.length; i++){ inputs[i].addEventListener('input', update); }
  update();
})();
"""


class StaticSlider:
    """Precomputed, kernel-free slider: HTML with embedded PNG frames.

    Displayed by IPython through :meth:`_repr_html_`; :attr:`frames` holds the
    data URIs in C order over the parameters, :attr:`html` the whole block.
    """

    def __init__(self, params: list[Param], frames: list[str], alt: str, width_px: int | None = None):
        self.params = params
        self.frames = frames
        self.alt = alt
        self.width_px = width_px
        self.html = self._render()

    def _render(self) -> str:
        uid = "noneq-slider-" + uuid.uuid4().hex[:10]
        data = {
            "shape": [len(p.values) for p in self.params],
            "names": [html.unescape(_strip_tags(p.text)) for p in self.params],
            "shown": [[p.show(v) for v in p.values] for p in self.params],
            "frames": self.frames,
            "alt": self.alt,
        }
        start = 0
        for p in self.params:
            start = start * len(p.values) + p.start
        controls = []
        for p in self.params:
            controls.append(
                f'<label><span class="noneq-slider-name">{p.text}</span>'
                f'<input type="range" min="0" max="{len(p.values) - 1}" step="1" value="{p.start}" '
                f'data-param="{p.name}" aria-label="{html.escape(_strip_tags(p.text))}">'
                f"<output>{html.escape(p.show(p.values[p.start]))}</output></label>"
            )
        payload = json.dumps(data).replace("</", "<\\/")
        notes = "".join(
            f'<p class="noneq-slider-grid">{p.text}: unevenly spaced values '
            f'{html.escape(", ".join(p.show(v) for v in p.values))}</p>'
            for p in self.params
            if _uneven(p.values)
        )
        size = f' width="{self.width_px}"' if self.width_px else ""
        return (
            f'<div class="noneq-slider" id="{uid}"><style>{_STYLE}</style>'
            f'<img src="{self.frames[start]}"{size} alt="{html.escape(self.alt)}">'
            f'<div class="noneq-slider-controls">{"".join(controls)}</div>{notes}'
            f'<script type="application/json" class="noneq-slider-data">{payload}</script>'
            f"<script>{_SCRIPT}</script></div>"
        )

    def _repr_html_(self) -> str:
        return self.html


def _strip_tags(text: str) -> str:
    out, depth = [], 0
    for ch in text:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def _live(draw, params: list[Param], figsize, dpi):
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    controls = [
        widgets.SelectionSlider(
            options=[(p.show(v), v) for v in p.values],
            index=p.start,
            description=p.text,
            description_allow_html=True,
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="22em"),
        )
        for p in params
    ]
    out = widgets.Output()

    def redraw(*_):
        values = {p.name: c.value for p, c in zip(params, controls)}
        with out:
            out.clear_output(wait=True)
            fig = plt.figure(figsize=figsize, dpi=dpi, layout="constrained")
            draw(fig, **values)
            display(fig)
            plt.close(fig)

    for c in controls:
        c.observe(redraw, names="value")
    redraw()
    return widgets.VBox([widgets.HBox(controls, layout=widgets.Layout(flex_flow="row wrap")), out])


def slider(
    draw: Callable,
    params,
    *,
    figsize: tuple[float, float] = (6.4, 4.0),
    dpi: int = 110,
    max_frames: int = 400,
    alt: str = "figure",
    mode: str | None = None,
):
    """Show a figure with one slider per parameter, live or precomputed.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values)`` draws into the empty figure ``fig`` for one
        value of every parameter.
    params : mapping or sequence of Param
        ``{name: values}`` or a list of :class:`Param` (for labels and formats).
    figsize : (float, float)
        Figure size in inches. A precomputed slider is shown at this size on the
        website, so its width must be at most :data:`MAX_WIDTH_IN` (the text column).
    dpi : int
        Resolution of the figure (and of the precomputed frames), in [10, 600];
        above 96 the frames stay sharp on high-density screens.
    max_frames : int
        Upper bound on the number of precomputed frames (the product of the
        numbers of values); guards against an accidental combinatorial build.
    alt : str
        Alternative text of the static image.
    mode : {"live", "static"}, optional
        Overrides ``NONEQ_SLIDERS``.

    Returns
    -------
    ipywidgets.VBox or StaticSlider
        Display it (leave it as a cell's last expression).

    Raises
    ------
    ValueError
        For a non-callable ``draw``, malformed ``params``, non-positive sizes,
        too many frames, or an unknown mode; in static mode also for a figure
        wider than :data:`MAX_WIDTH_IN` or a frame with text smaller than
        :data:`MIN_FONT_PT`.

    Notes
    -----
    Precomputed frames are palette PNGs of :data:`PALETTE_COLORS` colours. A
    numeric parameter whose values are not evenly spaced gets a note under the
    controls listing its values, since the range input moves in equal steps.
    """
    if not callable(draw):
        raise ValueError(f"draw must be callable as draw(fig, **values), got {draw!r}")
    params = _as_params(params)
    try:
        figsize = (float(figsize[0]), float(figsize[1]))
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"figsize must be a pair of positive numbers, got {figsize!r}") from None
    if not (figsize[0] > 0 and figsize[1] > 0 and all(map(math.isfinite, figsize))):
        raise ValueError(f"figsize must be a pair of positive numbers, got {figsize!r}")
    if isinstance(dpi, bool) or not isinstance(dpi, numbers.Integral) or not 10 <= dpi <= 600:
        raise ValueError(f"dpi must be an integer in [10, 600], got {dpi!r}")
    n_frames = math.prod(len(p.values) for p in params)
    if isinstance(max_frames, bool) or not isinstance(max_frames, numbers.Integral) or max_frames < 1:
        raise ValueError(f"max_frames must be a positive integer, got {max_frames!r}")
    if n_frames > max_frames:
        raise ValueError(
            f"params give {n_frames} frames (the product of the numbers of values), "
            f"more than max_frames={max_frames}"
        )
    if slider_mode(mode) == "live":
        return _live(draw, params, figsize, dpi)

    from .progress import progress

    if figsize[0] > MAX_WIDTH_IN:
        raise ValueError(
            f"figsize width must be <= {MAX_WIDTH_IN:g} in for a precomputed slider "
            f"(the website's text column), got {figsize[0]:g}"
        )
    frames = []
    combos = itertools.product(*(p.values for p in params))
    with matplotlib.rc_context({"savefig.bbox": "standard"}):
        for combo in progress(combos, total=n_frames, desc="slider frames", leave=False):
            frames.append(_data_uri(_draw_png(draw, dict(zip((p.name for p in params), combo)), figsize, dpi)))
    # Shown at the figure's true size (96 CSS px per inch, the browser's reference), so
    # that a 9 pt label reads as 9 pt; narrower screens scale the frame down.
    return StaticSlider(params, frames, alt, width_px=round(figsize[0] * 96))
