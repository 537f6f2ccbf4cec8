"""The one rule for client-chosen ids (``domain.identifiers.check_id``), against a plain restatement of it, and the
filing of a claim (``app.claim_filing``): whatever JSON a filer sends, the answer is a claim or a typed refusal."""

from __future__ import annotations

import contextlib
import string

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from songclear.app.claim_filing import Filing, parse_claim, parse_counter
from songclear.domain.identifiers import MAX_ID_LENGTH, check_id, check_label, is_valid_id
from songclear.errors import InputError, InvalidIdentifier

ALLOWED = set(string.ascii_letters + string.digits + "._-@")


def naive_is_valid_id(value: str) -> bool:
    """The documented rule, said the slow way."""
    return (
        1 <= len(value) <= MAX_ID_LENGTH
        and all(c in ALLOWED for c in value)
        and value[0] in string.ascii_letters + string.digits
        and ".." not in value
    )


@given(
    st.text(
        alphabet=st.sampled_from(sorted(ALLOWED) + ["/", "\r", "\n", " ", "ü", "\x00", "\\", "%"]),
        max_size=70,
    )
)
@example("C\r\nSet-Cookie: x")
@example("a" * MAX_ID_LENGTH)
@example("a" * (MAX_ID_LENGTH + 1))
@example("a\n")  # a regex '$' would let a trailing newline through
def test_check_id_is_the_documented_rule(value):
    assert is_valid_id(value) == naive_is_valid_id(value)
    if naive_is_valid_id(value):
        assert check_id(value, "claim id") == value
    else:
        with pytest.raises(InvalidIdentifier, match="an id is 1 to 64 characters of A-Z a-z 0-9"):
            check_id(value, "claim id")


@pytest.mark.parametrize(
    "good", ["C-JADE-2015-001", "CN-KW-2015-001", "ops@jade.example", "a", "NCAC_2015.07"]
)
def test_the_ids_in_use_are_valid(good):
    assert check_id(good, "id") == good


def test_a_label_is_printable_text():
    assert check_label("platform qq", "name") == "platform qq"
    for bad in ("", "  ", "a\r\nb", "a\x00", "x" * 201, 12):
        with pytest.raises(InputError):
            check_label(bad, "name")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
CLAIM_KEYS = ["id", "regime", "claimant", "platform", "received_at", "agent", "agent_authorisation", "contact",
              "recordings", "works", "items", "territory", "use", "evidence", "statements", "order_deadline"]  # fmt: skip
VALID = {"id": "C-1", "regime": "cn-ndr", "claimant": "L-JADE", "platform": "kuwo",
         "received_at": "2016-01-30T10:00:00+08:00", "evidence": ["a.txt"]}  # fmt: skip


@given(st.dictionaries(st.sampled_from(CLAIM_KEYS), JSON, max_size=6))
def test_any_json_claim_is_a_claim_or_a_typed_refusal(changes):
    """Fields of any JSON type over a valid claim: parsed, or refused as bad input; never another exception."""
    filing = Filing(VALID | changes, "claim", {"a.txt": b"evidence"})
    try:
        claim = parse_claim(filing, lambda name, content: "0" * 64)
    except InputError:
        return
    assert is_valid_id(claim.id) and claim.received_at.tzinfo is not None
    assert all(isinstance(x, str) for x in (*claim.recordings, *claim.items, *claim.evidence))


@given(
    st.dictionaries(
        st.sampled_from(["id", "respondent", "received_at", "items", "evidence", "contact"]), JSON
    )
)
def test_any_json_counter_notice_is_one_or_a_typed_refusal(changes):
    base = {"id": "N-1", "respondent": "u", "received_at": "2016-01-31T09:00:00+08:00"}
    with contextlib.suppress(InputError):
        parse_counter(Filing(base | changes, "counter"), "C-1", lambda name, content: "0" * 64)
