"""The dashboard in real Chromium (Debian's chromium and chromium-driver, driven by Selenium; nothing downloaded),
served by uvicorn on loopback over the demo world, on SQLite and PostgreSQL.

Without chromium these tests are skipped on a workstation (with the reason) and fail in CI (``CI`` or
``SONGCLEAR_REQUIRE_PG`` set, as .ci/run does): a browser test must never silently vanish there.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
from webworld import PASSWORD, World

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1366,900",
)  # fmt: skip
WAIT_S = 15


def _require_browser() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    why = f"{' and '.join(missing)} not installed (apt-get install chromium chromium-driver; .ci/run does)"
    if os.environ.get("CI") or os.environ.get("SONGCLEAR_REQUIRE_PG"):
        pytest.fail(f"browser tests must run in CI: {why}")
    pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(web_world: World):
    """The app on a real uvicorn server in a background thread, on a free loopback port."""
    import uvicorn

    _require_browser()
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(web_world.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT_S
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(served, tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never fetch a browser or a driver
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


class Page:
    """A few verbs over the driver: open, click, fill, read, each waiting for the page to settle."""

    def __init__(self, driver, base: str) -> None:
        self.driver, self.base = driver, base

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def find(self, css: str):
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, WAIT_S).until(ec.presence_of_element_located(("css selector", css)))

    def text(self, css: str) -> str:
        return self.find(css).text

    def click(self, css: str, *, confirm: bool = False) -> None:
        """Click what loads a new page, and wait until it replaced this one (never read the old page)."""
        self._navigate(("css selector", css), confirm)

    def click_link(self, text: str) -> None:
        self._navigate(("link text", text), False)

    def _navigate(self, locator, confirm: bool) -> None:
        """Mark the current document, click, and wait until a new, fully loaded document has replaced it.

        The mark is a JavaScript global rather than a reference to an old element: polling an element of a page
        being torn down (selenium's ``staleness_of``) can make chromedriver answer with a transient inspector
        error ("Node with given id does not belong to the document") instead of "stale element", which failed
        CI once. While the navigation is in flight any driver error is transient, so the wait ignores them and
        only its timeout can fail the test.
        """
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.execute_script("window.songclearLeaving = true")
        WebDriverWait(self.driver, WAIT_S).until(ec.element_to_be_clickable(locator)).click()
        if confirm:
            WebDriverWait(self.driver, WAIT_S).until(ec.alert_is_present()).accept()
        replaced = "return window.songclearLeaving !== true && document.readyState === 'complete'"
        settle = WebDriverWait(self.driver, WAIT_S, ignored_exceptions=(WebDriverException,))
        settle.until(lambda driver: driver.execute_script(replaced))

    def dismiss_after_click(self, css: str) -> None:
        """Click a button that asks first, answer "Cancel", and check the page stayed (nothing was sent)."""
        from selenium.webdriver.support import expected_conditions as ec
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.execute_script("window.songclearStaying = true")
        WebDriverWait(self.driver, WAIT_S).until(ec.element_to_be_clickable(("css selector", css))).click()
        WebDriverWait(self.driver, WAIT_S).until(ec.alert_is_present()).dismiss()
        assert self.driver.execute_script("return window.songclearStaying === true")

    def fill(self, css: str, value: str) -> None:
        box = self.find(css)
        box.clear()
        box.send_keys(value)

    def set_value(self, css: str, value: str) -> None:
        """For a date input, whose typed format follows the browser's locale: set the value itself."""
        self.driver.execute_script("arguments[0].value = arguments[1]", self.find(css), value)

    def login(self, name: str) -> None:
        self.driver.delete_all_cookies()
        self.open("/ui/login")
        self.fill("#username", name)
        self.fill("#password", PASSWORD)
        self.click("#login")
        assert self.text("#whoami").startswith(name)


@pytest.fixture
def ui(browser, served) -> Page:
    return Page(browser, served)


def test_the_compliance_story_in_the_browser(ui, tmp_path):
    from selenium.webdriver.support.ui import Select

    # Log in.
    ui.login("admin")
    assert "Logged in as admin" in ui.text("#flash")

    # Run an audit at a day in the buffer: the notice tolerates what it will later remove.
    ui.click_link("酷我音乐")
    ui.set_value("#audit-at", "2015-08-15")
    ui.click("#run-audit")
    assert "at=2015-08-15" in ui.driver.current_url
    assert ui.text("h1").endswith("on 2015-08-15")
    assert int(ui.text('tr[data-status="buffer"] td.num')) > 0
    assert ui.find("#status-counts").find_element("css selector", "#total").text == "8"
    assert ui.find(".chart svg").get_attribute("role") == "img"

    # Open a track's chain: NetEase's 月光码头 is licensed through QQ Music's sublicence.
    ui.open("/ui/platforms/netease?at=2015-11-15")
    ui.click_link("netease/ne-001")
    chain = ui.find("#chains .chain")
    parties = [p.text for p in chain.find_elements("css selector", ".party")]
    grants = [g.text for g in chain.find_elements("css selector", ".grant-id")]
    assert parties == ["玉龙唱片", "QQ音乐", "网易云音乐"] and grants == ["G-JADE-QQ", "S-QQ-NETEASE"]
    assert ui.text(".status") == "cleared"

    # File a claim, with an evidence file, for Jade Dragon against NetEase's ne-003.
    evidence = tmp_path / "screenshot.txt"
    evidence.write_text("ne-003 streamed on 2016-01-30\n")
    ui.click_link("Claims")
    ui.click("#new-claim")
    ui.fill("#claim-id", "C-JADE-BROWSER-1")
    Select(ui.find("#claimant")).select_by_value("L-JADE")
    Select(ui.find("#claim-platform")).select_by_value("netease")
    Select(ui.find("#regime")).select_by_value("cn-ndr")
    ui.fill("#claim-recordings", "CN-J01-14-00005")
    ui.fill("#claim-items", "ne-003")
    ui.fill("#claim-contact", "legal@jade-dragon.example")
    ui.fill("#claim-address", "1 Jade Road, Beijing")
    ui.find("#claim-evidence").send_keys(str(evidence))
    ui.click("#file-claim")
    assert "Claim received" in ui.text("#flash")
    assert ui.text("#claim-title") == "C-JADE-BROWSER-1" and ui.text("#claim-complete") == "yes"
    assert len(ui.find("#evidence").find_elements("css selector", "a")) == 1

    # Apply a takedown: Kuwo's licences from Jade Dragon lapse after 2016-02-28.
    ui.open("/ui/platforms/kuwo/takedowns")
    ui.set_value("#plan-form input[name=at]", "2016-03-01")
    ui.click("#plan")
    assert "Planned: 3 actions" in ui.text("#flash")
    assert ui.text("#plan-state") == "planned"
    ui.click("#apply", confirm=True)
    assert "3 tracks taken down" in ui.text("#flash")
    in_force = ui.text("#in-force")
    assert all(f"kuwo/kw-00{n}" in in_force for n in (1, 2, 8))

    # Check the log: the hash chain verifies and names who did it.
    ui.click_link("Audit log")
    ui.click("#verify")
    assert ui.text("#verify-result").startswith("OK:")
    log = ui.text("#log")
    assert "dashboard:admin" in log and "takedown-plan-applied" in log and "claim-received" in log


def test_a_platform_user_cannot_open_another_platforms_track(ui):
    ui.login("qq")
    ui.open("/ui/platforms/netease/tracks/ne-001")
    assert ui.text("h1") == "Forbidden"
    assert "may not read platform 'netease'" in ui.text("#error")
    ui.open("/ui/platforms/qq/tracks/qq-001")
    assert ui.text("#chains h2").startswith("Grant chain")
    ui.open("/ui/log")
    assert ui.text("h1") == "Forbidden"


def test_answering_a_claim_takes_nothing_down_unless_chosen_and_confirmed(ui, tmp_path):
    """Issue 13, item 6: the answer form had its 'take down now' box ticked, so answering took tracks down."""
    from selenium.webdriver.support.ui import Select

    ui.login("admin")
    evidence = tmp_path / "stream.txt"
    evidence.write_text("qq-005 streamed on 2016-01-31\n")
    ui.open("/ui/claims/new")
    ui.fill("#claim-id", "C-HARBOUR-BROWSER-1")
    Select(ui.find("#claimant")).select_by_value("L-HARBOUR")
    Select(ui.find("#claim-platform")).select_by_value("qq")
    Select(ui.find("#regime")).select_by_value("cn-ndr")
    ui.fill("#claim-recordings", "HK-H01-12-00001")
    ui.fill("#claim-items", "qq-005")
    ui.fill("#claim-contact", "legal@harbour.example")
    ui.fill("#claim-address", "1 Harbour Road, Hong Kong")
    ui.find("#claim-evidence").send_keys(str(evidence))
    ui.click("#file-claim")
    assert ui.text("#claim-title") == "C-HARBOUR-BROWSER-1"

    # Answer: the verdict is recorded, nothing is taken down.
    ui.click("#answer")
    assert "nothing was taken down" in ui.text("#flash")
    assert "infringing" in ui.text("#answer-items")  # Harbour Lights' grant to QQ Music ended 2015-10-31
    assert "taken-down" not in ui.text("#steps")

    # Taking down is its own button, and asks first: dismissed, nothing happens.
    button = ui.find("#answer-take-down")
    assert "take down" in button.get_attribute("data-confirm")
    ui.dismiss_after_click("#answer-take-down")
    assert "taken-down" not in ui.text("#steps")

    # Confirmed: the item is taken down.
    ui.click("#answer-take-down", confirm=True)
    assert "taken down or blocked: qq/qq-005" in ui.text("#flash")
    assert "taken-down" in ui.text("#steps")


def test_the_log_page_is_readable(ui):
    """Issue 13, item 6: the time in one short column, the payload collapsed until opened, file names beside
    import hashes."""
    import re

    ui.login("admin")
    ui.open("/ui/log")
    rows = ui.find("#log").find_elements("css selector", "tbody tr")
    assert rows
    for row in rows[:20]:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row.find_element("css selector", "td.when").text)
    imports = [r for r in rows if r.find_elements("css selector", "span.file")]
    assert imports, "no import in the newest entries"
    first = imports[-1]  # the oldest import shown
    name = first.find_element("css selector", "span.file").text
    full = first.find_element("css selector", "code.hash").get_attribute("title")
    assert name.endswith((".csv", ".xml")) and re.fullmatch(r"[0-9a-f]{64}", full)
    payload = first.find_element("css selector", "td.payload details")
    pre = payload.find_element("css selector", "pre")
    assert (
        not pre.is_displayed() and "source: " + name in payload.find_element("css selector", "summary").text
    )
    payload.find_element("css selector", "summary").click()
    assert pre.is_displayed() and f'"source": "{name}"' in pre.text
