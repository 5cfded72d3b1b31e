"""The methodology profile and its catalogs: loaded, consistent, and in step with the catalog."""
from __future__ import annotations

import re
import shutil
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from nok.errors import UserError
from rules.profile import CRITERIA, PROFILES_DIR, load_profile
from tests.scoring.builders import all_questions, checklist_entry, score, survey_counts

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "catalog-social.md"


def test_default_profile_is_344n_as_practised():
    profile = load_profile()
    assert profile.id == "social-344n-2018"
    assert profile.criteria["K1"].weights == {"1.1": Fraction(3, 10), "1.2": Fraction(3, 10), "1.3": Fraction(2, 5)}
    for sphere in profile.spheres:
        for crit in CRITERIA:
            assert sum(profile.weights(sphere, crit).values()) == 1
    assert profile.applicable("social", "2.2") and profile.applicable("health", "2.2")
    assert not profile.applicable("education", "2.2") and not profile.applicable("culture", "2.2")
    assert profile.weights("culture", "K2") == {"2.1": Fraction(1, 2), "2.3": Fraction(1, 2)}


def test_confidence_labels_are_kept_in_the_data():
    profile = load_profile()
    labels = {item.id: item.basis_confidence for g in profile.conditions.groups.values() for item in g.items}
    assert labels["remote-other"] == "unconfirmed" and labels["comfort-booking"] == "unconfirmed"
    assert labels["access-low-vision-version"] == "corroborated"
    questions = {q.code: q.basis_confidence for q in profile.questions.questions}
    assert questions["q01"] == "confirmed" and questions["q15"] == "unconfirmed"
    assert profile.policies.zero_denominator_confidence == "unconfirmed"


def _catalog_ids(section: str) -> set[str]:
    text = SHARED.read_text(encoding="utf-8")
    body = re.search(rf"^## {section}\..*?(?=^## )", text, re.S | re.M).group(0)
    return set(re.findall(r"`((?:remote|access|premises|comfort|q\d\d)-[a-z0-9-]+)`", body))


@pytest.mark.skipif(not SHARED.exists(), reason="../shared reference is not available")
@pytest.mark.parametrize("section,group", [("B", "remote"), ("C", "access"), ("D", "premises"), ("E", "comfort")])
def test_condition_ids_match_the_catalog(section, group):
    assert set(load_profile().group(group).ids) == _catalog_ids(section)


@pytest.mark.skipif(not SHARED.exists(), reason="../shared reference is not available")
def test_survey_ids_match_the_catalog():
    assert {q.id for q in load_profile().questions.questions} == _catalog_ids("F")


def test_another_order_version_is_another_profile_file(tmp_path):
    for name in ("profiles", "social"):
        shutil.copytree(PROFILES_DIR.parent / name, tmp_path / name)
    path = tmp_path / "profiles" / "social-344n-2018.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["id"] = "draft-weights"
    data["indicators"]["1.2"]["points"]["per_item"] = 20
    data["criteria"]["K1"]["weights"] = {"1.1": 0.5, "1.2": 0.25, "1.3": 0.25}
    other = tmp_path / "profiles" / "other.yaml"
    other.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    entry = checklist_entry(stand=18, site=26, remote=2, comfort=0, premises=0, access=0)
    answers = survey_counts(**all_questions(1, 1))
    default = score(entry, answers)
    changed = score(entry, answers, profile=load_profile(other))
    assert default.indicators["1.2"] == 60 and changed.indicators["1.2"] == 40
    assert changed.criteria["K1"] == 0.5 * 100 + 0.25 * 40 + 0.25 * 50


def test_broken_profiles_name_the_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    data = yaml.safe_load((PROFILES_DIR / "social-344n-2018.yaml").read_text(encoding="utf-8"))
    data["criteria"]["K4"]["weights"]["4.3"] = 0.3
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(UserError, match=r"«.*bad.yaml» содержит ошибки: .*K4 do not sum to 1"):
        load_profile(bad)
    with pytest.raises(UserError, match="не найден"):
        load_profile(tmp_path / "none.yaml")
