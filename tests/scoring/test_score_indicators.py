"""Hand-computed examples for every indicator, every criterion (both K2 variants) and the total."""
from __future__ import annotations

import pytest

from nok.errors import UserError
from rules.profile import load_profile
from scoring.models import SiteInput, Source
from tests.scoring.builders import PROFILE, all_questions, checklist_entry, score, survey_counts

# one organisation, computed by hand:
#   1.1 = 0.5 × (9/18 + 13/26) × 100 = 50          1.2 = 30 × 3 = 90
#   1.3 = 0.5 × (3/4 + 1/2) × 100 = 62.5           → K1 = 0.3·50 + 0.3·90 + 0.4·62.5 = 67
#   2.1 = 20 × 3 = 60   2.2 = 1/4 = 25   2.3 = 4/5 = 80  → K2 = 0.3·60 + 0.4·25 + 0.3·80 = 52
#   3.1 = 20 × 2 = 40   3.2 = 20 × 4 = 80   3.3 = 2/4 = 50 → K3 = 12 + 32 + 15 = 59
#   4.1 = 90   4.2 = 80   4.3 = 50                    → K4 = 36 + 32 + 10 = 78
#   5.1 = 60   5.2 = 75   5.3 = 90                    → K5 = 18 + 15 + 45 = 78
#   Sn = (67 + 52 + 59 + 78 + 78) / 5 = 66.8
ANSWERS = dict(q01=(4, 1), q02=(3, 1), q03=(2, 3), q04=(1, 1), q05=(1, 3), q06=(4, 1), q07=(4, 6), q08=(2, 2),
               q09=(9, 1), q10=(8, 2), q11=(2, 8), q12=(1, 1), q13=(6, 4), q14=(3, 1), q15=(9, 1))
EXPECTED = {"1.1": 50, "1.2": 90, "1.3": 62.5, "2.1": 60, "2.2": 25, "2.3": 80, "3.1": 40, "3.2": 80, "3.3": 50,
            "4.1": 90, "4.2": 80, "4.3": 50, "5.1": 60, "5.2": 75, "5.3": 90}


def example(sphere: str = "social", **kw):
    if sphere == "social":
        entry = checklist_entry(stand=9, site=13, remote=3, comfort=3, premises=2, access=4, **kw)
    else:  # no item lists for other spheres: the counts are given
        entry = checklist_entry(sphere=sphere, remote=3, comfort=3, premises=2, access=4,
                                counts={"stand": (9, 18), "site": (13, 26)}, **kw)
    return score(entry, survey_counts(respondents=10, **ANSWERS))


def test_every_indicator_by_hand():
    result = example()
    assert result.indicators == EXPECTED
    assert all(d.status == "computed" for d in result.details.values())


def test_criteria_and_total_by_hand_exactly():
    result = example()
    # exact arithmetic: 0.3 × 50 + … is 67, not 67.00000000000001
    assert result.criteria == {"K1": 67, "K2": 52, "K3": 59, "K4": 78, "K5": 78}
    assert result.total == 66.8


@pytest.mark.parametrize("sphere", ["education", "culture"])
def test_k2_without_waiting_time(sphere):
    result = example(sphere)
    assert result.indicators["2.2"] is None and result.details["2.2"].status == "not_applicable"
    assert result.criteria["K2"] == 0.5 * 60 + 0.5 * 80 == 70
    assert result.weights["K2"] == {"2.1": 0.5, "2.3": 0.5}
    assert result.total == (67 + 70 + 59 + 78 + 78) / 5


def test_k2_with_waiting_time_in_health():
    result = example("health")
    assert result.criteria["K2"] == 52 and result.weights["K2"] == {"2.1": 0.3, "2.2": 0.4, "2.3": 0.3}
    assert any(f.code == "sphere_note" for f in result.flags)  # 201н waiting-time scale not implemented


def test_inputs_are_kept_with_each_indicator():
    details = example().details
    assert details["1.1"].inputs == {"Истенд": 9, "Инорм.стенд": 18, "Исайт": 13, "Инорм.сайт": 26}
    assert details["1.2"].inputs == {"Сдист": 3, "Тдист": 30}
    assert details["1.3"].inputs == {"Устенд": 3, "Чобщ.стенд": 4, "Усайт": 1, "Чобщ.сайт": 2}
    assert details["3.3"].inputs == {"Удост": 2, "Чинв": 4}
    assert details["4.3"].inputs == {"Увежл.дист": 1, "Чобщ.дист": 2}
    assert details["1.1"].formula == "Пинф = (9/18 + 13/26) / 2 × 100"


@pytest.mark.parametrize("count,points", [(0, 0), (1, 30), (2, 60), (3, 90), (4, 100), (5, 100), (6, 100)])
def test_remote_methods_thirty_points_each_capped(count, points):
    assert score(checklist_entry(remote=count)).indicators["1.2"] == points


@pytest.mark.parametrize("group,indicator,size", [("comfort", "2.1", 7), ("premises", "3.1", 5), ("access", "3.2", 6)])
def test_conditions_twenty_points_each_capped(group, indicator, size):
    values = [score(checklist_entry(**{group: n})).indicators[indicator] for n in range(size + 1)]
    assert values == [min(100, 20 * n) for n in range(size + 1)]


def test_sixth_access_condition_does_not_lift_past_hundred():
    five = score(checklist_entry(access=5)).indicators["3.2"]
    six = score(checklist_entry(access=6)).indicators["3.2"]
    assert five == six == 100


