"""Generate the platform-metadata labelled set in tests/data/linking_platform/ (deterministic: seed 12, no network).

    .venv/bin/python bench/linking/make_platform_labelled.py [--out tests/data/linking_platform]

Issue 12: the messy rows platforms hold. An invented catalogue (its own surnames, given names, English names,
bands and title words, none shared with make_labelled.py) with an artist table, then library rows written the ways
uploads write them, one category each, several templates per category, and about a third of the rows with a second
kind of noise drawn independently (a track number on a pinyin title, a quality tag on an artist-in-title row...).
Each row is labelled with the recording (and work) it really is, or none. Categories and templates are listed in
tests/data/linking_platform/README.md. Homophone typos come from a hand-written list of input-method confusions
first; other characters are drawn by sound (pypinyin) only to *write* the data.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

import opencc
from pypinyin import Style, lazy_pinyin, pinyin

SEED = 12
S2T = opencc.OpenCC("s2t")
SURNAMES = ["沈", "宁", "秦", "尹", "邵", "顾", "孟", "龚", "段", "雷", "汤", "易", "乔", "庞", "樊", "殷", "施",
            "陶", "翟", "颜", "倪", "严", "温", "季", "俞", "葛", "韦", "聂", "柳", "邢", "岳", "梅", "庄", "辛",
            "祁", "舒", "耿", "詹", "凌", "靳", "童", "甄", "欧阳", "上官", "司马"]  # fmt: skip
GIVEN = "澄岚屿汐槿珂骁锦祺朗逸昕瑶蔚霖璇楠枫舟帆悦宸渝禾苒芮棠念安知遥歆沐清然若予初"
ENGLISH = ["Ivy", "Nora", "Ryan", "Chloe", "Owen", "Mia", "Ethan", "Zoe", "Aaron", "Ruby", "Hazel", "Felix",
           "Luna", "Oscar", "Iris", "Milo", "Cora", "Jude"]  # fmt: skip
NICK_PREFIX = ["小", "阿"]
BANDS = [("纸飞机乐团", "Paper Plane"), ("青柠汽水", "Lime Soda"), ("北岸灯塔", "North Shore"),
         ("午夜列车", "Midnight Train"), ("石榴树乐队", "Pomegranate"), ("雾岛", "")]  # fmt: skip
LATIN_BANDS = ["Neon Harbor", "Velvet Kites", "Amber Echo", "Static Bloom"]
WORDS = ["海岸", "旧街", "纸船", "落日", "晚霞", "星河", "雾", "灯塔", "列车", "候鸟", "信笺", "月台", "山谷", "风铃",
         "薄荷", "柠檬", "橘子", "汽水", "夏至", "白露", "归途", "远行", "森林", "河流", "渡口", "长街", "巷子", "屋顶",
         "窗台", "相册", "旧梦", "心跳", "拥抱", "告别", "回声", "影子", "微光", "烟火", "晴空", "雨季", "春风", "冬夜",
         "故乡", "少年", "南方", "北城", "想念", "秋千", "蝉鸣", "青苔", "时光", "花期", "约定", "等待", "晚安", "清晨",
         "银河", "海浪", "雪", "夜", "风", "光", "心", "梦", "云", "路", "岛", "桥", "月", "星", "花", "城"]  # fmt: skip
LATIN_TITLES = ["Paper Boats", "Late Summer", "Neon Lights", "Slow Tide", "Glass Garden", "Northern Wind",
                "Quiet Room", "Silver Line", "After Rain", "Open Road"]  # fmt: skip
# Input-method confusions: characters typed for one another because they sound the same.
HOMOPHONES = {"想": "香", "心": "新", "晴": "情", "夜": "叶", "雨": "语", "风": "峰", "星": "兴", "梦": "孟",
              "岛": "导", "光": "广", "城": "成", "花": "华", "时": "实", "路": "鹿", "云": "匀", "桥": "乔",
              "海": "亥", "念": "年", "等": "邓", "约": "曰", "春": "椿", "远": "院", "影": "颖", "街": "接",
              "月": "越", "夏": "下", "秋": "丘", "冬": "东", "雪": "血", "河": "合", "山": "衫", "旧": "久",
              "安": "岸", "微": "薇", "告": "诰", "别": "蹩", "回": "汇", "声": "生", "车": "彻", "台": "抬"}  # fmt: skip
COMMON = ("的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会家可下而过天去能对小多"
          "然于学么之都好看起发当没成只如事把还用第样道作种开美总从无情己面最女但现前些所同日手又行意动方期它头经长"
          "儿位分爱老因很给名法间知世什两次使身者被高已亲其进此话常与活正感见明问力理点文几定本公特做外孩相西果走将"
          "十实向声全信重三机工物气每并别真打太新比才便夫再书部水像眼等体却加电主界门利受听表少代员许先口由死安写性"
          "马白或住难望教命结乐色更拉东神记处让母父应直字场平报友关放至张认接告入笑内英军候民岁往何")  # fmt: skip
QUALITY = ["高品质", "无损", "320k", "官方版", "HQ", "无损音质", "Hi-Res", "FLAC", "128kbps", "正式版", "完整版",
           "独家首发", "来源：QQ音乐", "高音质", "SQ无损", "高品质版", "320K MP3", "无损·FLAC", "官方正式版"]  # fmt: skip
BRACKETS = [
    ("【", "】"),
    ("[", "]"),
    ("（", "）"),
    ("(", ")"),
    ("〖", "〗"),
    ("［", "］"),
    (" (", ")"),
    (" 【", "】"),
]
VERSION_NOTES = {"live": ["Live", "Live版", "现场", "现场版", "live"], "instrumental": ["伴奏", "伴奏版", "Instrumental",
                 "纯音乐"], "remix": ["DJ版", "Remix"]}  # fmt: skip
BARE_VERSION = {"live": [" live", " 现场", " Live版", "现场版", " LIVE", "-Live", " Live Version", " - 现场"],
                "instrumental": [" 伴奏", "伴奏版", "伴奏", "_伴奏", " - 伴奏"], "remix": [" DJ版", "DJ版", " remix"]}  # fmt: skip
UPLOADERS = ["小鱼儿", "路人甲", "阿明同学", "Kevin Music", "晴天小猪", "木子", "DJ阿强", "一只猫", "老王翻唱",
             "Echo Studio", "桃子姐姐", "北方的狼"]  # fmt: skip
FULLWIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)} | {" ": "\u3000"}


def readings(ch: str) -> set[str]:
    return set(pinyin(ch, style=Style.NORMAL, heteronym=True)[0])


def pinyin_words(text: str) -> list[str]:
    return [s.capitalize() for s in lazy_pinyin(text)]


class World:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.artists: list[dict] = []
        self.recordings: list[dict] = []
        self.works: list[dict] = []
        self.songs: dict[str, list[dict]] = {}
        taken: set[str] = set()
        self.spellings: set[str] = (
            set()
        )  # every name and alias names one artist (a shared alias is ambiguous)
        while len(self.artists) < 150:
            surname = rng.choice(SURNAMES)
            name = surname + "".join(rng.sample(GIVEN, rng.choice((1, 2, 2))))
            if name in taken:
                continue
            taken.add(name)
            syl = lazy_pinyin(name)
            cut = 2 if len(surname) == 2 else 1
            family, given = "".join(syl[:cut]).capitalize(), "".join(syl[cut:]).capitalize()
            english = f"{rng.choice(ENGLISH)} {family}" if rng.random() < 0.7 else ""
            english = "" if english in self.spellings else english
            self.add_artist(name, english, f"{family} {given}", syl, hk=rng.random() < 0.12)
        for cn, en in BANDS:
            self.add_artist(cn, en, " ".join(pinyin_words(cn)), lazy_pinyin(cn))
        for band in LATIN_BANDS:
            self.add_artist(band, "", "", [])
        for artist in self.artists:
            titles: set[str] = set()
            latin = not artist["syllables"]
            for _ in range(rng.randint(5, 8)):
                title = (
                    rng.choice(LATIN_TITLES)
                    if latin
                    else "".join(rng.sample(WORDS, rng.choice((1, 1, 2, 2, 3))))
                )
                if title in titles or (len(title) < 2 and not latin):
                    continue
                titles.add(title)
                self.song(artist, title)
        for _ in range(40):  # duets
            a, b = rng.sample([x for x in self.artists if x["syllables"]], 2)
            title = "".join(rng.sample(WORDS, 2))
            work = self.work(title)
            self.add(title, [a["registered"], b["registered"]], "studio", work, rng.randint(180, 300), [a, b])

    def add_artist(
        self, name: str, english: str, pinyin_name: str, syllables: list[str], hk: bool = False
    ) -> None:
        rng = self.rng
        aliases = [english] if english else []
        if rng.random() < 0.35:
            aliases.append(S2T.convert(name))
        if rng.random() < 0.15 and syllables:
            aliases.append(rng.choice(NICK_PREFIX) + name[-1])
        aliases = [a for a in dict.fromkeys(aliases) if a not in self.spellings]
        english = english if english in aliases else ""
        self.spellings |= {name, S2T.convert(name), pinyin_name, *aliases}
        artist = {"id": f"A-{len(self.artists) + 1:04d}", "name": S2T.convert(name) if hk else name,
                  "simplified": name, "english": english, "pinyin": pinyin_name, "syllables": syllables,
                  "aliases": [a for a in aliases if a != (S2T.convert(name) if hk else name)]}  # fmt: skip
        # The label registers most recordings under the table name, some under the English name.
        artist["registered"] = english if english and rng.random() < 0.15 else artist["name"]
        self.artists.append(artist)

    def work(self, title: str) -> str:
        work = f"W-{len(self.works) + 1:05d}"
        self.works.append({"id": work, "title": title})
        return work

    def song(self, artist: dict, title: str) -> None:
        rng = self.rng
        work = self.work(title)
        registered = S2T.convert(title) if artist["name"] != artist["simplified"] else title
        rec = self.add(registered, [artist["registered"]], "studio", work, rng.randint(150, 330), [artist])
        rec["plain_title"] = title
        self.songs.setdefault(artist["id"], []).append(rec)
        roll = rng.random()
        if roll < 0.12:
            self.add(
                f"{registered} (Live)",
                [artist["registered"]],
                "live",
                work,
                rec["duration_s"] + rng.randint(8, 40),
                [artist],
            )
        elif roll < 0.22:
            self.add(
                f"{registered} (伴奏)",
                [artist["registered"]],
                "instrumental",
                work,
                rec["duration_s"],
                [artist],
            )
        elif roll < 0.26:
            self.add(
                f"{registered} (DJ版)",
                [artist["registered"]],
                "remix",
                work,
                rec["duration_s"] - rng.randint(5, 30),
                [artist],
            )

    def add(
        self, title: str, artists: list[str], version: str, work: str, duration: int, who: list[dict]
    ) -> dict:
        n = len(self.recordings) + 1
        rec = {"isrc": f"CNP0126{n:05d}", "title": title, "artists": artists, "version": version,
               "work_id": work, "duration_s": duration, "who": who}  # fmt: skip
        self.recordings.append(rec)
        return rec

    def version_of(self, rec: dict, version: str) -> dict | None:
        return next(
            (r for r in self.recordings if r["work_id"] == rec["work_id"] and r["version"] == version), None
        )

    def titles_of(self, artist: dict) -> set[str]:
        return {r["plain_title"] for r in self.songs.get(artist["id"], [])}


def fullwidth(s: str) -> str:
    return "".join(FULLWIDTH.get(c, c) for c in s)


def homophone_of(ch: str, rng: random.Random) -> str | None:
    """A character typed for ``ch`` by an input method: the hand-written confusion, else a common character
    with a reading in common."""
    if ch in HOMOPHONES:
        return HOMOPHONES[ch]
    alike = sorted({c for c in COMMON if c != ch and lazy_pinyin(c) == lazy_pinyin(ch)})
    return rng.choice(alike) if alike else None


def stranger_of(ch: str, rng: random.Random) -> str:
    """A common character that neither sounds nor is written like ``ch``."""
    while True:
        c = rng.choice(COMMON)
        if c != ch and not readings(c) & readings(ch) and S2T.convert(c) != S2T.convert(ch):
            return c


class Rows:
    """The labelled library rows, each built from a category's template and, sometimes, a second noise."""

    def __init__(self, w: World, rng: random.Random) -> None:
        self.w, self.rng, self.rows = w, rng, []
        self.cjk = [a for a in w.artists if a["syllables"]]
        self.solo = [
            a
            for a in self.cjk
            if len(a["simplified"]) >= 2 and not a["simplified"].endswith(("乐团", "乐队"))
        ]

    def pick(
        self, artists: list[dict] | None = None, *, min_len: int = 1, max_len: int = 99
    ) -> tuple[dict, dict]:
        while True:
            a = self.rng.choice(artists or self.cjk)
            recs = [r for r in self.w.songs[a["id"]] if min_len <= len(r["plain_title"]) <= max_len]
            if recs:
                return a, self.rng.choice(recs)

    def duration(self, rec: dict, *, may_lack: bool) -> float | str:
        if may_lack and self.rng.random() < 0.1:
            return ""
        return rec["duration_s"] + self.rng.choice((-1, 0, 0, 1))

    def strong_artist(self, a: dict) -> str:
        """A form of the artist the table knows: its name, simplified, English name, or another alias."""
        return self.rng.choice([a["name"], a["simplified"], *a["aliases"]])

    def add(self, cat: str, title: str, artist: str, rec: dict | None, *, work: str | None = None,
            duration: float | str = "", noise: tuple[str, ...] = ()) -> None:  # fmt: skip
        self.rows.append({
            "track_key": f"pf/{len(self.rows) + 1:04d}", "title": title, "artist": artist, "isrc": "",
            "duration_s": duration, "expected_isrc": rec["isrc"] if rec else "",
            "expected_work": work if work is not None else (rec["work_id"] if rec else ""), "category": cat,
            "noise": "+".join((cat, *noise)),
        })  # fmt: skip

    def second(
        self, title: str, artist: str, *, avoid: tuple[str, ...] = ()
    ) -> tuple[str, str, tuple[str, ...]]:
        """A second kind of noise, for about a third of the rows, drawn independently of the category."""
        kinds = [
            "track_number",
            "file_extension",
            "bracket_quality",
            "fullwidth",
            "script_title",
            "artist_in_title",
        ]
        kinds = [k for k in kinds if k not in avoid]
        if self.rng.random() > 0.35 or not kinds:
            return title, artist, ()
        kind = self.rng.choice(kinds)
        return (*self.decorate(title, artist, kind), (kind,))

    def decorate(self, title: str, artist: str, kind: str) -> tuple[str, str]:
        rng = self.rng
        if kind == "track_number":
            n = rng.randint(1, 24)
            forms = [f"{n:02d} ", f"{n}. ", f"{n:02d}-", f"({n:02d})", f"Track {n:02d} - ", f"{n}、", f"[{n:02d}] ",
                     f"{n:02d} - ", f"No.{n} ", f"{n:02d}．"]  # fmt: skip
            return rng.choice(forms) + title, artist
        if kind == "file_extension":
            return title + rng.choice([".mp3", ".flac", ".MP3", ".m4a", ".wav", ".ape"]), artist
        if kind == "bracket_quality":
            left, right = rng.choice(BRACKETS)
            return f"{title}{left}{rng.choice(QUALITY)}{right}", artist
        if kind == "fullwidth":
            return fullwidth(title), artist
        if kind == "script_title":
            return S2T.convert(title), artist
        if kind == "artist_in_title" and artist:
            form = rng.choice(["{a} - {t}", "{t} - {a}", "{a}-{t}", "{a} — {t}"])
            return form.format(a=artist, t=title), rng.choice(["", "", artist])
        return title, artist


