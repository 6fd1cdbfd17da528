"""The built site, loaded page by page in a real browser (Debian's headless chromium).

Run after the book is built (`make test` does both). Fails on a JavaScript console
error, a broken internal link or anchor, a diagram that did not render, a search
that finds nothing; saves screenshots to _build/screenshots/ for a person to look at.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest
from chromium import load, wait_for
from selenium import webdriver

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    if not (SITE / "index.html").is_file():
        pytest.fail(
            f"no built site at {SITE}: build it first (`make book` or `make test`)", pytrace=False
        )
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, name="site-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)


def site_pages() -> list[str]:
    pages = []
    for path in sorted(SITE.rglob("*.html")):
        relative = path.relative_to(SITE).as_posix()
        if not relative.startswith(("_static/", "_sources/", "_images/")):
            pages.append(relative)
    return pages


@functools.cache
def anchors_of(path: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', path.read_text(errors="replace")))


def check_link(page: str, href: str, base: str) -> str | None:
    """None if ``href`` (an absolute URL on our server) resolves, else why not."""
    url, fragment = urldefrag(href)
    target_path = unquote(urlparse(url).path)
    target = SITE / target_path.lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return f"{page}: link to missing {target_path}"
    if fragment and target.suffix == ".html" and unquote(fragment) not in anchors_of(target):
        return f"{page}: link to missing anchor {target_path}#{fragment}"
    return None


def test_every_page_loads_without_errors_or_broken_links(
    server: str, browser: webdriver.Chrome
) -> None:
    pages = site_pages()
    assert "index.html" in pages and "notebooks/00-the-lab.html" in pages
    problems = []
    for page in pages:
        load(browser, f"{server}/{page}")
        if browser.execute_script("return document.querySelectorAll('pre.mermaid').length"):
            wait_for(
                browser,
                "return [...document.querySelectorAll('pre.mermaid')]"
                ".every(e => e.querySelector('svg'))",
                f"diagrams on {page}",
            )
        for entry in browser.get_log("browser"):
            if entry["level"] == "SEVERE":
                problems.append(f"{page}: console error: {entry['message']}")
        hrefs = browser.execute_script(
            "return [...document.querySelectorAll('a[href]')].map(a => a.href)"
        )
        for href in hrefs:
            if href.startswith(server):
                problem = check_link(page, href, server)
                if problem:
                    problems.append(problem)
    assert not problems, "\n".join(problems)


def test_screenshots_dark_mode_and_search(server: str, browser: webdriver.Chrome) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, page in (("intro", "book/intro.html"), ("the-lab", "notebooks/00-the-lab.html")):
        load(browser, f"{server}/{page}")
        browser.save_screenshot(str(SHOTS / f"{name}.png"))
        assert (SHOTS / f"{name}.png").stat().st_size > 10_000
    # Dark mode: the theme switches on <html data-theme>; the page must turn dark.
    browser.execute_script("document.documentElement.dataset.theme = 'dark'")
    background = browser.execute_script("return getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(v) for v in re.findall(r"\d+", background)[:3])
    assert red + green + blue < 150, background
    browser.save_screenshot(str(SHOTS / "the-lab-dark.png"))
    # Search: the index is built and finds a word every chapter uses.
    load(browser, f"{server}/search.html?q=engine")
    wait_for(
        browser,
        "return document.querySelectorAll('#search-results li').length > 0",
        "search results for 'engine'",
    )


def test_downloads_are_offered(server: str, browser: webdriver.Chrome) -> None:
    load(browser, f"{server}/notebooks/00-the-lab.html")
    links = browser.execute_script(
        "return [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"
    )
    assert any(href.endswith("00-the-lab.ipynb") for href in links)
    assert (SITE / "_sources" / "notebooks" / "00-the-lab.ipynb").is_file()


def test_the_site_root_serves_a_favicon(server: str) -> None:
    # Browsers ask for /favicon.ico on a page that names no icon, like the
    # index.html redirect; a 404 there is a console error on the front page.
    with urllib.request.urlopen(f"{server}/favicon.ico", timeout=10) as response:
        assert response.status == 200
        icon = response.read()
    assert icon[:4] == b"\x00\x00\x01\x00", "not an .ico file"
    assert icon[22:26] == b"\x89PNG", "the .ico does not hold the PNG the tool draws"
