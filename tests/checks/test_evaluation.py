"""The comparison of findings with labels: kinds of disagreement, places, tallies and floors."""
from __future__ import annotations

import pytest

from checks.evaluation import (EvalResult, Expected, Floors, SiteInfo, SiteLabels, TierFloors, check_floors,
                               classify, compare_site, path_of, summarize, where_matches)
from checks.findings import Evidence, Finding, Outcome, SiteReport

P, A, R, N, E = Outcome.present, Outcome.absent, Outcome.needs_review, Outcome.not_applicable, Outcome.error


@pytest.mark.parametrize("expected, actual, kind", [
    (P, P, "agree"), (A, A, "agree"), (P, A, "false_absent"), (R, A, "false_absent"),
    (A, P, "false_present"), (A, R, "needs_review"), (P, R, "needs_review"), (N, A, "other"),
    (P, E, "other"), (N, P, "other"),
])
def test_classify(expected, actual, kind):
    assert classify(expected, actual) == kind


def test_places_ignore_host_index_file_and_trailing_slash_but_not_other_paths():
    assert path_of("http://127.0.0.10:5000/about/index.html") == "/about"
    assert path_of("http://x.ru/news/detail.php?ELEMENT_ID=5") == "/news/detail.php?ELEMENT_ID=5"
    assert where_matches(["http://127.0.0.10:1/about/"], ["/about"]) is True
    assert where_matches(["http://h/about/?special=1"], ["/about/"]) is True  # query variant of the page
    assert where_matches(["http://h/news/"], ["/about/"]) is False
    assert where_matches(["http://h/news/"], ["*"]) is True
    assert where_matches([], ["/about/"]) is None


def _labels(**expect):
    return SiteLabels(site=SiteInfo(title="t", imitates="i"), expect=expect)


def test_compare_site_counts_where_mismatch_and_skips_uncompared_ids():
    labels = _labels(**{"social-founder": Expected(outcome=P, where=["/svedeniya/"]),
                        "social-charter": Expected(outcome=P, where=["/docs/"], explain="known"),
                        "remote-faq": Expected(outcome=A, compare=False)})
    report = SiteReport(url="http://h/", findings=[
        Finding(id="social-founder", outcome=P, evidence=[Evidence(url="http://h/novosti/1/", snippet="s")]),
        Finding(id="social-charter", outcome=A, examined_count=7)])
    rows = compare_site("s", labels, report)
    assert [(r.id, r.kind, r.where_ok) for r in rows] == [("social-founder", "agree", False),
                                                          ("social-charter", "false_absent", None)]
    assert rows[1].explain == "known" and rows[1].examined_count == 7
    result = summarize(EvalResult(comparisons=rows), ["social-founder", "social-charter", "remote-faq"])
    total = result.tiers["static"]
    assert (total.compared, total.agree, total.false_absent, total.where_mismatch) == (2, 1, 1, 1)
    assert total.agreement == 0.5
    assert list(result.per_id["static"]) == ["social-founder", "social-charter"]


def test_an_id_missing_from_the_report_is_an_error_not_an_absence():
    rows = compare_site("s", _labels(**{"social-founder": Expected(outcome=P)}), SiteReport(url="http://h/"))
    assert rows[0].actual == E and rows[0].kind == "other"


def test_floors_fail_below_and_pass_at_the_floor_and_skip_tiers_not_run():
    rows = compare_site("s", _labels(**{"a": Expected(outcome=P), "b": Expected(outcome=A)}),
                        SiteReport(url="http://h/", findings=[Finding(id="a", outcome=A), Finding(id="b", outcome=A)]))
    result = summarize(EvalResult(comparisons=rows), ["a", "b"])
    floors = Floors(tiers={"static": TierFloors(min_agreement=0.5, max_false_absent=0),
                           "real": TierFloors(min_agreement=0.99)})
    checks = {c.metric: c.ok for c in check_floors(result, floors)}
    assert checks == {"min_agreement": True, "max_false_absent": False}
