"""`nok score` and `nok template` end to end: the README flow (template → fill → score) and the
two file shapes the issue fixes (criteria and indicators CSV → JSON)."""
from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from nok.cli import main
from tests.scoring.builders import write_csv

INDICATORS = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "5.1", "5.2", "5.3"]


def test_criteria_file_to_json(tmp_path, capsys):
    path = write_csv(tmp_path / "k.csv", ["org_id", "K1", "K2", "K3", "K4", "K5"],
                     [["A", "90", "80", "70", "60", "50"], ["B", "100", "100", "100", "100", "95,5"],
                      ["C", "40", "80", "70", "60", "50"]])
    out = tmp_path / "out.json"
    assert main(["score", "--criteria", str(path), "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    orgs = {o["org_id"]: o for o in data["organizations"]}
    assert orgs["A"]["criteria"] == {"K1": 90, "K2": 80, "K3": 70, "K4": 60, "K5": 50}
    assert orgs["A"]["total"] == 70 and orgs["B"]["total"] == 99.1 and orgs["C"]["total"] == 60
    assert [o["org_id"] for o in data["organizations"]] == ["B", "A", "C"]
    assert [o["rank"] for o in data["organizations"]] == [1, 2, 3]
    assert any(f["code"] == "risk_below_threshold" and f["scope"] == "K1" for f in orgs["C"]["flags"])
    assert data["format"] == "nok-scores" and data["version"] == 1
    assert "99,10" in capsys.readouterr().out


def test_indicators_file_to_json_with_both_k2_variants(tmp_path):
    social = ["A", "social", *["50"] * 3, "60", "25", "80", *["50"] * 9]
    education = ["B", "education", *["50"] * 3, "60", "", "80", *["50"] * 9]
    path = write_csv(tmp_path / "i.csv", ["org_id", "sphere", *INDICATORS], [social, education])
    out = tmp_path / "out.json"
    assert main(["score", "--indicators", str(path), "--json", str(out), "-q"]) == 0
    orgs = {o["org_id"]: o for o in json.loads(out.read_text(encoding="utf-8"))["organizations"]}
    assert orgs["A"]["indicators"]["2.2"] == 25 and orgs["B"]["indicators"]["2.2"] is None
    assert orgs["A"]["criteria"]["K2"] == 0.3 * 60 + 0.4 * 25 + 0.3 * 80 == 52
    assert orgs["B"]["criteria"]["K2"] == 70
    assert orgs["A"]["criteria"]["K1"] == 50 and orgs["A"]["total"] == (50 + 52 + 50 * 3) / 5
    assert orgs["B"]["details"]["2.2"]["status"] == "not_applicable"


def _fill_checklist(path, rows):
    """Fill the template's first sheet like an inspector: by header title, «да»/«нет» from the list."""
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    for row_number, values in enumerate(rows, start=2):
        for col, header in enumerate(headers, start=1):
            if header in values:
                ws.cell(row=row_number, column=col, value=values[header])
            elif header.startswith(("Стенд:", "Сайт:", "Дистанционно:", "Комфорт:", "Помещения:", "Доступность:")):
                ws.cell(row=row_number, column=col, value=values.get("*", "да"))
    wb.save(path)


def _fill_survey(path, rows):
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    for row in rows:
        ws.append(row)
    wb.save(path)


def test_template_fill_score_readme_flow(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["template", "checklist"]) == 0
    assert main(["template", "survey"]) == 0
    wb = load_workbook("checklist.xlsx")
    ws = wb["Чек-лист"]
    assert wb.sheetnames == ["Чек-лист", "Инструкция"]
    assert any('"да,нет"' in (dv.formula1 or "") for dv in ws.data_validations.dataValidation)
    _fill_checklist("checklist.xlsx", [
        {"Код организации": "kcson-1", "Наименование организации": "КЦСОН «Надежда»",
         "Муниципальное образование": "Город Н", "Субъект РФ": "Область", "Число получателей услуг": 20},
        {"Код организации": "kcson-2", "Наименование организации": "КЦСОН «Вера»",
         "Муниципальное образование": "Город Н", "Субъект РФ": "Область", "*": "нет"},
    ])
    yes = ["да"] * 15 + ["Всё хорошо"]
    no = ["нет", "", "нет", "", "нет", "нет", "нет", "", "нет", "нет", "нет", "", "нет", "нет", "нет", ""]
    _fill_survey("survey.xlsx", [["kcson-1", i, *yes] for i in range(1, 9)] + [["kcson-2", 1, *no]])
    assert main(["score", "--checklist", "checklist.xlsx", "--survey", "survey.xlsx", "--xlsx", "scores.xlsx"]) == 0
    out = capsys.readouterr().out
    assert "«Надежда»" in out and "100,00" in out and "Рейтинг муниципальных образований" in out
    assert "выборка мала" not in out  # 8 of 20 recipients is the 40 % minimum
    assert "Несогласованные" not in out
    result = load_workbook("scores.xlsx")
    assert result.sheetnames[:5] == ["Организации", "Муниципалитеты", "Регионы", "Сферы", "Показатели"]
    orgs = result["Организации"]
    header = [c.value for c in orgs[1]]
    first = dict(zip(header, [c.value for c in orgs[2]]))
    second = dict(zip(header, [c.value for c in orgs[3]]))
    assert first["Код"] == "kcson-1" and first["Итог"] == 100 and first["Место"] == 1
    assert second["Код"] == "kcson-2" and second["Итог"] == 0 and second["Место"] == 2
    mun = dict(zip([c.value for c in result["Муниципалитеты"][1]], [c.value for c in result["Муниципалитеты"][2]]))
    assert mun["Муниципальное образование"] == "Город Н" and mun["Итог"] == 50 and mun["Место"] == 1
    indicators = result["Показатели"]
    rows = [[c.value for c in r] for r in indicators.iter_rows(min_row=2)]
    assert ["kcson-1", "КЦСОН «Надежда»", "1.1"] == rows[0][:3] and "Истенд = 18" in rows[0][6]
    assert any(r[2] == "Итог" for r in rows)
    assert result["Предложения"]["C2"].value == "Всё хорошо"


def test_aggregated_survey_template_is_read_back(tmp_path):
    path = tmp_path / "agg.xlsx"
    assert main(["template", "survey", "--aggregated", "-o", str(path)]) == 0
    wb = load_workbook(path)
    ws = wb["Сводные ответы"]
    ws.append(["A", 4] + [4, 0] * 15)
    wb.save(path)
    out = tmp_path / "s.json"
    assert main(["score", "--survey", str(path), "--json", str(out), "-q"]) == 0
    org = json.loads(out.read_text(encoding="utf-8"))["organizations"][0]
    assert org["indicators"]["5.3"] == 100 and org["total"] is None  # no checklist: K1–K3 not computed


def test_template_prefilled_from_a_registry(tmp_path):
    registry = write_csv(tmp_path / "r.csv", ["Код организации", "Наименование организации", "МО"],
                         [["A", "КЦСОН А", "Город"], ["B", "КЦСОН Б", "Село"]])
    path = tmp_path / "c.xlsx"
    assert main(["template", "checklist", "-o", str(path), "--registry", str(registry)]) == 0
    ws = load_workbook(path).worksheets[0]
    assert [ws["A2"].value, ws["B2"].value, ws["D3"].value] == ["A", "КЦСОН А", "Село"]


@pytest.mark.parametrize("argv,message", [
    (["score"], "Не указаны исходные данные"),
    (["score", "--checklist", "nope.csv"], "Файл «nope.csv» не найден"),
    (["score", "--criteria", "k.csv", "--profile", "no-such-profile"], "Методика «no-such-profile» не найдена"),
    (["template", "checklist", "-o", "c.csv"], "в формате XLSX"),
    (["template", "checklist", "--aggregated"], "--aggregated относится только к шаблону анкет"),
])
def test_errors_are_russian_with_exit_code_2(tmp_path, capsys, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path / "k.csv", ["org_id", "K1", "K2", "K3", "K4", "K5"], [["A", "1", "2", "3", "4", "5"]])
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_template_does_not_overwrite(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["template", "survey"]) == 0
    assert main(["template", "survey"]) == 2
    assert "уже есть" in capsys.readouterr().err
    assert main(["template", "survey", "--force"]) == 0
