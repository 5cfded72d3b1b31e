"""A share with nobody to divide by is never silently 0: the profile's policy decides, and it is flagged."""
from __future__ import annotations

import pytest

from rules.profile import load_profile
from tests.scoring.builders import checklist_entry, score, survey_counts

FULL = dict(stand=9, site=13, remote=3, comfort=3, premises=2, access=4)
ANSWERS = dict(q01=(0, 5), q02=(0, 0), q03=(2, 3), q04=(1, 1), q05=(1, 3), q06=(4, 1), q07=(0, 10), q08=(0, 0),
               q09=(9, 1), q10=(8, 2), q11=(2, 8), q12=(1, 1), q13=(6, 4), q14=(3, 1), q15=(9, 1))


def profile_with(policy: str):
    profile = load_profile()
    profile.policies.zero_denominator = policy
    return profile


def run(policy: str):
    return score(checklist_entry(**FULL), survey_counts(respondents=10, **ANSWERS), profile=profile_with(policy))


def test_exclude_nobody_used_the_stand_uses_the_site_half():
    result = run("exclude")
    assert result.indicators["1.3"] == 50  # the site half 1/2 alone, not 0.5 × (0 + 1/2)
    assert result.details["1.3"].inputs["Чобщ.стенд"] == 0


def test_exclude_no_respondents_with_disability_renormalises_k3():
    result = run("exclude")
    assert result.indicators["3.3"] is None and result.details["3.3"].status == "excluded"
    # K3 = (0.3·40 + 0.4·80) / 0.7
    assert result.criteria["K3"] == pytest.approx((0.3 * 40 + 0.4 * 80) / 0.7, abs=1e-12)
    assert result.weights["K3"] == pytest.approx({"3.1": 3 / 7, "3.2": 4 / 7})
    assert any(f.code == "renormalized" and f.scope == "K3" for f in result.flags)


@pytest.mark.parametrize("policy,stand_half,k3_part", [("zero", 0, 0), ("hundred", 100, 100)])
def test_zero_and_hundred_policies(policy, stand_half, k3_part):
    result = run(policy)
    assert result.indicators["1.3"] == (stand_half + 50) / 2
    assert result.indicators["3.3"] == k3_part
    assert result.criteria["K3"] == 0.3 * 40 + 0.4 * 80 + 0.3 * k3_part


@pytest.mark.parametrize("policy", ["exclude", "zero", "hundred"])
def test_every_policy_is_flagged(policy):
    flags = [f for f in run(policy).flags if f.code == "zero_denominator"]
    assert {f.scope for f in flags} == {"1.3", "3.3"}
    assert all(f"«{policy}»" in f.message for f in flags)
    assert any("никто из ответивших «да» на q07 не ответил на q08" in f.message for f in flags)


def test_empty_norm_list_is_a_zero_denominator_not_zero_points():
    entry = checklist_entry(remote=3, comfort=3, premises=2, access=4, counts={"stand": (0, 0), "site": (13, 26)})
    result = score(entry, survey_counts(respondents=10, **ANSWERS))
    assert result.indicators["1.1"] == 50  # site half 13/26 only
    assert any(f.code == "zero_denominator" and "Инорм.стенд = 0" in f.message for f in result.flags)


def test_a_criterion_with_every_indicator_excluded_is_not_computed():
    answers = {**ANSWERS, "q09": (0, 0), "q10": (0, 0), "q11": (0, 5), "q12": (0, 0)}
    result = score(checklist_entry(**FULL), survey_counts(respondents=10, **answers))
    assert result.criteria["K4"] is None and result.total is None
    assert any(f.code == "zero_denominator" and f.scope == "K4" for f in result.flags)
