"""Aggregation by municipality, region and sphere; ranking with ties; branches."""
from __future__ import annotations

import pytest

from rules.profile import load_profile
from scoring.aggregate import aggregate, merge_branches, ordered, rank
from scoring.models import OrgScore

CRITERIA = ("K1", "K2", "K3", "K4", "K5")


def org(org_id, total, municipality="М1", region="Р1", sphere="social", parent_id="", criteria=None):
    values = criteria or dict.fromkeys(CRITERIA, total)
    return OrgScore(org_id=org_id, municipality=municipality, region=region, sphere=sphere, parent_id=parent_id,
                    criteria=values, total=total, indicators={"1.1": total})


def profile_with(**policies):
    profile = load_profile()
    for key, value in policies.items():
        setattr(profile.policies, key, value)
    return profile


def test_means_by_municipality_region_and_sphere():
    orgs = [org("a", 90, "М1"), org("b", 70, "М1"), org("c", 60, "М2"), org("d", 40, "М2", sphere="culture")]
    municipalities, regions, spheres = aggregate(orgs, load_profile())
    assert [(g.name, g.total, g.rank) for g in municipalities] == [("М1", 80, 1), ("М2", 50, 2)]
    assert municipalities[0].min_total == 70 and municipalities[0].max_total == 90
    assert [(g.name, g.total) for g in regions] == [("Р1", 65)]
    assert {g.name: g.total for g in spheres} == {"Социальное обслуживание": 220 / 3, "Культура": 40}
    assert municipalities[0].criteria == dict.fromkeys(CRITERIA, 80)


def test_region_as_mean_of_municipalities():
    orgs = [org("a", 90, "М1"), org("b", 70, "М1"), org("c", 60, "М2")]
    _, by_orgs, _ = aggregate(orgs, load_profile())
    _, by_muns, _ = aggregate(orgs, profile_with(region_from="municipalities"))
    assert by_orgs[0].total == pytest.approx(220 / 3) and by_muns[0].total == (80 + 60) / 2


def test_organisations_without_total_are_listed_not_averaged():
    orgs = [org("a", 90), org("b", None, criteria=dict.fromkeys(CRITERIA))]
    municipalities, _, _ = aggregate(orgs, load_profile())
    assert municipalities[0].total == 90 and municipalities[0].without_total == ["b"]
    assert orgs[1].rank is None


def test_ranking_with_ties_at_display_precision():
    orgs = [org("a", 90), org("b", 85.004), org("c", 84.996), org("d", 70)]
    rank(orgs, lambda o: o.total, load_profile())
    assert [o.rank for o in orgs] == [1, 2, 2, 4]  # 85,00 and 85,00 share the place


def test_rank_within_municipality():
    orgs = [org("a", 90, "М1"), org("b", 70, "М1"), org("c", 80, "М2")]
    aggregate(orgs, load_profile())
    assert [(o.rank, o.rank_in_municipality) for o in orgs] == [(1, 1), (3, 2), (2, 1)]


def test_branches_merge_into_the_parent():
    parent = org("p", 90, criteria={"K1": 90, "K2": 80, "K3": 70, "K4": 60, "K5": 100})
    branch = org("b1", 60, parent_id="p", criteria={"K1": 60, "K2": 40, "K3": 70, "K4": 60, "K5": 70})
    sub = org("b2", 30, parent_id="b1", criteria=dict.fromkeys(CRITERIA, 30))  # a branch of a branch
    other = org("x", 50)
    orgs = [parent, branch, sub, other]
    warnings = []
    merge_branches(orgs, load_profile(), warnings)
    assert parent.branches == ["b1", "b2"] and not branch.rated and not sub.rated
    assert parent.criteria == {"K1": 60, "K2": 50, "K3": pytest.approx(170 / 3), "K4": 50, "K5": 200 / 3}
    assert parent.total == pytest.approx(sum(parent.criteria.values()) / 5)
    assert parent.own_total == 90 and parent.indicators["1.1"] == 60
    municipalities, _, _ = aggregate(orgs, load_profile())
    assert municipalities[0].organizations == ["p", "x"]
    assert [o.org_id for o in ordered(orgs)] == ["p", "b1", "b2", "x"]


def test_branches_kept_separate_by_policy():
    orgs = [org("p", 90), org("b", 60, parent_id="p")]
    merge_branches(orgs, profile_with(branches="separate"), [])
    municipalities, _, _ = aggregate(orgs, profile_with(branches="separate"))
    assert orgs[0].total == 90 and municipalities[0].total == 75


def test_unknown_parent_is_reported_and_a_cycle_is_an_error():
    warnings = []
    orgs = [org("b", 60, parent_id="nobody")]
    merge_branches(orgs, load_profile(), warnings)
    assert "головная организация «nobody» не найдена" in warnings[0] and orgs[0].rated
    with pytest.raises(Exception, match="цикл"):
        merge_branches([org("a", 1, parent_id="b"), org("b", 1, parent_id="a")], load_profile(), [])


def test_a_branch_without_scores_leaves_the_merged_total_uncomputed():
    parent, branch = org("p", 90), org("b", None, parent_id="p", criteria=dict.fromkeys(CRITERIA))
    merge_branches([parent, branch], load_profile(), [])
    assert parent.total is None and any("нет итога у b" in f.message for f in parent.flags)
