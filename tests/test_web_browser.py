"""The web app in a real headless Chromium (Debian's chromium + chromedriver, driven by Selenium).

One journey through the product, with a screenshot of each step in test-artifacts/web/:
ask as a patient -> hovercard with the quoted passage -> editor saves and submits ->
reviewer starts review, approves and publishes -> the public page shows the reviewed banner.
A hostile HTML source (scripts, event handlers, javascript: links) is shown and nothing runs.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from conftest import loopback_server

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
DRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "web"

NOTES = {
    "magnesium-limits.md": """---
title: Magnesium supplements and the upper limit
id: test:mg-limit
evidence_type: patient_education
publisher: Test clinic
year: 2024
---
# Magnesium supplements and the upper limit

## How much is too much
For adults, the upper limit for magnesium from supplements is 350 mg a day. Taking more than
this from pills can cause diarrhoea, nausea and stomach cramps. Magnesium from food does not count
towards this limit, because the kidneys remove the extra.

## Blood levels
A blood magnesium level below 1.8 mg/dL is low and can cause muscle twitching and cramps. Very
high levels, above 7 mg/dL, can cause weakness and are dangerous.
""",
    "leg-cramps.md": """---
title: Night leg cramps
id: test:cramps
evidence_type: patient_education
publisher: Test clinic
year: 2023
---
# Night leg cramps

## Self-care
Stretching the calf before bed may ease night cramps. Drink enough water during the day.
""",
}

HOSTILE = """<!doctype html><html><head><title>Hostile page about cramps</title>
<script>window.__pwned = 1; document.title = "PWNED";</script></head>
<body onload="window.__pwned = 2">
<h1>Hostile page about cramps</h1>
<p onclick="window.__pwned = 3">Leg cramps <img src=x onerror="window.__pwned = 4"> are common at night.</p>
<p>Read <a href="javascript:window.__pwned=5">more here</a> about cramps and stretching.</p>
<script>window.__pwned = 6</script>
</body></html>"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if not Path(CHROMIUM).exists() or not Path(DRIVER).exists():
        pytest.skip("Chromium/chromedriver are not installed (scripts/test installs them "
                    "from Debian's packages when it runs as root)")
    from medcite import Medcite

    home = tmp_path_factory.mktemp("web")
    for name, text in NOTES.items():
        (home / name).write_text(text)
    (home / "hostile.html").write_text(HOSTILE)
    app = Medcite.open(home / "library")
    report = app.ingest([home / n for n in NOTES] + [home / "hostile.html"])
    assert not report.errors, report.errors
    for name, role, full, cred in [("edna", "editor", "Edna Editor", ""),
                                   ("rita", "reviewer", "Rita Reviewer", "MD, MPH")]:
        app.accounts.add_user(name, "long enough pw", role, full, cred)
    with loopback_server(app) as base:
        yield base, app
    app.close()


@pytest.fixture(scope="module")
def browser(site):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1200,900",
                 "--disable-dev-shm-usage"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.implicitly_wait(10)  # elements of a page still loading on a busy 2-core machine
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def _shot(driver, name: str) -> None:
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 5000


