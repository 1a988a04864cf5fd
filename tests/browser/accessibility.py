"""Checks every page must pass in the test browser: axe-core (WCAG 2.1 AA and its best
practices) and no sideways scrolling on a 390 px phone.

axe-core comes from npm into `.cache/axe` (`scripts/test` installs it) and is injected
into the test browser only; users are never served it. Outside CI a missing copy skips
the test with the command that installs it; in CI it fails.
"""

from playwright.sync_api import Page

from server.settings import PROJECT_ROOT

from ..services import missing

AXE = PROJECT_ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}


def axe_violations(page: Page) -> list[tuple[str, str, list[str]]]:
    """(rule, impact, the first few offending elements) for every rule the page breaks."""
    if not AXE.exists():
        missing(
            f"axe-core is not installed at {AXE}",
            "axe-core is missing: run scripts/test once (it runs "
            "'npm install --prefix .cache/axe axe-core@4.14.1')",
        )
    if not page.evaluate("() => Boolean(window.axe)"):
        # Evaluated, not added as a <script>: the pages' content policy refuses inline
        # scripts, and rightly; the test browser's own evaluation is not a page script.
        page.evaluate(AXE.read_text())
    found = page.evaluate(
        """async () => (await axe.run(document)).violations.map(v => [
            v.id, v.impact, v.nodes.slice(0, 3).map(n => n.target.join(' '))])"""
    )
    return [tuple(v) for v in found]


def assert_accessible(page: Page, where: str) -> None:
    """No axe-core violation on the page as it is now (`where` names the page and state)."""
    violations = axe_violations(page)
    assert violations == [], f"{where}: {violations}"


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def assert_fits(page: Page, where: str, width: int = PHONE["width"]) -> None:
    """Nothing makes the page scroll sideways at `width` CSS pixels (a 390 px phone, or
    a 780 px window at 200 % zoom); names the widest elements when something does."""
    if page_width(page) <= width:
        return
    widest = page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 0.5)
            .map(e => [e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                + (e.className && typeof e.className === 'string'
                   ? '.' + e.className.trim().split(/\\s+/).join('.') : ''),
                Math.round(e.getBoundingClientRect().right)])
            .slice(0, 8)""",
        width,
    )
    assert page_width(page) <= width, f"{where}: {page_width(page)} px wide at {width}: {widest}"


def check(page: Page, where: str) -> None:
    """axe-core as the page is now, and no sideways scrolling on a phone or in a 1280 px
    window at 200 % zoom (640 CSS pixels)."""
    assert_accessible(page, where)
    size = page.viewport_size
    for width in (PHONE["width"], 640):
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        assert_fits(page, where, width)
    page.set_viewport_size(size)
