"""The handout page in a real headless Chromium: screenshot, emergency section on the first screen.

Uses Debian's chromium + chromedriver through Selenium, like tests/test_web_browser.py; skips
with a reason when they are absent. Screenshots go to test-artifacts/handout/ (gitignored).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from handout_fixtures import build

from medcite.handout_render import to_html

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "handout"
WIDTH, HEIGHT = 1280, 800  # a typical laptop window


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() or not Path(DRIVER).exists():
        pytest.skip("Chromium/chromedriver are not installed (scripts/test installs them "
                    "from Debian's packages when it runs as root)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={WIDTH},{HEIGHT}", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def _first_screen(driver) -> tuple[dict, int]:
    rect = driver.execute_script(
        "const r = document.getElementById('emergency').getBoundingClientRect();"
        "return {top: r.top, bottom: r.bottom, height: r.height};")
    return rect, driver.execute_script("return window.innerHeight;")


@pytest.mark.parametrize("audience", ["patient", "caregiver"])
def test_emergency_section_is_on_the_first_screen(tmp_path, browser, audience):
    app = build(tmp_path)
    try:
        page = tmp_path / f"handout-{audience}.html"
        page.write_text(to_html(app.handout("gout", audience=audience)), encoding="utf-8")
    finally:
        app.close()
    browser.set_window_size(WIDTH, HEIGHT)
    browser.get(page.as_uri())
    shot = ARTIFACTS / f"gout-{audience}-{WIDTH}x{HEIGHT}.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 5000
    rect, viewport = _first_screen(browser)
    assert rect["height"] > 40 and rect["top"] >= 0 and rect["bottom"] <= viewport, rect
    title = browser.execute_script(
        "return document.querySelector('#emergency h2').textContent;")
    assert title.startswith("Seek care immediately or call 911")
    # Readable at 100% zoom: body text of at least 16 px, and the page is not wider than the window.
    size = browser.execute_script(
        "return parseFloat(getComputedStyle(document.querySelector('li')).fontSize);")
    width = browser.execute_script("return document.documentElement.scrollWidth;")
    assert size >= 16 and width <= WIDTH
