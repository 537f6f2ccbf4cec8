"""The role rules the dashboard adds to the API's (api/auth.py) for what the API has no endpoint for yet:
claims, takedowns, review. Reading a platform's library follows ``require_platform`` as the API does.

- admin: everything; regulator: reads everything, changes nothing;
- platform: its own library, takedowns, review queue, and the claims and counter-notices against it;
- rights holder: the claims it filed (and files new ones), the tracks identified as its recordings.
"""

from __future__ import annotations

from datetime import date, datetime

from songclear.api.auth import ADMIN, PLATFORM, RIGHTS_HOLDER, require_platform
from songclear.domain.grants import DEFAULT_TZ, local_date
from songclear.domain.timespan import check_day
from songclear.errors import Forbidden, InputError
from songclear.web.session import Viewer

DEMO_DAY = date(2015, 11, 15)  # the demo story's last audit day: what a demo visitor sees first


def may_read_platform(who: Viewer, platform: str) -> None:
    require_platform(who.principal, platform)


def may_act_for_platform(who: Viewer, platform: str) -> None:
    """Take down, undo, reinstate, review, answer claims: the platform itself or an admin."""
    if who.role == ADMIN or (who.role == PLATFORM and who.party == platform):
        return
    raise Forbidden(f"a {_describe(who)} may not act for platform {platform!r}")


def may_see_claim(who: Viewer, claimant: str, platform: str) -> None:
    p = who.principal
    if p.reads_everything or (who.role == PLATFORM and who.party == platform):
        return
    if who.role == RIGHTS_HOLDER and who.party == claimant:
        return
    raise Forbidden(f"a {_describe(who)} may not read this claim")


def may_file_claim(who: Viewer, claimant: str) -> None:
    if who.role == ADMIN or (who.role == RIGHTS_HOLDER and who.party == claimant):
        return
    raise Forbidden(f"a {_describe(who)} may not file a claim for {claimant!r}")


def visible_platforms(who: Viewer, platforms: list[str]) -> list[str]:
    if who.principal.reads_everything:
        return platforms
    if who.role == PLATFORM:
        return [p for p in platforms if p == who.party]
    return []


def _describe(who: Viewer) -> str:
    name = f"user {who.username}" if who.username else "demo visitor"
    return f"{name} ({who.role}{' for ' + who.party if who.party else ''})"


def parse_day(text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError(f"a day is YYYY-MM-DD, got {text!r}") from None
    return check_day(day, "the day")


def today(now: datetime, demo: bool) -> date:
    """The day a page opens on: the demo's story day in demo mode, else today in Asia/Shanghai."""
    return DEMO_DAY if demo else local_date(now, DEFAULT_TZ)
