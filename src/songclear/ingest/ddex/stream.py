"""Reading an ERN message as a stream: each item (a party, sound recording, release, deal...) is read when its end
tag arrives, then dropped from the tree, so memory follows what the message says, not the size of its XML.

The items sit in sections, children of the root: ``PartyList/Party``, ``ResourceList/SoundRecording|Video``,
``ReleaseList/Release|TrackRelease``, ``DealList/ReleaseDeal``, ``UpdateReleaseList/UpdateRelease``, and the root's
own ``PurgedRelease``. As in the whole-tree reader this replaces, only the first section of each name counts.

Refusals keep the whole-tree reader's order whatever the layout of the file: checks belong to phases (structure,
recordings, releases, deals, header), the first refusal of the earliest phase wins, and it is raised only once
the document has been read to its end, so a document that is not well-formed is refused as such. A DealList seen
before the ReleaseList has ended (not ERN's order) is kept whole and read at the end, when every release is known.
"""

from __future__ import annotations

import re

from lxml import etree

from songclear.ingest.ddex.locate import ROOT, Positions, Reader, Refusal
from songclear.ingest.ddex.model import MessageKind
from songclear.ingest.ddex.releases import (
    DealRead,
    ReleaseRead,
    read_purged_release,
    read_release,
    read_release_deal,
    read_update_release,
)
from songclear.ingest.ddex.resources import RecordingRead, party_name, read_recording
from songclear.ingest.ddex.xml import child, local, namespace, refuse_if_doctype

STRUCTURE, RECORDINGS, RELEASES, DEALS, HEADER = range(5)  # the order the checks run in
SUPPORTED_VERSIONS = ("381", "382", "383", "41", "42", "43")  # ERN 3.8.1-3.8.3, 4.1-4.3
_ERN_NS = re.compile(r"^http://ddex\.net/xml/ern/(\d+)$")

_SECTIONS: dict[str, tuple[str, ...]] = {  # section -> the items read one by one in it
    "PartyList": ("Party",),
    "ResourceList": ("SoundRecording", "Video"),
    "ReleaseList": ("Release", "TrackRelease"),
    "DealList": ("ReleaseDeal",),
    "UpdateReleaseList": ("UpdateRelease",),
}
_FOR_KIND = {  # the sections each kind of message reads, besides PartyList and ResourceList
    MessageKind.NEW_RELEASE: {"ReleaseList", "DealList"},
    MessageKind.UPDATE_RELEASE: {"UpdateReleaseList"},
    MessageKind.PURGE_RELEASE: set(),
}
TAGS = ("MessageHeader", "PurgedRelease", *_SECTIONS, *{i for items in _SECTIONS.values() for i in items})


def unsupported_namespace(ns: str) -> str | None:
    """Why a root namespace is not read, or None when it is a supported ERN version."""
    m = _ERN_NS.match(ns)
    if m and m.group(1) in SUPPORTED_VERSIONS:
        return None
    supported = ", ".join(f"ern/{v}" for v in SUPPORTED_VERSIONS)
    return (
        f"unsupported message namespace {ns or '(none)'!r}: songclear reads ERN 3.8.x and 4.x ({supported})"
    )


class _Section:
    """A child of the root that holds items; ``read``: the first of its name, for this kind of message;
    ``kept``: kept whole to be read at the end; ``steps``: its XPath steps from the root."""

    def __init__(self, el: etree._Element, name: str, read: bool, kept: bool, steps: tuple) -> None:
        self.el, self.name, self.read, self.kept, self.steps = el, name, read, kept, steps