def site(org_id="org1", info=(), remote=(), low_vision=None, undecided=()):
    return SiteInput(org_id=org_id, source=Source("r.json"), reachable=True,
                     info={i: (i in info) if i not in undecided else None for i in PROFILE.inputs.info_items},
                     remote={i: (i in remote) if i not in undecided else None for i in PROFILE.group("remote").ids},
                     low_vision=low_vision)


def test_site_half_and_remote_methods_from_the_site_report():
    site_ids = PROFILE.preset_ids("social", "site")
    report = site(info=site_ids[:13], remote=["remote-phone", "remote-email"], low_vision=True)
    entry = checklist_entry(stand=18, comfort=0, premises=0, access=[])  # visit conditions all «нет»
    entry.groups["access"] = {i: False for i in PROFILE.group("access").ids if i != "access-low-vision-version"}
    result = score(entry, site=report)
    assert result.indicators["1.1"] == 0.5 * (18 / 18 + 13 / 26) * 100 == 75
    assert result.indicators["1.2"] == 60
    assert result.indicators["3.2"] == 20  # the low-vision version alone
    assert "сайт (nok check)" in result.details["1.1"].sources


def test_checklist_wins_over_the_site_report_and_the_report_says_so():
    report = site(remote=["remote-phone"], low_vision=False)
    entry = checklist_entry(stand=18, remote=["remote-phone", "remote-email", "remote-faq"], access=6)
    result = score(entry, site=report)
    assert result.indicators["1.2"] == 90 and result.indicators["3.2"] == 100
    overrides = [f for f in result.flags if f.code == "checklist_overrides_site"]
    assert {f.scope for f in overrides} == {"1.2", "3.2"}
    assert "чек-лист: есть, сайт: нет" in overrides[0].message


def test_undecided_site_items_count_as_absent_and_are_flagged():
    site_ids = PROFILE.preset_ids("social", "site")
    report = site(info=site_ids[:10], undecided=site_ids[10:12])
    result = score(checklist_entry(stand=18), site=report)
    assert result.details["1.1"].inputs["Исайт"] == 10
    assert any(f.code == "site_undecided" and "требует проверки" in f.message for f in result.flags)


def test_unreachable_site_is_missing_not_zero():
    report = SiteInput(org_id="org1", source=Source("r.json"), reachable=False, crawl_error="таймаут")
    result = score(checklist_entry(stand=18), site=report)
    assert result.indicators["1.1"] is None and result.details["1.1"].status == "missing"
    assert result.criteria["K1"] is None and result.total is None
    assert any(f.code == "site_unreachable" for f in result.flags)


def test_total_is_the_plain_mean_of_the_criteria():
    result = score(checklist_entry(stand=18, site=26, remote=6, comfort=7, premises=5, access=6),
                   survey_counts(**all_questions(1, 0)))
    assert result.criteria == dict.fromkeys(["K1", "K2", "K3", "K4", "K5"], 100) and result.total == 100
    low = score(checklist_entry(stand=0, site=0, remote=0, comfort=0, premises=0, access=0),
                survey_counts(**all_questions(0, 1)))
    assert low.total == 0
    assert {f.scope for f in low.flags if f.code == "risk_below_threshold"} == {"K1", "K2", "K3", "K4", "K5"}


def test_risk_flag_only_below_fifty():
    result = example()
    assert not [f for f in result.flags if f.code == "risk_below_threshold"]
    weak = score(checklist_entry(stand=9, site=13, remote=3, comfort=3, premises=0, access=1),
                 survey_counts(**{**ANSWERS, "q08": (1, 3)}))
    # K3 = 0.3·0 + 0.4·20 + 0.3·25 = 15.5
    assert weak.criteria["K3"] == 15.5
    assert [f.scope for f in weak.flags if f.code == "risk_below_threshold"] == ["K3"]


def test_missing_survey_leaves_survey_criteria_uncomputed():
    result = score(checklist_entry(stand=9, site=13, remote=3, comfort=3, premises=2, access=4))
    assert result.indicators["2.1"] == 60 and result.indicators["2.3"] is None
    assert result.criteria == dict.fromkeys(["K1", "K2", "K3", "K4", "K5"])
    assert result.total is None
    no_survey = [f for f in result.flags if f.message == "Нет анкет этой организации"]
    assert len(no_survey) == 1 and "5.3" in no_survey[0].scope  # one flag for all survey indicators


def test_sample_below_the_minimum_is_flagged():
    counts = survey_counts(respondents=30, **ANSWERS)
    entry = checklist_entry(stand=9, site=13, remote=3, comfort=3, premises=2, access=4, recipients=100)
    result = score(entry, counts)  # 40 % of 100 = 40 needed
    assert [f.message for f in result.flags if f.code == "small_sample"] == [
        "Опрошено 30, а по методике нужно не менее 40 (выборка мала)"]
    big = checklist_entry(stand=9, site=13, remote=3, comfort=3, premises=2, access=4, recipients=5000)
    assert "не менее 600" in next(f.message for f in score(big, counts).flags if f.code == "small_sample")
    enough = checklist_entry(stand=9, site=13, remote=3, comfort=3, premises=2, access=4, recipients=75)
    assert not [f for f in score(enough, counts).flags if f.code == "small_sample"]


def test_undecided_site_items_stop_the_run_under_the_error_policy():
    profile = load_profile()
    profile.policies.site_undecided = "error"
    report = site(remote=["remote-phone"], undecided=["remote-faq"])
    with pytest.raises(UserError, match=r"Организация «org1»: 1.2 .*не дала ответа по пунктам: «раздел «Часто"):
        score(checklist_entry(stand=18), site=report, profile=profile)
