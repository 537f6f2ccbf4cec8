"""A generated ERN 3.8.2 NewReleaseMessage of N releases, each with one sound recording and one deal.

    .venv/bin/python bench/ingest/ddex_message.py 10000 /tmp/ern-10k.xml

The file is written as a stream (it is never held in memory), about 2 KB per release. Release n has ICPN
``47`` + n (11 digits), recording ISRC ``CNA01`` + (15 + n // 100000) + n % 100000, one deal: an on-demand
subscription stream in CN and HK from 2015-01-01. Used by ddex_bench.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

HEAD = """<?xml version="1.0" encoding="utf-8"?>
<ern:NewReleaseMessage xmlns:ern="http://ddex.net/xml/ern/382" MessageSchemaVersionId="ern/382"
\tLanguageAndScriptCode="en">
\t<MessageHeader>
\t\t<MessageThreadId>BENCH-THREAD</MessageThreadId>
\t\t<MessageId>BENCH-{n}</MessageId>
\t\t<MessageSender>
\t\t\t<PartyId>PADPIDA2015000001L</PartyId>
\t\t\t<PartyName><FullName>Bench Records</FullName></PartyName>
\t\t</MessageSender>
\t\t<MessageRecipient>
\t\t\t<PartyId>PADPIDA2015000002P</PartyId>
\t\t\t<PartyName><FullName>Bench Music</FullName></PartyName>
\t\t</MessageRecipient>
\t\t<MessageCreatedDateTime>2015-06-01T09:00:00+08:00</MessageCreatedDateTime>
\t\t<MessageControlType>LiveMessage</MessageControlType>
\t</MessageHeader>
\t<UpdateIndicator>OriginalMessage</UpdateIndicator>
"""

RECORDING = """\t\t<SoundRecording>
\t\t\t<SoundRecordingType>MusicalWorkSoundRecording</SoundRecordingType>
\t\t\t<SoundRecordingId>
\t\t\t\t<ISRC>{isrc}</ISRC>
\t\t\t</SoundRecordingId>
\t\t\t<ResourceReference>A{i}</ResourceReference>
\t\t\t<ReferenceTitle>
\t\t\t\t<TitleText>后来 {i}</TitleText>
\t\t\t</ReferenceTitle>
\t\t\t<Duration>PT5M41S</Duration>
\t\t\t<SoundRecordingDetailsByTerritory>
\t\t\t\t<TerritoryCode>Worldwide</TerritoryCode>
\t\t\t\t<DisplayArtist SequenceNumber="1">
\t\t\t\t\t<PartyName>
\t\t\t\t\t\t<FullName>刘若英</FullName>
\t\t\t\t\t</PartyName>
\t\t\t\t\t<ArtistRole>MainArtist</ArtistRole>
\t\t\t\t</DisplayArtist>
\t\t\t</SoundRecordingDetailsByTerritory>
\t\t</SoundRecording>
"""

RELEASE = """\t\t<Release>
\t\t\t<ReleaseId>
\t\t\t\t<ICPN>{icpn}</ICPN>
\t\t\t</ReleaseId>
\t\t\t<ReleaseReference>R{i}</ReleaseReference>
\t\t\t<ReferenceTitle>
\t\t\t\t<TitleText>我等你 {i}</TitleText>
\t\t\t</ReferenceTitle>
\t\t\t<ReleaseResourceReferenceList>
\t\t\t\t<ReleaseResourceReference ReleaseResourceType="PrimaryResource">A{i}</ReleaseResourceReference>
\t\t\t</ReleaseResourceReferenceList>
\t\t\t<ReleaseType>Single</ReleaseType>
\t\t\t<ReleaseDetailsByTerritory>
\t\t\t\t<TerritoryCode>Worldwide</TerritoryCode>
\t\t\t\t<DisplayArtistName>刘若英</DisplayArtistName>
\t\t\t\t<LabelName>Bench Records</LabelName>
\t\t\t</ReleaseDetailsByTerritory>
\t\t</Release>
"""

DEAL = """\t\t<ReleaseDeal>
\t\t\t<DealReleaseReference>R{i}</DealReleaseReference>
\t\t\t<Deal>
\t\t\t\t<DealTerms>
\t\t\t\t\t<CommercialModelType>SubscriptionModel</CommercialModelType>
\t\t\t\t\t<Usage>
\t\t\t\t\t\t<UseType>OnDemandStream</UseType>
\t\t\t\t\t</Usage>
\t\t\t\t\t<TerritoryCode>CN</TerritoryCode>
\t\t\t\t\t<TerritoryCode>HK</TerritoryCode>
\t\t\t\t\t<ValidityPeriod>
\t\t\t\t\t\t<StartDate>2015-01-01</StartDate>
\t\t\t\t\t</ValidityPeriod>
\t\t\t\t</DealTerms>
\t\t\t</Deal>
\t\t</ReleaseDeal>
"""


def isrc_of(i: int) -> str:
    return f"CNA01{15 + i // 100_000:02d}{i % 100_000:05d}"


def write_message(path: Path, releases: int) -> Path:
    """Write the message of ``releases`` releases to ``path`` (streamed); returns ``path``."""
    with path.open("w", encoding="utf-8") as out:
        out.write(HEAD.format(n=releases))
        for section, template in (("ResourceList", RECORDING), ("ReleaseList", RELEASE), ("DealList", DEAL)):
            out.write(f"\t<{section}>\n")
            for i in range(releases):
                out.write(template.format(i=i, isrc=isrc_of(i), icpn=f"47{i:011d}"))
            out.write(f"\t</{section}>\n")
        out.write("</ern:NewReleaseMessage>\n")
    return path


if __name__ == "__main__":
    write_message(Path(sys.argv[2]), int(sys.argv[1]))
