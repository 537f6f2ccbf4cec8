"""The rights holder's own view in real Chromium (issue 13, item 2; docs/dashboard.md): Jade Dragon opens "My
catalogue", sees its recordings on each platform with status, chain, since when and availability, and files a
claim against Kuwo by ticking an ISRC — the platform's track id is filled in. Another label is refused. The page
names a CJK font stack (item 5). Same skip/fail rule as test_browser.py: skipped without chromium on a
workstation, a failure in CI."""

from __future__ import annotations

import pytest
from test_browser import Page, browser, served  # noqa: F401 - the browser and server fixtures, shared


@pytest.fixture
def ui(browser, served) -> Page:  # noqa: F811 - the fixtures imported above
    return Page(browser, served)


def test_a_label_files_a_claim_from_its_own_view(ui, tmp_path):
    ui.login("jade")
    ui.click("#my-catalogue")
    assert ui.driver.current_url.endswith("/ui/holders/L-JADE")
    ui.set_value("#holder-at", "2015-11-15")
    ui.click("#holder-show")
    assert "at=2015-11-15" in ui.driver.current_url
    row = ui.find('#platform-kuwo tr[data-track="kuwo/kw-003"]')
    assert row.find_element("css selector", ".status").text == "uncleared"
    assert row.find_element("css selector", "td.since").text == "2015-11-01"
    assert (
        row.find_element("css selector", "td.availability").text == "taken down since 2015-11-01 10:00:00 CST"
    )
    chain = ui.find('#platform-netease tr[data-track="netease/ne-001"]').text
    assert "玉龙唱片 -> QQ音乐 -> 网易云音乐 (G-JADE-QQ > S-QQ-NETEASE)" in chain
    font = ui.driver.execute_script("return getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK SC" in font and "Microsoft YaHei" in font

    # The uncleared recording is ticked already: prepare the claim, the track id is filled in.
    ticked = ui.find('#claim-kuwo input[name="recordings"][value="CNJ011400005"]')
    assert ticked.is_selected()
    ui.click("#claim-kuwo button[type=submit]")
    assert ui.text("#claim-items").startswith("kw-003")
    evidence = tmp_path / "stream-log.txt"
    evidence.write_text("kw-003 streamed on 2016-01-30 21:10\n")
    ui.fill("#claim-contact", "legal@jade-dragon.example")
    ui.fill("#claim-address", "1 Jade Road, Beijing")
    ui.find("#claim-evidence").send_keys(str(evidence))
    ui.click("#file-holder-claim")
    assert "Claim received for kw-003 on kuwo" in ui.text("#flash")
    assert len(ui.find("#evidence").find_elements("css selector", "a")) == 1


def test_another_label_cannot_open_jade_dragons_view(ui):
    ui.login("silk")
    ui.open("/ui/holders/L-JADE")
    assert ui.text("h1") == "Forbidden" and "L-JADE" in ui.text("#error")
    ui.click("#my-catalogue")
    assert ui.driver.current_url.endswith("/ui/holders/L-SILK")
