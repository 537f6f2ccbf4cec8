"""Reading and applying a DDEX message is linear in its number of releases (issue 10, item 7).

No clock: the work is counted as the lines of Python run and the functions called, a number that does not depend
on the machine's load. Before the fix, each release and deal computed its XPath by scanning all its siblings, and
applying the message scanned every deal for each release: 4x the releases made ~12x the work.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import pytest

from songclear.errors import ImportError_
from songclear.ingest.ddex import apply_message, parse_message_bytes

HEAD = """<?xml version="1.0" encoding="utf-8"?>
<ern:NewReleaseMessage xmlns:ern="http://ddex.net/xml/ern/382" MessageSchemaVersionId="ern/382">
<MessageHeader><MessageId>GEN-1</MessageId>
<MessageSender><PartyId>PADPIDA2015000001L</PartyId></MessageSender>
<MessageRecipient><PartyId>PADPIDA2015000002P</PartyId></MessageRecipient>
<MessageCreatedDateTime>2015-06-01T09:00:00Z</MessageCreatedDateTime></MessageHeader>
"""
RECORDING = """<SoundRecording><SoundRecordingId><ISRC>{isrc}</ISRC></SoundRecordingId>
<ResourceReference>A{i}</ResourceReference><ReferenceTitle><TitleText>Song {i}</TitleText></ReferenceTitle>
</SoundRecording>
"""
RELEASE = """<Release><ReleaseId><ICPN>{icpn}</ICPN></ReleaseId><ReleaseReference>R{i}</ReleaseReference>
<ReleaseResourceReferenceList><ReleaseResourceReference>A{i}</ReleaseResourceReference></ReleaseResourceReferenceList>
</Release>
"""
DEAL = """<ReleaseDeal><DealReleaseReference>R{i}</DealReleaseReference><Deal><DealTerms>
<CommercialModelType>SubscriptionModel</CommercialModelType><Usage><UseType>OnDemandStream</UseType></Usage>
<TerritoryCode>CN</TerritoryCode><ValidityPeriod><StartDate>2015-01-01</StartDate></ValidityPeriod>
</DealTerms></Deal></ReleaseDeal>
"""


def message(releases: int) -> str:
    parts = [HEAD]
    for section, template in (("ResourceList", RECORDING), ("ReleaseList", RELEASE), ("DealList", DEAL)):
        parts.append(f"<{section}>\n")
        parts += [template.format(i=i, isrc=f"CNA0115{i:05d}", icpn=f"47{i:011d}") for i in range(releases)]
        parts.append(f"</{section}>\n")
    parts.append("</ern:NewReleaseMessage>\n")
    return "".join(parts)


def work(fn) -> int:
    """The lines of Python run (``sys.settrace``) plus the Python and C functions called (``sys.setprofile``)."""
    done = 0

    def trace(frame, event, arg):
        nonlocal done
        done += event == "line"
        return trace

    def profile(frame, event, arg):
        nonlocal done
        done += event in ("call", "c_call")

    previous = sys.gettrace()
    sys.settrace(trace)
    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
        sys.settrace(previous)
    return done


def work_to_read(releases: int) -> int:
    data = message(releases).encode("utf-8")
    return work(lambda: parse_message_bytes(data, "generated.xml"))


def work_to_apply(releases: int) -> int:
    msg = parse_message_bytes(message(releases).encode("utf-8"), "generated.xml")
    at = datetime(2024, 1, 1, tzinfo=UTC)
    found = []
    spent = work(
        lambda: found.append(
            apply_message(msg, existing={}, existing_grants={}, party_ids={}, recorded_at=at)
        )
    )
    assert len(found[0].grants) == releases and len(found[0].recordings) == releases
    return spent


@pytest.mark.parametrize("step", [work_to_read, work_to_apply], ids=["read", "apply"])
def test_the_work_grows_linearly_with_the_releases(step):
    small, large = step(250), step(1000)
    assert large / small < 4.5, f"4x the releases made {large / small:.1f}x the work ({small:,} -> {large:,})"


def test_xpaths_of_a_large_message_count_the_siblings():
    msg = parse_message_bytes(message(300).encode("utf-8"), "generated.xml")
    text = message(300)
    deal_lines = [i for i, s in enumerate(text.splitlines(), 1) if s.startswith("<ReleaseDeal>")]
    assert (
        msg.deals[149].xpath == f"/NewReleaseMessage/DealList/ReleaseDeal[150]/Deal (line {deal_lines[149]})"
    )
    release_line = next(i for i, s in enumerate(text.splitlines(), 1) if "<ICPN>4700000000299<" in s)
    assert msg.releases[-1].xpath == f"/NewReleaseMessage/ReleaseList/Release[300] (line {release_line})"


@pytest.mark.parametrize("position", [0, 149, 299])
def test_an_error_deep_in_a_large_message_names_its_position_and_line(position):
    isrc = f"CNA0115{position:05d}"
    text = message(300).replace(f"<ISRC>{isrc}</ISRC>", f"<ISRC>{isrc}X</ISRC>")
    with pytest.raises(ImportError_) as info:
        parse_message_bytes(text.encode("utf-8"), "generated.xml")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if f"{isrc}X" in s)
    assert info.value.location == (
        f"/NewReleaseMessage/ResourceList/SoundRecording[{position + 1}]/SoundRecordingId/ISRC (line {line})"
    )
