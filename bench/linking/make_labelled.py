"""Generate the labelled linking set in tests/data/linking/ (deterministic: seed 4, no network).

    .venv/bin/python bench/linking/make_labelled.py [--out tests/data/linking]

A fictional catalogue (artists with Chinese names, English and pinyin aliases; titles built from common words;
studio, live, instrumental, remix and cover recordings; duets), then library tracks written the ways platforms
write them, each labelled with the recording (and work) it really is, or with none. Categories and how each is
made are listed in tests/data/linking/README.md. Traditional forms are made with OpenCC s2t here only to *write*
test data; the linker itself never converts that way.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

import opencc
from pypinyin import lazy_pinyin

SEED = 4
S2T = opencc.OpenCC("s2t")
SURNAMES = (
    "林陈张王李刘杨黄赵周吴徐孙马朱胡郭何高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁沈范钟"
)
GIVEN = "一小文杰伦玮琪雨晴天宇浩然子涵欣怡思远明华丽娟志强秀英建国海燕飞龙凤云霞东南春秋夏冬梦婷佳乐"
WORDS = [
    "后来",
    "头发",
    "爱",
    "梦",
    "风",
    "云",
    "泪",
    "回忆",
    "说",
    "听",
    "时间",
    "钟声",
    "东方",
    "飞",
    "岛",
    "灯",
    "门",
    "岁月",
    "桥",
    "远方",
    "夜",
    "雨",
    "海",
    "城",
    "光",
    "星",
    "花",
    "春天",
    "秋",
    "等",
    "你",
    "我",
    "心",
    "歌",
    "路",
    "归",
    "长",
    "别离",
    "晚风",
    "风筝",
    "月亮",
    "码头",
    "故事",
    "红",
    "蓝",
    "旧",
    "信",
    "书",
    "鱼",
    "龙",
    "凤",
    "万年",
    "天空",
    "温柔",
    "孤单",
    "晴天",
    "黑夜",
    "思念",
    "宝贝",
    "青春",
    "告白",
    "气球",
    "世界",
    "未来",
    "约定",
    "自由",
    "微笑",
    "眼泪",
    "秘密",
    "寂寞",
    "离开",
    "相遇",
    "永远",
    "梦想",
]
HOMOPHONES = dict(
    zip(
        "气在的是做已象那他园心风梦雨时光城星爱说远",
        "汽再得事作以像哪她圆新疯孟语实广程心碍硕院",
        strict=True,
    )
)
# Common characters to draw homophone typos from (a typo writes one of these for a character that sounds alike).
COMMON = (
    "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多然"
    "于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长"
    "儿回位分爱老因很给名法间斯知世什两次使身者被高已亲其进此话常与活正感见明问力理尔点文几定本公特做外孩相西果"
    "走将月十实向声车全信重三机工物气每并别真打太新比才便夫再书部水像眼等体却加电主界门利海受听表德少克代员许"
    "先口由死安写性马光白或住难望教命花结乐色更拉东神记处让母父应直字场平报友关放至张认接告入笑内英军候民岁往何"
    "古谷骨顾孔恐控万完碗玩湾隆笼聋丁顶订投透偷越跃阅末莫墨默摸鳖赖莱言严颜演烟盐米迷蜜田甜添填累雷类凯慨非费"
    "菲肥树数术输舒纯唇醇"
)


def homophone(ch: str, fallback: str) -> str:
    """A common character that sounds like ``ch`` (toneless pinyin), chosen by the character itself; else
    ``fallback``."""
    sound = lazy_pinyin(ch)[0]
    alike = sorted({c for c in COMMON if c != ch and lazy_pinyin(c)[0] == sound})
    return alike[ord(ch) % len(alike)] if alike else fallback


BANDS = ["白鸽乐队", "五月天空", "苏打绿洲", "夜行者", "蓝色港湾"]
FULLWIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)} | {" ": "\u3000"}


def pinyin_name(name: str) -> str:
    syl = lazy_pinyin(name)
    return f"{syl[0].capitalize()} {''.join(syl[1:]).capitalize()}" if len(syl) > 1 else syl[0].capitalize()


def fullwidth(s: str) -> str:
    return "".join(FULLWIDTH.get(c, c) for c in s)


class World:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.artists: list[dict] = []
        names: set[str] = set()  # names, English names and pinyin are unique: an alias names one artist
        while len(self.artists) < 140:
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
            english = rng.choice(
                ["Lily", "Jason", "Vivian", "Eric", "Grace", "Kevin", "Joey", "Sammi", "Leo"]
            )
            english = f"{english} {pinyin_name(name).split()[0]}"
            if {name, english, pinyin_name(name)} & names:
                continue
            names |= {name, english, pinyin_name(name)}
            self.artists.append({"name": name, "english": english, "pinyin": pinyin_name(name)})
        for band in BANDS:
            self.artists.append({"name": band, "english": "", "pinyin": pinyin_name(band)})
        self.recordings: list[dict] = []
        self.works: list[dict] = []
        self.songs: dict[str, list[dict]] = {}  # artist name -> studio recordings
        self.n = 0
        for artist in self.artists:
            titles: set[str] = set()
            for _ in range(rng.randint(6, 10)):
                title = "".join(rng.sample(WORDS, rng.choice((1, 2, 2, 2, 3))))
                if title in titles or len(title) < 2:
                    continue
                titles.add(title)
                work = f"W-{len(self.works) + 1:05d}"
                self.works.append({"id": work, "title": title})
                rec = self.add(title, [artist["name"]], "studio", work, rng.randint(150, 330))
                self.songs.setdefault(artist["name"], []).append(rec)
                roll = rng.random()
                if roll < 0.15:
                    self.add(
                        f"{title} (Live)",
                        [artist["name"]],
                        "live",
                        work,
                        rec["duration_s"] + rng.randint(8, 40),
                    )
                elif roll < 0.25:
                    self.add(f"{title} (伴奏)", [artist["name"]], "instrumental", work, rec["duration_s"])
                elif roll < 0.30:
                    self.add(
                        f"{title} (DJ版)",
                        [artist["name"]],
                        "remix",
                        work,
                        rec["duration_s"] - rng.randint(5, 30),
                    )
        for _ in range(60):  # duets
            a, b = rng.sample(self.artists[:140], 2)
            title = "".join(rng.sample(WORDS, 2))
            work = f"W-{len(self.works) + 1:05d}"
            self.works.append({"id": work, "title": title})
            self.add(title, [a["name"], b["name"]], "studio", work, rng.randint(180, 300))

    def add(self, title: str, artists: list[str], version: str, work: str, duration: int) -> dict:
        self.n += 1
        rec = {"isrc": f"CNX01{16 + self.n // 100000:02d}{self.n % 100000:05d}", "title": title,
               "artists": artists, "version": version, "work_id": work, "duration_s": duration}  # fmt: skip
        self.recordings.append(rec)
        return rec

    def by_isrc(self, isrc: str) -> dict:
        return next(r for r in self.recordings if r["isrc"] == isrc)

    def variants(self, rec: dict, version: str) -> dict | None:
        for r in self.recordings:
            if r["work_id"] == rec["work_id"] and r["version"] == version and r["artists"] == rec["artists"]:
                return r
        return None


def build(rng: random.Random) -> tuple[World, list[dict]]:
    w = World(rng)
    solo = [a for a in w.artists if a["english"]]
    tracks: list[dict] = []

    def track(cat: str, title: str, artist: str, rec: dict | None, *, work: str | None = None, isrc: str = "",
              duration: float | None = None, jitter: bool = True) -> None:  # fmt: skip
        if duration is None and rec is not None:
            duration = rec["duration_s"] + (rng.choice((-1, 0, 0, 1)) if jitter else 0)
        tracks.append({
            "track_key": f"lab/{len(tracks) + 1:04d}", "title": title, "artist": artist, "isrc": isrc,
            "duration_s": "" if duration is None else duration, "expected_isrc": rec["isrc"] if rec else "",
            "expected_work": work if work is not None else (rec["work_id"] if rec else ""), "category": cat,
        })  # fmt: skip

    def song(min_len: int = 2) -> tuple[dict, dict]:
        while True:
            a = rng.choice(solo)
            rec = rng.choice(w.songs[a["name"]])
            if len(rec["title"]) >= min_len:
                return a, rec

    for _ in range(90):
        a, rec = song()
        track("exact", rec["title"], a["name"], rec)
    for _ in range(90):
        a, rec = song()
        track("traditional", S2T.convert(rec["title"]), S2T.convert(a["name"]), rec)
    for _ in range(10):
        a, rec = song()
        track("pinyin_title", " ".join(s.capitalize() for s in lazy_pinyin(rec["title"])), a["english"], rec)
    for _ in range(70):
        a, rec = song()
        title = rec["title"] if rng.random() < 0.5 else S2T.convert(rec["title"])
        track("english_alias", title, a["english"] if rng.random() < 0.8 else a["pinyin"], rec)
    for _ in range(60):
        a, rec = song()
        live = w.variants(rec, "live")
        target, title = (
            (live, f"{rec['title']} (Live)") if live and rng.random() < 0.5 else (rec, rec["title"])
        )
        track("fullwidth", fullwidth(f" {title} "), fullwidth(rng.choice((a["name"], a["english"]))), target)
    for i in range(60):
        a, rec = song(4 if i < 54 else 2)
        t = rec["title"]
        pos = rng.randrange(len(t))
        # A typo is an input-method slip: a character that sounds the same (issue 12). The fallback draw is
        # kept so that every other row of the set stays as it was.
        repl = HOMOPHONES.get(t[pos]) or homophone(
            t[pos], rng.choice([c for c in "的了和是在有我这为中" if c != t[pos]])
        )
        track("typo", t[:pos] + repl + t[pos + 1 :], rng.choice((a["name"], a["english"])), rec)
    notations = {
        "live": ["(Live)", "（Live版）", "现场版", " - Live", "【现场】", "(演唱会版)"],
        "instrumental": ["(伴奏)", "[Instrumental]", "伴奏", "(纯音乐)", "(Karaoke)"],
        "remix": ["(DJ版)", "(Remix)", " DJ版", "(串烧)"],
    }
    versioned = [r for r in w.recordings if r["version"] in notations]
    for rec in rng.sample(versioned, min(90, len(versioned))):
        base = w.variants(rec, "studio") or rec
        note = rng.choice(notations[rec["version"]])
        artist = rec["artists"][0]
        track(
            "version_tag",
            f"{base['title']}{'' if note[0] in ' -' or not note[0].isascii() else ' '}{note}",
            artist,
            rec,
        )
    duets = [r for r in w.recordings if len(r["artists"]) == 2]
    for rec in duets:
        a, b = rec["artists"]
        form = rng.choice(
            ["{a}、{b}", "{b} & {a}", "{a} feat. {b}", "{a}/{b}", "{a} x {b}", "{a}和{b}", "{a}"]
        )
        if rng.random() < 0.15:
            track("multi_artist", f"{rec['title']} (feat. {b})", a, rec)
        else:
            track("multi_artist", rec["title"], form.format(a=a, b=b), rec)
    for _ in range(20):
        a, rec = song()
        bad = rng.choice(
            [rec["isrc"][:-1], rec["isrc"] + "X", "ISRC-UNKNOWN", rec["isrc"].replace("CN", "C1", 1)]
        )
        track("malformed_isrc", rec["title"], a["name"], rec, isrc=bad)
    for _ in range(20):
        a, rec = song()
        i = rec["isrc"]
        track("valid_isrc", rec["title"], a["name"], rec, isrc=f"{i[:2]}-{i[2:5]}-{i[5:7]}-{i[7:]}".lower())
    for _ in range(8):
        a, rec = song()
        other = rng.choice([r for r in w.recordings if r["artists"] != rec["artists"]])
        track("wrong_isrc", rec["title"], a["name"], rec, isrc=other["isrc"])
    for i in range(10):
        a, rec = song()
        note = f"(电视剧《{rng.choice(WORDS)}{rng.choice(WORDS)}》插曲)"
        if i < 5:  # the label registered the annotated title as its own edit: same annotation on both sides
            edit = w.add(
                f"{rec['title']} {note}", rec["artists"], "radio_edit", rec["work_id"], rec["duration_s"]
            )
            track("tv_edit", f"{rec['title']}{note}", a["name"], edit)
        else:
            track("tv_edit", f"{rec['title']}{note}", a["name"], rec)
    # -- hard negatives -------------------------------------------------------------------------------------
    titles_of = {name: {r["title"] for r in recs} for name, recs in w.songs.items()}
    for _ in range(50):
        a, rec = song()
        other = rng.choice([x for x in solo if rec["title"] not in titles_of[x["name"]]])
        track(
            "neg_other_artist",
            rec["title"],
            rng.choice((other["name"], other["english"])),
            None,
            duration=rng.randint(150, 330),
        )
    only_studio = [
        r
        for r in w.recordings
        if r["version"] == "studio" and len(r["artists"]) == 1 and not w.variants(r, "live")
    ]
    for rec in rng.sample(only_studio, 40):
        track("neg_live_vs_studio", f"{rec['title']} {rng.choice(['(Live)', '（Live版）', '现场版'])}", rec["artists"][0], None,
              work=rec["work_id"], duration=rec["duration_s"] + rng.randint(10, 40))  # fmt: skip
    no_inst = [r for r in only_studio if not w.variants(r, "instrumental")]
    for rec in rng.sample(no_inst, 30):
        track("neg_instrumental", f"{rec['title']} {rng.choice(['(伴奏)', '[Instrumental]', '(纯音乐)'])}", rec["artists"][0],
              None, work=rec["work_id"], duration=rec["duration_s"])  # fmt: skip
    for i in range(50):
        a, rec = song()
        other = rng.choice([x for x in solo if x["name"] != a["name"]])
        marker = rng.choice(["(翻唱)", "(Cover)", f"(原唱: {a['name']})", "(翻唱版)"])
        if i < 15:  # the cover itself is registered: it is that recording
            cover = w.add(
                f"{rec['title']} (翻唱)", [other["name"]], "cover", rec["work_id"], rng.randint(150, 330)
            )
            track("cover_registered", f"{rec['title']} {marker}", other["name"], cover)
        else:
            track(
                "neg_cover",
                f"{rec['title']} {marker}",
                other["name"],
                None,
                work=rec["work_id"],
                duration=rng.randint(150, 330),
            )
    for _ in range(40):
        a, rec = song(3)
        t = rec["title"]
        variant = rng.choice([t + rng.choice(WORDS), t[:-1] + rng.choice("一二三四五"), t[1:], t[:-1]])
        if variant in titles_of[a["name"]] or len(variant) < 2:
            continue
        track("neg_similar_title", variant, a["name"], None, duration=rng.randint(150, 330))
    for _ in range(10):
        a, rec = song()
        track("neg_other_language", f"{rec['title']} ({rng.choice(['英文版', '粤语版', '日文版'])})", a["name"], None,
              work=rec["work_id"])  # fmt: skip
    return w, tracks


def write(out: Path, w: World, tracks: list[dict]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "recordings.csv").open("w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["isrc", "title", "artists", "duration_s", "version", "work_id"])
        for r in w.recordings:
            wr.writerow(
                [r["isrc"], r["title"], ";".join(r["artists"]), r["duration_s"], r["version"], r["work_id"]]
            )
    with (out / "works.csv").open("w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["id", "title"])
        wr.writerows([x["id"], x["title"]] for x in w.works)
    rng = random.Random(SEED + 1)
    with (out / "aliases.csv").open("w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["names"])
        for a in w.artists:
            if not a["english"]:
                continue
            # Some groups list the traditional form, most rely on the t2s fallback; pinyin names are registered.
            extra = [S2T.convert(a["name"])] if rng.random() < 0.3 else []
            wr.writerow([";".join([a["name"], a["english"], a["pinyin"], *extra])])
    with (out / "tracks.csv").open("w", newline="", encoding="utf-8") as f:
        wr = csv.DictWriter(f, fieldnames=list(tracks[0]))
        wr.writeheader()
        wr.writerows(tracks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("tests/data/linking"))
    args = parser.parse_args()
    world, tracks = build(random.Random(SEED))
    write(args.out, world, tracks)
    print(
        f"{len(world.recordings)} recordings, {len(world.works)} works, {len(tracks)} labelled tracks -> {args.out}"
    )


if __name__ == "__main__":
    main()
