"""The eight ways an existing operator's 344н calculator goes wrong (shared/reference/scoring-pitfalls.md),
one test each, so that ours never does the same."""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction as F
from pathlib import Path

import pytest

from nok.errors import UserError
from rules.profile import load_profile
from scoring.join import ScoreInputs
from scoring.numbers import display
from scoring.run import score_files
from tests.scoring.builders import (checklist_entry, checklist_header, checklist_row, score, survey_counts,
                                    survey_header, survey_row, titles, write_csv, write_xlsx)

ORG = {"org_id": "A", "name": "КЦСОН А", "municipality": "Город", "region": "Область"}


def _score_files(tmp_path: Path, checklist_rows, survey_rows, profile=None, survey_name="survey.csv"):
    keys = checklist_header()
    rows = [checklist_row(keys, org, yes) for org, yes in checklist_rows]
    check = write_csv(tmp_path / "checklist.csv", titles(keys), rows)
    survey = write_csv(tmp_path / survey_name, survey_header(), survey_rows)
    return score_files(ScoreInputs(checklists=[check], surveys=[survey]), profile or load_profile())


# 1 -------------------------------------------------------------------------------------------

def test_1_no_rounding_at_each_step():
    answers = dict(q01=(2, 6), q02=(0, 1), q03=(1, 5), q04=(0, 1), q05=(4, 4), q06=(3, 3), q07=(3, 3), q08=(1, 1),
                   q09=(6, 3), q10=(4, 6), q11=(2, 3), q12=(1, 1), q13=(6, 4), q14=(1, 2), q15=(6, 2))
    result = score(checklist_entry(stand=4, site=17, remote=1, comfort=3, premises=0, access=1),
                   survey_counts(**answers))
    k1 = F(3, 10) * 50 * (F(4, 18) + F(17, 26)) + F(3, 10) * 30 + 0
    k2 = F(3, 10) * 60 + F(4, 10) * 50 + F(3, 10) * 50
    k3 = F(3, 10) * 0 + F(4, 10) * 20 + F(3, 10) * 50
    k4 = F(4, 10) * F(600, 9) + F(4, 10) * 40 + F(2, 10) * 50
    k5 = F(3, 10) * 60 + F(2, 10) * F(100, 3) + F(5, 10) * 75
    exact_total = (k1 + k2 + k3 + k4 + k5) / 5
    assert result.total == float(exact_total)
    assert display(result.total) == "42,59"

    # what rounding every step half-to-even would have shown
    def step(x):
        return F(Decimal(str(float(x))).quantize(Decimal("0.01"), ROUND_HALF_EVEN))
    ind = {k: step(v) for k, v in result.indicators.items()}
    crit = [step(F(3, 10) * ind["1.1"] + F(3, 10) * ind["1.2"] + F(4, 10) * ind["1.3"]), step(k2), step(k3),
            step(F(4, 10) * ind["4.1"] + F(4, 10) * ind["4.2"] + F(2, 10) * ind["4.3"]),
            step(F(3, 10) * ind["5.1"] + F(2, 10) * ind["5.2"] + F(5, 10) * ind["5.3"])]
    assert display(step(sum(crit) / 5)) == "42,60"  # the drift the pitfall describes


def test_1_display_rounds_half_up_once():
    assert display(0.125) == "0,13" and display(F(71765, 1000)) == "71,77" and display(2.675) == "2,68"


# 2 -------------------------------------------------------------------------------------------

def test_2_nobody_saying_yes_is_a_share_of_zero_not_a_collapsed_criterion(tmp_path):
    # ten respondents, all «да» except q13 (recommend), where all say «нет»
    rows = [survey_row("A", default="да", q13="нет") for _ in range(10)]
    result = _score_files(tmp_path, [(ORG, set())], rows)
    org = result.organization("A")
    assert org.indicators["5.1"] == 0
    assert org.criteria["K5"] == 0.3 * 0 + 0.2 * 100 + 0.5 * 100 == 70


# 3 -------------------------------------------------------------------------------------------

