"""Hostile and malformed DDEX messages (issue 10, item 19): the parser's own rules decide, and every refusal names
the real line.

A DOCTYPE is what libxml2 says is one (not the text ``<!DOCTYPE`` inside a comment or a CDATA section); it is
refused with HostileXMLError at the line it starts on, before its entities are expanded or anything is fetched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from songclear.errors import HostileXMLError, ImportError_
from songclear.ingest.ddex import parse_message_bytes

DATA = Path(__file__).parent / "data" / "ddex"
ERN382 = (DATA / "ern382_new_release.xml").read_text(encoding="utf-8")
ERN43 = (DATA / "ern43_new_release.xml").read_text(encoding="utf-8")
ROOT_TAG = "<ern:NewReleaseMessage"
LAUGHS = "".join(
    f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)
)


def parse_text(text: str, name: str = "test.xml"):
    return parse_message_bytes(text.encode("utf-8"), name)


def line_of(text: str, needle: str) -> int:
    return next(i for i, s in enumerate(text.splitlines(), 1) if needle in s)


def before_root(prolog: str, text: str = ERN382) -> str:
    """``text`` with ``prolog`` on the lines just before its root element (after its own comment line)."""
    assert ROOT_TAG in text
    return text.replace(ROOT_TAG, prolog + "\n" + ROOT_TAG, 1)


def test_doctype_inside_a_comment_is_only_text():
    text = before_root(
        "<!-- an old template said:\n<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]> -->"
    )
    text = text.replace("<ReleaseList>", "<ReleaseList><!-- <!DOCTYPE y> -->", 1)
    msg = parse_text(text)
    assert [r.release_id for r in msg.releases] == ["4719760000017"] and len(msg.deals) == 2


def test_doctype_inside_cdata_is_only_text():
    text = ERN382.replace(
        "<TitleText>我等你</TitleText>", "<TitleText><![CDATA[<!DOCTYPE 我等你>]]></TitleText>", 1
    )
    (release,) = parse_text(text).releases
    assert release.title == "<!DOCTYPE 我等你>"


HOSTILE = {
    "internal entity": (
        '<!DOCTYPE ern:NewReleaseMessage [<!ENTITY label "Red Lantern">]>',
        ("<FullName>Red Lantern Records</FullName>", "<FullName>&label; Records</FullName>"),
    ),
    "billion laughs": (
        f'<!DOCTYPE lolz [<!ENTITY lol "lol">\n{LAUGHS}]>',
        ("<FullName>QQ Music</FullName>", "<FullName>&lol9;</FullName>"),
    ),
    "billion laughs in an attribute": (
        f'<!DOCTYPE lolz [<!ENTITY lol "lol">{LAUGHS}]>',
        ('LanguageAndScriptCode="en"', 'LanguageAndScriptCode="&lol9;"'),
    ),
    "external entity": (
        '<!DOCTYPE x [\n  <!ENTITY secret SYSTEM "file:///etc/passwd">\n]>',
        ("<FullName>QQ Music</FullName>", "<FullName>&secret;</FullName>"),
    ),
    "external parameter entity": (
        '<!DOCTYPE x [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>',
        None,
    ),
    "external DTD": ('<!DOCTYPE x SYSTEM "http://127.0.0.1:9/ern.dtd">', None),
    "public DTD": ('<!DOCTYPE x PUBLIC "-//DDEX//ERN//EN" "file:///etc/passwd">', None),
    "bare DOCTYPE": ("<!DOCTYPE ern:NewReleaseMessage>", None),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_real_doctype_is_refused_at_its_line(name):
    prolog, replace = HOSTILE[name]
    text = before_root("<!-- a comment before the DOCTYPE,\n     over two lines -->\n" + prolog)
    if replace:
        assert replace[0] in text
        text = text.replace(replace[0], replace[1], 1)
    with pytest.raises(HostileXMLError) as info:
        parse_text(text, "hostile.xml")
    err = info.value
    assert err.source == "hostile.xml" and err.location == f"line {line_of(text, '<!DOCTYPE')}"
    assert "DOCTYPE" in err.detail and "root:" not in str(err)


def test_utf16_doctype_is_refused_at_its_line():
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!-- x -->\n<!DOCTYPE x SYSTEM "http://127.0.0.1:9/x.dtd">\n<x/>'
    with pytest.raises(HostileXMLError) as info:
        parse_message_bytes(b"\xff\xfe" + text.encode("utf-16-le"), "u16.xml")
    assert info.value.location == "line 3"


def test_a_syntax_error_after_a_commented_doctype_names_its_own_line():
    text = before_root("<!-- <!DOCTYPE x> -->").replace("</ReleaseType>", "</ReleaseTyp>", 1)
    with pytest.raises(ImportError_) as info:
        parse_text(text)
    err = info.value
    assert not isinstance(err, HostileXMLError) and "not well-formed XML" in err.detail
    assert err.location == f"line {line_of(text, '</ReleaseTyp>')}"


def test_a_syntax_error_wins_over_a_business_rule_error_earlier_in_the_file():
    """As before the streaming reader: a file that is not XML is refused as such, wherever the break is."""
    text = ERN382.replace("<ISRC>CNA011500002</ISRC>", "<ISRC>CN-A01</ISRC>").replace(
        "</DealList>", "</DealLst>"
    )
    with pytest.raises(ImportError_) as info:
        parse_text(text)
    assert "not well-formed" in info.value.detail
    assert info.value.location == f"line {line_of(text, '</DealLst>')}"


def test_a_business_rule_error_names_the_element_xpath_and_line():
    text = ERN382.replace("<TerritoryCode>HK</TerritoryCode>", "<TerritoryCode>XX</TerritoryCode>", 1)
    with pytest.raises(ImportError_) as info:
        parse_text(text)
    line = line_of(text, "<TerritoryCode>XX</TerritoryCode>")
    assert info.value.location == (
        f"/NewReleaseMessage/DealList/ReleaseDeal/Deal[1]/DealTerms/TerritoryCode[2] (line {line})"
    )


def test_deal_xpaths_are_those_of_the_elements():
    msg = parse_text(ERN382)
    lines = [i for i, s in enumerate(ERN382.splitlines(), 1) if s.strip() == "<Deal>"]
    assert [d.xpath for d in msg.deals] == [
        f"/NewReleaseMessage/DealList/ReleaseDeal/Deal[{n}] (line {line})" for n, line in enumerate(lines, 1)
    ]
    (release,) = msg.releases
    assert release.xpath == f"/NewReleaseMessage/ReleaseList/Release (line {line_of(ERN382, '<Release ')})"


@pytest.mark.parametrize("version", ["49", "389", "380", "40", "44", "35", "4"])
def test_an_unsupported_ern_version_is_refused_listing_the_supported_ones(version):
    text = ERN382.replace("http://ddex.net/xml/ern/382", f"http://ddex.net/xml/ern/{version}")
    with pytest.raises(ImportError_) as info:
        parse_text(text)
    detail = info.value.detail
    assert f"'http://ddex.net/xml/ern/{version}'" in detail and "songclear reads ERN 3.8.x and 4.x" in detail
    assert "ern/381, ern/382, ern/383, ern/41, ern/42, ern/43" in detail
    # libxml2's line of an element is the line its start tag ends on (the root's spans two lines)
    assert info.value.location == f"/NewReleaseMessage (line {line_of(text, 'LanguageAndScriptCode=')})"


@pytest.mark.parametrize(
    ("base", "version"), [(ERN382, "381"), (ERN382, "383"), (ERN43, "41"), (ERN43, "42")]
)
def test_the_supported_versions_are_read(base, version):
    old = "382" if base is ERN382 else "43"
    msg = parse_text(base.replace(f"http://ddex.net/xml/ern/{old}", f"http://ddex.net/xml/ern/{version}"))
    assert msg.version == f"ern/{version}" and msg.deals
