"""Audit charts as inline SVG strings, written directly (no plotting library).

Hand-written SVG keeps the output byte-for-byte deterministic (no generated ids, no dates, fixed float format),
small, and free of fonts-as-paths, so it can be compared as a golden file and embedded in a self-contained page.
Each status is one ``<g class="series" data-status=...>``; notice dates are ``<g class="marker">`` lines.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from songclear.app.audit_run import TimelinePoint
from songclear.domain.decision import Status
from songclear.domain.notices import Notice
from songclear.reports.context import STATUS_COLOURS, STATUS_LABELS
from songclear.reports.fonts import CJK_FONT_STACK

_FONT = f"font-family='Helvetica, Arial, {CJK_FONT_STACK}'"  # licensor names are mostly Chinese
# Bottom-up stacking: what still plays at the bottom, what a notice removes on top.
_STACK = (Status.CLEARED, Status.EXPIRING, Status.CONFLICT, Status.BUFFER, Status.UNCLEARED)
# Dark markers with a white halo stay visible on every bar colour.
_MARKER_STYLE = {"issued": "#555555", "deadline": "#000000", "buffer end": "#0b2f6b"}


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _f(x: float) -> str:
    return f"{x:.1f}"


def _nice_max(value: int) -> tuple[int, int]:
    """An axis top >= value and a tick step giving about five ticks."""
    if value <= 0:
        return 1, 1
    raw = value / 5
    mag = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    step = max(int(step), 1)
    return step * math.ceil(value / step), step


def _open(width: int, height: int, title: str) -> list[str]:
    return [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' role='img' aria-label={quoteattr(title)} {_FONT} font-size='11'>",
        f"<title>{escape(title)}</title>",
    ]


def _legend(x: float, y: float) -> list[str]:
    out = ["<g class='legend'>"]
    for i, st in enumerate(_STACK):
        yy = y + i * 18
        out.append(
            f"<rect x='{_f(x)}' y='{_f(yy)}' width='12' height='12' fill='{STATUS_COLOURS[st]}'/>"
            f"<text x='{_f(x + 18)}' y='{_f(yy + 10)}'>{escape(STATUS_LABELS[st])}</text>"
        )
    out.append("</g>")
    return out


def _notice_dates(notices: Sequence[Notice]) -> list[tuple[str, str, date]]:
    out = []
    for n in sorted(notices, key=lambda n: (n.issued, n.id)):
        out += [("issued", n.id, n.issued), ("deadline", n.id, n.effective)]
        if n.buffer_end is not None:
            out.append(("buffer end", n.id, n.buffer_end))
    return out


def timeline_svg(points: Sequence[TimelinePoint], notices: Sequence[Notice] = (), *, width: int = 800) -> str:
    """Stacked bars of library status counts per timeline day, with each notice's dates as vertical markers."""
    height, left, right, top, bottom = 360, 56, 200, 64, 78
    title = "Library status week by week"
    out = _open(width, height, title)
    if not points:
        out += [f"<text x='{left}' y='{top + 20}'>No timeline was computed for this audit.</text>", "</svg>"]
        return "\n".join(out)
    pts = sorted(points, key=lambda p: p.day)
    days = [p.day for p in pts]
    gaps = [(b - a).days for a, b in zip(days, days[1:], strict=False) if (b - a).days > 0]
    step = min(gaps) if gaps else 7
    d0 = days[0].toordinal() - step / 2
    d1 = days[-1].toordinal() + step / 2
    pw, ph = width - left - right, height - top - bottom
    px_day = pw / (d1 - d0)

    def x_of(d: date) -> float:
        return left + (d.toordinal() - d0) * px_day

    totals = [sum(p.counts.get(st, 0) for st in Status) for p in pts]
    ymax, ystep = _nice_max(max(totals))

    def y_of(v: float) -> float:
        return top + ph - v / ymax * ph

    out.append(f"<text x='10' y='18' font-size='14' font-weight='bold'>{escape(title)}</text>")
    out.append("<g class='axis' stroke='#dddddd'>")
    for v in range(0, ymax + 1, ystep):
        out.append(
            f"<line x1='{left}' y1='{_f(y_of(v))}' x2='{left + pw}' y2='{_f(y_of(v))}'/>"
            f"<text x='{left - 6}' y='{_f(y_of(v) + 4)}' text-anchor='end' stroke='none' fill='#333333'>{v}</text>"
        )
    out.append("</g>")
    out.append(
        f"<text transform='translate(14 {_f(top + ph / 2)}) rotate(-90)' text-anchor='middle'>tracks</text>"
    )

    bar_w = max(step * px_day * 0.8, 1.0)
    base = [0] * len(pts)
    for st in _STACK:
        out.append(f"<g class='series' data-status='{st.value}' fill='{STATUS_COLOURS[st]}'>")
        for i, p in enumerate(pts):
            n = p.counts.get(st, 0)
            if n:
                y_hi, y_lo = y_of(base[i] + n), y_of(base[i])
                out.append(
                    f"<rect x='{_f(x_of(p.day) - bar_w / 2)}' y='{_f(y_hi)}' width='{_f(bar_w)}' "
                    f"height='{_f(y_lo - y_hi)}'><title>{p.day.isoformat()} {st.value}: {n}</title></rect>"
                )
                base[i] += n
        out.append("</g>")

    label_every = max(1, math.ceil(len(pts) / 12))
    out.append("<g class='x-labels'>")
    for i, p in enumerate(pts):
        if i % label_every == 0:
            x, y = _f(x_of(p.day)), _f(top + ph + 12)
            out.append(
                f"<text transform='translate({x} {y}) rotate(-40)' text-anchor='end'>{p.day.isoformat()}</text>"
            )
    out.append("</g>")

    shown = [(kind, nid, d) for kind, nid, d in _notice_dates(notices) if d0 <= d.toordinal() <= d1]
    several = len({nid for _, nid, _ in shown}) > 1
    for j, (kind, nid, d) in enumerate(shown):
        x = _f(x_of(d))
        colour = _MARKER_STYLE[kind]
        # Short labels over the plot, staggered so close dates stay readable; the legend spells them out.
        label = f"{_clip(nid, 14)} {kind}" if several else kind
        out.append(
            f"<g class='marker' data-kind={quoteattr(kind)} data-notice={quoteattr(nid)} data-day='{d.isoformat()}'>"
            f"<line x1='{x}' y1='{top - 2}' x2='{x}' y2='{top + ph}' stroke='#ffffff' stroke-width='4'/>"
            f"<line x1='{x}' y1='{top - 2}' x2='{x}' y2='{top + ph}' stroke='{colour}' stroke-width='2' "
            f"stroke-dasharray='6 3'/>"
            f"<text x='{x}' y='{top - 6 - 12 * (j % 2)}' text-anchor='middle' fill='{colour}'>{escape(label)}</text>"
            f"</g>"
        )
    out += _legend(left + pw + 16, top + 8)
    yy = top + 8 + len(_STACK) * 18 + 8
    lx = left + pw + 16
    for nid in dict.fromkeys(nid for _, nid, _ in shown):
        out.append(f"<text x='{lx}' y='{yy + 10}' font-weight='bold'>{escape(_clip(nid, 26))}</text>")
        yy += 16
        for kind, _, d in (m for m in shown if m[1] == nid):
            colour = _MARKER_STYLE[kind]
            out.append(
                f"<line x1='{lx}' y1='{yy + 6}' x2='{lx + 12}' y2='{yy + 6}' stroke='{colour}' stroke-width='2' "
                f"stroke-dasharray='4 2'/><text x='{lx + 18}' y='{yy + 10}'>{kind} {d.isoformat()}</text>"
            )
            yy += 16
    out.append("</svg>")
    return "\n".join(out)


