"""Debian's headless chromium under selenium, shared by the browser tests.

`browser` (in conftest.py) is one driver per test module; `load` and `wait_for`
are the bounded waits every browser test uses instead of sleeps.
"""

from __future__ import annotations

import shutil
import time

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def new_driver() -> webdriver.Chrome:
    """A headless chromium; fails the test (no skip) if it is not installed."""
    chromium = shutil.which("chromium")
    chromedriver = shutil.which("chromedriver")
    if chromium is None or chromedriver is None:
        pytest.fail(
            "the browser test needs Debian's chromium and chromium-driver "
            "(`make setup` installs them)",
            pytrace=False,
        )
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(chromedriver))
    driver.set_page_load_timeout(30)
    return driver


def load(driver: webdriver.Chrome, url: str) -> None:
    driver.get(url)
    deadline = time.monotonic() + 20
    while driver.execute_script("return document.readyState") != "complete":
        assert time.monotonic() < deadline, f"{url} did not finish loading"
        time.sleep(0.05)


def wait_for(driver: webdriver.Chrome, script: str, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not driver.execute_script(script):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)
