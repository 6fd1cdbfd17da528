"""The browser every test in tests/site drives (see chromium.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chromium import new_driver
from selenium import webdriver


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    driver = new_driver()
    yield driver
    driver.quit()