def _click(driver, css: str) -> None:
    """Click and wait until the next page has loaded.

    The old page is marked with a script variable; the new document does not carry it. (A
    staleness check on the old <html> can fail in chromedriver mid-navigation with "Node with
    given id does not belong to the document".)
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    driver.execute_script("window.__medciteOldPage = true;")
    driver.find_element(By.CSS_SELECTOR, css).click()
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if driver.execute_script(
                    "return !window.__medciteOldPage && document.readyState === 'complete';"):
                return
        except WebDriverException:
            pass  # the page is between documents
        time.sleep(0.05)
    raise AssertionError(f"no new page after clicking {css}")


def _link_to(driver, text: str) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.LINK_TEXT, text).get_attribute("pathname")


def _sign_in(driver, base: str, username: str) -> None:
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()  # signs out the previous user
    driver.get(f"{base}/login")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys("long enough pw")
    _click(driver, "[data-testid=sign-in]")


def test_journey_from_question_to_published_article(site, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    base, app = site
    question = "How much magnesium from supplements is too much?"
    # 1. A patient asks.
    browser.get(base + "/")
    browser.find_element(By.ID, "q").send_keys(question)
    browser.find_element(By.CSS_SELECTOR, "input[name=audience][value=patient]").click()
    _click(browser, "[data-testid=ask]")
    answer = browser.find_element(By.CSS_SELECTOR, "[data-testid=answer]")
    assert "350 mg" in answer.text
    banner = browser.find_element(By.CSS_SELECTOR, "[data-testid=review-banner]").text
    assert "pending human review" in banner
    _shot(browser, "1-patient-answer")
    # 2. Hovering a citation opens its card with the quoted passage and evidence type.
    marker = browser.find_element(By.CSS_SELECTOR, "button.cite")
    ActionChains(browser).move_to_element(marker).perform()
    card = browser.find_element(By.ID, marker.get_attribute("data-card"))
    deadline = time.time() + 20
    while not card.is_displayed() and time.time() < deadline:
        time.sleep(0.05)
    assert card.is_displayed()
    assert "Patient education" in card.text and "mg" in card.text
    _shot(browser, "2-hovercard")
    # 3. An editor saves the answer as an article and submits it.
    _sign_in(browser, base, "edna")
    browser.get(f"{base}/ask?q={question.replace(' ', '+')}&audience=patient")
    _click(browser, "[data-testid=save-article]")
    assert "draft" in browser.find_element(By.CSS_SELECTOR, "[data-testid=article-state]").text
    article_url = browser.current_url
    _click(browser, "[data-testid=action-submit]")
    assert "submitted" in browser.find_element(By.CSS_SELECTOR,
                                               "[data-testid=article-state]").text
    _shot(browser, "3-editor-submitted")
    # 4. A reviewer starts the review, approves and publishes.
    _sign_in(browser, base, "rita")
    browser.get(base + "/review")
    _click(browser, f"a[href='{_link_to(browser, question)}']")
    for action in ("start_review", "approve", "publish"):
        _click(browser, f"[data-testid=action-{action}]")
    state = browser.find_element(By.CSS_SELECTOR, "[data-testid=article-state]").text
    assert "published" in state
    _shot(browser, "4-reviewer-published")
    # 5. The public sees the reviewed banner, on the article and for the same question.
    browser.delete_all_cookies()
    browser.get(article_url)
    banner = browser.find_element(By.CSS_SELECTOR, "[data-testid=review-banner]").text
    assert banner.startswith("Reviewed by Rita Reviewer, MD, MPH on ")
    assert "pending human review" not in browser.find_element(By.TAG_NAME, "main").text
    _shot(browser, "5-public-reviewed")
    browser.get(f"{base}/ask?q={question.replace(' ', '+')}&audience=patient")
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=review-banner]").text.startswith(
        "Reviewed by Rita Reviewer")


def test_hostile_html_source_runs_nothing(site, browser):
    from selenium.webdriver.common.by import By

    base, app = site
    hostile = next(s for s in app.sources() if s.title.startswith("Hostile"))
    browser.delete_all_cookies()
    browser.get(f"{base}/library/{hostile.id}")
    body = browser.find_element(By.TAG_NAME, "main").text
    assert "Leg cramps" in body and "more here" in body
    assert browser.execute_script("return window.__pwned") is None
    assert browser.title != "PWNED"
    hrefs = [a.get_attribute("href") or "" for a in browser.find_elements(By.TAG_NAME, "a")]
    assert not [h for h in hrefs if h.lower().startswith("javascript:")]
    # Also when the hostile source is cited in an answer with hovercards.
    browser.get(f"{base}/ask?q=what+helps+leg+cramps+at+night&audience=patient")
    for marker in browser.find_elements(By.CSS_SELECTOR, "button.cite"):
        marker.click()
    assert browser.execute_script("return window.__pwned") is None
    _shot(browser, "6-hostile-source")
