"""Scale of catalogue linking: N synthetic library tracks against N registered recordings, one process.

    .venv/bin/python bench/linking/scale.py --recordings 1000000 --tracks 1000000

Prints the time to build the alias table and the candidate index, the time to link every track, the outcome
counts and the peak RSS of the process (the recordings and the index are held in memory, the tracks are streamed).
Target (issue 4): 1 M x 1 M within 10 min and 4 GiB on the 2-core machine. Figures go in docs/linking.md. The
machine is shared: CPU seconds are the fair figure, wall time depends on the load.

The world, from one seed: titles of 2-6 characters drawn from 1,500 common CJK characters, 100 k artists with
Chinese names (a fifth with an English alias), 10 % duets, 8 % live or instrumental versions. Tracks: 54 % as
registered, 10 % traditional script, 8 % English alias, 6 % with a version tag, 3 % pinyin titles, 5 % one-
character typos, 8 % titles nobody registered, and since issue 12 platform noise: 2 % 'artist - title' with no
artist, 2 % a track number, a quality tag and '.mp3', 1 % the artist in pinyin, 1 % an unknown uploader.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from collections.abc import Iterator

import opencc
from pypinyin import lazy_pinyin

from songclear.domain.catalogue import Recording, Version
from songclear.linking.aliases import ArtistAliases
from songclear.linking.linker import Linker, LinkTrack

SEED = 7
POOL = [chr(c) for c in range(0x4E00, 0x4E00 + 20902, 13)][:1500]
SURNAMES = (
    "林陈张王李刘杨黄赵周吴徐孙马朱胡郭何高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁沈范钟"
)


def world(n_rec: int, rng: random.Random) -> tuple[list[Recording], list[tuple[str, str]]]:
    artists = sorted(
        {rng.choice(SURNAMES) + "".join(rng.choices(POOL, k=rng.choice((1, 2)))) for _ in range(100_000)}
    )
    aliases = [(a, f"Artist {i}") for i, a in enumerate(artists) if i % 5 == 0]
    recs: list[Recording] = []
    while len(recs) < n_rec:
        n = len(recs)
        title = "".join(rng.choices(POOL, k=rng.randint(2, 6)))
        who = (rng.choice(artists),) if rng.random() < 0.9 else tuple(rng.sample(artists, 2))
        dur = float(rng.randint(150, 330))
        recs.append(Recording(isrc=f"CNS01{n // 100000:02d}{n % 100000:05d}", title=title, artists=who,
                              duration_s=dur, work_id=f"W{n}"))  # fmt: skip
        if rng.random() < 0.08 and len(recs) < n_rec:
            n += 1
            live = rng.random() < 0.5
            recs.append(Recording(
                isrc=f"CNS01{n // 100000:02d}{n % 100000:05d}", title=f"{title} ({'Live' if live else '伴奏'})",
                artists=who, duration_s=dur + (20 if live else 0),
                version=Version.LIVE if live else Version.INSTRUMENTAL, work_id=f"W{n - 1}",
            ))  # fmt: skip
    return recs, aliases


def tracks(
    recs: list[Recording], aliases: list[tuple[str, str]], n: int, rng: random.Random
) -> Iterator[LinkTrack]:
    s2t = opencc.OpenCC("s2t")
    english = dict(aliases)
    pinyin = {c: lazy_pinyin(c)[0] for c in POOL}
    for i in range(n):
        rec = rng.choice(recs)
        title, artist, dur = rec.title, "、".join(rec.artists), rec.duration_s
        roll = rng.random()
        if roll < 0.10:
            title, artist = s2t.convert(title), s2t.convert(artist)
        elif roll < 0.18:
            artist = english.get(rec.artists[0], artist)
        elif roll < 0.24:
            title = f"{title} {rng.choice(('(Live)', '（Live版）', '伴奏', 'DJ版'))}"
        elif roll < 0.27:
            title = " ".join(pinyin.get(c, c) for c in title)
        elif roll < 0.32:
            pos = rng.randrange(len(title))
            title = title[:pos] + rng.choice(POOL) + title[pos + 1 :]
        elif roll < 0.40:
            title = "".join(rng.choices(POOL, k=rng.randint(2, 6)))
        elif roll < 0.42:  # platform noise (issue 12): the artist written into the title, no artist field
            title, artist = f"{artist} - {title}", ""
        elif roll < 0.44:
            title = (
                f"{rng.randint(1, 20):02d} {title}【{rng.choice(('高品质', '无损', '320k', '官方版'))}】.mp3"
            )
        elif roll < 0.45:  # the artist in pinyin, a name the alias table does not hold
            artist = " ".join(pinyin.get(c, c) for c in rec.artists[0])
        elif roll < 0.46:  # an uploader the ledger does not know
            artist = rng.choice(("路人甲", "小鱼儿", "Kevin Music"))
        yield LinkTrack(f"bench/{i}", title, artist, None, dur)


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU seconds of this process: the fair figure when other work shares the two cores."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recordings", type=int, default=1_000_000)
    parser.add_argument("--tracks", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = random.Random(SEED)
    t0 = time.perf_counter()
    recs, groups = world(args.recordings, rng)
    t1 = time.perf_counter()
    print(
        f"generated {len(recs):,} recordings in {t1 - t0:.1f} s (peak RSS {rss_mib():,.0f} MiB)", flush=True
    )
    c1 = cpu_s()
    table = ArtistAliases.from_ledger(recordings=recs, groups=groups)
    linker = Linker(recs, {}, table)
    t2 = time.perf_counter()
    c2 = cpu_s()
    print(f"alias table ({len(table):,} names) and index built in {t2 - t1:.1f} s wall, {c2 - c1:.1f} s CPU "
          f"(peak RSS {rss_mib():,.0f} MiB)", flush=True)  # fmt: skip
    counts = {"auto": 0, "review": 0, "none": 0}
    link_time = 0.0
    for i, track in enumerate(tracks(recs, groups, args.tracks, random.Random(SEED + 1)), 1):
        start = time.perf_counter()
        counts[linker.link(track).outcome] += 1
        link_time += time.perf_counter() - start
        if i % 200_000 == 0:
            print(f"  {i:,} tracks, linking {link_time:.1f} s", flush=True)
    total = time.perf_counter() - t1
    cpu = cpu_s() - c1
    print(
        f"linked {args.tracks:,} tracks in {link_time:.1f} s ({args.tracks / link_time:,.0f} tracks/s): {counts}"
    )
    print(f"index + linking {total:.1f} s wall, {cpu:.1f} s CPU (track generation included: "
          f"{total - (t2 - t1) - link_time:.1f} s wall)")  # fmt: skip
    print(f"peak RSS {rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
