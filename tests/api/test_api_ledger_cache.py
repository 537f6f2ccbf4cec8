"""The server keeps the ledger as known now in memory and reloads it only when the ledger tables change — also
when another process changes them (an import on the command line while the server runs)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from songclear.domain.catalogue import Party
from songclear.domain.vocabulary import PartyKind
from songclear.store import Database
from songclear.store.repository import LedgerRepository


def test_the_ledger_is_loaded_once_and_reloaded_after_a_change_by_another_process(world):
    st = world.app.state.songclear
    first = st.ledger()
    assert st.ledger() is first  # nothing changed: the same object, no reload
    admin = world.as_("admin")
    names = {p["id"] for p in world.client.get("/parties?limit=500", headers=admin).json()["items"]}
    assert "L-LATE" not in names

    with Database.open(world.db_url) as db, db.session() as session:  # as `songclear import` would, elsewhere
        LedgerRepository(session).record(
            [Party(id="L-LATE", name="Late Label", kind=PartyKind.LABEL)],
            recorded_at=datetime(2016, 3, 1, tzinfo=UTC),
        )
    second = st.ledger()
    assert second is not first and "L-LATE" in second.parties
    r = world.client.get("/grants?licensor=L-JADE", headers=admin)
    assert r.status_code == 200 and r.json()["total"] > 0  # served from the new snapshot

    with Database.open(world.db_url) as db, db.session() as session:  # a new version of a fact supersedes one
        repo = LedgerRepository(session)
        stamp = repo.ledger_stamp()
        late = repo.load_ledger().parties["L-LATE"]
        repo.record(
            [dataclasses.replace(late, name="Late Label Ltd")], recorded_at=datetime(2016, 3, 2, tzinfo=UTC)
        )
        assert repo.ledger_stamp() != stamp
    assert st.ledger().parties["L-LATE"].name == "Late Label Ltd"
