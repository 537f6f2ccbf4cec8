"""A deterministic synthetic ledger and library for the audit benchmark.

    python bench/synthetic_ledger.py --db sqlite:///bench/out/ledger-1000000.db --tracks 1000000

The world, from one seed: a few hundred labels and publishers, ten platforms, 500 k recordings (owned by labels,
half of them tied to a work with one or two publishers), 200 k grants (catalogue and listed scopes, master and
composition rights, varied terms, territories, uses and commercial models, some expired or terminated, a few
exclusive) with sublicence chains up to depth 3 (label -> platform A -> platform B -> platform C), the 2015 stop
notice, and a library of N tracks spread over the platforms: most carry the ISRC of a registered recording, some
none, some an unknown one. Everything goes through ``LedgerRepository.record`` in batches, so the same generator
fills SQLite or PostgreSQL.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from songclear.domain.catalogue import Availability, LibraryTrack, Party, Recording, Work
from songclear.domain.grants import Grant, Term, Termination, TerminationCause, start_of_day
from songclear.domain.notices import Notice
from songclear.domain.territory import Territories
from songclear.domain.vocabulary import PartyKind, Right
from songclear.store.database import Database
from songclear.store.repository import LedgerRepository

RECORDED_AT = datetime(2016, 1, 1, tzinfo=UTC)  # every fact 'known since' this instant
CHUNK = 50_000  # facts handed to record() per call (it batches its own lookups and inserts)

TERRITORIES = [("CN", 40), ("Worldwide", 25), ("CN HK MO TW", 10), ("Worldwide -CN", 5), ("HK", 5),
               ("Worldwide -TW -HK", 10), ("TW", 5)]  # fmt: skip
USES = [("Stream", 50), ("OnDemandStream", 15), ("DownloadAndStream", 15), ("PermanentDownload", 10),
        ("Stream PermanentDownload", 10)]  # fmt: skip
MODELS = [("", 60), ("SubscriptionModel", 20), ("AdvertisementSupportedModel SubscriptionModel", 20)]


@dataclass(frozen=True, slots=True)
class Shape:
    """How big the world is. The defaults are the benchmark's: 500 k recordings, 200 k grants, 1 M tracks."""

    labels: int = 300
    publishers: int = 200
    platforms: int = 10
    recordings: int = 500_000
    grants: int = 200_000
    tracks: int = 1_000_000
    seed: int = 2015


DEFAULT = Shape()


def isrc(i: int) -> str:
    # CC-XXX-YY-NNNNN: a registrant code per 100 000 recordings keeps every ISRC well-formed and distinct.
    return f"CNX{i // 100_000:02d}15{i % 100_000:05d}"


def _pick(rng: random.Random, table: list[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in table], [w for _, w in table])[0]


