"""What the ERN schemas allow where songclear reads, and optional full XSD validation.

The child names below are the union of the ERN 3.8.2, 3.8.3, 4.2 and 4.3 schemas (release-notification.xsd) for
the elements whose content we interpret (``SoundRecording``, ``Video``, ``Release``, ``DealTerms``). An element outside them means the message does not follow ERN where it
matters to us, and the message is refused; the same inside a deal we do not map (a UserDefined commercial
model) is only a warning, since nothing of that deal reaches the ledger. Full XSD validation needs the DDEX
schemas on disk, which the product does not ship: ``validate_xsd`` takes their directory.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

SOUND_RECORDING = frozenset(
    {
        "AdditionalTitle", "AudioChannelConfiguration", "AudioChapterReference", "Character",
        "CompositeMusicalWorkType", "ContainsHiddenContent", "Contributor", "CourtesyLine", "CreationDate", "Deity",
        "DisableCrossfade", "DisableSearch", "DisplayArtist", "DisplayArtistName", "DisplayCredits", "DisplayTitle",
        "DisplayTitleText", "Duration", "FirstPublicationDate", "HasForegroundVocalPerformance",
        "HasPreOrderFulfillment", "HasVocalPerformance", "IndirectSoundRecordingId", "InstrumentationDescription",
        "IsArtistRelated", "IsBackground", "IsBonusResource", "IsComputerGenerated", "IsCover", "IsHiResMusic",
        "IsHiddenResource", "IsInstrumental", "IsMedley", "IsPotpourri", "IsRemastered", "LanguageOfPerformance",
        "LocationAndDateOfSession", "MasteredDate", "NoSilenceAfter", "NoSilenceBefore", "NumberOfContractedArtists",
        "NumberOfFeaturedArtists", "NumberOfNonContractedArtists", "NumberOfNonFeaturedArtists", "PLine",
        "ParentalWarningType", "PerformerInformationRequired", "Raga", "RecordingFormat", "ReferenceTitle",
        "RelatedRelease", "RelatedResource", "RemasteredDate", "ResourceContainedResourceReferenceList", "ResourceId",
        "ResourceMusicalWorkReferenceList", "ResourceReference", "ResourceRightsController", "RightsAgreementId",
        "SoundRecordingCollectionReferenceList", "SoundRecordingDetailsByTerritory", "SoundRecordingEdition",
        "SoundRecordingId", "SoundRecordingType", "Tala", "TechnicalDetails", "TerritoryOfCommissioning", "Type",
        "VersionType", "WorkId", "WorkRightsController",
    }
)  # fmt: skip

VIDEO = frozenset(
    {
        "AdditionalTitle", "AvRating", "CLine", "Character", "CompositeMusicalWorkType", "ContainsHiddenContent",
        "Contributor", "CourtesyLine", "CreationDate", "Deity", "DisplayArtist", "DisplayArtistName",
        "DisplayCredits", "DisplayTitle", "DisplayTitleText", "Duration", "FirstPublicationDate",
        "HasForegroundVocalPerformance", "HasPreOrderFulfillment", "HasVocalPerformance", "IndirectVideoId",
        "InstrumentationDescription", "IsArtistRelated", "IsBackground", "IsBonusResource", "IsCover",
        "IsHiddenResource", "IsInstrumental", "IsMedley", "IsPotpourri", "IsRemastered", "LanguageOfDubbing",
        "LanguageOfPerformance", "MasteredDate", "NoSilenceAfter", "NoSilenceBefore", "NumberOfContractedArtists",
        "NumberOfFeaturedArtists", "NumberOfNonContractedArtists", "NumberOfNonFeaturedArtists", "PLine",
        "ParentalWarningType", "PerformerInformationRequired", "Raga", "ReasonForCueSheetAbsence", "RecordingFormat",
        "ReferenceTitle", "RelatedRelease", "RelatedResource", "RemasteredDate",
        "ResourceContainedResourceReferenceList", "ResourceId", "ResourceMusicalWorkReferenceList",
        "ResourceReference", "ResourceRightsController", "RightsAgreementId", "SubTitleLanguage", "Tala",
        "TechnicalDetails", "TerritoryOfCommissioning", "Title", "Type", "VersionType", "VideoChapterReference",
        "VideoCollectionReferenceList", "VideoCueSheetReference", "VideoDetailsByTerritory", "VideoEdition",
        "VideoId", "VideoType", "WorkId", "WorkRightsController",
    }
)  # fmt: skip

RELEASE = frozenset(
    {
        "AdditionalTitle", "AdministratingRecordCompany", "ArtistProfilePage", "AvRating", "CLine", "CourtesyLine",
        "Deity", "DisplayArtist", "DisplayArtistName", "DisplayTitle", "DisplayTitleText", "Duration",
        "ExternalResourceLink", "Genre", "GlobalOriginalReleaseDate", "GlobalReleaseDate", "HiResMusicDescription",
        "IsHiResMusic", "IsMultiArtistCompilation", "IsSingleArtistCompilation", "IsSoundtrack", "Keywords",
        "LanguageOfDubbing", "LanguageOfPerformance", "LinkedReleaseResourceReference", "MarketingComment",
        "OriginalReleaseDate", "PLine", "ParentalWarningType", "Raga", "ReferenceTitle", "RelatedRelease",
        "RelatedResource", "ReleaseCollectionReferenceList", "ReleaseDate", "ReleaseDetailsByTerritory", "ReleaseId",
        "ReleaseLabelReference", "ReleaseReference", "ReleaseResourceReference", "ReleaseResourceReferenceList",
        "ReleaseType", "ReleaseVisibilityReference", "ResourceGroup", "ResourceOmissionReason", "RightsAgreementId",
        "SalesReportingProxyReleaseId", "SubTitleLanguage", "Synopsis", "Tala", "TargetURL", "VersionType",
    }
)  # fmt: skip

DEAL_TERMS = frozenset(
    {
        "AllDealsCancelled", "CarrierType", "ClipPreviewStartDate", "ClipPreviewStartDateTime", "CommercialModelType",
        "ConsumerRentalPeriod", "CoverArtPreviewStartDate", "CoverArtPreviewStartDateTime", "DistributionChannel",
        "ExcludedDistributionChannel", "ExcludedTerritoryCode", "InstantGratificationResourceList", "IsExclusive",
        "IsPreOrderDeal", "IsPromotional", "NumberOfProductsPerCarton", "NumberOfUsages", "PhysicalReturns",
        "PreOrderIncentiveResourceList", "PreOrderPreviewDate", "PreOrderPreviewDateTime", "PreOrderReleaseDate",
        "PriceInformation", "PromotionalCode", "RelatedReleaseOfferSet", "ReleaseDisplayStartDate",
        "ReleaseDisplayStartDateTime", "RightsClaimPolicy", "TakeDown", "TechnicalInstantiation", "TerritoryCode",
        "TrackListingPreviewStartDate", "TrackListingPreviewStartDateTime", "Usage", "UseType", "UserInterfaceType",
        "ValidityPeriod", "WebPolicy",
    }
)  # fmt: skip

# Schema file per ERN namespace, relative to a directory laid out as ../shared/ddex-xsd.
XSD_FILES: dict[str, str] = {
    "http://ddex.net/xml/ern/382": "ern382-release-notification.xsd",
    "http://ddex.net/xml/ern/383": "ernv383/release-notification.xsd",
    "http://ddex.net/xml/ern/42": "ernv42/release-notification.xsd",
    "http://ddex.net/xml/ern/43": "ernv43/release-notification.xsd",
}


@cache
def _schema(path: Path) -> etree.XMLSchema:
    # The schemas are ours (a local directory), yet still parsed without network access.
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.parse(str(path), parser))


def validate_xsd(tree: etree._ElementTree, xsd_dir: Path) -> list[str]:
    """Errors of ``tree`` against the DDEX schema for its namespace ('line N: message'); [] when valid.

    Raises KeyError when no schema for the namespace is known, FileNotFoundError when it is not in ``xsd_dir``.
    """
    ns = etree.QName(tree.getroot()).namespace or ""
    path = xsd_dir / XSD_FILES[ns]
    if not path.is_file():
        raise FileNotFoundError(path)
    schema = _schema(path)
    if schema.validate(tree):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
