"""The final demo report opened as a reviewer would: in headless Chromium, offline, at 1400 px
and 400 px and as printed: every table whole, and no accessibility violation that axe-core
(WCAG 2.2 AA) finds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: axe-core 4.14.1 (MPL-2.0), vendored: tests/data/axe.README.md
AXE = Path(__file__).parent / "data" / "axe.min.js"
#: The rule tags of WCAG 2.2 level AA (axe-core's names).
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
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


#: Every table (and the page itself) measured against the column it sits in: a table wider
#: than its container is cut off or scrolls; an element that scrolls on its own is a box a
#: keyboard cannot reach.
MEASURE = """() => {
  const out = {tables: [], scrollers: [], page: [document.documentElement.scrollWidth,
                                                 document.documentElement.clientWidth]};
  document.querySelectorAll('table').forEach(t => {
    const box = t.parentElement.getBoundingClientRect();
    const own = t.getBoundingClientRect();
    const fig = t.closest('figure');
    const name = fig ? fig.id : (t.closest('section') || {}).className;
    if (own.width > box.width + 1 || own.right > document.documentElement.clientWidth + 1)
      out.tables.push([name, Math.round(own.width), Math.round(box.width)]);
  });
  // the sidebar of contents may scroll: it is a list of links, each reachable by keyboard
  document.querySelectorAll('.pku-main *:not(nav.pku-toc)').forEach(e => {
    const s = getComputedStyle(e);
    if (['auto', 'scroll'].includes(s.overflowX) && e.scrollWidth > e.clientWidth + 1
        || ['auto', 'scroll'].includes(s.overflowY) && e.scrollHeight > e.clientHeight + 1)
      out.scrollers.push(e.className || e.tagName);
  });
  return out;
}"""


def open_report(browser, path, width, height=900, media="screen"):
    ctx = browser.new_context(viewport={"width": width, "height": height}, offline=True)
    page = ctx.new_page()
    page.emulate_media(media=media)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return ctx, page


@pytest.mark.parametrize("width", [1400, 400])
def test_every_table_is_whole(browser, built, width):
    ctx, page = open_report(browser, built / "final" / "report.html", width)
    found = page.evaluate(MEASURE)
    n_tables = page.evaluate("() => document.querySelectorAll('figure.pku-table').length")
    assert n_tables >= 30
    assert found["tables"] == [], f"tables wider than their column at {width} px"
    assert found["scrollers"] == [], "inner scroll boxes"
    scroll_width, client_width = found["page"]
    assert scroll_width <= client_width, "the page scrolls sideways"
    # narrow: every row a card of "header: value" lines
    display = page.evaluate("""() => {
        const td = document.querySelector('figure.pku-table tbody td');
        return [getComputedStyle(td).display, td.dataset.label,
                getComputedStyle(td, '::before').content];
    }""")
    if width < 640:
        assert display[0] == "grid" and display[1] and display[1] in display[2]
    else:
        assert display[0] == "table-cell"
    ctx.close()


def test_printing_keeps_every_column(browser, built):
    # A4 less the page margins (178 mm at 96 px per inch)
    ctx, page = open_report(browser, built / "final" / "report.html", 673, media="print")
    found = page.evaluate(MEASURE)
    assert found["tables"] == [], "a printed table loses columns"
    assert page.evaluate("() => getComputedStyle(document.querySelector("
                         "'figure.pku-table tbody td')).display") == "table-cell"
    ctx.close()


@pytest.mark.parametrize("width", [1400, 400])
def test_axe_finds_no_violation(browser, built, width):
    ctx, page = open_report(browser, built / "final" / "report.html", width)
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                           resultTypes: ['violations']});
        return r.violations.map(v => [v.id, v.impact, v.nodes.length,
                                      v.nodes.slice(0, 3).map(n => n.target.join(' '))]);
    }""", WCAG_AA)
    assert violations == []
    ctx.close()


