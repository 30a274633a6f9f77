""""Interrupt kernel" in JupyterLab stops a long call of each family within a few seconds.

Starts ``jupyter lab`` (this Python, this checkout's ``src`` first on the path) on a
free port of 127.0.0.1 with a token and a temporary root directory holding one small
notebook, and drives Debian's Chromium through Playwright, as a reader would:

1. run the first cell (imports, and short calls that load the compiled kernels);
2. for each family run a cell with one call that would last hours, wait until it has
   run for ``RUNNING`` seconds, click the notebook toolbar's interrupt button, and time
   how long the cell's ``KeyboardInterrupt`` traceback takes to show in the page
   (browser side) and how long the kernel took to leave the call (its ``finally``
   prints ``time.monotonic()``, the same clock as the test's on Linux);
3. run ``1 + 1`` and wait for ``2``: the kernel is still usable.

Progress bars stay on (``NONEQ_PROGRESS=1``, widgets in JupyterLab), as for a reader.
Skipped only when Chromium or Playwright is missing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.browser

#: Seconds a long call runs before the click (well past loading the compiled kernels).
RUNNING = 3.0
#: Largest accepted time from the click to the traceback in the page.
LIMIT = 3.0

SETUP = """\
import os
import time

import noneq.ising_chain as ic
import noneq.mass_transport as mt
import noneq.phase_coexistence as pc

ic.simulate(10, 10, 1.0, 2.0, samples=1000, seed=0)
mt.simulate_three_branch(16, 0.5, t_max=5.0, t_relax=1.0, seed=0)
pc.simulate(16, 0.5, 0.05, 0.002, t_max=1.0, t_burn=0.0, seed=1)
print("KERNEL", os.getpid())"""

#: One call per family that would run for hours (the same as in tests/*/test_*_interrupt.py).
CALLS = {
    "ising_chain": "ic.simulate(10, 10, 1.0, 2.0, samples=10**11, seed=0)",
    "mass_transport": "mt.simulate_three_branch(2000, 0.5, t_max=1e9, t_relax=0.0, seed=2)",
    "phase_coexistence": "pc.simulate(64, 0.9, 0.05, 0.002, t_max=2e6, seed=1)",
}

LONG = """\
print(f"START {{time.monotonic():.6f}}", flush=True)
try:
    {call}
finally:
    print(f"STOP {{time.monotonic():.6f}}", flush=True)"""


def _notebook(path: Path) -> None:
    sources = [SETUP] + [LONG.format(call=call) for call in CALLS.values()] + ["1 + 1"]
    cells = [{"cell_type": "code", "execution_count": None, "id": f"c{k}", "metadata": {}, "outputs": [],
              "source": src} for k, src in enumerate(sources)]
    nb = {"cells": cells, "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                                      "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb, indent=1))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@pytest.fixture(scope="module")
def chromium():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                          "--disable-background-networking", "--disable-component-update"])
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory, chromium):
    """URL of a running JupyterLab (with its token) serving a temporary folder with ``interrupt.ipynb``."""
    home = tmp_path_factory.mktemp("lab")
    root = home / "root"
    root.mkdir()
    _notebook(root / "interrupt.ipynb")
    port, token = _free_port(), os.urandom(16).hex()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])),
               NONEQ_PROGRESS="1", JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), IPYTHONDIR=str(home / "ipython"))
    env.pop("MPLBACKEND", None)
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if os.getuid() == 0:
        cmd.append("--allow-root")
    log = open(home / "server.log", "w")
    server = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    kernels: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, f"jupyter lab exited: {(home / 'server.log').read_text()[-3000:]}"
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"jupyter lab not up in 60 s: {(home / 'server.log').read_text()}"
            time.sleep(0.2)
        yield url, token, kernels
    finally:
        # the server shuts its kernels down on SIGTERM; a kernel stuck in compiled code is killed by its pid
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        for pid in kernels:
            _kill(pid)
        log.close()


def _wait_for_kernel(url, token, timeout=60):
    """Wait until the notebook's kernel has started, is idle and the page is connected to it."""
    deadline = time.monotonic() + timeout
    kernels = []
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/kernels?token={token}", timeout=5) as r:
                kernels = json.load(r)
        except OSError:  # HTTP 500 while a kernel is being started, in jupyter_server 2.x
            pass
        if any(k["execution_state"] == "idle" and k["connections"] >= 1 for k in kernels):
            return
        assert time.monotonic() < deadline, f"no connected idle kernel after {timeout} s: {kernels}"
        time.sleep(0.2)


