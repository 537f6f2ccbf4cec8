"""Real DDEX messages from ../shared/ddex-samples, and XSD validation of our own samples against ../shared/ddex-xsd.

../shared sits beside the project root in CI and on the team machine; where it is absent these tests skip with
that reason, and test_ddex_parse.py / test_ddex_changes.py still cover the same rules on our own samples.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared_material import SAMPLES, XSD, needs_samples, needs_xsd
from songclear.errors import HostileXMLError, ImportError_
from songclear.ingest.ddex import apply_message, parse_message
from songclear.ingest.ddex.schema import validate_xsd
from songclear.ingest.ddex.xml import parse_file

OWN = Path(__file__).parent / "data" / "ddex"

# sample -> (grants from a first import, release states) ; refusals -> the documented reason
ACCEPTED = {
    "ern382/audius_dealTypes.xml": 1,  # XSD-invalid (Conditions): UserDefined deals skipped with warnings
    "ern382/ddex-official_CRT14_ClassicalAlbum_MultiPartWork.xml": 0,  # no DealList: 'no-deal'
    "ern382/ddex-official_CRT14_SingleResourceRelease.xml": 1,
    "ern382/dedex_001_audioalbum_complete.xml": 0,  # no DealList: every release 'no-deal'
    "ern382/dedex_014_release_without_deal.xml": 9,  # 10 releases, one without a deal
    "ern382/dedex_017_purged_release.xml": 0,  # a TestMessage: nothing applied
    "ern383/ddexproto_Album.xml": 0,  # TestMessage
    "ern383/ddexproto_Single.xml": 0,  # TestMessage
    "ern42/ddex-official_4_SimpleAudioSingle.xml": 747,
    "ern43/ddex-official_1_Audio.xml": 43,
    "ern43/ddex-official_3_MixedMedia.xml": 48,  # 42 + the deals of its three video track releases (item 4)
    "ern43/ddex-official_8_DjMix.xml": 1,
    "ern43/ddex-official_Variant_Classical.xml": 1,
}
REFUSED = {
    "ern35/ddex-official_SingleResourceRelease_10.xml": "songclear reads ERN 3.8.x and 4.x",
    "ern43/originalworks_NewRelease.xml": "deal without UseType",
    "ern43/originalworks_UpdateRelease_deals.xml": "unknown commercial model 'Subscription'",
    "negative/dedex_002_erroneous_xml.xml": "not well-formed XML",
    "negative/dedex_005_not_valid_xsd.xml": "element FakeTag is not part of an ERN SoundRecording",
    "synthetic-fuzz/sshaw_oxygen_generated_ern381.xml": "invalid ISRC",
    "synthetic-fuzz/sshaw_oxygen_generated_ern41.xml": "invalid ISRC",
    "mwn/originalworks_MWN.xml": "songclear reads ERN 3.8.x and 4.x",
    "dsr/originalworks_DSR.xml": "not well-formed XML",
}


@needs_samples
def test_every_shared_sample_is_listed():
    on_disk = {str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*.xml")}
    assert on_disk == set(ACCEPTED) | set(REFUSED)


@needs_samples
@pytest.mark.parametrize(("name", "grants"), sorted(ACCEPTED.items()))
def test_shared_sample_is_read(name, grants):
    msg = parse_message(SAMPLES / name)
    changes = apply_message(
        msg, existing={}, existing_grants={}, party_ids={}, recorded_at=datetime(2024, 1, 1, tzinfo=UTC)
    )
    assert len(changes.grants) == grants
    assert all(g.recordings and g.uses for g in changes.grants)
    if msg.is_test:
        assert changes.is_empty and "TestMessage" in changes.notes[-1]
    if name == "ern382/dedex_014_release_without_deal.xml":
        assert [r.state for r in changes.release_deals].count("no-deal") == 1
    if name == "ern382/audius_dealTypes.xml":
        assert any("Conditions" in w for w in msg.warnings) and any("UserDefined" in w for w in msg.warnings)
    if name == "ern43/ddex-official_1_Audio.xml":
        assert all(g.territories.included == {"JP"} for g in changes.grants)


@needs_samples
@pytest.mark.parametrize(("name", "reason"), sorted(REFUSED.items()))
def test_shared_sample_is_refused_with_its_reason(name, reason):
    with pytest.raises(ImportError_) as info:
        parse_message(SAMPLES / name)
    err = info.value
    assert not isinstance(err, HostileXMLError)
    assert reason in err.detail and err.source == str(SAMPLES / name)
    assert err.location and "line " in err.location


@needs_samples
def test_negative_samples_name_the_line():
    with pytest.raises(ImportError_) as info:
        parse_message(SAMPLES / "negative/dedex_002_erroneous_xml.xml")
    assert info.value.location == "line 157"
    with pytest.raises(ImportError_) as info:
        parse_message(SAMPLES / "negative/dedex_005_not_valid_xsd.xml")
    assert info.value.location == "/NewReleaseMessage/ResourceList/SoundRecording[1]/FakeTag (line 31)"


@needs_xsd
@pytest.mark.parametrize("name", sorted(p.name for p in OWN.glob("*.xml")))
def test_own_samples_are_valid_against_the_ddex_schemas(name):
    assert validate_xsd(parse_file(OWN / name), XSD) == []


@needs_xsd
def test_xsd_validation_catches_what_the_lenient_reader_only_warns_about():
    if not SAMPLES.is_dir():
        pytest.skip("../shared/ddex-samples is absent on this machine")
    errors = validate_xsd(parse_file(SAMPLES / "ern382/audius_dealTypes.xml"), XSD)
    assert errors and all("Conditions" in e for e in errors)
