"""The built site in a real browser: diagrams render and are readable, search works, no link
is broken, nothing is fetched from another host.

The site is served from a local HTTP server to headless Chromium driven by Selenium; every
host but the local one is unresolvable, so a diagram that renders renders offline. Without
Selenium, Chromium or chromedriver the browser tests are skipped (the link crawl still runs).
Screenshots of the workflow diagrams are written to ``site/screenshots/``.
"""

from __future__ import annotations

import base64
import functools
import http.server
import shutil
import threading
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.request import urlopen

import pytest

from ts26927.flows import FLOWS

ROOT = Path(__file__).parent.parent.parent
SCREENSHOTS = ROOT / "site" / "screenshots"
WIDTH, HEIGHT = 1280, 900
MIN_TEXT_PX = 10.0
RENDER_TIMEOUT_S = 20.0

# mkdocs-material renders each diagram into a *closed* shadow root; opening it before any
# page script runs lets the test read the SVG. Nothing else about the page changes.
_OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attach.call(this, Object.assign({}, init, { mode: "open" }));
};
"""

# The diagrams on the page: rendered SVGs, diagrams left as text, Mermaid error messages,
# and the rendered height of every piece of text in the SVGs.
_DIAGRAMS = """
const hosts = [...document.querySelectorAll("div.mermaid")];
const svgs = hosts.map((h) => h.shadowRoot && h.shadowRoot.querySelector("svg")).filter(Boolean);
const heights = [];
for (const svg of svgs) {
  for (const t of svg.querySelectorAll("text, tspan")) {
    if (t.querySelector("tspan") || !t.textContent.trim()) continue;
    heights.push(t.getBoundingClientRect().height);
  }
}
const errors = svgs.filter((s) => /syntax error|parse error/i.test(s.textContent)).length
  + [...document.querySelectorAll("[id^=d__mermaid]")].length;
return {
  rendered: svgs.length,
  unrendered: document.querySelectorAll("pre.mermaid").length,
  errors: errors,
  heights: heights,
};
"""


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the browser drops connections it no longer needs; nothing to report


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    chromium = next(
        (
            shutil.which(n)
            for n in ("chromium", "chromium-browser", "google-chrome")
            if shutil.which(n)
        ),
        None,
    )
    driver_path = shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        pytest.skip(
            "no Chromium and chromedriver on PATH: the browser checks of the site are skipped"
        )
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={WIDTH},{HEIGHT}",
        "--force-device-scale-factor=1",
        # Every host but this machine is unresolvable: the site must work offline.
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    # An explicit driver path: Selenium downloads nothing.
    service = webdriver.ChromeService(executable_path=driver_path)
    driver = webdriver.Chrome(options=options, service=service)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": _OPEN_SHADOW_ROOTS})
    yield driver
    driver.quit()


def _diagrams(browser: Any, expected: int) -> dict[str, Any]:
    deadline = time.monotonic() + RENDER_TIMEOUT_S
    while True:
        found: dict[str, Any] = browser.execute_script(_DIAGRAMS)
        done = found["rendered"] + found["errors"] >= expected and not found["unrendered"]
        if done or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def _external_requests(browser: Any, base_url: str) -> list[str]:
    names = browser.execute_script(
        "return performance.getEntriesByType('resource').map((e) => e.name);"
    )
    return [name for name in names if not name.startswith(base_url)]


@pytest.mark.parametrize("flow_id", list(FLOWS))
def test_workflow_diagrams_render_readably_offline(
    browser: Any, base_url: str, flow_id: str
) -> None:
    flow = FLOWS[flow_id]
    expected = len(flow.parts())
    browser.get(f"{base_url}reference/workflows/{flow_id}/")
    found = _diagrams(browser, expected)
    assert found["errors"] == 0, f"{flow_id}: Mermaid reported an error"
    assert found["unrendered"] == 0, f"{flow_id}: a diagram is still raw text"
    assert found["rendered"] == expected
    smallest = min(found["heights"])
    print(f"{flow_id}: {expected} diagram(s), smallest text {smallest:.1f} px")
    assert smallest >= MIN_TEXT_PX, f"{flow_id}: text {smallest:.1f} px tall"
    assert _external_requests(browser, base_url) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _screenshots(browser, flow_id)


def _screenshots(browser: Any, flow_id: str) -> None:
    """Each diagram whole, as the reader sees it (the sticky header hidden)."""
    browser.execute_script("document.querySelector('header').style.visibility = 'hidden'")
    boxes = browser.execute_script(
        "return [...document.querySelectorAll('div.mermaid')].map((h) => {"
        "const r = h.getBoundingClientRect();"
        "return [r.left + scrollX, r.top + scrollY, r.width, r.height]; });"
    )
    for number, (x, y, width, height) in enumerate(boxes, start=1):
        clip = {"x": x, "y": y, "width": width, "height": height, "scale": 1}
        shot = browser.execute_cdp_cmd(
            "Page.captureScreenshot", {"clip": clip, "captureBeyondViewport": True}
        )
        (SCREENSHOTS / f"{flow_id}-{number}.png").write_bytes(base64.b64decode(shot["data"]))


def test_search_finds_a_tr_metadata_type(browser: Any, base_url: str) -> None:
    browser.get(base_url)
    box = browser.find_element("css selector", "input.md-search__input")
    box.click()  # at this width the search box sits in the header
    box.send_keys("splitPointIdentifier")
    deadline = time.monotonic() + RENDER_TIMEOUT_S
    links: list[str] = []
    while not links and time.monotonic() < deadline:
        links = browser.execute_script(
            "return [...document.querySelectorAll('.md-search-result__item a')].map((a) => a.href);"
        )
        time.sleep(0.1)
    assert any("/reference/metadata/" in link for link in links), links


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name in ("href", "src") and value is not None:
                self.urls.append(value)


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urlopen(url, timeout=10) as reply:
            kind = reply.headers.get_content_type()
            return reply.status, reply.read().decode() if kind == "text/html" else ""
    except HTTPError as error:
        return error.code, ""


def test_no_internal_link_is_broken(base_url: str) -> None:
    """Crawl every page from the home page; every href/src within the site must answer,
    and every #fragment must name an element of its page."""
    pages: dict[str, _Links] = {}
    status: dict[str, int] = {}
    queue = [base_url]
    references: list[tuple[str, str]] = []
    while queue:
        url = queue.pop()
        if url in status:
            continue
        status[url], html = _fetch(url)
        if not html:
            continue
        parser = _Links()
        parser.feed(html)
        pages[url] = parser
        for raw in parser.urls:
            target = urljoin(url, raw)
            if urlsplit(target).netloc != urlsplit(base_url).netloc:
                continue
            references.append((url, target))
            queue.append(urldefrag(target).url)
    assert len(pages) > 20
    broken = [
        f"{page} -> {target}" for page, target in references if status[urldefrag(target).url] != 200
    ]
    missing = [
        f"{page} -> {target}"
        for page, target in references
        if (fragment := urldefrag(target).fragment)
        and (found := pages.get(urldefrag(target).url)) is not None
        and fragment not in found.ids
    ]
    assert not broken, broken
    assert not missing, missing
