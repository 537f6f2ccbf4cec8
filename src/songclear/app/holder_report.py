"""The rights-holder report (``songclear report rights-holder``): a holder's catalogue on each platform on a day
(``holder_view``), written as HTML, one CSV per table (in ``OUT/rights-holder-csv``), XLSX, and a PDF printed by
Debian's Chromium (after checking that a CJK font is installed: the report's notes and the command's output say
so when none is)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from songclear.app.regulator_report import WrittenReport
from songclear.errors import InputError

FORMATS = ("html", "csv", "xlsx", "pdf")


def holder_report_files(
    db, *, party: str, day: date, formats: tuple[str, ...]
) -> tuple[dict[str, bytes], list[str], dict]:
    """The report's files by name, its notes, and the catalogue they show (``holder_view.catalogue_view``)."""
    from songclear.app.holder_view import catalogue_view, holder_catalogue
    from songclear.reports.fonts import cjk_font_warning
    from songclear.reports.regulator import html_to_pdf
    from songclear.reports.rights_holder import (
        holder_report_context,
        render_holder_html,
        write_holder_csvs,
        write_holder_xlsx,
    )

    unknown = set(formats) - set(FORMATS)
    if unknown or not formats:
        raise InputError(
            f"report formats are {', '.join(FORMATS)}; got {', '.join(sorted(unknown)) or 'none'}"
        )
    notes = [w] if "pdf" in formats and (w := cjk_font_warning()) else []
    view = catalogue_view(holder_catalogue(db, party=party, day=day))
    ctx = holder_report_context(view, notes)
    stem = f"rights-holder-{party}-{day.isoformat()}"
    html = render_holder_html(ctx)
    files: dict[str, bytes] = {}
    if "html" in formats:
        files[f"{stem}.html"] = html.encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="songclear-report-") as tmp:
        folder = Path(tmp)
        if "csv" in formats:
            files |= {p.name: p.read_bytes() for p in write_holder_csvs(ctx, folder, stem)}
        if "xlsx" in formats:
            write_holder_xlsx(ctx, folder / f"{stem}.xlsx")
            files[f"{stem}.xlsx"] = (folder / f"{stem}.xlsx").read_bytes()
        if "pdf" in formats:
            files[f"{stem}.pdf"] = html_to_pdf(html, folder / f"{stem}.pdf").read_bytes()
    return files, notes, view


def write_holder_report(db, *, party: str, day: date, out: Path, formats: tuple[str, ...]) -> WrittenReport:
    files, notes, view = holder_report_files(db, party=party, day=day, formats=formats)
    written = []
    for name, content in files.items():
        folder = out / "rights-holder-csv" if name.endswith(".csv") else out
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
        written.append(str(folder / name))
    return WrittenReport(written, notes, summary_lines(view))


def summary_lines(view: dict) -> list[str]:
    """The catalogue in a few lines: per platform the tracks by status, live and taken down, then each track
    that is not cleared (what the holder may want to claim)."""
    n = len(view["platforms"])
    lines = [f"{view['party_name']} ({view['party']}) on {view['day']}: {n} platform{'' if n == 1 else 's'}"]
    for p in view["platforms"]:
        counts = ", ".join(f"{n} {status}" for status, n in p["counts"].items() if n)
        lines.append(
            f"  {p['platform_name']} ({p['platform']}): {counts or 'no tracks'}; {p['live']} live, "
            f"{p['taken_down']} taken down"
        )
        for t in p["tracks"]:
            if t["status"] != "cleared":
                state = "live" if t["availability"] == "live" else "taken down"
                lines.append(
                    f"    {t['status']} {t['platform']}/{t['track_id']} {t['title']} = {t['recording'] or t['work']}"
                    f" ({state})"
                )
    return lines
