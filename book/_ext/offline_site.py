"""Make the built site work offline and load without script errors.

MathJax: served from the built site instead of a CDN.

The ``django-static-mathjax`` wheel ships MathJax 3 (``mathjax/static/mathjax/es5``).
This extension copies the components the site needs into ``_static/mathjax`` of
the HTML output and points Sphinx's ``mathjax_path`` at the local copy, so that
pages typeset their equations with no network.

MathJax is loaded on every page: a chapter title with math appears in the
navigation of pages that have no equations of their own.

Scripts: the theme stack of Jupyter Book 1.x registers some inline scripts twice
(``const THEBE_JS_URL`` is declared twice, a ``SyntaxError`` on every page);
identical script entries are dropped from each page's context.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ENTRY = "tex-mml-chtml.js"
# The speech-rule engine (sre, ~18 MB) and the SVG output are never loaded by the
# CHTML entry point with its default settings; leave them out of the site.
_SKIP = shutil.ignore_patterns(
    "sre", "*speech*", "*svg*", "node-main*", "latest.js", "tex-chtml-full.js", "tex-chtml.js", "mml-chtml.js"
)


def mathjax_source() -> Path:
    import mathjax  # provided by django-static-mathjax

    root = Path(mathjax.__file__).parent / "static" / "mathjax" / "es5"
    if not (root / ENTRY).is_file():
        raise RuntimeError(f"MathJax 3 entry point {ENTRY} not found under {root}")
    return root


def _config_inited(app, config):
    mathjax_source()  # fail early, with a clear message, if MathJax is missing
    config.mathjax_path = f"mathjax/{ENTRY}"


def _copy(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    if (target / ENTRY).is_file():
        return
    shutil.copytree(mathjax_source(), target, ignore=_SKIP, dirs_exist_ok=True)


def _dedupe_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for js in scripts:
        attributes = getattr(js, "attributes", None) or {}
        key = (str(getattr(js, "filename", js) or ""), tuple(sorted(attributes.items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(js)
    scripts[:] = unique


def setup(app):
    # Titles with math show up in the navigation of other pages (previous/next
    # links, the sidebar), so every page must load MathJax, not only pages whose
    # own body has equations.
    app.set_html_assets_policy("always")
    app.connect("html-page-context", _dedupe_scripts, priority=100)
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("build-finished", _copy)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
