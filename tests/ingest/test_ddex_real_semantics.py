"""DDEX semantics on inputs the first tests had never seen (issue 11, DDEX items 3-5, and item 1's date-times):
a purge or takedown of an unknown release, videos, artist names, and a sender and recipient sharing one DPID.

Each rule is checked on our own small samples (any machine) and, where ../shared/ddex-samples is present (CI and
the team machine), on the real messages that showed it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from shared_material import SAMPLES, needs_samples
from songclear.domain.catalogue import Version
from songclear.domain.grants import LOCAL
from songclear.errors import ImportError_
from songclear.ingest.ddex import apply_message, parse_message, parse_message_bytes
from songclear.linking.aliases import ArtistAliases

DATA = Path(__file__).parent / "data" / "ddex"
T0 = datetime(2024, 1, 1, tzinfo=UTC)


def apply(msg, party_ids=None, existing=None):
    return apply_message(
        msg, existing=existing or {}, existing_grants={}, party_ids=party_ids or {}, recorded_at=T0
    )


def edited(name: str, *pairs: tuple[str, str]):
    text = (DATA / name).read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return parse_message_bytes(text.encode("utf-8"), name)


# -- item 3: a purge or takedown of a release never delivered -------------------------------------------------------


@pytest.mark.parametrize("name", ["ern382_purge.xml", "ern382_takedown.xml"])
def test_a_purge_or_takedown_of_an_unknown_release_records_nothing_but_a_note(name):
    changes = apply(parse_message(DATA / name))
    assert changes.is_empty  # no party, no 'purged' or 'taken-down' state that would hide a later delivery
    assert any("never delivered (unknown release)" in n for n in changes.notes), changes.notes


# -- item 4: videos -------------------------------------------------------------------------------------------------

AS_VIDEO = (
    ("<SoundRecording>", "<Video>"),
    ("</SoundRecording>", "</Video>"),
    ("SoundRecordingEdition>", "VideoEdition>"),
    ("<Type>MusicalWorkSoundRecording</Type>", "<Type>ShortFormMusicalWorkVideo</Type>"),
)


def test_a_release_of_a_video_with_an_isrc_is_licensed_and_the_video_registered():
    changes = apply(edited("ern43_new_release.xml", *AS_VIDEO))
    (grant,) = changes.grants
    assert grant.recordings == {"HKA011600001"}
    (video,) = changes.recordings
    assert (video.isrc, video.version, video.title) == ("HKA011600001", Version.VIDEO, "十年")
    assert not any("ISRC" in n for n in changes.notes), changes.notes


@needs_samples
def test_the_mixed_media_sample_licenses_its_videos():
    msg = parse_message(SAMPLES / "ern43/ddex-official_3_MixedMedia.xml")
    changes = apply(msg)
    videos = {"DEC620900219", "DEC620900246", "DEC621000081"}
    assert {r.isrc for r in changes.recordings if r.version is Version.VIDEO} == videos
    for isrc in videos:  # each video's own track release, and the bundle holding them
        assert any(g.recordings == {isrc} for g in changes.grants), isrc
        assert any(isrc in g.recordings and len(g.recordings) > 3 for g in changes.grants), isrc
    assert not any("with an ISRC" in n for n in changes.notes), changes.notes


# -- item 5: artist names, and one DPID for two parties ---------------------------------------------------------------


def test_the_display_artist_name_is_credited_and_the_party_name_kept_as_an_alias():
    # The artist party's FullName is a legal or Latin name; the DisplayArtistName is what a DSP shows.
    msg = edited("ern43_new_release.xml", ("<FullName>陈奕迅</FullName>", "<FullName>Eason Chan</FullName>"))
    (rec,) = msg.recordings
    assert rec.artists == ("陈奕迅",)
    assert rec.artist_aliases == (("陈奕迅", "Eason Chan"),)
    (recording,) = apply(msg).recordings
    aliases = ArtistAliases.from_ledger(recordings=[recording])
    assert aliases.key("Eason Chan") is not None and aliases.key("Eason Chan") == aliases.key("陈奕迅")


@needs_samples
def test_every_script_of_a_real_artist_is_kept():
    rec = parse_message(SAMPLES / "ern43/ddex-official_1_Audio.xml").recordings[0]
    assert rec.artists == ("Saeko Shu",)  # the DisplayArtistName marked IsDefault
    assert rec.artist_aliases == (("Saeko Shu", "しゅうさえこ"),)


def test_a_sender_and_recipient_sharing_a_dpid_stay_two_parties():
    same = ("<PartyId>PADPIDA2016000002P</PartyId>", "<PartyId>PADPIDA2016000001L</PartyId>")
    changes = apply(edited("ern43_new_release.xml", same))
    (grant,) = changes.grants
    assert (grant.licensor, grant.licensee) == (
        "PADPIDA2016000001L|Jade Bell Music",
        "PADPIDA2016000001L|NetEase Cloud Music",
    )
    assert {(p.id, p.name, p.kind.value) for p in changes.parties} == {
        ("PADPIDA2016000001L|Jade Bell Music", "Jade Bell Music", "label"),
        ("PADPIDA2016000001L|NetEase Cloud Music", "NetEase Cloud Music", "platform"),
    }
    # each can be mapped to a ledger party by DPID and name
    mapped = apply(
        edited("ern43_new_release.xml", same), {"PADPIDA2016000001L|NetEase Cloud Music": "netease"}
    )
    assert mapped.grants[0].licensee == "netease" and [p.id for p in mapped.parties] == [grant.licensor]


def test_a_grant_never_runs_from_a_party_to_itself():
    # both DPIDs mapped to one ledger party: no grant, and a note that says why
    both = {"PADPIDA2016000001L": "jade", "PADPIDA2016000002P": "jade"}
    changes = apply(parse_message(DATA / "ern43_new_release.xml"), both)
    assert changes.grants == () and any("from a party to itself" in n for n in changes.notes)
    assert [r.state for r in changes.release_deals] == ["available", "no-deal"]


@needs_samples
@pytest.mark.parametrize(
    ("name", "licensor", "licensee"),
    [
        ("ern42/ddex-official_4_SimpleAudioSingle.xml", "PADPIDA2007050901U|Warner Music Group",
         "PADPIDA2007050901U|5752-X5 SRR"),
        ("ern43/ddex-official_8_DjMix.xml", "PADPIDA3897722461G|sender", "PADPIDA3897722461G|recipient"),
    ],
)  # fmt: skip
def test_real_messages_from_a_dpid_to_itself_make_two_parties(name, licensor, licensee):
    changes = apply(parse_message(SAMPLES / name))
    assert changes.grants and {(g.licensor, g.licensee) for g in changes.grants} == {(licensor, licensee)}
    assert {p.id for p in changes.parties} == {licensor, licensee}


# -- item 1: date-times ----------------------------------------------------------------------------------------------

VALIDITY = "<StartDate>2016-01-01</StartDate>"


def test_a_date_time_without_an_offset_is_local_and_an_end_at_midnight_ends_the_day_before():
    msg = edited(
        "ern43_new_release.xml",
        (
            VALIDITY,
            "<StartDateTime>2016-01-01T00:00:00</StartDateTime><EndDateTime>2016-07-01T00:00:00</EndDateTime>",
        ),
    )
    (deal,) = msg.deals
    assert (deal.start, deal.end, deal.tz) == (date(2016, 1, 1), date(2016, 6, 30), LOCAL)
    assert apply(msg).grants[0].term.tz == LOCAL


def test_a_date_time_with_an_offset_is_read_in_that_offset():
    msg = edited(
        "ern43_new_release.xml",
        (VALIDITY, "<StartDateTime>2016-01-01T00:00:00+08:00</StartDateTime>"
                   "<EndDateTime>2016-06-30T23:59:59+08:00</EndDateTime>"),
    )  # fmt: skip
    (deal,) = msg.deals
    assert (deal.start, deal.end, deal.tz) == (date(2016, 1, 1), date(2016, 6, 30), "+08:00")
    grant = apply(msg).grants[0]
    assert grant.term.start_instant("US") == datetime(2015, 12, 31, 16, tzinfo=UTC)


def test_a_validity_period_mixing_a_local_date_and_an_offset_is_refused():
    with pytest.raises(ImportError_) as info:
        edited(
            "ern43_new_release.xml", (VALIDITY, VALIDITY + "<EndDateTime>2016-06-30T23:59:59Z</EndDateTime>")
        )
    assert "mixes a local date" in info.value.detail and "ValidityPeriod" in info.value.location
