"""Parsing DDEX ERN messages: what is read, and what is refused (with the XPath or line that says why)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from songclear.domain.territory import Territories
from songclear.errors import HostileXMLError, ImportError_
from songclear.ingest.ddex import ControlType, MessageKind, parse_message, parse_message_bytes

DATA = Path(__file__).parent / "data" / "ddex"
ERN382 = (DATA / "ern382_new_release.xml").read_text(encoding="utf-8")
ERN43 = (DATA / "ern43_new_release.xml").read_text(encoding="utf-8")


def parse_text(text: str, name: str = "test.xml"):
    return parse_message_bytes(text.encode("utf-8"), name)


def refused(text: str) -> ImportError_:
    with pytest.raises(ImportError_) as info:
        parse_text(text)
    return info.value


def test_ern382_header_releases_recordings_and_deals():
    msg = parse_message(DATA / "ern382_new_release.xml")
    assert msg.kind is MessageKind.NEW_RELEASE and msg.version == "ern/382"
    assert (msg.message_id, msg.thread_id, msg.control) == ("SC-382-0001", "SC-THREAD-1", ControlType.LIVE)
    assert msg.created == datetime(2015, 6, 1, 1, 0, tzinfo=UTC)
    assert (msg.sender.party_id, msg.sender.name) == ("PADPIDA2015000001L", "Red Lantern Records")
    assert msg.recipient.name == "QQ Music"
    a1, a2 = msg.recordings
    assert (a1.isrc, a1.title, a1.artists, a1.duration_s, a1.iswc) == (
        "CNA011500001", "后来", ("刘若英",), 341.0, "T0345246801")  # fmt: skip
    assert a2.artists == ("刘若英",) and a2.iswc is None
    (release,) = msg.releases
    assert (release.release_id, release.title, release.isrcs) == (
        "4719760000017",
        "我等你",
        ("CNA011500001", "CNA011500002"),
    )
    assert msg.release_keys() == ("PADPIDA2015000001L|PADPIDA2015000002P|4719760000017",)
    stream, download = msg.deals
    assert stream.territories == Territories.parse(["CN", "HK"])
    assert (stream.start, stream.end) == (date(2015, 1, 1), date(2015, 12, 31))
    assert stream.uses == {"OnDemandStream"}
    assert stream.commercial_models == {"SubscriptionModel", "AdvertisementSupportedModel"}
    assert download.territories == Territories.parse(["Worldwide"], ["TW"]) and download.end is None
    assert not stream.takedown and msg.warnings == ()


def test_ern43_party_list_artists_work_id_and_resource_group():
    msg = parse_message(DATA / "ern43_new_release.xml")
    assert msg.version == "ern/43" and msg.created == datetime(2016, 1, 10, 12, tzinfo=UTC)
    (rec,) = msg.recordings
    assert (rec.isrc, rec.title, rec.artists, rec.duration_s, rec.iswc) == (
        "HKA011600001", "十年", ("陈奕迅",), 205.0, "T0345246801")  # fmt: skip
    album, track = msg.releases
    assert album.isrcs == track.isrcs == ("HKA011600001",)
    assert track.release_id == "PADPIDA2016000001L:4719760000024_HKA011600001"
    assert [d.release_reference for d in msg.deals] == ["R0"]
    assert msg.deals_of(track) == ()


def test_takedown_flag_and_test_message_and_purge():
    takedown = parse_message(DATA / "ern382_takedown.xml")
    (deal,) = takedown.deals
    assert deal.takedown and deal.start == date(2015, 8, 15) and deal.uses == frozenset()
    assert parse_message(DATA / "ern382_test_message.xml").is_test
    purge = parse_message(DATA / "ern382_purge.xml")
    assert purge.kind is MessageKind.PURGE_RELEASE and purge.releases[0].release_id == "4719760000017"
    assert purge.release_keys() == ("PADPIDA2015000001L|PADPIDA2015000002P|4719760000017",)


def test_billion_laughs_is_refused_without_expansion():
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
            for i in range(1, 10)
        )
        + ']>\n<NewReleaseMessage xmlns="http://ddex.net/xml/ern/382">&lol9;</NewReleaseMessage>'
    )
    with pytest.raises(HostileXMLError, match="DOCTYPE/ENTITY"):
        parse_text(bomb, "bomb.xml")


def test_external_entity_is_refused():
    xxe = ERN382.replace(
        "<ern:NewReleaseMessage",
        '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n<ern:NewReleaseMessage',
        1,
    ).replace("<FullName>QQ Music</FullName>", "<FullName>&secret;</FullName>")
    with pytest.raises(HostileXMLError) as info:
        parse_text(xxe, "xxe.xml")
    assert info.value.source == "xxe.xml"


def test_utf16_doctype_is_refused_too():
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE x SYSTEM "http://example.com/x.dtd">\n<x/>'
    with pytest.raises(HostileXMLError):
        parse_message_bytes(b"\xff\xfe" + text.encode("utf-16-le"), "u16.xml")


def test_not_well_formed_names_file_and_line():
    broken = ERN382.replace("</ReleaseType>", "</ReleaseTyp>")
    err = refused(broken)
    line = next(i for i, s in enumerate(broken.splitlines(), 1) if "</ReleaseTyp>" in s)
    assert err.source == "test.xml" and err.location == f"line {line}"
    assert "not well-formed" in str(err)


@pytest.mark.parametrize(
    ("old", "new", "detail", "where"),
    [
        ("<ISRC>CNA011500002</ISRC>", "<ISRC></ISRC>", "empty ISRC", "/SoundRecordingId/ISRC"),
        ("<ISRC>CNA011500002</ISRC>", "<ISRC>CN-A01</ISRC>", "invalid ISRC", "/SoundRecordingId/ISRC"),
        ("<ExcludedTerritoryCode>TW</ExcludedTerritoryCode>",
         "<TerritoryCode>CN</TerritoryCode><ExcludedTerritoryCode>TW</ExcludedTerritoryCode>",
         "both TerritoryCode and ExcludedTerritoryCode", "Deal[2]/DealTerms/ExcludedTerritoryCode"),
        ("<DealReleaseReference>R0</DealReleaseReference>", "<DealReleaseReference>R9</DealReleaseReference>",
         "unknown release 'R9'", "ReleaseDeal/DealReleaseReference"),
        ("<TerritoryCode>HK</TerritoryCode>", "<TerritoryCode>XX</TerritoryCode>", "unknown territory code 'XX'",
         "Deal[1]/DealTerms/TerritoryCode[2]"),
        ("<UseType>PermanentDownload</UseType>", "<UseType>Streamz</UseType>", "unknown use type",
         "Deal[2]/DealTerms/Usage/UseType"),
        ("<CommercialModelType>PayAsYouGoModel</CommercialModelType>",
         "<CommercialModelType>Subscription</CommercialModelType>", "unknown commercial model",
         "Deal[2]/DealTerms/CommercialModelType"),
        ("<EndDate>2015-12-31</EndDate>", "<EndDate>2014-12-31</EndDate>", "ends (2014-12-31) before", "ValidityPeriod"),
        ("<Duration>PT6M2S</Duration>", "<Duration>PT6M2S</Duration><FakeTag/>", "FakeTag is not part",
         "SoundRecording[2]/FakeTag"),
    ],
)  # fmt: skip
def test_business_rules_are_refused_with_their_xpath(old, new, detail, where):
    assert old in ERN382
    err = refused(ERN382.replace(old, new, 1))
    assert detail in err.detail
    assert where in err.location and "(line " in err.location
    assert err.location.startswith("/NewReleaseMessage/")


def test_unsupported_versions_and_messages_are_refused():
    err = refused(ERN382.replace("http://ddex.net/xml/ern/382", "http://ddex.net/xml/ern/35"))
    assert "songclear reads ERN 3.8.x and 4.x" in err.detail
    err = refused(ERN43.replace("<MessageCreatedDateTime>2016-01-10T12:00:00Z</MessageCreatedDateTime>", ""))
    assert "MessageCreatedDateTime" in err.detail


def test_user_defined_deal_is_skipped_with_a_warning_not_refused():
    odd = ERN382.replace(
        "<CommercialModelType>PayAsYouGoModel</CommercialModelType>",
        '<CommercialModelType UserDefinedValue="NFTGated">UserDefined</CommercialModelType>',
    ).replace(
        "<ExcludedTerritoryCode>TW</ExcludedTerritoryCode>",
        "<Conditions/><ExcludedTerritoryCode>TW</ExcludedTerritoryCode>",
    )
    msg = parse_text(odd)
    assert len(msg.deals) == 1
    assert any("NFTGated" in w for w in msg.warnings)
    assert any("Conditions is not part of ERN DealTerms" in w for w in msg.warnings)