def test_3_shares_are_over_those_who_answered_the_question(tmp_path):
    rows = [survey_row("A", default="да", q09="да") for _ in range(3)]
    rows += [survey_row("A", default="да", q09="нет")]
    rows += [survey_row("A", default="да", q09="") for _ in range(6)]  # six left q09 blank
    org = _score_files(tmp_path, [(ORG, set())], rows).organization("A")
    assert org.details["4.1"].inputs == {"Уперв.конт": 3, "Чобщ": 4}
    assert org.indicators["4.1"] == 75  # not 3/10


# 4 -------------------------------------------------------------------------------------------

def test_4_zero_over_zero_is_never_a_number_without_a_flag():
    answers = dict(q01=(0, 4), q03=(0, 4), q05=(2, 2), q06=(2, 2), q07=(0, 4), q09=(2, 2), q10=(2, 2), q11=(1, 3),
                   q12=(1, 0), q13=(2, 2), q14=(2, 2), q15=(2, 2), q02=(0, 0), q04=(0, 0), q08=(0, 0))
    result = score(checklist_entry(remote=3, comfort=3, premises=2, access=4, counts={"stand": (0, 0), "site": (0, 0)}),
                   survey_counts(**answers))
    for indicator in ("1.1", "1.3", "3.3"):
        assert result.indicators[indicator] is None
        assert result.details[indicator].status == "excluded"
    assert {f.scope for f in result.flags if f.code == "zero_denominator"} >= {"1.1", "1.3", "3.3"}
    assert result.criteria["K1"] == 90  # 1.2 alone, renormalised — not 0.3·0 + 0.3·90 + 0.4·0
    assert result.criteria["K3"] == pytest.approx((0.3 * 40 + 0.4 * 80) / 0.7)


# 5 -------------------------------------------------------------------------------------------

def test_5_inconsistent_answers_are_reported_not_crashing_not_kept(tmp_path):
    rows = [survey_row("A", default="да")]  # a respondent with a disability, satisfied
    rows.append(survey_row("A", default="да", q07="нет", q08="да"))  # «да» to q08 without a disability
    org = _score_files(tmp_path, [(ORG, set())], rows).organization("A")
    assert org.details["3.3"].inputs == {"Удост": 1, "Чинв": 1}
    flag = next(f for f in org.flags if f.code == "inconsistent_answers")
    assert "строка 3" in flag.message and "q08 без «да» на q07" in flag.message


def test_5_inconsistent_answers_stop_the_run_under_the_error_policy(tmp_path):
    profile = load_profile()
    profile.policies.inconsistent_answers = "error"
    rows = [survey_row("A", default="да", q07="нет", q08="да")]
    with pytest.raises(UserError, match=r"строка 2, столбец I .*q08 без «да» на q07"):
        _score_files(tmp_path, [(ORG, set())], rows, profile=profile)


# 6 -------------------------------------------------------------------------------------------

def test_6_survey_is_joined_to_the_checklist_by_id_not_by_row(tmp_path):
    orgs = [(dict(ORG, org_id=i, name=f"Орг {i}"), set()) for i in ("A", "B")]
    a_rows = [survey_row("A", default="да") for _ in range(4)]
    b_rows = [survey_row("B", default="нет") for _ in range(4)]
    forward = _score_files(tmp_path, orgs, a_rows + b_rows)
    backward = _score_files(tmp_path, list(reversed(orgs)), b_rows + a_rows)
    for result in (forward, backward):
        assert result.organization("A").indicators["5.3"] == 100
        assert result.organization("B").indicators["5.3"] == 0


def test_6_ids_in_one_file_only_are_reported(tmp_path):
    orgs = [(dict(ORG, org_id=i), set()) for i in ("A", "B")]
    result = _score_files(tmp_path, orgs, [survey_row("A", default="да")])
    assert any("В анкетах нет организаций: «B»" in w for w in result.warnings)
    with pytest.raises(UserError, match=r"Неизвестные коды организаций.*«C» \(«survey.csv», строки 3\)"):
        _score_files(tmp_path, orgs, [survey_row("A", default="да"), survey_row("C", default="да")])


# 7 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("yes_word", ["да", "Да", " ДА ", "+", "1", "есть", "Есть.", "yes", "✓"])
def test_7_every_way_of_writing_yes_counts(tmp_path, yes_word):
    keys = checklist_header()
    row = checklist_row(keys, ORG, yes={"stand:social-founder", "remote-phone"}, yes_word=yes_word, no_word="-")
    check = write_csv(tmp_path / "c.csv", titles(keys), [row])
    survey = write_csv(tmp_path / "s.csv", survey_header(), [survey_row("A", default=yes_word)])
    org = score_files(ScoreInputs(checklists=[check], surveys=[survey]), load_profile()).organization("A")
    assert org.details["1.1"].inputs["Истенд"] == 1 and org.indicators["1.2"] == 30
    assert org.indicators["5.3"] == 100


