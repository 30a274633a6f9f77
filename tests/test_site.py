"""Headless-browser check of the built website (``_build/html``).

Serves the site on 127.0.0.1 and opens every page in Debian's Chromium through
Playwright. For every page: no raw TeX is left after MathJax has run, every
image loaded, no request left this machine, and no console error or failed
request comes from the book's own assets. On pages with a precomputed slider,
moving the slider must change the displayed frame.

What a reader sees is checked too: on every notebook page the number of figures
shown equals the number the notebook declares (``metadata.noneq.figures``) and the
number of images its executed copy holds, each figure visible, not blank and
captioned; nothing is wider than the text column at 1280 px, and the page does not
scroll sideways at 390 px; no raw TeX in titles, search results or text; no page
over 3 MB; the gallery and the intro reach every figure of the three papers.

The site to check is ``NONEQ_SITE`` (default ``_build/html``); ``make test``
builds it at ``NONEQ_SCALE=ci`` first. Without a built site the tests are
skipped, unless ``NONEQ_REQUIRE_SITE=1`` (as in ``make test``), which makes a
missing site an error.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("NONEQ_SITE", ROOT / "_build" / "html"))
REQUIRED = os.environ.get("NONEQ_REQUIRE_SITE", "0") == "1"

pytestmark = pytest.mark.browser

# Pages Sphinx writes for itself (the root index.html only redirects to the intro).
_SKIP_PAGES = {"genindex.html", "search.html", "index.html"}
RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$")


def _pages() -> list[str]:
    if not (SITE / "book" / "intro.html").is_file():
        return []
    return sorted(
        str(p.relative_to(SITE))
        for p in SITE.rglob("*.html")
        if str(p.relative_to(SITE)) not in _SKIP_PAGES and "_static" not in p.parts and "_sources" not in p.parts
    )


PAGES = _pages()
#: Pages built from a notebook of the book.
NOTEBOOK_PAGES = [rel for rel in PAGES if (ROOT / rel).with_suffix(".ipynb").is_file()]
#: The executed notebooks of the build (next to its html folder).
EXECUTED = SITE.parent / "jupyter_execute"
#: Every figure of the three papers (the inventory in the papers' README).
PAPER_FIGURES = {"mass-transport": 7, "phase-coexistence": 8, "ising-chain": 6}
FIGURE_ID = re.compile(r"^fig-(mass-transport|phase-coexistence|ising-chain)-(\d+)(?:-(\d+))?[a-z]?$")
PAGE_BUDGET = 3 * 2**20
#: Build noise that must not reach a page: timings, reprs, raw arrays.
NOISE = re.compile(r"np\.float64\(|array\(\[|\(\d+(\.\d+)? s\)|scale ?[:=] ?(ci|book|paper)\b|prepared in")
TEX_IN_TEXT = re.compile(r"\\[A-Za-z]+|\$|_\{|\^\{")


def test_site_was_built():
    if not PAGES:
        if REQUIRED:
            pytest.fail(f"no built site at {SITE} (run `make book` or `make site-ci` first)")
        pytest.skip(f"no built site at {SITE}")
    assert "book/intro.html" in PAGES


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    if not PAGES:
        pytest.skip(f"no built site at {SITE}")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    if not PAGES:
        pytest.skip(f"no built site at {SITE}")
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.fail("Debian's chromium is not installed (make test installs it with apt-get)")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def _open(browser, url):
    """Load ``url``; return (page, console errors, failed own requests, foreign requests)."""
    page = browser.new_page()
    errors, failed, foreign = [], [], []
    host = urlparse(url).netloc

    def on_request(request):
        parsed = urlparse(request.url)
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.netloc != host:
            foreign.append(request.url)

    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    page.on("request", on_request)
    page.on("requestfailed", lambda r: failed.append(r.url) if urlparse(r.url).netloc == host else None)
    # Nothing may leave the machine: answer foreign requests with an abort.
    page.route(re.compile(r"^(?!http://127\.0\.0\.1).*"), lambda route: route.abort()
               if urlparse(route.request.url).scheme in ("http", "https") else route.continue_())
    page.goto(url, wait_until="load")
    # Wait for MathJax (when the page loads it) to finish typesetting.
    page.wait_for_function(
        "() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise"
        " && (window.__noneqMJ || (window.MathJax.startup.promise.then(() => window.__noneqMJ = true), false)))",
        timeout=30_000,
    )
    return page, errors, failed, foreign


_REMOTE_ASSET = re.compile(
    r"<(?:script|img|iframe)\b[^>]*\bsrc=[\"']\s*(?:https?:)?//|<link\b[^>]*\bhref=[\"']\s*(?:https?:)?//[^>]*>",
    re.I,
)


@pytest.mark.parametrize("rel", PAGES or ["<no site>"])
def test_no_remote_assets_in_html(rel):
    """No page pulls a script, stylesheet or image from another host."""
    if not PAGES:
        pytest.skip(f"no built site at {SITE}")
    html = (SITE / rel).read_text(encoding="utf-8", errors="replace")
    remote = [m.group(0)[:120] for m in _REMOTE_ASSET.finditer(html)]
    # <link rel="canonical"|"preconnect"> are not assets; stylesheets and scripts are
    remote = [r for r in remote if not re.search(r'rel=["\'](canonical|alternate)', r)]
    assert not remote, f"{rel}: remote assets: {remote}"


@pytest.mark.parametrize("rel", PAGES or ["<no site>"])
def test_page(browser, server, rel):
    page, errors, failed, foreign = _open(browser, f"{server}/{rel}")
    try:
        text = page.evaluate(
            "() => { const m = document.querySelector('main') || document.body;"
            " const c = m.cloneNode(true);"
            " c.querySelectorAll('pre, code, script, style, .highlight, mjx-assistive-mml').forEach(e => e.remove());"
            " return c.innerText; }"
        )
        raw = RAW_TEX.findall(text)
        assert not raw, f"{rel}: raw TeX left on the page: {raw[:5]}"
        if page.evaluate("() => document.querySelectorAll('.math').length") > 0:
            n = page.evaluate("() => document.querySelectorAll('mjx-container').length")
            assert n > 0, f"{rel}: the page has math but MathJax typeset none of it"
        broken = page.evaluate(
            "() => Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
            ".map(i => (i.getAttribute('src') || '').slice(0, 80))"
        )
        assert not broken, f"{rel}: images that did not load: {broken}"
        assert not foreign, f"{rel}: requests leaving the machine: {foreign}"
        assert not failed, f"{rel}: failed requests for the site's own files: {failed}"
        assert not errors, f"{rel}: console errors: {errors}"
    finally:
        page.close()


def test_static_slider_moves(browser, server):
    """On every page with a precomputed slider, moving each slider changes the frame."""
    with_slider = []
    for rel in PAGES:
        if "noneq-slider" in (SITE / rel).read_text(encoding="utf-8", errors="replace"):
            with_slider.append(rel)
    assert with_slider, "no page of the site has a precomputed slider"
    for rel in with_slider:
        page, errors, _, _ = _open(browser, f"{server}/{rel}")
        try:
            sliders = page.locator("div.noneq-slider")
            assert sliders.count() > 0, f"{rel}: slider HTML present but not rendered"
            for k in range(sliders.count()):
                box = sliders.nth(k)
                img = box.locator("img")
                inputs = box.locator("input[type=range]")
                assert inputs.count() > 0, f"{rel}: slider {k} has no range input"
                for j in range(inputs.count()):
                    rng = inputs.nth(j)
                    lo, hi = int(rng.get_attribute("min")), int(rng.get_attribute("max"))
                    if hi == lo:
                        continue
                    before_src = img.get_attribute("src")
                    before_out = rng.locator("xpath=following-sibling::output").inner_text()
                    now = int(rng.input_value())
                    target = hi if now != hi else lo
                    rng.fill(str(target))  # sets the value and fires input/change
                    assert img.get_attribute("src") != before_src, f"{rel}: slider {k}/{j} did not change the frame"
                    after_out = rng.locator("xpath=following-sibling::output").inner_text()
                    assert after_out != before_out, f"{rel}: slider {k}/{j} did not update its value label"
                    natural = img.evaluate("i => i.complete && i.naturalWidth > 0")
                    assert natural, f"{rel}: frame after moving slider {k}/{j} did not load"
            assert not errors, f"{rel}: console errors: {errors}"
        finally:
            page.close()


# --------------------------------------------------------------------------- what a reader sees


def _declared_figures(rel):
    nb = json.loads((ROOT / rel).with_suffix(".ipynb").read_text(encoding="utf-8"))
    declared = nb["metadata"].get("noneq", {}).get("figures")
    assert isinstance(declared, int) and declared >= 0, f"{rel}: notebook metadata noneq.figures is missing"
    return declared


def _executed_figures(rel):
    path = EXECUTED / Path(rel).with_suffix(".ipynb")
    assert path.is_file(), f"{rel}: no executed notebook at {path}"
    nb = json.loads(path.read_text(encoding="utf-8"))
    hidden = {"remove-output", "remove_output", "remove-cell", "remove_cell"}
    count = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or hidden & set(cell.get("metadata", {}).get("tags", [])):
            continue
        for out in cell.get("outputs", []):
            if any(k.startswith("image/") for k in out.get("data", {})):
                count += 1
    return count


_FIGURES_JS = """() => {
  const main = document.querySelector('article.bd-article') || document.querySelector('main');
  const out = [];
  for (const img of main.querySelectorAll('img')) {
    if (img.closest('.noneq-slider')) continue;
    const r = img.getBoundingClientRect();
    let spread = -1;
    if (img.complete && img.naturalWidth > 0) {
      const c = document.createElement('canvas');
      c.width = Math.min(img.naturalWidth, 400); c.height = Math.min(img.naturalHeight, 300);
      const g = c.getContext('2d'); g.drawImage(img, 0, 0, c.width, c.height);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      let lo = 255, hi = 0;
      for (let i = 0; i < d.length; i += 4) {
        const y = (d[i] + d[i+1] + d[i+2]) / 3; lo = Math.min(lo, y); hi = Math.max(hi, y);
      }
      spread = hi - lo;
    }
    const fig = img.closest('figure');
    const cap = fig ? fig.querySelector('figcaption') : null;
    const number = cap ? cap.querySelector('.caption-number') : null;
    out.push({numbered: number ? number.innerText.trim() : '',
              src: (img.getAttribute('src') || '').slice(0, 60), width: r.width, height: r.height,
              natural: img.naturalWidth, spread: spread, figure: fig ? fig.id : null,
              caption: cap ? cap.innerText.trim() : '', alt: img.getAttribute('alt') || ''});
  }
  return out;
}"""


@pytest.mark.parametrize("rel", NOTEBOOK_PAGES or ["<no site>"])
def test_every_figure_reaches_its_page(browser, server, rel):
    """Declared figures = figures in the executed notebook = visible, non-blank, captioned figures on the page."""
    if not NOTEBOOK_PAGES:
        pytest.skip(f"no built site at {SITE}")
    declared = _declared_figures(rel)
    executed = _executed_figures(rel)
    assert executed == declared, (
        f"{rel}: the notebook declares {declared} figures but its executed copy holds {executed} "
        "(a figure not produced, or produced without an image output)"
    )
    page, errors, _, _ = _open(browser, f"{server}/{rel}")
    try:
        shown = page.evaluate(_FIGURES_JS)
    finally:
        page.close()
    assert len(shown) == declared, f"{rel}: the notebook declares {declared} figures, the page shows {len(shown)}"
    for f in shown:
        assert f["natural"] > 0, f"{rel}: figure {f['src']} did not load"
        assert f["width"] >= 150 and f["height"] >= 80, f"{rel}: figure {f['src']} is not visible ({f})"
        assert f["spread"] > 30, f"{rel}: figure {f['src']} is blank (pixel spread {f['spread']})"
        assert f["figure"] and f["figure"].startswith("fig-"), f"{rel}: figure {f['src']} has no name"
        assert len(f["caption"]) > 40, f"{rel}: figure {f['figure']} has no real caption: {f['caption']!r}"
        assert len(f["alt"]) > 10, f"{rel}: figure {f['figure']} has no alt text"
        assert not f["numbered"], (
            f"{rel}: {f['figure']} carries a sequential number {f['numbered']!r} before the paper's own"
        )
        if FIGURE_ID.match(f["figure"]):
            assert "paper (arXiv:" in f["caption"], f"{rel}: {f['figure']} does not name its paper figure"


_LAYOUT_JS = """() => {
  const main = document.querySelector('article.bd-article') || document.querySelector('main');
  const col = main.getBoundingClientRect();
  const style = getComputedStyle(main);
  const right = col.right - parseFloat(style.paddingRight) + 1;
  const wide = [];
  const sel = 'div.highlight pre, div.cell_output, div.output, table, mjx-container[display="true"], '
            + 'img, figure, .noneq-slider';
  for (const el of main.querySelectorAll(sel)) {
    if (el.closest('details:not([open])')) continue;   // collapsed code is not shown
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    const hidden = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible';
    wide.push({tag: el.tagName.toLowerCase(), cls: (el.className || '').toString().slice(0, 40),
               over: r.right > right || hidden, width: Math.round(r.width), scroll: el.scrollWidth,
               text: (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 70)});
  }
  return {items: wide.filter(w => w.over), page: document.documentElement.scrollWidth, view: window.innerWidth,
          title: document.title};
}"""


@pytest.mark.parametrize("rel", PAGES or ["<no site>"])
def test_nothing_wider_than_the_column(browser, server, rel):
    """At 1280 px nothing is wider than the text column; at 390 px the page does not scroll sideways."""
    if not PAGES:
        pytest.skip(f"no built site at {SITE}")
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            page.goto(f"{server}/{rel}", wait_until="load")
            page.wait_for_function("() => !window.MathJax || (MathJax.startup && MathJax.startup.promise)")
            page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
            r = page.evaluate(_LAYOUT_JS)
        finally:
            context.close()
        assert not TEX_IN_TEXT.search(r["title"]), f"{rel}: raw TeX in the browser-tab title {r['title']!r}"
        assert r["page"] <= r["view"] + 1, f"{rel} at {width} px: the page scrolls sideways ({r['page']} px)"
        if width == 1280:
            assert not r["items"], f"{rel} at {width} px: wider than the column: {r['items'][:4]}"
        else:
            # at phone width a wide equation or table may scroll inside its own box; code and output wrap
            bad = [i for i in r["items"] if i["tag"] in ("pre", "img", "figure") or "output" in i["cls"]]
            assert not bad, f"{rel} at {width} px: wider than the column: {bad[:4]}"


@pytest.mark.parametrize("rel", PAGES or ["<no site>"])
def test_no_build_noise_and_page_weight(rel):
    """No timings or raw reprs in the page text, and the page with its images stays under 3 MB."""
    if not PAGES:
        pytest.skip(f"no built site at {SITE}")
    html = (SITE / rel).read_text(encoding="utf-8", errors="replace")
    skipped = r"<script.*?</script>|<style.*?</style>|<div class=\"cell_input.*?</div>\s*</div>"
    body = re.sub(skipped, "", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", body)
    noise = [m.group(0) for m in NOISE.finditer(text)]
    assert not noise, f"{rel}: build noise on the page: {noise[:5]}"
    size = len(html.encode())
    for src in set(re.findall(r'<img[^>]+src="(?!data:)([^"]+)"', html)):
        target = (SITE / rel).parent / src
        if target.is_file():
            size += target.stat().st_size
    assert size <= PAGE_BUDGET, f"{rel}: {size / 2**20:.1f} MB with its images, over the 3 MB budget"


def test_search_index_has_no_tex():
    """Titles in the search index (shown in search results) are plain text."""
    if not PAGES:
        pytest.skip(f"no built site at {SITE}")
    raw = (SITE / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(raw[raw.index("(") + 1 : raw.rindex(")")])
    titles = list(index["titles"]) + list(index.get("alltitles", {}))
    bad = [t for t in titles if TEX_IN_TEXT.search(re.sub(r"<[^>]+>", "", t))]
    assert not bad, f"raw TeX in search-result titles: {bad[:5]}"


def test_search_results_show_no_tex(browser, server):
    """A search for a word that occurs in titles with math lists them without raw TeX."""
    if not PAGES:
        pytest.skip(f"no built site at {SITE}")
    page, errors, _, _ = _open(browser, f"{server}/search.html?q=chemical")
    try:
        page.wait_for_selector("#search-results li", timeout=20_000)
        titles = page.eval_on_selector_all("#search-results li > a", "links => links.map(a => a.innerText)")
    finally:
        page.close()
    assert titles, "the search for 'chemical' found nothing"
    bad = [t for t in titles if TEX_IN_TEXT.search(t)]
    assert not bad, f"raw TeX in search results: {bad[:5]}"


def _figure_ids(rel):
    html = (SITE / rel).read_text(encoding="utf-8", errors="replace")
    return set(re.findall(r'<figure[^>]*\bid="(fig-[^"]+)"', html))


def _covered(ids):
    """Paper figures (chapter, number) covered by figure ids such as fig-ising-chain-1-2."""
    out = set()
    for i in ids:
        m = FIGURE_ID.match(i)
        if m:
            lo = int(m.group(2))
            hi = int(m.group(3) or lo)
            out.update((m.group(1), n) for n in range(lo, hi + 1))
    return out


EXPECTED = {(chapter, n) for chapter, count in PAPER_FIGURES.items() for n in range(1, count + 1)}


def test_every_paper_figure_is_reproduced_and_in_the_gallery():
    if not PAGES:
        pytest.skip(f"no built site at {SITE}")
    on_pages = {}
    for rel in NOTEBOOK_PAGES:
        for i in _figure_ids(rel):
            on_pages[i] = rel
    missing = EXPECTED - _covered(on_pages)
    assert not missing, f"paper figures reproduced on no page: {sorted(missing)}"
    gallery = (SITE / "book" / "gallery.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="reference internal" href="([^"#]+)#(fig-[^"]+)"', gallery)
    in_gallery = _covered(i for _, i in links)
    assert in_gallery >= EXPECTED, f"gallery misses {sorted(EXPECTED - in_gallery)}"
    for href, anchor in links:
        target = os.path.normpath(os.path.join("book", href))
        assert anchor in on_pages and on_pages[anchor] == target, f"gallery link {href}#{anchor} leads nowhere"
    thumbs = re.findall(r'<img[^>]*class="[^"]*noneq-gallery-thumb', gallery)
    assert len(thumbs) == len(links)


def test_intro_links_every_paper_figure():
    if not PAGES:
        pytest.skip(f"no built site at {SITE}")
    intro = (SITE / "book" / "intro.html").read_text(encoding="utf-8")
    anchors = set(re.findall(r'href="[^"#]*#(fig-[^"]+)"', intro))
    assert _covered(anchors) >= EXPECTED, f"intro table misses {sorted(EXPECTED - _covered(anchors))}"


def test_bibliography_and_chapter_citations():
    if not PAGES:
        pytest.skip(f"no built site at {SITE}")
    refs = (SITE / "book" / "references.html").read_text(encoding="utf-8")
    for arxiv in ("1106.5652", "2407.12353", "1611.08188"):
        assert f'href="https://arxiv.org/abs/{arxiv}' in refs, f"bibliography has no link to arXiv:{arxiv}"
    for chapter in ("mass_transport", "phase_coexistence", "ising_chain"):
        index = (SITE / "book" / chapter / "index.html").read_text(encoding="utf-8")
        assert re.search(r'href="\.\./references\.html#id\d+"', index), f"{chapter}/index does not cite its paper"