def build(rng: random.Random) -> tuple[World, list[dict]]:
    w = World(rng)
    r = Rows(w, rng)
    pinyin_forms = [
        lambda a: a["pinyin"], lambda a: a["pinyin"].upper(), lambda a: a["pinyin"].lower().replace(" ", ""),
        lambda a: " ".join(s.capitalize() for s in a["syllables"]), lambda a: " ".join(a["pinyin"].split()[::-1]),
        lambda a: a["pinyin"].replace(" ", "-"),
    ]  # fmt: skip

    for _ in range(40):
        a, rec = r.pick(w.artists)
        t, art, extra = r.second(rec["title"], a["registered"])
        r.add("plain", t, art, rec, duration=r.duration(rec, may_lack=True), noise=extra)
    for i in range(40):
        a, rec = r.pick()
        if a["name"] != a["simplified"]:  # registered in traditional script: the platform writes simplified
            title, artist = rec["plain_title"], a["simplified"]
        else:
            title, artist = [(S2T.convert(rec["title"]), a["name"]), (rec["title"], S2T.convert(a["name"])),
                             (S2T.convert(rec["title"]), S2T.convert(a["name"]))][i % 3]  # fmt: skip
        t, art, extra = r.second(title, artist, avoid=("script_title",))
        r.add("script_variant", t, art, rec, duration=r.duration(rec, may_lack=True), noise=extra)
    for _ in range(40):
        a, rec = r.pick(r.solo)
        t, art, extra = r.second(rec["title"], rng.choice(pinyin_forms)(a), avoid=("artist_in_title",))
        r.add("pinyin_artist", t, art, rec, duration=r.duration(rec, may_lack=False), noise=extra)
    for _ in range(40):
        a, rec = r.pick(r.solo)
        words = pinyin_words(rec["plain_title"])
        syl = lazy_pinyin(rec["plain_title"])
        grouped = ["".join(syl[i : i + 2]).capitalize() for i in range(0, len(syl), 2)]  # 'Yueguang Matou'
        title = rng.choice([" ".join(words), " ".join(words).lower(), "".join(words), " ".join(words).upper(),
                            "-".join(words), " ".join(grouped)])  # fmt: skip
        t, art, extra = r.second(title, r.strong_artist(a), avoid=("script_title",))
        r.add("pinyin_title", t, art, rec, duration=r.duration(rec, may_lack=False), noise=extra)
    for _ in range(40):
        a, rec = r.pick(r.solo)
        cn, latin = rng.choice([a["name"], a["simplified"]]), a["english"] or a["pinyin"]
        initials = ".".join(s[0].upper() for s in a["syllables"]) + "."
        form = rng.choice([f"{cn} {latin}", f"{latin} {cn}", f"{cn}({latin})", f"{cn}（{latin}）", f"{initials} {cn}",
                           f"{initials}{cn}", f"{cn} {a['pinyin']}", f"{latin}/{cn}", f"{cn}{latin}"])  # fmt: skip
        t, art, extra = r.second(rec["title"], form)
        r.add("mixed_artist", t, art, rec, duration=r.duration(rec, may_lack=True), noise=extra)
    aliased = [a for a in w.artists if a["aliases"] or a["registered"] != a["name"]]
    for _ in range(40):
        a, rec = r.pick(aliased)
        other = rng.choice([x for x in (a["name"], *a["aliases"]) if x != a["registered"]])
        other = rng.choice([other, other, other.lower(), other.upper(), fullwidth(other)])
        t, art, extra = r.second(rec["title"], other)
        r.add("alias", t, art, rec, duration=r.duration(rec, may_lack=True), noise=extra)
    for _ in range(50):
        a, rec = r.pick(w.artists)
        artist = r.strong_artist(a)
        form, field = rng.choice([("{a} - {t}", ""), ("{a}-{t}", ""), ("{t} - {a}", ""), ("{t} - {a}", artist),
                                  ("{t} - {a} (正式版)", artist), ("{a} - {t}", artist), ("{a} — {t}", ""),
                                  ("{t} {a}", artist), ("{a}《{t}》", ""), ("《{t}》- {a}", ""), ("{t}（{a}）", ""),
                                  ("【{a}】{t}", ""), ("{a}：{t}", ""), ("{t}——{a}", artist), ("{a} | {t}", ""),
                                  ("{a}_{t}", "")])  # fmt: skip
        t, art, extra = r.second(form.format(a=artist, t=rec["title"]), field, avoid=("artist_in_title",))
        r.add("artist_in_title", t, art, rec, duration=r.duration(rec, may_lack=True), noise=extra)
    for _ in range(35):
        a, rec = r.pick(w.artists)
        title, artist = rec["title"], r.strong_artist(a)
        roll = rng.random()
        if roll < 0.3:
            title, artist = (
                rng.choice([f"{artist} - {title}", f"{artist}_{title}", f"{title} - {artist}"]),
                "",
            )
        elif roll < 0.45:
            title += rng.choice([" (320k)", "[无损]", " - 高品质"])
        ext = rng.choice([".mp3", ".flac", ".MP3", ".m4a", ".wav", ".ape", ".Flac"])
        t, art, extra = r.second(title, artist, avoid=("file_extension", "artist_in_title"))
        r.add("file_extension", t + ext, art, rec, duration=r.duration(rec, may_lack=True), noise=extra)
    for _ in range(35):
        a, rec = r.pick(w.artists)
        t, art, extra = r.second(rec["title"], r.strong_artist(a), avoid=("track_number",))
        t, _ = r.decorate(t, art, "track_number")
        r.add("track_number", t, art, rec, duration=r.duration(rec, may_lack=True), noise=extra)
    versions = [x for x in w.recordings if x["version"] in VERSION_NOTES and len(x["artists"]) == 1]
    for i in range(50):
        if i % 3 == 0:  # a version annotation on a registered version, possibly with a quality tag too
            rec = rng.choice(versions)
            a = rec["who"][0]
            left, right = rng.choice(BRACKETS)
            base = w.version_of(rec, "studio")
            title = f"{(base or rec)['plain_title']}{left}{rng.choice(VERSION_NOTES[rec['version']])}{right}"
        else:
            a, rec = r.pick(w.artists)
            title = rec["title"]
        for _ in range(rng.choice((1, 1, 2))):
            left, right = rng.choice(BRACKETS)
            title += f"{left}{rng.choice(QUALITY)}{right}"
        t, art, extra = r.second(title, r.strong_artist(a), avoid=("bracket_quality",))
        r.add("bracket_annotation", t, art, rec, duration=r.duration(rec, may_lack=True), noise=extra)
    for _ in range(35):
        rec = rng.choice([x for x in versions if x["who"][0]["syllables"]])
        a = rec["who"][0]
        base = w.version_of(rec, "studio")
        t, art, extra = r.second(f"{(base or rec)['plain_title']}{rng.choice(BARE_VERSION[rec['version']])}",
                                 r.strong_artist(a), avoid=("fullwidth", "artist_in_title"))  # fmt: skip
        r.add("bare_version_suffix", t, art, rec, duration=r.duration(rec, may_lack=True), noise=extra)
    for _ in range(35):
        a, rec = r.pick(r.solo)
        artist = r.strong_artist(a)
        form, field = rng.choice([("{t}【原唱】", artist), ("{t} (原唱)", artist), ("{t} 原唱版", artist),
                                  ("{t}（原唱：{a}）", artist), ("{t}（原唱：{a}）", ""), ("{t} 原唱", artist),
                                  ("{t}（原唱版）", artist), ("{t} - 原唱", artist), ("[原唱] {t}", artist)])  # fmt: skip
        t, art, extra = r.second(form.format(t=rec["title"], a=artist), field, avoid=("artist_in_title",))
        r.add("original_singer", t, art, rec, duration=r.duration(rec, may_lack=True), noise=extra)
    for cat, lo, hi, n in (("short_typo", 2, 3, 40), ("homophone_change", 4, 9, 40)):
        made = 0
        while made < n:
            a, rec = r.pick(r.solo, min_len=lo, max_len=hi)
            title = rec["plain_title"]
            pos = rng.randrange(len(title))
            repl = homophone_of(title[pos], rng)
            typo = title[:pos] + repl + title[pos + 1 :] if repl else None
            if typo is None or typo in w.titles_of(a):
                continue
            t, art, extra = r.second(typo, r.strong_artist(a), avoid=("script_title",))
            r.add(cat, t, art, rec, duration=r.duration(rec, may_lack=False), noise=extra)
            made += 1
    made = 0
    while made < 25:
        a, rec = r.pick([x for x in r.solo if len(x["simplified"]) >= 3])
        name = a["simplified"]
        pos = rng.randrange(1, len(name))
        repl = homophone_of(name[pos], rng)
        if not repl:
            continue
        typo = name[:pos] + repl + name[pos + 1 :]
        if any(typo in (x["simplified"], *x["aliases"]) for x in w.artists):
            continue
        t, art, extra = r.second(rec["title"], typo, avoid=("artist_in_title",))
        r.add("artist_typo", t, art, rec, duration=r.duration(rec, may_lack=False), noise=extra)
        made += 1
    duets = [x for x in w.recordings if len(x["artists"]) == 2]
    for rec in rng.sample(duets, 30):
        a, b = (r.strong_artist(x) for x in rec["who"])
        form = rng.choice(
            ["{a}、{b}", "{b} & {a}", "{a} feat. {b}", "{a}/{b}", "{a} x {b}", "{a}，{b}", "{b}; {a}"]
        )
        t, art, extra = r.second(rec["title"], form.format(a=a, b=b), avoid=("artist_in_title",))
        r.add("multi_artist", t, art, rec, duration=r.duration(rec, may_lack=True), noise=extra)
    # -- no recording -----------------------------------------------------------------------------------------
    made = 0
    while made < 40:
        a, rec = r.pick(r.solo, min_len=2)
        title = rec["plain_title"]
        pos = rng.randrange(len(title))
        other = title[:pos] + stranger_of(title[pos], rng) + title[pos + 1 :]
        if other in w.titles_of(a):
            continue
        t, art, extra = r.second(other, r.strong_artist(a), avoid=("script_title",))
        r.add(
            "non_homophone_change",
            t,
            art,
            None,
            work="",
            duration=r.duration(rec, may_lack=False),
            noise=extra,
        )
        made += 1
    strangers = [
        s + "".join(rng.sample("伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平刚桂", 2)) for s in "钱孙李周吴郑王"
    ]
    for _ in range(40):
        a, rec = r.pick(w.artists)
        who = rng.choice(UPLOADERS + strangers)
        t, art, extra = r.second(rec["title"], who, avoid=("artist_in_title",))
        r.add(
            "unknown_artist",
            t,
            art,
            None,
            work="",
            duration=rec["duration_s"] + rng.randint(-20, 20),
            noise=extra,
        )
    for _ in range(45):
        a, rec = r.pick(r.solo)
        singer = rng.choice(
            [r.strong_artist(rng.choice([x for x in r.solo if x is not a])), rng.choice(UPLOADERS)]
        )
        original = r.strong_artist(a)
        marker = rng.choice([" cover", " Cover", "翻唱", " 翻唱", " (翻唱)", "【翻唱】", "（cover）", f" (原唱：{original})",
                             f"（翻自 {original}）", f" (cover: {original})", " 翻唱版", " - 翻唱", "【cover】", "(COVER)",
                             f"（cover {original}）", "翻唱《}"])  # fmt: skip
        title = f"翻唱《{rec['plain_title']}》" if marker == "翻唱《}" else rec["plain_title"] + marker
        t, art, extra = r.second(title, singer, avoid=("artist_in_title",))
        r.add("cover", t, art, None, work=rec["work_id"], duration=rng.randint(150, 330), noise=extra)
    studio_only = [x for x in w.recordings if x["version"] == "studio" and len(x["artists"]) == 1
                   and not any(w.version_of(x, v) for v in ("live", "instrumental", "remix"))]  # fmt: skip
    for rec in rng.sample(
        studio_only, 30
    ):  # a version nobody registered: the work, never the studio recording
        version = rng.choice(["live", "instrumental"])
        note = rng.choice(BARE_VERSION[version] + [f" ({n})" for n in VERSION_NOTES[version]])
        t, art, extra = r.second(
            rec["plain_title"] + note, r.strong_artist(rec["who"][0]), avoid=("artist_in_title",)
        )
        r.add("unregistered_version", t, art, None, work=rec["work_id"], duration=rec["duration_s"] + rng.randint(-3, 30),
              noise=extra)  # fmt: skip
    made = 0
    while made < 30:  # a registered title by another artist the table knows, written the ways platforms write
        a, rec = r.pick(r.solo)
        b = rng.choice([x for x in r.solo if x is not a and rec["plain_title"] not in w.titles_of(x)])
        artist = rng.choice(
            [r.strong_artist(b), b["pinyin"], f"{b['simplified']} {b['english'] or b['pinyin']}"]
        )
        title, field = rng.choice(
            [(rec["title"], artist), (f"{artist} - {rec['title']}", ""), (rec["title"] + ".mp3", artist)]
        )
        r.add(
            "other_artist", title, field, None, work="", duration=rec["duration_s"] + rng.choice((-1, 0, 1))
        )
        made += 1
    made = 0
    while made < 40:
        a = rng.choice(w.artists)
        title = (
            rng.choice(LATIN_TITLES) if not a["syllables"] else "".join(rng.sample(WORDS, rng.choice((2, 3))))
        )
        if title in w.titles_of(a):
            continue
        artist = r.strong_artist(a) if rng.random() < 0.7 else rng.choice(UPLOADERS)
        t, art, extra = r.second(title, artist)
        r.add("unregistered", t, art, None, work="", duration=rng.randint(150, 330), noise=extra)
        made += 1
    return w, r.rows


