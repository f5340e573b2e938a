"""The final demo report opened as a reviewer would: in headless Chromium, offline."""

from __future__ import annotations

import os
import shutil

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (.ci/run installs Debian's chromium)")
        pytest.skip("Chromium not installed (apt-get install chromium) — the browser test "
                    "runs in CI")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.mark.parametrize("width, height", [(1400, 900), (420, 860)], ids=["wide", "narrow"])
def test_report_in_a_browser(browser, built, tmp_path, width, height):
    report = built / "final" / "report.html"
    ctx = browser.new_context(viewport={"width": width, "height": height}, offline=True)
    page = ctx.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    # the only request is the file itself: no network, no other file
    assert [u for u in requests if u != report.as_uri()] == []
    assert errors == []
    # every table-of-contents link lands on an existing element
    links = page.evaluate("""() => [...document.querySelectorAll('nav.pku-toc a')]
        .map(a => [a.getAttribute('href'), !!document.getElementById(
            decodeURIComponent(a.getAttribute('href').slice(1)))])""")
    assert len(links) >= 6
    assert all(ok for _, ok in links), [h for h, ok in links if not ok]
    # the sidebar follows the reader on wide screens, sits on top when narrow
    position = page.evaluate(
        "() => getComputedStyle(document.querySelector('nav.pku-toc')).position")
    assert position == ("fixed" if width >= 1024 else "static")
    shot = tmp_path / f"first-screen-{width}.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    ctx.close()


def test_report_size(built):
    assert (built / "final" / "report.html").stat().st_size < 10 * 1024 * 1024
