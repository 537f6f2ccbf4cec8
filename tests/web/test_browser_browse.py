"""Browsing and search in real Chromium (issue 13, item 1): filter the tracks table, follow a facet, download the
CSV and use the search box, on SQLite and PostgreSQL. The browser, server and helpers are test_browser.py's."""

from __future__ import annotations

import csv
import io

from test_browser import WAIT_S, Page, browser, served, ui  # noqa: F401 - the fixtures, shared


def _submit_with_enter(page: Page, css: str, text: str) -> None:
    """Type into a box and press Enter, then wait until the new page has replaced this one."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    page.fill(css, text)
    page.driver.execute_script("window.songclearLeaving = true")
    page.find(css).send_keys(Keys.ENTER)
    replaced = "return window.songclearLeaving !== true && document.readyState === 'complete'"
    WebDriverWait(page.driver, WAIT_S, ignored_exceptions=(WebDriverException,)).until(
        lambda driver: driver.execute_script(replaced)
    )


def test_filter_a_table_follow_a_facet_download_the_csv_and_search(ui):  # noqa: F811 - the fixture
    from selenium.webdriver.support.ui import Select

    ui.login("admin")
    ui.click("#nav-tracks")
    assert ui.text("h1").startswith("Library tracks")

    # Filter: Kuwo's library, decided on 2015-11-15.
    Select(ui.find("#filter-platform")).select_by_value("kuwo")
    ui.set_value("#filter-at", "2015-11-15")
    ui.click("#filter")
    assert "platform=kuwo" in ui.driver.current_url and ui.text("#total") == "8"

    # Follow a facet: the uncleared ones (every track of the filter is then decided, and counted per status).
    ui.click('[data-facet="status"] a[data-value="uncleared"]')
    assert "status=uncleared" in ui.driver.current_url and ui.text("#total") == "4"
    counts = {
        li.find_element("css selector", "a").get_attribute("data-value"): li.text.split()[-1]
        for li in ui.find('[data-facet="status"]').find_elements("css selector", "li")
    }
    assert counts["conflict"] == "3" and counts["cleared"] == "1"
    shown = [a.text for a in ui.find("#tracks").find_elements("css selector", "tbody tr td:first-child a")]
    assert shown == ["kuwo/kw-003", "kuwo/kw-005", "kuwo/kw-006", "kuwo/kw-007"]

    # Download the CSV: the same tracks, every one, with its decision.
    href = ui.find("#csv").get_attribute("href")
    text = ui.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0], {credentials: 'same-origin'}).then(r => r.text()).then(done);",
        href,
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["track"] for r in rows] == shown and {r["status"] for r in rows} == {"uncleared"}

    # The search box: a traditional-script title finds the simplified ones, and a hit opens the track.
    _submit_with_enter(ui, "#search-box", "月光碼頭")
    hits = ui.text("#hits-tracks")
    assert "kuwo/kw-008" in hits and "qq/qq-001" in hits and "W-MOON" in ui.text("#hits-works")
    ui.click_link("kuwo/kw-008")
    assert ui.text("h1").startswith("月光碼頭")
