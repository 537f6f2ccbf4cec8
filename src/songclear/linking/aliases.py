"""Artist aliases: 周杰伦 / 周杰倫 / Jay Chou / Zhou Jielun resolve to one artist, by a stable id.

Every spelling is a key; what it resolves to is a group id that never depends on how names sort: ``@<id>`` for an
artist of the artist table (docs/import.md, 'artists'), ``~<name>`` for a group the ledger implies (a party's name
and aliases, an explicit alias group, a Chinese name and its pinyin credited together on one recording), named by
the first of its names in folded order. Nothing compares the text of a group id: the scorer compares names.

A name resolves, in order: (1) its exact folded form (NFKC, case, punctuation); (2) an artist id as written
(a recording crediting 'A-JAY'); (3) its traditional -> simplified key, but only when no two groups share that key
(于 and 於 are different surnames that t2s merges); otherwise it is unknown (None). An alias two artists of the table
share resolves to neither: it is unknown, so a person decides. The artist table is authoritative: an implied group
joins a table artist when it shares a name with exactly one, and never merges two table artists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from songclear.domain.catalogue import Artist, Party, Recording
from songclear.linking.normalise import compact, fold_text, has_cjk, pinyin_key, simplified_key, split_artists
from songclear.linking.phonetic import FULL, pinyin_spelling

_AMBIGUOUS = "\x00ambiguous"


def name_key(name: str) -> str:
    """The script-free key of one name: simplified, folded, without spaces."""
    return compact(simplified_key(name))


@dataclass(slots=True)
class _UnionFind:
    parent: dict[str, str] = field(default_factory=dict)

    def find(self, x: str) -> str:
        root = self.parent.setdefault(x, x)
        while root != self.parent[root]:
            root = self.parent[root]
        while x != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            lo, hi = sorted((ra, rb))  # the group is named by its smallest name: independent of input order
            self.parent[hi] = lo


class ArtistAliases:
    """A read-only alias table. Build with ``from_ledger`` or ``from_groups``; then ``key`` / ``spellings``."""

    def __init__(self, groups: Iterable[Iterable[str]] = (), artists: Iterable[Artist] = ()) -> None:
        table: dict[str, set[str]] = {}  # folded name -> ids of the table artists it spells
        self._ids: dict[str, str] = {}  # artist id as written -> group id
        for artist in artists:
            self._ids[artist.id.strip()] = f"@{artist.id}"
            for name in (artist.name, *artist.aliases):
                if folded := fold_text(name):
                    table.setdefault(folded, set()).add(artist.id)
        uf = _UnionFind()
        for group in groups:
            nodes = [f for name in group if (f := fold_text(name))]
            for node in nodes:
                uf.find(node)
            for other in nodes[1:]:
                uf.union(nodes[0], other)
        components: dict[str, list[str]] = {}
        for node in uf.parent:
            components.setdefault(uf.find(node), []).append(node)
        exact: dict[str, str] = {
            f: f"@{next(iter(ids))}" if len(ids) == 1 else _AMBIGUOUS for f, ids in table.items()
        }
        for root, nodes in components.items():
            touched = {i for n in nodes for i in table.get(n, ()) if len(table[n]) == 1}
            group = f"@{touched.pop()}" if len(touched) == 1 else f"~{root}" if not touched else _AMBIGUOUS
            for n in nodes:
                exact.setdefault(n, group)
        self._exact = exact
        self._by_pinyin: dict[str, frozenset[str]] | None = None
        self._spellings: dict[str, list[str]] = {}
        self._simplified: dict[str, str] = {}
        for folded, group in exact.items():
            if group == _AMBIGUOUS:
                continue
            self._spellings.setdefault(group, []).append(folded)
            sk = name_key(folded)
            seen = self._simplified.get(sk)
            self._simplified[sk] = group if seen in (None, group) else _AMBIGUOUS

    @classmethod
    def from_groups(cls, groups: Iterable[Iterable[str]], artists: Iterable[Artist] = ()) -> ArtistAliases:
        return cls(groups, artists)

    @classmethod
    def from_ledger(
        cls,
        *,
        parties: Iterable[Party] = (),
        recordings: Iterable[Recording] = (),
        groups: Iterable[Iterable[str]] = (),
        artists: Iterable[Artist] = (),
    ) -> ArtistAliases:
        """Groups from the artist table (an artist's party lends it its name and aliases), parties (name +
        aliases), explicit ``groups``, and each recording's artists: every name on its own, each of its
        ``artist_aliases`` groups, and a Chinese/Latin pair on one recording merged when the Latin name is the
        full pinyin of the Chinese one."""
        party_list = list(parties)
        by_id: Mapping[str, Party] = {p.id: p for p in party_list}
        table = []
        for a in artists:
            p = by_id.get(a.party) if a.party else None
            table.append(
                a if p is None else Artist(id=a.id, name=a.name, aliases=(*a.aliases, p.name, *p.aliases))
            )
        represented = {a.party for a in table if a.party}
        out: list[tuple[str, ...]] = [(p.name, *p.aliases) for p in party_list if p.id not in represented]
        out.extend(tuple(g) for g in groups)
        for rec in recordings:
            names = [n for field_ in rec.artists for n in split_artists(field_)]
            out.extend((n,) for n in names)
            out.extend(
                rec.artist_aliases
            )  # spellings the source gave one artist (DDEX: display and party names)
            cjk = [n for n in names if has_cjk(n)]
            latin = [n for n in names if not has_cjk(n)]
            out.extend((c, lat) for c in cjk for lat in latin if pinyin_spelling(lat, c) == FULL)
        return cls(out, table)

    def __contains__(self, folded_name: object) -> bool:
        """Whether a folded name is a known spelling (``split_artists`` keeps such names whole)."""
        return folded_name in self._exact

    def key(self, name: str) -> str | None:
        """The group id of one artist name, or None when the ledger does not know it (or it is ambiguous)."""
        folded = fold_text(name)
        k = self._exact.get(folded)
        if k is None:
            k = self._ids.get(name.strip())
        if k is None:
            k = self._simplified.get(name_key(folded))
        return None if k == _AMBIGUOUS else k

    def artist_id(self, name: str) -> str | None:
        """The id of the artist-table artist a name resolves to, or None (unknown, or an implied group only)."""
        k = self.key(name)
        return k[1:] if k is not None and k.startswith("@") else None

    def resolution(self, name: str) -> str:
        """How a name resolved, for explanations."""
        folded = fold_text(name)
        if (k := self._exact.get(folded)) is not None:
            if k == _AMBIGUOUS:
                return "ambiguous alias (several artists)"
            return "artist table" if k.startswith("@") else "alias group"
        if name.strip() in self._ids:
            return "artist id"
        k = self._simplified.get(name_key(folded))
        if k is None:
            return "unknown artist"
        return "ambiguous script form" if k == _AMBIGUOUS else "script (t2s)"

    def pinyin_groups(self, latin: str) -> frozenset[str]:
        """The groups one of whose Chinese spellings has this Latin name as its pinyin ('Qin Zhi' -> 秦芷's):
        evidence that a name the table does not know is, or is not, a given artist. Built on first use."""
        if self._by_pinyin is None:
            index: dict[str, set[str]] = {}
            for group, names in self._spellings.items():
                for name in names:
                    if has_cjk(name):
                        index.setdefault(pinyin_key(name), set()).add(group)
            self._by_pinyin = {k: frozenset(v) for k, v in index.items()}
        return self._by_pinyin.get(compact(fold_text(latin)), frozenset())

    def spellings(self, group: str) -> tuple[str, ...]:
        """Every folded spelling of a group (for pinyin comparison with names the ledger does not know)."""
        return tuple(self._spellings.get(group, ()))

    def names(self, field_: str) -> tuple[str, ...]:
        """A multi-artist field split into names (known names such as 'AC/DC' stay whole)."""
        return split_artists(field_, keep=self)

    def keys(self, field_: str) -> frozenset[str | None]:
        """The group ids of a multi-artist field's names, order-independent (None for an unknown name)."""
        return frozenset(self.key(n) for n in self.names(field_))

    def __len__(self) -> int:
        return len(self._exact)
