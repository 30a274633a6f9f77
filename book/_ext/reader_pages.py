"""What a reader of the website sees: plain-text titles, the figure gallery, layout.

Titles. A section title written with math (``$\\kappa_\\Lambda$``) ends up as raw
TeX wherever it is shown as plain text: the browser tab, the search results, the
links to the page. Every math node in a section title is therefore replaced, when
the page is read, by its Unicode rendering (κ, Λ, ρ̄, subscripts and superscripts
as HTML ``<sub>``/``<sup>`` or Unicode digits), so the title reads the same in the
heading, the navigation, the tab and the search index.

Gallery. Every figure that reproduces a figure of one of the papers is named
``fig-<chapter>-<N>`` (``fig-mass-transport-5``, ``fig-ising-chain-3a``). The
directive ``figure-gallery`` is replaced, when the page is written, by a thumbnail
of each such figure of the whole book, grouped by paper and ordered by figure
number, each linking to the figure in its chapter.

Layout. ``reader_pages.css`` lets wide display equations scroll inside their own
box and wraps code and printed output on narrow screens, so that no page scrolls
sideways.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive

STATIC = Path(__file__).parent / "static"

#: The chapters, in the order of the book, with the paper each reproduces.
PAPERS = {
    "mass-transport": ("Mass transport", "Martens and Bertin, arXiv:1106.5652"),
    "phase-coexistence": ("Phase coexistence", "Sasa and Nakagawa, arXiv:2407.12353"),
    "ising-chain": ("Ising chain", "Toral, Van den Broeck, Escaff and Lindenberg, arXiv:1611.08188"),
}
#: ``fig-<chapter>-<N>[a-z]``, or ``fig-<chapter>-<N>-<M>`` for one picture of Figs. N to M.
FIGURE_NAME = re.compile(r"^fig-(" + "|".join(PAPERS) + r")-(\d+)(?:-(\d+))?([a-z]?)$")

# --------------------------------------------------------------------------- TeX to text

_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ",
    "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "infty": "∞", "ll": "≪", "gg": "≫", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "neq": "≠", "approx": "≈", "sim": "∼", "to": "→", "rightarrow": "→", "leftrightarrow": "↔",
    "times": "×", "cdot": "·", "pm": "±", "propto": "∝", "partial": "∂", "langle": "⟨",
    "rangle": "⟩", "ln": "ln", "log": "log", "exp": "exp", "min": "min", "max": "max",
    "quad": " ", "qquad": "  ", ",": " ", ";": " ", "!": "", " ": " ", "star": "*", "ast": "*",
}
_ACCENTS = {"bar": "\u0304", "overline": "\u0304", "tilde": "\u0303", "hat": "\u0302", "dot": "\u0307"}
_STYLES = {"rm", "mathrm", "text", "mathit", "mathbf", "mathcal", "operatorname", "boldsymbol", "mathsf"}
_SUB = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
_SUP = str.maketrans("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾")


class _TeX:
    """A small reader of inline TeX that yields docutils nodes (text, sub, sup)."""

    def __init__(self, src: str):
        self.s, self.i = src, 0

    def group(self) -> list[nodes.Node]:
        """One argument: ``{...}``, a command, or one character."""
        self.skip()
        if self.i >= len(self.s):
            return []
        if self.s[self.i] == "{":
            self.i += 1
            out = self.sequence(stop="}")
            self.i += 1
            return out
        return self.atom()

    def skip(self):
        while self.i < len(self.s) and self.s[self.i] == " ":
            self.i += 1

    def atom(self) -> list[nodes.Node]:
        c = self.s[self.i]
        if c != "\\":
            self.i += 1
            return [nodes.Text(c)]
        m = re.match(r"\\([A-Za-z]+|.)", self.s[self.i :])
        self.i += m.end()
        name = m.group(1)
        if name.isalpha():
            self.skip()  # a space after a control word only ends the word
        if name in _ACCENTS:
            inner = self.group()
            text = "".join(n.astext() for n in inner)
            return [nodes.Text(text + _ACCENTS[name])]
        if name in _STYLES:
            return self.group()
        if name in ("frac", "tfrac", "dfrac"):
            a, b = self.group(), self.group()
            return [*a, nodes.Text("/"), *b]
        if name in ("left", "right", "big", "Big", "bigl", "bigr"):
            return []
        return [nodes.Text(_SYMBOLS.get(name, name))]

    def sequence(self, stop: str | None = None) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        while self.i < len(self.s) and (stop is None or self.s[self.i] != stop):
            c = self.s[self.i]
            if c in "_^":
                self.i += 1
                arg = self.group()
                text = "".join(n.astext() for n in arg)
                table = _SUB if c == "_" else _SUP
                if all(ch in "0123456789+-=()" for ch in text) and text:
                    out.append(nodes.Text(text.translate(table)))
                else:
                    node = nodes.subscript() if c == "_" else nodes.superscript()
                    node += arg
                    out.append(node)
            elif c == "{":
                out.extend(self.group())
            elif c == " ":
                self.i += 1
                if out and not out[-1].astext().endswith(" "):
                    out.append(nodes.Text(" "))
            else:
                out.extend(self.atom())
        return out


def tex_to_nodes(tex: str) -> list[nodes.Node]:
    """Inline TeX as docutils text, subscript and superscript nodes."""
    return _TeX(tex.strip()).sequence()


def tex_to_text(tex: str) -> str:
    """Inline TeX as plain Unicode text (subscripts written ``_x`` where Unicode has none)."""
    parts = []
    for n in tex_to_nodes(tex):
        if isinstance(n, nodes.subscript):
            parts.append("_" + n.astext())
        elif isinstance(n, nodes.superscript):
            parts.append("^" + n.astext())
        else:
            parts.append(n.astext())
    return "".join(parts)


def _plain_titles(app, doctree):
    for title in doctree.findall(nodes.title):
        for math in list(title.findall(nodes.math)):
            math.parent.replace(math, nodes.inline("", "", *tex_to_nodes(math.astext()), classes=["tex-title"]))


# --------------------------------------------------------------------------- gallery


class gallery_placeholder(nodes.General, nodes.Element):
    pass


class FigureGallery(Directive):
    has_content = False

    def run(self):
        return [gallery_placeholder()]


def _collect_figures(app, doctree):
    env = app.env
    store = env.__dict__.setdefault("noneq_figures", {})
    docname = env.docname
    store.pop(docname, None)
    found = []
    for fig in doctree.findall(nodes.figure):
        ids = [i for i in fig["ids"] if FIGURE_NAME.match(i)]
        images = list(fig.findall(nodes.image))
        if not ids or not images:
            continue
        chapter, number, last, suffix = FIGURE_NAME.match(ids[0]).groups()
        captions = list(fig.findall(nodes.caption))
        found.append(
            {
                "id": ids[0],
                "chapter": chapter,
                "number": int(number),
                "last": int(last) if last else int(number),
                "suffix": suffix,
                "caption": _plain_text(captions[0]) if captions else "",
                "uri": images[0]["uri"],
                "candidates": dict(images[0].get("candidates", {})),
            }
        )
    if found:
        store[docname] = found


def _plain_text(node) -> str:
    """Text of ``node`` with its math written in Unicode."""
    node = node.deepcopy()
    for math in list(node.findall(nodes.math)):
        math.parent.replace(math, nodes.Text(tex_to_text(math.astext())))
    return node.astext()


def _purge(app, env, docname):
    env.__dict__.get("noneq_figures", {}).pop(docname, None)


def _merge(app, env, docnames, other):
    store = env.__dict__.setdefault("noneq_figures", {})
    for docname, figs in other.__dict__.get("noneq_figures", {}).items():
        if docname in docnames:
            store[docname] = figs


def _short(caption: str) -> str:
    """The caption up to the colon after "... paper (arXiv:...)", else its first words."""
    head = caption.split("): ", 1)[-1] if "): " in caption else caption
    head = head.split(". ")[0]
    return head if len(head) <= 110 else head[:107].rstrip() + "…"


def _fill_gallery(app, doctree, docname):
    placeholders = list(doctree.findall(gallery_placeholder))
    if not placeholders:
        return
    figures = [dict(f, docname=d) for d, figs in app.env.__dict__.get("noneq_figures", {}).items() for f in figs]
    for f in figures:
        f["label"] = (
            f"Figs. {f['number']}–{f['last']}" if f["last"] > f["number"] else f"Fig. {f['number']}{f['suffix']}"
        )
    order = list(PAPERS)
    figures.sort(key=lambda f: (order.index(f["chapter"]), f["number"], f["suffix"]))
    out = []
    for chapter, (title, source) in PAPERS.items():
        mine = [f for f in figures if f["chapter"] == chapter]
        if not mine:
            continue
        section = nodes.container(classes=["noneq-gallery-paper"])
        section += nodes.rubric("", f"{title} ({source})")
        grid = nodes.container(classes=["noneq-gallery"])
        for f in mine:
            uri = app.builder.get_relative_uri(docname, f["docname"]) + "#" + f["id"]
            image = nodes.image(
                uri=f["uri"],
                candidates=dict(f["candidates"]),
                alt=f"{f['label']}: {_short(f['caption'])}",
                classes=["noneq-gallery-thumb"],
            )
            label = nodes.inline("", f["label"], classes=["noneq-gallery-number"])
            text = nodes.inline("", _short(f["caption"]), classes=["noneq-gallery-caption"])
            link = nodes.reference("", "", image, label, text, refuri=uri, internal=True)
            item = nodes.container("", nodes.paragraph("", "", link), classes=["noneq-gallery-item"])
            item["ids"].append("gallery-" + f["id"])
            grid += item
        section += grid
        out.append(section)
    if not out:
        out = [nodes.paragraph("", "No reproduced figure was found in this build.")]
    for p in placeholders:
        p.replace_self(out)


# --------------------------------------------------------------------------- setup


def _static_path(app, config):
    config.html_static_path.append(str(STATIC))


def _no_figure_numbers(app, config):
    """Keep Sphinx from numbering figures: a page's captions name the papers' figure numbers.

    ``sphinx_jupyterbook_latex`` switches ``numfig`` on for every builder at
    ``config-inited``; this handler runs after it and restores the book's setting, so
    "Fig. 6 of the paper" is not preceded by a sequential "Fig. 8".
    """
    config.numfig = False


def setup(app):
    app.add_node(gallery_placeholder)
    app.connect("config-inited", _no_figure_numbers, priority=900)
    app.add_directive("figure-gallery", FigureGallery)
    app.connect("config-inited", _static_path)
    # after the image collector (priority 500) has set the images' candidates
    app.connect("doctree-read", _collect_figures, priority=900)
    app.connect("doctree-read", _plain_titles, priority=400)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-resolved", _fill_gallery)
    app.add_css_file("reader_pages.css")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
