import json

from report_world import assert_golden
from songclear.reports.context import chain_path, report_context


def _dump(ctx: dict) -> str:
    return json.dumps(ctx, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_context_in_buffer_matches_golden(run_in_buffer, parties_in_buffer):
    assert_golden(
        "context_2015-07-20.json", _dump(report_context(run_in_buffer, grant_parties=parties_in_buffer))
    )


def test_context_as_known_then_matches_golden(run_as_known_then):
    assert_golden("context_2015-07-20_known_2015-07-15.json", _dump(report_context(run_as_known_then)))


def test_context_lists_follow_the_summary(run_in_buffer, parties_in_buffer):
    ctx = report_context(run_in_buffer, grant_parties=parties_in_buffer)
    assert [t["track"] for t in ctx["takedown"]["rows"]] == ["NE/3", "NE/5"]
    assert [t["track"] for t in ctx["buffer"]["rows"]] == ["NE/3", "NE/5"]
    assert [t["track"] for t in ctx["conflicts"]["rows"]] == ["NE/4"]
    assert [(t["track"], t["last_day"], t["days_left"]) for t in ctx["lapsing"]["rows"]][0] == (
        "NE/2",
        "2015-08-15",
        26,
    )
    assert ctx["summary"]["removal_percent"] == "33.3%"
    assert ctx["changes"] is None
    paths = [c["path"] for c in ctx["decisions"]["rows"][0]["chains"]]
    assert paths == ["Universal -> QQ Music -> NetEase", "Hikari Publishing -> NetEase"]


def test_chain_path_needs_every_grant_of_the_chain(run_in_buffer, parties_in_buffer):
    chain = run_in_buffer.decisions[0].chains[0]
    assert chain_path(chain, parties_in_buffer) == "Universal -> QQ Music -> NetEase"
    assert chain_path(chain, {"G1": parties_in_buffer["G1"]}) is None  # S3 unknown: no guessed names


def test_row_limit_caps_lists_and_says_how_many_are_left_out(run_in_buffer):
    ctx = report_context(run_in_buffer, row_limit=2)
    assert len(ctx["decisions"]["rows"]) == 2
    assert (ctx["decisions"]["total"], ctx["decisions"]["omitted"]) == (6, 4)


def test_changes_as_known_then_name_the_late_renewal(run_as_known_then):
    ctx = report_context(run_as_known_then)
    assert ctx["header"]["known_at"] == "2015-07-15T00:00:00+00:00"
    assert [(c["track"], c["then"], c["now"]) for c in ctx["changes"]] == [("NE/2", "expiring", "cleared")]
