"""The built site loads nothing from another host: it reads the same offline (no browser)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

# Elements that make the browser fetch something as the page loads (links to other sites
# in the text, <a href>, are fine).
_LOADED = {("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")}
_LINK_RELS_LOADED = {"stylesheet", "preload", "modulepreload", "icon", "manifest", "preconnect"}


class _Loads(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and not _LINK_RELS_LOADED & set(values.get("rel", "").split()):
            return
        self.urls += [values[name] for t, name in _LOADED if t == tag and name in values]


def _loaded_urls(page: Path) -> list[str]:
    parser = _Loads()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.urls


def test_no_page_loads_a_script_or_style_from_another_host(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 10
    external = {
        f"{page.relative_to(built_site)}: {url}"
        for page in pages
        for url in _loaded_urls(page)
        if urlsplit(url).scheme or url.startswith("//")
    }
    assert not external, sorted(external)


def test_mermaid_is_served_by_the_site(built_site: Path) -> None:
    page = built_site / "reference" / "workflows" / "split-inference" / "index.html"
    scripts = [url for url in _loaded_urls(page) if url.endswith("mermaid.min.js")]
    assert scripts == ["../../../assets/javascripts/mermaid/mermaid.min.js"]
    assert (built_site / "assets" / "javascripts" / "mermaid" / "mermaid.min.js").stat().st_size
    assert (built_site / "assets" / "javascripts" / "mermaid" / "LICENSE").is_file()


def test_every_page_is_in_the_navigation() -> None:
    """A page left out of ``nav`` is built but unreachable from the menus."""
    root = Path(__file__).parent.parent.parent
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(p.relative_to(root / "docs").as_posix() for p in (root / "docs").rglob("*.md"))
    assert [page for page in pages if f" {page}\n" not in config] == []
