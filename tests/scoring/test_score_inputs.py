"""Importers: what they read, and the Russian error (file, row, column) for what they cannot."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from checks.findings import CrawlSummary, Finding, Outcome, SiteReport
from nok.errors import UserError
from rules.profile import load_profile
from scoring.checklist import read_checklist
from scoring.given import read_given
from scoring.join import ScoreInputs
from scoring.run import score_files
from scoring.site import read_site_reports
from scoring.survey import read_survey
from tests.scoring.builders import (checklist_header, checklist_row, survey_header, survey_row, titles, write_csv,
                                    write_xlsx)

PROFILE = load_profile()
ORG = {"org_id": "A", "name": "КЦСОН А", "municipality": "Город", "region": "Область"}


def checklist_file(tmp_path: Path, rows=None, keys=None, name="c.csv", **kw) -> Path:
    keys = keys or checklist_header()
    rows = rows if rows is not None else [checklist_row(keys, ORG)]
    return write_csv(tmp_path / name, titles(keys), rows, **kw)


# --- checklist ---------------------------------------------------------------------------------

def test_checklist_reads_every_group(tmp_path):
    keys = checklist_header()
    yes = {"stand:social-founder", "stand:social-location", "site:social-charter", "remote-phone", "comfort-navigation",
           "premises-ramps", "access-braille"}
    data = read_checklist(checklist_file(tmp_path, [checklist_row(keys, ORG, yes)]), PROFILE)
    entry = data.entries[0]
    assert entry.org.org_id == "A" and entry.org.municipality == "Город" and entry.org.sphere == "social"
    assert sum(entry.groups["stand"].values()) == 2 and len(entry.groups["stand"]) == 18
    assert sum(entry.groups["site"].values()) == 1 and len(entry.groups["site"]) == 26
    assert entry.groups["access"]["access-braille"] is True


def test_checklist_csv_in_windows_1251_with_semicolons(tmp_path):
    path = checklist_file(tmp_path, delimiter=";", encoding="cp1251")
    assert read_checklist(path, PROFILE).entries[0].org.name == "КЦСОН А"


def test_checklist_xlsx_first_sheet_or_named_sheet(tmp_path):
    keys = checklist_header()
    path = write_xlsx(tmp_path / "c.xlsx", titles(keys), [checklist_row(keys, ORG)], sheet="Чек-лист")
    assert read_checklist(path, PROFILE).entries[0].org.org_id == "A"


def test_checklist_ids_and_bracketed_ids_work_as_headers(tmp_path):
    keys = ["org_id", "comfort-waiting-area", "Зона ожидания [comfort-navigation]"] + PROFILE.group("comfort").ids[2:]
    path = write_csv(tmp_path / "c.csv", keys, [["A"] + ["да"] * (len(keys) - 1)])
    assert all(read_checklist(path, PROFILE).entries[0].groups["comfort"].values())


def test_blank_group_is_not_checked_not_absent(tmp_path):
    keys = checklist_header()
    row = checklist_row(keys, ORG)
    for i, key in enumerate(keys):
        if key.startswith("site:"):
            row[i] = ""
    entry = read_checklist(checklist_file(tmp_path, [row], keys), PROFILE).entries[0]
    assert entry.groups["site"] is None and entry.groups["stand"] is not None


def test_site_items_may_be_left_blank_for_the_crawler(tmp_path):
    keys = checklist_header()
    row = checklist_row(keys, ORG, yes=set(PROFILE.group("access").ids))
    row[keys.index("access-low-vision-version")] = ""
    for i, key in enumerate(keys):
        if key in PROFILE.group("remote").ids:
            row[i] = ""
    entry = read_checklist(checklist_file(tmp_path, [row], keys), PROFILE).entries[0]
    assert entry.groups["remote"] is None and "access-low-vision-version" not in entry.groups["access"]


@pytest.mark.parametrize("header,message", [
    ("Код организации,Стенд: учредитель,Что-то своё", r"столбец C \(«Что-то своё»\): неизвестный столбец"),
    ("Наименование организации", r"нет обязательного столбца «Код организации»"),
    ("Код организации,id", r"столбец B \(«id»\): столбец повторяется"),
    ("Код организации,Комфорт: наличие и доступность питьевой воды", r"не хватает столбцов: «Комфорт: комфортная зона"),
])
def test_wrong_headers(tmp_path, header, message):
    path = tmp_path / "c.csv"
    path.write_text(header + "\nA" + ",да" * header.count(",") + "\n", encoding="utf-8")
    with pytest.raises(UserError, match=message) as err:
        read_checklist(path, PROFILE)
    assert "«c.csv»" in str(err.value)


def test_comment_columns_are_allowed(tmp_path):
    path = write_csv(tmp_path / "c.csv", ["Код организации", "# примечание"], [["A", "осмотр 12.03"]])
    assert read_checklist(path, PROFILE).entries[0].org.org_id == "A"


def test_unknown_answer_names_row_and_column(tmp_path):
    keys = checklist_header()
    row = checklist_row(keys, ORG)
    row[keys.index("comfort-drinking-water")] = "частично"
    with pytest.raises(UserError, match=r"строка 2, столбец \w+ \(«Комфорт: наличие и доступность питьевой воды»\): "
                                        r"не понимаю ответ «частично»"):
        read_checklist(checklist_file(tmp_path, [row], keys), PROFILE)


def test_text_in_number_cells(tmp_path):
    path = write_csv(tmp_path / "c.csv", ["Код организации", "Число получателей услуг", "Истенд", "Инорм.стенд"],
                     [["A", "много", "5", "18"], ["B", "10", "пять", "18"], ["C", "10", "20", "18"]])
    with pytest.raises(UserError) as err:
        read_checklist(path, PROFILE)
    text = str(err.value)
    assert "строка 2, столбец B («Число получателей услуг»): «много» — не целое неотрицательное число" in text
    assert "строка 3, столбец C («Истенд»): «пять» — не целое неотрицательное число" in text
    assert "строка 4, столбец C («Истенд»): найдено 20 пунктов, а по перечню их 18" in text


def test_counts_instead_of_items(tmp_path):
    path = write_csv(tmp_path / "c.csv", ["Код организации", "Сфера", "Истенд", "Инорм.стенд", "Исайт", "Инорм.сайт"],
                     [["A", "культура", "9", "12", "30", "40"]])
    entry = read_checklist(path, PROFILE).entries[0]
    assert entry.org.sphere == "culture" and entry.info_counts["site"] == (30, 40)


def test_items_without_a_list_for_the_sphere(tmp_path):
    keys = checklist_header(groups=("stand",), org_fields=("org_id", "sphere"))
    row = checklist_row(keys, {"org_id": "A", "sphere": "образование"})
    with pytest.raises(UserError, match=r"для сферы «Образование» в методике нет перечня пунктов канала «Стенд»"):
        read_checklist(checklist_file(tmp_path, [row], keys), PROFILE)


def test_unknown_sphere_and_duplicate_ids(tmp_path):
    path = write_csv(tmp_path / "c.csv", ["Код организации", "Сфера"], [["A", "спорт"], ["B", ""], ["B", ""]])
    with pytest.raises(UserError) as err:
        read_checklist(path, PROFILE)
    assert "строка 2, столбец B («Сфера»): неизвестная сфера «спорт»" in str(err.value)
    assert "строка 4, столбец A («Код организации»): код организации «B» уже был в строке 3" in str(err.value)


@pytest.mark.parametrize("content,message", [
    ("", r"Файл «e.csv» пуст"),
    ("\n\n", r"Файл «e.csv» пуст"),
    ("Код организации\n", r"есть строка заголовков \(строка 1\), но нет ни одной строки с данными"),
])
def test_empty_files(tmp_path, content, message):
    path = tmp_path / "e.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UserError, match=message):
        read_checklist(path, PROFILE)


def test_files_that_are_not_tables(tmp_path):
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(UserError, match="старом формате XLS"):
        read_checklist(tmp_path / "old.xls", PROFILE)
    with pytest.raises(UserError, match="не открывается как книга XLSX"):
        read_checklist(tmp_path / "broken.xlsx", PROFILE)
    with pytest.raises(UserError, match="не найден"):
        read_checklist(tmp_path / "none.csv", PROFILE)


# --- survey ------------------------------------------------------------------------------------

def test_raw_survey_counts(tmp_path):
    rows = [survey_row("A", q01="да", q02="да", q07="да", q08="нет", q16="Больше скамеек"),
            survey_row("A", q01="нет", q07="нет"),
            survey_row("B", q01="да", q02="нет")]
    data = read_survey(write_csv(tmp_path / "s.csv", survey_header(), rows), PROFILE)
    assert data.kind == "survey" and data.counts["A"].respondents == 2
    a = data.counts["A"].answers
    assert (a["q01-used-stand"].yes, a["q01-used-stand"].no) == (1, 1)
    assert (a["q08-accessibility"].yes, a["q08-accessibility"].no) == (0, 1)
    assert a["q15-overall"].answered == 0  # asked, nobody answered: a zero denominator, not missing
    assert data.counts["A"].suggestions == ["Больше скамеек"]
    assert data.rows == {"A": [2, 3], "B": [4]}


def test_raw_survey_with_code_only_headers(tmp_path):
    path = write_csv(tmp_path / "s.csv", survey_header(with_text=False), [survey_row("A", default="да")])
    assert read_survey(path, PROFILE).counts["A"].answers["q15-overall"].yes == 1


def test_survey_without_some_questions_is_reported(tmp_path):
    path = write_csv(tmp_path / "s.csv", ["Код организации", "q15"], [["A", "да"]])
    data = read_survey(path, PROFILE)
    assert "q05" in data.warnings[0] and "q01-used-stand" not in data.counts["A"].answers


def test_filtered_question_without_its_filter_column(tmp_path):
    path = write_csv(tmp_path / "s.csv", ["Код организации", "q08"], [["A", "да"]])
    with pytest.raises(UserError, match="есть столбец вопроса q08, но нет столбца вопроса-фильтра q07"):
        read_survey(path, PROFILE)


def test_survey_unknown_answer_and_missing_id(tmp_path):
    rows = [survey_row("A", q05="может быть"), survey_row("", q01="да")]
    with pytest.raises(UserError) as err:
        read_survey(write_csv(tmp_path / "s.csv", survey_header(), rows), PROFILE)
    assert "строка 2, столбец F («q05 услуга предоставлена своевременно»): не понимаю ответ «может быть»" in str(err.value)
    assert "строка 3, столбец A («Код организации»): не указан код организации" in str(err.value)


def aggregated_header():
    header = ["Код организации", "Число опрошенных"]
    for q in PROFILE.questions.questions:
        if q.kind == "yes_no":
            header += [f"{q.code} да", f"{q.code} нет"]
    return header


def aggregated_row(org_id="A", respondents=10, **counts):
    """Every question 5 «да» / 5 «нет», filtered ones 3 / 2 (of the 5 eligible), unless given."""
    row = [org_id, respondents]
    for q in PROFILE.questions.questions:
        if q.kind == "yes_no":
            row += list(counts.get(q.code, (3, 2) if q.filter else (5, 5)))
    return row


def test_aggregated_survey(tmp_path):
    row = aggregated_row(q01=(4, 6), q02=(3, 1))  # 4 used the stand, 3 of them satisfied
    data = read_survey(write_xlsx(tmp_path / "agg.xlsx", aggregated_header(), [row]), PROFILE)
    assert data.kind == "survey_aggregated"
    counts = data.counts["A"]
    assert counts.respondents == 10 and counts.answers["q02-stand-satisfied"].yes == 3
    assert not counts.inconsistent


def test_aggregated_survey_inconsistent_and_malformed(tmp_path):
    row = aggregated_row(q02=(5, 1))  # q02 answered by 6, but only 5 said «да» to q01
    counts = read_survey(write_csv(tmp_path / "a.csv", aggregated_header(), [row]), PROFILE).counts["A"]
    assert "на q02 ответили 6, а «да» на q01 — только 5" in counts.inconsistent[0]
    bad = aggregated_row("B", "десять", q01=(5, ""))
    with pytest.raises(UserError) as err:
        read_survey(write_csv(tmp_path / "b.csv", aggregated_header(), [bad]), PROFILE)
    assert "строка 2, столбец B («Число опрошенных»): «десять» — не целое неотрицательное число" in str(err.value)
    assert "строка 2, столбец D («q01 нет»): пустая ячейка: для вопроса q01 нужны оба числа" in str(err.value)


# --- site reports ------------------------------------------------------------------------------

def site_report(tmp_path: Path, name="A.json", org_id="A", status="ok", outcomes=None) -> Path:
    findings = [Finding(id=i, outcome=o) for i, o in (outcomes or {}).items()]
    report = SiteReport(url="http://a.example/", org_id=org_id, crawl=CrawlSummary(status=status, error="нет ответа"),
                        findings=findings)
    path = tmp_path / name
    path.write_text(report.model_dump_json(), encoding="utf-8")
    return path


def test_site_reports_from_a_folder(tmp_path):
    site_report(tmp_path, outcomes={"social-founder": Outcome.present, "remote-phone": Outcome.needs_review,
                                    "access-low-vision-version": Outcome.present})
    site_report(tmp_path, "B.json", "B", status="unreachable")
    sites = read_site_reports([tmp_path], PROFILE)
    assert sites["A"].info["social-founder"] is True and sites["A"].remote["remote-phone"] is None
    assert sites["A"].low_vision is True
    assert sites["B"].reachable is False and sites["B"].crawl_error == "нет ответа"


def test_site_report_problems(tmp_path):
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UserError, match="«bad.json» не читается как JSON"):
        read_site_reports([tmp_path / "bad.json"], PROFILE)
    (tmp_path / "other.json").write_text(json.dumps({"format": "something"}), encoding="utf-8")
    with pytest.raises(UserError, match="не результат nok check"):
        read_site_reports([tmp_path / "other.json"], PROFILE)
    with pytest.raises(UserError, match="не указан код организации"):
        read_site_reports([site_report(tmp_path, "noid.json", org_id="")], PROFILE)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UserError, match="нет файлов JSON"):
        read_site_reports([empty], PROFILE)
    twice = tmp_path / "twice"
    twice.mkdir()
    site_report(twice, "1.json")
    site_report(twice, "2.json")
    with pytest.raises(UserError, match="два отчёта nok check"):
        read_site_reports([twice], PROFILE)


# --- ready values ------------------------------------------------------------------------------

INDICATORS = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "5.1", "5.2", "5.3"]


def test_given_indicators(tmp_path):
    path = write_csv(tmp_path / "i.csv", ["org_id", "sphere", *INDICATORS],
                     [["A", "social", *["80"] * 15], ["B", "education", *(["70,5"] * 4 + [""] + ["70,5"] * 10)]])
    rows = read_given(path, PROFILE, "indicators")
    assert rows[0].values["2.2"] == 80 and "2.2" not in rows[1].values and float(rows[1].values["1.1"]) == 70.5


@pytest.mark.parametrize("cells,message", [
    (["A", "education", *["80"] * 15], r"столбец G \(«2.2»\): в сфере «Образование» показателя 2.2 нет"),
    (["A", "social", "восемьдесят", *["80"] * 14], r"столбец C \(«1.1»\): «восемьдесят» — не число"),
    (["A", "social", "120", *["80"] * 14], r"столбец C \(«1.1»\): 120 вне диапазона 0–100"),
])
def test_given_indicators_errors(tmp_path, cells, message):
    path = write_csv(tmp_path / "i.csv", ["org_id", "sphere", *INDICATORS], [cells])
    with pytest.raises(UserError, match=message):
        read_given(path, PROFILE, "indicators")


def test_given_criteria_accept_cyrillic_k(tmp_path):
    path = write_csv(tmp_path / "k.csv", ["org_id", "К1", "К2", "K3", "K4", "K5"], [["A", "90", "80", "70", "60", "50"]])
    assert read_given(path, PROFILE, "criteria")[0].values["K1"] == 90
    wrong = write_csv(tmp_path / "w.csv", ["org_id", "итог"], [["A", "90"]])
    with pytest.raises(UserError, match="неизвестный столбец"):
        read_given(wrong, PROFILE, "criteria")


# --- joining -----------------------------------------------------------------------------------

def test_unknown_ids_in_site_reports_against_the_checklist(tmp_path):
    check = checklist_file(tmp_path)
    site_report(tmp_path, "Z.json", "Z")
    with pytest.raises(UserError, match=r"Неизвестные коды организаций — их нет в чек-листах.*«Z» \(«.*Z.json»\)"):
        score_files(ScoreInputs(checklists=[check], sites=[tmp_path / "Z.json"]), PROFILE)


def test_registry_is_the_list_of_organisations(tmp_path):
    registry = write_csv(tmp_path / "r.csv", ["Код организации", "Наименование организации", "url"],
                         [["A", "КЦСОН А", "http://a"], ["B", "КЦСОН Б", "http://b"]])
    result = score_files(ScoreInputs(registry=[registry], checklists=[checklist_file(tmp_path)]), PROFILE)
    assert {o.org_id for o in result.organizations} == {"A", "B"}
    assert any("В чек-листах нет организаций: «B»" in w for w in result.warnings)
    survey = write_csv(tmp_path / "s.csv", survey_header(), [survey_row("C", default="да")])
    with pytest.raises(UserError, match=r"их нет в реестре: «C»"):
        score_files(ScoreInputs(registry=[registry], surveys=[survey]), PROFILE)


def test_ready_values_and_raw_inputs_for_one_organisation_conflict(tmp_path):
    given = write_csv(tmp_path / "k.csv", ["org_id", "K1", "K2", "K3", "K4", "K5"], [["A", "1", "2", "3", "4", "5"]])
    survey = write_csv(tmp_path / "s.csv", survey_header(), [survey_row("A", default="да")])
    with pytest.raises(UserError, match="даны и готовые значения"):
        score_files(ScoreInputs(criteria=[given], surveys=[survey]), PROFILE)


def test_two_survey_files_add_up(tmp_path):
    one = write_csv(tmp_path / "s1.csv", survey_header(), [survey_row("A", default="да")] * 3)
    two = write_csv(tmp_path / "s2.csv", survey_header(), [survey_row("A", default="нет")])
    result = score_files(ScoreInputs(checklists=[checklist_file(tmp_path)], surveys=[one, two]), PROFILE)
    org = result.organization("A")
    assert org.respondents == 4 and org.indicators["5.3"] == 75
