"""Artist aliases: 周杰伦 / 周杰倫 / Jay Chou / Zhou Jielun resolve to one canonical artist key.

Names are never pushed through script conversion blindly. A name resolves, in order: (1) its exact folded form in
the table; (2) its traditional -> simplified key, but only when no two different artists of the table share that
key (于 and 於 are different surnames that t2s merges); (3) otherwise its own simplified key, which matches no
other artist. Groups come from the ledger: a party's name and aliases, explicit alias groups, and a recording's
artist list where a Chinese name and a Latin name spell the same pinyin (林一 / Lin Yi on one recording: the
ledger itself says they are one credit). Pinyin alone never merges two artists seen apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from songclear.domain.catalogue import Party, Recording
from songclear.linking.normalise import compact, fold_text, has_cjk, pinyin_key, simplified_key, split_artists

_AMBIGUOUS = "\x00ambiguous"


def name_key(name: str) -> str:
    """The key of one name when no alias says otherwise: simplified, folded, without spaces."""
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
            # The smaller key wins, so the canonical key does not depend on the order groups were added.
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


class ArtistAliases:
    """A read-only alias table. Build with ``from_ledger`` or ``from_groups``; then ``key`` / ``keys``."""

    def __init__(self, groups: Iterable[Iterable[str]]) -> None:
        uf = _UnionFind()
        folded_names: dict[str, str] = {}  # folded name -> its node (the exact folded form)
        for group in groups:
            nodes = []
            for name in group:
                folded = fold_text(name)
                if folded:
                    folded_names[folded] = folded
                    nodes.append(folded)
                    uf.find(folded)
            for other in nodes[1:]:
                uf.union(nodes[0], other)
        # Canonical key of a group: its root name as folded, not script-converted (于文 and 於文 stay two keys).
        self._exact: dict[str, str] = {f: compact(uf.find(f)) for f in folded_names}
        self._simplified: dict[str, str] = {}
        for folded, canonical in self._exact.items():
            sk = name_key(folded)
            seen = self._simplified.get(sk)
            self._simplified[sk] = canonical if seen in (None, canonical) else _AMBIGUOUS

    @classmethod
    def from_groups(cls, groups: Iterable[Iterable[str]]) -> ArtistAliases:
        return cls(groups)

    @classmethod
    def from_ledger(
        cls,
        *,
        parties: Iterable[Party] = (),
        recordings: Iterable[Recording] = (),
        groups: Iterable[Iterable[str]] = (),
    ) -> ArtistAliases:
        """Groups from parties (name + aliases), explicit ``groups``, and each recording's artists: every name
        on its own, and a Chinese/Latin pair on one recording merged when the Latin name is the pinyin."""
        out: list[tuple[str, ...]] = [(p.name, *p.aliases) for p in parties]
        out.extend(tuple(g) for g in groups)
        for rec in recordings:
            names = [n for field_ in rec.artists for n in split_artists(field_)]
            out.extend((n,) for n in names)
            cjk = [n for n in names if has_cjk(n)]
            latin = [n for n in names if not has_cjk(n)]
            for c in cjk:
                py = pinyin_key(c)
                out.extend((c, lat) for lat in latin if compact(fold_text(lat)) == py)
        return cls(out)

    def __contains__(self, folded_name: object) -> bool:
        """Whether a folded name is a known artist (``split_artists`` keeps such names whole)."""
        return folded_name in self._exact

    def key(self, name: str) -> str:
        """The canonical key of one artist name."""
        folded = fold_text(name)
        if (k := self._exact.get(folded)) is not None:
            return k
        sk = name_key(folded)
        k = self._simplified.get(sk)
        if k == _AMBIGUOUS:
            return "?" + compact(folded)  # matches only the same spelling
        return sk if k is None else k

    def resolution(self, name: str) -> str:
        """How a name resolved, for explanations: 'alias table', 'script (t2s)' or 'unknown artist'."""
        folded = fold_text(name)
        if folded in self._exact:
            return "alias table"
        k = self._simplified.get(name_key(folded))
        if k is None:
            return "unknown artist"
        return "ambiguous script form" if k == _AMBIGUOUS else "script (t2s)"

    def names(self, field_: str) -> tuple[str, ...]:
        """A multi-artist field split into names (known names such as 'AC/DC' stay whole)."""
        return split_artists(field_, keep=self)

    def keys(self, field_: str) -> frozenset[str]:
        """The canonical keys of a multi-artist field, order-independent."""
        return frozenset(self.key(n) for n in self.names(field_))

    def __len__(self) -> int:
        return len(self._exact)