class World:
    """Generates the facts in order (parties, works, recordings, grants, notices, tracks) from one seed."""

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.rng = random.Random(shape.seed)
        self.labels = [f"L{i:04d}" for i in range(shape.labels)]
        self.publishers = [f"P{i:04d}" for i in range(shape.publishers)]
        self.platforms = [f"DSP{i:02d}" for i in range(shape.platforms)]
        # A few big labels own most of the music (Zipf-like weights).
        self.label_weights = [1.0 / (i + 1) ** 0.8 for i in range(shape.labels)]
        self.n_works = shape.recordings // 3
        self.owner: list[str] = []  # recording index -> owner label
        self.work_of: list[int | None] = []  # recording index -> work index
        self.by_label: dict[str, list[int]] = {}
        self.work_publishers: list[tuple[str, ...]] = []
        self._terr: dict[str, Territories] = {}

    def territories(self, text: str) -> Territories:
        t = self._terr.get(text)
        if t is None:
            t = self._terr[text] = Territories.from_text(text)
        return t

    def parties(self) -> Iterator[Party]:
        for p in self.labels:
            yield Party(id=p, name=f"Label {p}", kind=PartyKind.LABEL, recorded_at=RECORDED_AT)
        for p in self.publishers:
            yield Party(id=p, name=f"Publisher {p}", kind=PartyKind.PUBLISHER, recorded_at=RECORDED_AT)
        for p in self.platforms:
            yield Party(id=p, name=f"Platform {p}", kind=PartyKind.PLATFORM, recorded_at=RECORDED_AT)
        yield Party(id="NCAC", name="National Copyright Administration", kind=PartyKind.REGULATOR,
                    recorded_at=RECORDED_AT)  # fmt: skip

    def works(self) -> Iterator[Work]:
        rng = self.rng
        for i in range(self.n_works):
            pubs = tuple(sorted(set(rng.sample(self.publishers, 1 if rng.random() < 0.8 else 2))))
            self.work_publishers.append(pubs)
            yield Work(id=f"W{i:07d}", title=f"Work {i}", publishers=pubs, recorded_at=RECORDED_AT)

    def recordings(self) -> Iterator[Recording]:
        rng = self.rng
        owners = rng.choices(self.labels, self.label_weights, k=self.shape.recordings)
        for i, owner in enumerate(owners):
            work = rng.randrange(self.n_works) if rng.random() < 0.5 else None
            self.owner.append(owner)
            self.work_of.append(work)
            self.by_label.setdefault(owner, []).append(i)
            yield Recording(
                isrc=isrc(i), title=f"Song {i}", artists=(f"Artist {i % 20_000}",), duration_s=200.0,
                owner=owner, work_id=None if work is None else f"W{work:07d}", recorded_at=RECORDED_AT,
            )  # fmt: skip

    def _term(self) -> Term:
        rng = self.rng
        start = date(2012, 1, 1) + timedelta(days=rng.randrange(0, 4 * 365 + 180))
        if rng.random() < 0.3:
            return Term(start, None)
        return Term(start, start + timedelta(days=rng.randrange(180, 6 * 365)))

    def _grant(self, gid: str, licensor: str, licensee: str, right: Right, **kw) -> Grant:
        rng = self.rng
        term = kw.pop("term", None) or self._term()
        termination = None
        if rng.random() < 0.01:
            day = term.start + timedelta(days=rng.randrange(30, 900))
            termination = Termination(start_of_day(day), TerminationCause.TERMINATED, "synthetic")
        models = _pick(rng, MODELS)
        return Grant(
            id=gid, licensor=licensor, licensee=licensee, rights=frozenset({right}), term=term,
            territories=kw.pop("territories", None) or self.territories(_pick(rng, TERRITORIES)),
            uses=kw.pop("uses", None) or frozenset(_pick(rng, USES).split()),
            commercial_models=frozenset(models.split()), termination=termination, source="synthetic",
            recorded_at=RECORDED_AT, **kw,
        )  # fmt: skip

    def _sublicences(self, parent: Grant, depth: int, counter: list[int]) -> Iterator[Grant]:
        """Sublicences down from ``parent`` (depth 1..3), each to a platform not yet in the chain."""
        rng = self.rng
        if depth > 3 or not parent.sublicensable:
            return
        for _ in range(rng.choice((1, 1, 2))):
            licensee = rng.choice([p for p in self.platforms if p != parent.licensee])
            counter[0] += 1
            inside = rng.random() < 0.9  # the rest claim more than the parent has (wider territory or term)
            term = parent.term if inside else Term(parent.term.start, None)
            territories = parent.territories if inside else self.territories("Worldwide")
            sub = self._grant(
                f"S{counter[0]:07d}", parent.licensee, licensee, next(iter(parent.rights)), term=term,
                territories=territories, uses=parent.uses, catalogue=parent.catalogue,
                recordings=parent.recordings, works=parent.works, parent=parent.id,
                sublicensable=rng.random() < 0.5, issued=parent.issued_on + timedelta(days=rng.randrange(1, 90)),
            )  # fmt: skip
            yield sub
            yield from self._sublicences(sub, depth + 1, counter)

    def grants(self) -> Iterator[Grant]:
        rng = self.rng
        total, n, subs = self.shape.grants, 0, [0]
        # Catalogue grants: each label to a few platforms (some exclusive, some sublicensable) ...
        for label in self.labels:
            for platform in rng.sample(self.platforms, rng.randint(2, 6)):
                n += 1
                g = self._grant(
                    f"G{n:07d}", label, platform, Right.MASTER, catalogue=True,
                    exclusive=rng.random() < 0.05, sublicensable=rng.random() < 0.3,
                )  # fmt: skip
                yield g
                yield from self._sublicences(g, 1, subs)
        # ... and each publisher to a few platforms for its compositions.
        for pub in self.publishers:
            for platform in rng.sample(self.platforms, rng.randint(3, 8)):
                n += 1
                yield self._grant(f"G{n:07d}", pub, platform, Right.COMPOSITION, catalogue=True)
        # Listed grants fill the rest: mostly a label's own recordings (2 % list one it does not own),
        # some publishers listing works, a quarter sublicensable with chains below them.
        busy = [lb for lb in self.labels if self.by_label.get(lb)]
        weights = [self.label_weights[int(lb[1:])] for lb in busy]
        while n + subs[0] < total:
            n += 1
            platform = rng.choice(self.platforms)
            if rng.random() < 0.9:
                label = rng.choices(busy, weights)[0]
                own = self.by_label[label]
                listed = {isrc(rng.choice(own)) for _ in range(rng.randint(1, 8))}
                if rng.random() < 0.02:
                    listed.add(isrc(rng.randrange(self.shape.recordings)))
                g = self._grant(
                    f"G{n:07d}", label, platform, Right.MASTER, recordings=frozenset(listed),
                    exclusive=rng.random() < 0.01, sublicensable=rng.random() < 0.25,
                )  # fmt: skip
            else:
                w = rng.randrange(self.n_works)
                g = self._grant(
                    f"G{n:07d}", rng.choice(self.work_publishers[w]), platform, Right.COMPOSITION,
                    works=frozenset({f"W{w:07d}"}),
                )  # fmt: skip
            yield g
            yield from self._sublicences(g, 1, subs)

    def notices(self) -> Iterator[Notice]:
        yield Notice(
            id="NCAC-2015-07", issuer="NCAC", title="Order to stop unlicensed music distribution",
            issued=date(2015, 7, 8), effective=date(2015, 7, 31), buffer_end=date(2015, 10, 31),
            recorded_at=RECORDED_AT,
        )  # fmt: skip

    def tracks(self) -> Iterator[LibraryTrack]:
        rng = self.rng
        sizes = [1.0 / (i + 1) ** 0.5 for i in range(self.shape.platforms)]  # a few big platforms
        plats = rng.choices(self.platforms, sizes, k=self.shape.tracks)
        n_rec = self.shape.recordings
        for i, platform in enumerate(plats):
            r = rng.random()
            if r < 0.05:
                code = None  # no ISRC given
            elif r < 0.08:
                code = f"CNY9915{rng.randrange(100_000):05d}"  # an ISRC the ledger does not know
            else:
                code = isrc(rng.randrange(n_rec))
            yield LibraryTrack(
                platform=platform, track_id=f"T{i:08d}", title=f"Song {i}", artist=f"Artist {i % 20_000}",
                isrc=code, play_count=rng.randrange(10_000),
                availability=Availability.LIVE if rng.random() < 0.97 else Availability.TAKEN_DOWN,
                recorded_at=RECORDED_AT,
            )  # fmt: skip


