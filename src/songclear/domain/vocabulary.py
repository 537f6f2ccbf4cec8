"""Controlled vocabularies: DDEX UseType and CommercialModelType values, rights and party kinds.

A grant lists the uses and commercial models it allows; a query asks about one of each. Use types nest in DDEX: a
grant of 'Stream' covers on-demand and non-interactive streams, 'Download' covers its kinds. Nothing else is
implied: a subscription licence does not cover the free ad-supported tier, streaming does not cover downloads,
and neither covers user uploads (UserMakeAvailable*).
"""

from __future__ import annotations

import enum

from songclear.errors import InvalidIdentifier


class Right(enum.StrEnum):
    MASTER = "master"  # the sound recording (label)
    COMPOSITION = "composition"  # the musical work (publisher)


class PartyKind(enum.StrEnum):
    LABEL = "label"
    PUBLISHER = "publisher"
    PLATFORM = "platform"
    REGULATOR = "regulator"
    COLLECTING_SOCIETY = "collecting_society"


USE_TYPES: frozenset[str] = frozenset(
    {
        "Stream", "OnDemandStream", "NonInteractiveStream", "Download", "PermanentDownload",
        "ConditionalDownload", "TetheredDownload", "Webcast", "UserMakeAvailableUserProvided",
        "UserMakeAvailableLabelProvided", "UseAsRingtone", "UseAsRingbackTone", "Broadcast", "Playback",
        "KioskDownload", "TimeLimitedDownload", "UseAsAlertTone", "UseAsKaraoke", "Simulcast",
        "DownloadAndStream",
    }
)  # fmt: skip

# A granted use on the left also covers the uses on the right.
_USE_IMPLIES: dict[str, frozenset[str]] = {
    "Stream": frozenset({"OnDemandStream", "NonInteractiveStream"}),
    "Download": frozenset(
        {"PermanentDownload", "ConditionalDownload", "TetheredDownload", "TimeLimitedDownload"}
    ),
    "DownloadAndStream": frozenset(
        {"Stream", "OnDemandStream", "NonInteractiveStream", "Download", "PermanentDownload"}
    ),
}

COMMERCIAL_MODELS: frozenset[str] = frozenset(
    {
        "SubscriptionModel", "AdvertisementSupportedModel", "PayAsYouGoModel", "FreeOfChargeModel",
        "RightsClaimModel", "PerformanceRoyaltiesModel", "DeviceFeeModel", "AsPerContract",
    }
)  # fmt: skip


def normalise_use(value: str) -> str:
    for u in USE_TYPES:
        if u.lower() == value.strip().lower():
            return u
    raise InvalidIdentifier(
        f"unknown use type {value!r}: expected a DDEX UseType such as Stream or PermanentDownload"
    )


def normalise_model(value: str) -> str:
    for m in COMMERCIAL_MODELS:
        if m.lower() == value.strip().lower():
            return m
    raise InvalidIdentifier(
        f"unknown commercial model {value!r}: expected a DDEX CommercialModelType such as SubscriptionModel"
    )


def expand_uses(uses: frozenset[str]) -> frozenset[str]:
    """The uses a grant of ``uses`` covers, implications included."""
    out = set(uses)
    for u in uses:
        out |= _USE_IMPLIES.get(u, frozenset())
    return frozenset(out)
