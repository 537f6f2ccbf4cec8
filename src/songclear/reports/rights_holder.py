"""The rights-holder report: a label's or publisher's catalogue on each platform on a day (what the dashboard's
'My catalogue' shows: ``app.holder_view``), to hand over — HTML, one CSV per table, XLSX and a PDF.

Rendered from ``catalogue_view`` only; times in Asia/Shanghai to the second (``reports.times``); every party id
with its name beside it; the CJK font stack in the page (``reports.fonts``).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from songclear.domain.grants import DEFAULT_TZ
from songclear.reports.context import STATUS_COLOURS
from songclear.reports.tables import about_table, cells, templates, write_csv_tables
from songclear.reports.times import instant_text, zone_text

TRACK_COLUMNS = (
    "platform", "platform_name", "track_id", "title", "artist", "recording", "recording_title", "work", "iswc",
    "why", "identified_by", "status", "status_since", "chains", "reasons", "availability", "availability_since",
    "audio_matches",
)  # fmt: skip
MATCH_COLUMNS = (
    "platform", "track_id", "recording", "confidence", "deciding", "track_from_s", "track_to_s",
    "recording_from_s", "recording_to_s",
)  # fmt: skip


def holder_report_context(view: dict, notes: list[str] | None = None) -> dict:
    """``catalogue_view`` made ready to read: instants in Asia/Shanghai, platform names beside ids, one row list
    per table."""

    def when(value: str | None) -> str | None:
        return instant_text(datetime.fromisoformat(value), DEFAULT_TZ) if value else None

    tracks = [
        t | {"platform_name": p["platform_name"], "availability_since": when(t["availability_since"])}
        for p in view["platforms"]
        for t in p["tracks"]
    ]
    matches = [m for p in view["platforms"] for m in p["audio_matches"]]
    return view | {
        "time_zone": zone_text(DEFAULT_TZ, on=datetime.fromisoformat(view["day"]).date()),
        "track_rows": tracks, "match_rows": matches, "notes": list(notes or []),
    }  # fmt: skip


def about_rows(ctx: dict) -> list[tuple[str, object]]:
    rows = [
        ("rights holder", f"{ctx['party_name']} ({ctx['party']}, {ctx['kind']})"),
        ("day", ctx["day"]),
        ("territory", ctx["territory"]),
        ("use", ctx["use"]),
        ("time zone", ctx["time_zone"]),
        (
            "statuses",
            "as at the first instant of the day; 'status_since': the first day of the current status",
        ),
        ("recordings", ctx["recordings"]),
        ("works published", ", ".join(ctx["works"]) or "none"),
    ]
    for p in ctx["platforms"]:
        counts = ", ".join(f"{n} {s}" for s, n in p["counts"].items() if n) or "no tracks"
        rows.append(
            (
                f"on {p['platform_name']} ({p['platform']})",
                f"{counts}; {p['live']} live, {p['taken_down']} taken down",
            )
        )
    rows += [("note", n) for n in ctx["notes"]]
    return rows


def render_holder_html(ctx: dict) -> str:
    colours = {s.value: c for s, c in STATUS_COLOURS.items()}
    return templates().get_template("rights_holder.html.j2").render(r=ctx, colours=colours)


def write_holder_csvs(ctx: dict, folder: Path, stem: str) -> list[Path]:
    """``<stem>-tracks.csv``, ``<stem>-audio-matches.csv`` and ``<stem>-about.csv``."""
    tables = {
        "about": about_table(about_rows(ctx)),
        "tracks": (TRACK_COLUMNS, ctx["track_rows"]),
        "audio-matches": (MATCH_COLUMNS, ctx["match_rows"]),
    }
    return write_csv_tables(folder, stem, tables)


def write_holder_xlsx(ctx: dict, target) -> dict[str, int]:
    from songclear.reports.xlsx import Sheet, write_xlsx

    sheets = [
        Sheet("tracks", TRACK_COLUMNS, [cells(r, TRACK_COLUMNS) for r in ctx["track_rows"]]),
        Sheet("audio matches", MATCH_COLUMNS, [cells(r, MATCH_COLUMNS) for r in ctx["match_rows"]]),
    ]
    day = datetime.fromisoformat(ctx["day"])
    return write_xlsx(target, sheets, about=about_rows(ctx), created=day)