def test_7_xlsx_booleans_and_numbers_count(tmp_path):
    keys = checklist_header()
    row = checklist_row(keys, ORG, yes={"remote-phone", "remote-email"})
    row = [True if v == "да" else 0 if v == "нет" else v for v in row]
    check = write_xlsx(tmp_path / "c.xlsx", titles(keys), [row])
    org = score_files(ScoreInputs(checklists=[check]), load_profile()).organization("A")
    assert org.indicators["1.2"] == 60


def test_7_columns_are_read_by_header_in_any_order(tmp_path):
    keys = checklist_header()
    yes = {"stand:social-founder", "site:social-staff", "remote-faq", "comfort-navigation", "premises-parking"}
    rows = [checklist_row(keys, ORG, yes)]
    straight = write_csv(tmp_path / "a.csv", titles(keys), rows)
    order = list(reversed(range(len(keys))))
    shuffled = write_csv(tmp_path / "b.csv", [titles(keys)[i] for i in order], [[rows[0][i] for i in order]])
    survey_keys = survey_header()
    survey_order = [0] + list(reversed(range(1, len(survey_keys))))
    srow = survey_row("A", default="да", q09="нет")
    s1 = write_csv(tmp_path / "s1.csv", survey_keys, [srow])
    s2 = write_csv(tmp_path / "s2.csv", [survey_keys[i] for i in survey_order], [[srow[i] for i in survey_order]])
    one = score_files(ScoreInputs(checklists=[straight], surveys=[s1]), load_profile()).organization("A")
    two = score_files(ScoreInputs(checklists=[shuffled], surveys=[s2]), load_profile()).organization("A")
    assert one.indicators == two.indicators and one.indicators["4.1"] == 0


def test_7_the_norm_comes_from_the_profile_not_from_filled_cells(tmp_path):
    keys = checklist_header()
    row = checklist_row(keys, ORG, yes={"stand:social-founder"})
    row[keys.index("stand:social-location")] = ""  # one stand cell left blank
    check = write_csv(tmp_path / "c.csv", titles(keys), [row])
    with pytest.raises(UserError, match=r"строка 2: группа заполнена не полностью.*«Стенд: место нахождения"):
        score_files(ScoreInputs(checklists=[check]), load_profile())
    keys_without = [k for k in keys if k != "stand:social-location"]
    short = write_csv(tmp_path / "d.csv", titles(keys_without), [checklist_row(keys_without, ORG)])
    with pytest.raises(UserError, match=r"не хватает столбцов перечня Инорм \(стенд\): «Стенд: место нахождения"):
        score_files(ScoreInputs(checklists=[short]), load_profile())


def test_7_blocks_are_not_found_by_header_fragments(tmp_path):
    header = ["Код организации", "На СТЕНДЕ: учредитель", "Наличие и функционирование на официальном сайте телефона"]
    check = write_csv(tmp_path / "c.csv", header, [["A", "1", "1"]])
    with pytest.raises(UserError, match=r"столбец B \(«На СТЕНДЕ: учредитель»\): неизвестный столбец"):
        score_files(ScoreInputs(checklists=[check]), load_profile())


# 8 -------------------------------------------------------------------------------------------

def test_8_caps_are_part_of_the_method():
    result = score(checklist_entry(stand=18, site=26, remote=6, comfort=7, premises=5, access=6),
                   survey_counts(**{q: (5, 0) for q in ("q01", "q02", "q03", "q04", "q05", "q06", "q07", "q08", "q09",
                                                        "q10", "q11", "q12", "q13", "q14", "q15")}))
    assert result.indicators["1.2"] == 100 and "180 → 100" in result.details["1.2"].formula
    assert result.indicators["2.1"] == 100 and result.indicators["3.2"] == 100
    assert result.criteria["K1"] == 100 and result.total == 100
    profile = load_profile()
    assert profile.indicators["1.2"].points.cap == 100  # the cap is data in the profile
