"""The hash-chained log: an intact log verifies; any edit, insertion, deletion, reorder or cut is found."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from songclear.domain.enforcement.auditlog import GENESIS, LogEntry, append, canonical_json, extend, verify

T0 = datetime(2015, 7, 31, 16, 0, tzinfo=UTC)


def make_log(n: int = 6) -> list[LogEntry]:
    records = [
        {
            "at": T0 + timedelta(minutes=i),
            "actor": "machine:audit" if i % 2 else "李雷",
            "action": ["import", "takedown", "claim-received", "reinstate"][i % 4],
            "subject": f"qq/t{i}",
            "payload": {"i": i, "grants": ["G1", "S1"], "note": "授权 lapsed"},
        }
        for i in range(n)
    ]
    return extend([], records)


def kinds(problems) -> set[str]:
    return {p.kind for p in problems}


def test_intact_log_verifies_and_links_from_genesis():
    log = make_log()
    assert verify(log) == []
    assert log[0].prev_hash == GENESIS and [e.seq for e in log] == [1, 2, 3, 4, 5, 6]
    assert all(b.prev_hash == a.hash for a, b in zip(log, log[1:], strict=False))


def test_payload_is_canonical_text():
    e = append(None, at=T0, actor="a", action="x", subject="s", payload={"b": 1, "a": "é"})
    assert e.payload == '{"a":"é","b":1}'
    assert e.payload == canonical_json(e.data())


def test_edited_payload_is_found_at_its_entry():
    log = make_log()
    log[2] = replace(log[2], payload=log[2].payload.replace('"i":2', '"i":9'))
    problems = verify(log)
    assert [(p.seq, p.kind) for p in problems] == [(3, "edited")]


def test_edited_entry_with_recomputed_hash_breaks_the_next_link():
    log = make_log()
    forged = append(log[1], at=log[2].at, actor="forger", action=log[2].action, subject=log[2].subject)
    log[2] = forged
    problems = verify(log)
    assert (4, "broken-link") in [(p.seq, p.kind) for p in problems]


def test_deleted_entry_is_found():
    log = make_log()
    del log[3]
    assert {"sequence", "broken-link"} <= kinds(verify(log))


def test_inserted_entry_is_found():
    log = make_log()
    extra = append(log[1], at=T0, actor="x", action="takedown", subject="qq/t99")
    log.insert(2, extra)
    assert "sequence" in kinds(verify(log))


def test_reordered_entries_are_found():
    log = make_log()
    log[1], log[2] = log[2], log[1]
    assert {"sequence", "broken-link"} <= kinds(verify(log))


def test_truncated_tail_is_found_only_against_an_expected_head():
    log = make_log()
    head = log[-1].hash
    cut = log[:-2]
    assert verify(cut) == []  # a cut log is self-consistent ...
    assert kinds(verify(cut, expected_head=head)) == {"truncated"}  # ... but the kept head is gone
    later = log[-1].at + timedelta(
        minutes=1
    )  # (was T0: dated before the head, now itself a 'time-order' problem)
    grown = log + extend(log, [{"at": later, "actor": "a", "action": "x", "subject": "s"}])
    assert verify(grown, expected_head=head) == []  # a log that grew since is fine


def test_naive_time_is_refused():
    import pytest

    from songclear.errors import InputError

    with pytest.raises(InputError, match="no time zone"):
        append(None, at=datetime(2015, 1, 1), actor="a", action="x", subject="s")


FIELDS = ("at", "actor", "action", "subject", "payload", "prev_hash", "hash", "seq")


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_any_single_change_to_any_entry_is_found(data):
    log = make_log(5)
    i = data.draw(st.integers(0, len(log) - 1))
    name = data.draw(st.sampled_from(FIELDS))
    e = log[i]
    if name == "seq":
        new = replace(e, seq=e.seq + data.draw(st.sampled_from([-1, 1, 2])))
    elif name == "at":
        new = replace(e, at=e.at + timedelta(microseconds=data.draw(st.integers(1, 10**9))))
    else:
        text = getattr(e, name)
        pos = data.draw(st.integers(0, len(text) - 1))
        ch = data.draw(st.characters(blacklist_categories=("Cs",)).filter(lambda c, o=text[pos]: c != o))
        new = replace(e, **{name: text[:pos] + ch + text[pos + 1 :]})
    log[i] = new
    assert verify(log, expected_head=make_log(5)[-1].hash) != []


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_deletion_or_duplication_is_found(data):
    log = make_log(5)
    i = data.draw(st.integers(0, len(log) - 1))
    head = log[-1].hash
    if data.draw(st.booleans()):
        del log[i]
    else:
        log.insert(i, log[i])
    assert verify(log, expected_head=head) != []


def test_an_entry_dated_before_the_one_it_follows_is_found_even_with_every_hash_intact():
    # Issue 10, item 11: a backdated import wrote an entry earlier than the newest, with a valid chain; verify
    # passed. Entries out of time order are now a problem of their own.
    log = make_log(3)
    backdated = extend(
        log, [{"at": T0 - timedelta(days=30), "actor": "x", "action": "import", "subject": "f"}]
    )
    problems = verify([*log, *backdated])
    assert kinds(problems) == {"time-order"} and problems[0].seq == 4
    same_time = extend(log, [{"at": log[-1].at, "actor": "x", "action": "import", "subject": "f"}])
    assert verify([*log, *same_time]) == []  # equal times are in order