def test_the_summary_opens_the_report(browser, built):
    ctx, page = open_report(browser, built / "final" / "report.html", 1400)
    order = page.evaluate("""() => {
        const all = [...document.querySelectorAll(
            'header.pku-titlepage, section.pku-front, h2.pku-chapter, .pku-warning')];
        return all.map(e => e.id || e.className);
    }""")
    # title page, summary, chapter 1 and only then its data-quality warning
    assert order[:5] == ["pku-titlepage", "pku-front", "pku-summary", "kap-1", "pku-warning"]
    assert page.evaluate("() => document.querySelectorAll('[role=alert]').length") == 0
    findings = page.evaluate("() => document.querySelectorAll('.pku-findings li').length")
    assert findings >= 5
    ctx.close()


@pytest.mark.parametrize("width", [1400, 400])
def test_the_codebook_page_is_whole_and_accessible(browser, tmp_path, width):
    """The page `pku-eval codebook` writes: the report's layout (every table whole, cards on a
    narrow screen) and no axe-core violation."""
    from pku_eval import cli

    assert cli.main(["codebook", "--language", "nb", "--out", str(tmp_path)]) == 0
    ctx, page = open_report(browser, tmp_path / "codebook-nb.html", width)
    found = page.evaluate(MEASURE)
    assert found["tables"] == [] and found["scrollers"] == []
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("""async (tags) => {
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                           resultTypes: ['violations']});
        return r.violations.map(v => [v.id, v.impact, v.nodes.length,
                                      v.nodes.slice(0, 3).map(n => n.target.join(' '))]);
    }""", WCAG_AA)
    assert violations == []
    ctx.close()


#: The sticky header as the reader sees it: each of its parts that is displayed, with its box,
#: whether its text is cut (…), and the status and report version the title page gives.
HEADER = """() => {
  const head = document.querySelector('.pku-runhead');
  const box = e => { const r = e.getBoundingClientRect();
                     return [r.left, r.top, r.right, r.bottom, r.width, r.height]; };
  return {
    status: document.querySelector('dd.pku-status').textContent.trim(),
    version: document.querySelector('.pku-report-version').textContent.trim(),
    viewport: [document.documentElement.clientWidth, window.innerHeight],
    head: box(head),
    parts: [...head.children].filter(e => e.getClientRects().length > 0
                                          && getComputedStyle(e).visibility === 'visible')
      .map(e => ({text: e.textContent.trim(), box: box(e),
                  cut: e.scrollWidth > e.clientWidth + 1})),
  };
}"""


@pytest.mark.parametrize("width", [1400, 400, 320])
def test_the_header_shows_status_and_version_at_every_width(browser, built, width):
    """#15: the sticky header carries the report's status (Utkast/Endelig) and version on a
    narrow screen too, whole and inside the screen, once, and stays one short line (no taller
    than the 2.8rem a heading reached by a link keeps free above it), at the top and after
    scrolling."""
    ctx, page = open_report(browser, built / "final" / "report.html", width, height=800)
    for scroll in (0, 0.5):
        page.evaluate("(f) => window.scrollTo(0, document.body.scrollHeight * f)", scroll)
        found = page.evaluate(HEADER)
        vw, vh = found["viewport"]
        assert found["version"] == "1.0"  # params/final.yml
        for word in (found["status"], f"{found['version']}"):
            showing = [p for p in found["parts"] if word in p["text"]]
            assert len(showing) == 1, (width, scroll, word, found["parts"])
            part = showing[0]
            left, top, right, bottom, w, h = part["box"]
            assert w > 0 and h > 0, (width, word, part)
            assert left >= 0 and top >= 0 and right <= vw + 0.5 and bottom <= vh, (width, part)
            assert not part["cut"], (width, word, part)
        left, top, right, bottom, w, h = found["head"]
        assert top == 0 and 0 < h <= 2.8 * 16, (width, scroll, found["head"])
    ctx.close()
