"""The built site, loaded page by page in a real browser (Debian's headless chromium).

Run after the book is built (`make test` does both). Both editions are covered: the
English one at the site's root and the Chinese one under zh/. Fails on a JavaScript
console error, a broken internal link or anchor, a diagram that did not render, a
language switch that does not lead to the same page in the other edition, a search
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


ASSETS = ("_static/", "_sources/", "_images/")


def site_pages() -> list[str]:
    pages = []
    for path in sorted(SITE.rglob("*.html")):
        relative = path.relative_to(SITE).as_posix()
        if not relative.removeprefix("zh/").startswith(ASSETS):
            pages.append(relative)
    return pages


def counterpart(page: str) -> str:
    """The same page in the other edition."""
    return page.removeprefix("zh/") if page.startswith("zh/") else f"zh/{page}"


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
    assert "zh/index.html" in pages and "zh/notebooks/00-the-lab.html" in pages
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


def test_every_page_switches_to_the_same_page_in_the_other_edition(
    server: str, browser: webdriver.Chrome
) -> None:
    pages = [p for p in site_pages() if p not in ("index.html", "zh/index.html")]  # redirects
    assert sum(p.startswith("zh/") for p in pages) * 2 == len(pages), "editions differ in pages"
    problems = []
    for page in pages:
        load(browser, f"{server}/{page}")
        switch = browser.execute_script(
            "const a = document.querySelector('a.swarmnotes-language');"
            "return a && [a.href, a.hreflang, a.offsetParent !== null];"
        )
        if not switch:
            problems.append(f"{page}: no language switch")
            continue
        href, lang, visible = switch
        want = f"{server}/{counterpart(page)}"
        if href != want or not visible:
            problems.append(f"{page}: switch leads to {href} (visible: {visible}), want {want}")
        if lang != ("en" if page.startswith("zh/") else "zh-Hans"):
            problems.append(f"{page}: switch says hreflang={lang}")
        page_lang = browser.execute_script("return document.documentElement.lang")
        if page_lang != ("zh-CN" if page.startswith("zh/") else "en"):
            problems.append(f"{page}: <html lang={page_lang}>")
    assert not problems, "\n".join(problems)
    # And a reader's click: from a Chinese chapter to the English one and back.
    load(browser, f"{server}/zh/notebooks/03-pipelines.html")
    browser.find_element("css selector", "a.swarmnotes-language").click()
    wait_for(
        browser,
        f"return location.href === '{server}/notebooks/03-pipelines.html'",
        "the English chapter after the switch",
    )
    browser.find_element("css selector", "a.swarmnotes-language").click()
    wait_for(
        browser,
        f"return location.href === '{server}/zh/notebooks/03-pipelines.html'",
        "the Chinese chapter after switching back",
    )


def test_the_chinese_edition_is_chinese_and_searchable(
    server: str, browser: webdriver.Chrome
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    load(browser, f"{server}/zh/notebooks/05-swarmd-node.html")
    text = browser.execute_script("return document.querySelector('article').innerText")
    chinese = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    assert chinese > 1000, f"the Chinese chapter has {chinese} Chinese characters"
    browser.save_screenshot(str(SHOTS / "zh-swarmd-node.png"))
    # A Chinese word (segmented by jieba at build time) and an English one both find pages.
    for query in ("调度器", "goroutine"):
        load(browser, f"{server}/zh/search.html?q={query}")
        wait_for(
            browser,
            "return document.querySelectorAll('#search-results li').length > 0",
            f"Chinese search results for {query!r}",
        )
        links = browser.execute_script(
            "return [...document.querySelectorAll('#search-results li a')].map(a => a.href)"
        )
        assert all(link.startswith(f"{server}/zh/") for link in links), links


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
