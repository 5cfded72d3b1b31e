"""Every rule against its fixture sites: the expected outcome, and evidence where it belongs."""
from __future__ import annotations

import pytest

from checks.findings import Outcome
from tests.rules.harness import SITE, build_snapshot, cases, run_case
from tests.rules.test_catalog import SITE_IDS

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fixture(case):
    finding = run_case(case)
    assert finding.outcome == case.outcome, (
        f"{case.meta.get('about', '')}\n{finding.detail}\n"
        + "\n".join(f"{e.url}: {e.snippet} ({e.note})" for e in finding.evidence))
    expected = case.meta.get("evidence")
    urls = [e.url for e in finding.evidence]
    if expected is None:
        assert case.outcome == Outcome.absent, "a present or needs-review case must name its evidence"
        assert urls == [], f"unexpected evidence: {urls}"
    else:
        for path in expected if isinstance(expected, list) else [expected]:
            assert case.url(path) in urls, f"evidence {urls} lacks {case.url(path)}"
        assert all(e.snippet for e in finding.evidence)
    if "note" in case.meta:
        # a remark the finding must carry (in its detail or an evidence note)
        said = " ".join([finding.detail, finding.functioning, *(e.note for e in finding.evidence)])
        assert case.meta["note"] in said, said
    if case.outcome == Outcome.absent:
        # "missing" must be told from "not reached": the pages looked at are listed
        assert finding.examined and all(u.startswith(SITE) for u in finding.examined)


def test_every_rule_has_present_and_absent_fixtures():
    by_rule: dict[str, set[Outcome]] = {}
    for case in CASES:
        by_rule.setdefault(case.rule_id, set()).add(case.outcome)
    assert set(by_rule) == SITE_IDS
    missing = {rule: {Outcome.present, Outcome.absent} - got for rule, got in by_rule.items()
               if {Outcome.present, Outcome.absent} - got}
    assert not missing, missing


def test_fixture_pages_go_through_the_extractor():
    case = next(c for c in CASES if c.rule_id == "social-founder" and c.outcome == Outcome.present)
    snapshot = build_snapshot(case)
    home = snapshot.pages[0]
    # the layout's menu is recognised as navigation, and the text is the visible text
    assert any(link.area == "nav" for link in home.links)
    assert "<" not in home.text and home.lang == "ru"
