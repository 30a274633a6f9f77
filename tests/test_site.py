"""Headless-browser check of the built website (``_build/html``).

Serves the site on 127.0.0.1 and opens every page in Debian's Chromium through
Playwright. For every page: no raw TeX is left after MathJax has run, every
image loaded, no request left this machine, and no console error or failed
request comes from the book's own assets. On pages with a precomputed slider,
moving the slider must change the displayed frame.

The site to check is ``NONEQ_SITE`` (default ``_build/html``); ``make test``
builds it at ``NONEQ_SCALE=ci`` first. Without a built site the tests are
skipped, unless ``NONEQ_REQUIRE_SITE=1`` (as in ``make test``), which makes a
missing site an error.
"""

from __future__ import annotations

import functools
import http.server
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