def licensor_svg(
    by_licensor: Mapping[str, Mapping[Status, int]], names: Mapping[str, str], *, limit: int = 20
) -> str:
    """Horizontal stacked bars, one per licensor (the ``limit`` largest), split by status."""
    rows = sorted(by_licensor.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))[:limit]
    left, right, top, bar_h, gap = 180, 170, 34, 16, 6
    width = 780
    height = top + max(len(rows) * (bar_h + gap), len(_STACK) * 18) + 20  # room for bars and the legend
    title = "Tracks per licensor by status"
    out = _open(width, height, title)
    out.append(f"<text x='10' y='18' font-size='14' font-weight='bold'>{escape(title)}</text>")
    pw = width - left - right
    vmax = max((sum(c.values()) for _, c in rows), default=0) or 1
    for st in _STACK:
        out.append(f"<g class='series' data-status='{st.value}' fill='{STATUS_COLOURS[st]}'>")
        for i, (lic, counts) in enumerate(rows):
            x = left + sum(counts.get(s, 0) for s in _STACK[: _STACK.index(st)]) / vmax * pw
            n = counts.get(st, 0)
            if n:
                y = top + i * (bar_h + gap)
                out.append(
                    f"<rect x='{_f(x)}' y='{y}' width='{_f(n / vmax * pw)}' height='{bar_h}'>"
                    f"<title>{escape(names.get(lic, lic))} {st.value}: {n}</title></rect>"
                )
        out.append("</g>")
    out.append("<g class='y-labels'>")
    for i, (lic, counts) in enumerate(rows):
        y = top + i * (bar_h + gap) + bar_h - 4
        name = escape(names.get(lic, lic))
        out.append(f"<text x='{left - 6}' y='{y}' text-anchor='end'>{name} ({sum(counts.values())})</text>")
    out.append("</g>")
    out += _legend(left + pw + 16, top)
    out.append("</svg>")
    return "\n".join(out)