def _chunks(facts: Iterator, size: int = CHUNK) -> Iterator[list]:
    chunk: list = []
    for f in facts:
        chunk.append(f)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def generate(url: str, shape: Shape, *, log=print) -> dict[str, int]:
    """Fill the (empty) database at ``url`` with the world of ``shape``; returns rows written per kind."""
    world = World(shape)
    counts: dict[str, int] = {}
    with Database.open(url) as db:
        for kind, facts in (
            ("parties", world.parties()), ("works", world.works()), ("recordings", world.recordings()),
            ("grants", world.grants()), ("notices", world.notices()), ("tracks", world.tracks()),
        ):  # fmt: skip
            started, n = time.perf_counter(), 0
            for chunk in _chunks(facts):
                with db.session() as s:  # one transaction per chunk keeps the WAL and memory small
                    n += LedgerRepository(s).record(chunk, recorded_at=RECORDED_AT).added
            counts[kind] = n
            log(f"  {kind:<10} {n:>10,} rows in {time.perf_counter() - started:6.1f} s")
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="database URL (sqlite:///path or postgresql://...)")
    ap.add_argument("--tracks", type=int, default=DEFAULT.tracks)
    ap.add_argument("--recordings", type=int, default=DEFAULT.recordings)
    ap.add_argument("--grants", type=int, default=DEFAULT.grants)
    ap.add_argument("--seed", type=int, default=DEFAULT.seed)
    args = ap.parse_args(argv)
    shape = Shape(tracks=args.tracks, recordings=args.recordings, grants=args.grants, seed=args.seed)
    generate(args.db, shape)
    return 0


if __name__ == "__main__":
    sys.exit(main())