def write(out: Path, w: World, rows: list[dict]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "recordings.csv").open("w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["isrc", "title", "artists", "duration_s", "version", "work_id"])
        for x in w.recordings:
            wr.writerow(
                [x["isrc"], x["title"], ";".join(x["artists"]), x["duration_s"], x["version"], x["work_id"]]
            )
    with (out / "works.csv").open("w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["id", "title"])
        wr.writerows([x["id"], x["title"]] for x in w.works)
    with (out / "artists.csv").open("w", newline="", encoding="utf-8") as f:
        wr = csv.writer(f)
        wr.writerow(["id", "name", "aliases", "party"])
        wr.writerows([a["id"], a["name"], ";".join(a["aliases"]), ""] for a in w.artists)
    with (out / "tracks.csv").open("w", newline="", encoding="utf-8") as f:
        wr = csv.DictWriter(f, fieldnames=list(rows[0]))
        wr.writeheader()
        wr.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("tests/data/linking_platform"))
    args = parser.parse_args()
    world, rows = build(random.Random(SEED))
    write(args.out, world, rows)
    print(f"{len(world.recordings)} recordings, {len(world.works)} works, {len(world.artists)} artists, "
          f"{len(rows)} labelled library rows -> {args.out}")  # fmt: skip


if __name__ == "__main__":
    main()