def _cell(page, k):
    return page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(k)


def _run(page, k):
    """Select cell ``k`` and run it (Shift+Enter), as a reader would."""
    cell = _cell(page, k)
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Shift+Enter")


def _wait_done(page, k, timeout=30):
    """Wait until cell ``k`` has an execution count and the kernel is idle (a new request is not aborted)."""
    prompt = _cell(page, k).locator(".jp-InputPrompt")
    deadline = time.monotonic() + timeout
    while not re.search(r"\[\d+\]", prompt.inner_text()):
        assert time.monotonic() < deadline, f"cell {k} not finished after {timeout} s"
        time.sleep(0.05)
    page.locator(".jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(
        timeout=timeout * 1000)


def _wait_text(page, k, pattern, timeout):
    """Wait until the output of cell ``k`` matches ``pattern``; return the match and the time it was seen."""
    out = _cell(page, k).locator(".jp-OutputArea-output")
    deadline = time.monotonic() + timeout
    while True:
        text = "\n".join(out.all_inner_texts())
        m = re.search(pattern, text, re.MULTILINE)
        if m:
            return m, time.monotonic()
        if time.monotonic() > deadline:
            raise AssertionError(f"cell {k}: no {pattern!r} in its output after {timeout} s; output: {text[-2000:]!r}")
        time.sleep(0.02)


def test_interrupt_kernel_stops_every_family_and_the_kernel_stays_usable(lab, chromium, tmp_path):
    url, token, kernels = lab
    shot = tmp_path / "lab.png"  # what the page showed when something failed
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(60_000)
    page.goto(f"{url}/lab/tree/interrupt.ipynb?token={token}")
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for()
    interrupt = page.locator(".jp-NotebookPanel-toolbar [data-command='notebook:interrupt-kernel']")
    interrupt.wait_for()
    _wait_for_kernel(url, token)
    page.locator(".jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for()
    try:
        latencies = _interrupt_each_family(page, kernels, interrupt)
    except BaseException:
        page.screenshot(path=str(shot))
        raise
    finally:
        page.close()
    slow = {f: round(shown, 3) for f, (shown, _) in latencies.items() if shown >= LIMIT}
    assert not slow, f"traceback later than {LIMIT} s after 'Interrupt kernel': {slow}"


def _interrupt_each_family(page, kernels, interrupt):
    _run(page, 0)
    m, _ = _wait_text(page, 0, r"KERNEL (\d+)", 90)
    kernels.append(int(m.group(1)))
    _wait_done(page, 0)

    latencies = {}
    for k, family in enumerate(CALLS, start=1):
        _run(page, k)
        m, _ = _wait_text(page, k, r"START (\d+\.\d+)", 30)
        started = float(m.group(1))
        time.sleep(max(0.0, started + RUNNING - time.monotonic()))
        clicked = time.monotonic()
        interrupt.click()
        _, seen = _wait_text(page, k, r"KeyboardInterrupt", 10 * LIMIT)
        m, _ = _wait_text(page, k, r"STOP (\d+\.\d+)", 5)
        stopped = float(m.group(1))
        assert stopped > clicked, f"{family}: the call had ended before the click"
        latencies[family] = (seen - clicked, stopped - clicked)
        _wait_done(page, k)
        print(f"{family}: traceback shown {seen - clicked:.3f} s after the click, "
              f"call left {stopped - clicked:.3f} s after it")

    _run(page, len(CALLS) + 1)
    _wait_text(page, len(CALLS) + 1, r"^\s*2\s*$", 30)
    return latencies