class MessageReader:
    """Feed it every element of ``TAGS`` at its end (``feed``), then ``finish(root)``; raises ImportError_."""

    def __init__(self, source: str) -> None:
        self.positions = Positions()
        self.r = Reader(source, self.positions)
        self.root: etree._Element | None = None
        self.kind: MessageKind | None = None
        self.refusal: tuple[int, Refusal] | None = None
        self._sections: list[_Section] = []
        self._releases_done = False
        self.party_names: dict[str, tuple[str, ...]] = {}
        self.recordings: list[RecordingRead] = []
        self.releases: list[ReleaseRead] = []
        self.deals: list[DealRead] = []
        self._known: set[str] = set()
        self._deal_counters: dict[str, int] = {}
        self._purged = 0

    def live(self, phase: int) -> bool:
        """Whether a check of ``phase`` can still decide the outcome (no earlier or equal phase refused)."""
        return self.refusal is None or phase < self.refusal[0]

    def _fail(self, phase: int, refusal: Refusal) -> None:
        if self.live(phase):
            self.refusal = (phase, refusal)

    # -- the stream --------------------------------------------------------------------------------------------

    def feed(self, el: etree._Element) -> None:
        if self.root is None:
            self._begin(el.getroottree().getroot())
        parent = el.getparent()
        if parent is None:
            return
        if parent is self.root:
            if local(el) == "PurgedRelease":
                self._purged_release(el)
            elif local(el) in _SECTIONS:
                self._section_ended(el)
            return
        if parent.getparent() is not self.root:
            return  # nested inside an item: read with it
        section = self._section(parent)
        name = local(el)
        if section.kept or name not in _SECTIONS.get(section.name, ()):
            return
        if section.read:
            position = self.positions.add(section.name, name)
            self._item(section.name, el, (*section.steps, (section.name, name, position)))
        el.clear()
        while el.getprevious() is not None:
            del parent[0]

    def _begin(self, root: etree._Element) -> None:
        refuse_if_doctype(root, self.r.source)
        self.root = root
        reason = unsupported_namespace(namespace(root))
        if reason:
            self._fail(STRUCTURE, self.r.refuse(reason, root))
            return
        try:
            self.kind = MessageKind(local(root))
        except ValueError:
            self._fail(STRUCTURE, self.r.refuse(f"unsupported ERN message {local(root)}: expected NewReleaseMessage, "
                                                "UpdateReleaseMessage or PurgeReleaseMessage", root))  # fmt: skip

    def _section(self, el: etree._Element) -> _Section:
        for s in self._sections:
            if s.el is el:
                return s
        name = local(el)
        before = sum(1 for s in el.itersiblings(preceding=True) if local(s) == name)
        read = name in _SECTIONS and not before and self.kind is not None
        read = read and (name in ("PartyList", "ResourceList") or name in _FOR_KIND[self.kind])
        kept = read and name == "DealList" and not self._releases_done
        steps = ((None, local(self.root), 1), (ROOT, name, before + 1))
        section = _Section(el, name, read, kept, steps)
        self._sections.append(section)
        for s in el.itersiblings(preceding=True):  # sections before it are read: drop what is left of them
            if local(s) != "MessageHeader" and not any(k.kept and k.el is s for k in self._sections):
                s.clear()
        return section

    def _section_ended(self, el: etree._Element) -> None:
        section = self._section(el)
        if section.read and section.name == "ReleaseList":
            self._releases_done = True
        if not section.kept:
            el.clear()

    def _purged_release(self, el: etree._Element) -> None:
        self._purged += 1
        if self.kind is MessageKind.PURGE_RELEASE:
            steps = ((None, local(self.root), 1), (ROOT, "PurgedRelease", self._purged))
            self._item("", el, steps)
        el.clear()  # not deleted: the root's children are counted at the end

    def _item(self, section: str, el: etree._Element, steps) -> None:
        phase = {"": RELEASES, "PartyList": None, "ResourceList": RECORDINGS, "ReleaseList": RELEASES,
                 "DealList": DEALS, "UpdateReleaseList": RELEASES}[section]  # fmt: skip
        if phase is not None and not self.live(phase):
            return
        r = self.r
        r.anchor, r.anchor_steps, r.phase = el, steps, phase or 0
        try:
            if section == "PartyList":
                ref, names = party_name(el)
                self.party_names[ref] = names
            elif section == "ResourceList":
                if (rec := read_recording(r, el)) is not None:
                    self.recordings.append(rec)
            elif section == "ReleaseList":
                release = read_release(r, el)
                self.releases.append(release)
                self._known.add(release.reference)
            elif section == "DealList":
                self.deals += read_release_deal(r, el, self._known, self._deal_counters)
            elif section == "UpdateReleaseList":
                release, deals = read_update_release(r, el, steps[-1][2])
                self.releases.append(release)
                self.deals += deals
            else:
                self.releases.append(read_purged_release(r, el))
        except Refusal as refusal:
            self._fail(phase or 0, refusal)
        finally:
            r.anchor, r.anchor_steps = None, ()

    # -- the end -----------------------------------------------------------------------------------------------

    def finish(self, root: etree._Element) -> etree._Element:
        """Checks what needs the whole message; returns the MessageHeader. Raises the refusal that wins."""
        if self.root is None:
            self._begin(root)
        header = child(root, "MessageHeader")
        if header is None:
            self._fail(STRUCTURE, self.r.refuse("missing MessageHeader", root))
        if self.kind is MessageKind.NEW_RELEASE:
            if not self._releases_done:
                self._fail(RELEASES, self.r.refuse("NewReleaseMessage without ReleaseList", root))
            for section in self._sections:
                if section.kept:
                    for rd in section.el:
                        if local(rd) == "ReleaseDeal":
                            position = self.positions.add("DealList", "ReleaseDeal")
                            self._item(
                                "DealList", rd, (*section.steps, ("DealList", "ReleaseDeal", position))
                            )
        if self.kind is MessageKind.PURGE_RELEASE and self._purged == 0:
            self._fail(RELEASES, self.r.refuse("PurgeReleaseMessage without PurgedRelease", root))
        self.positions.count_children(ROOT, root)
        if self.refusal is not None:
            raise self.r.error(self.refusal[1])
        assert header is not None
        return header
