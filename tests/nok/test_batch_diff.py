"""`nok diff`: items that appeared, disappeared or changed outcome; a site not checked in one run
gives its status change only; organisations in one run only are named."""
from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from checks.batch import BATCH_FORMAT
from nok.cli import main as nok_main
from reports.batch_diff import DiffInputError, diff_runs, load_outcomes


def _summary(path, orgs: dict[str, tuple[str, dict[str, str]]]):
    path.mkdir(parents=True, exist_ok=True)
    data = {"format": BATCH_FORMAT, "version": 1, "run": {"run_id": path.name}, "organizations": [
        {"org_id": org_id, "name": f"Организация {org_id}", "status": status, "url": "http://x.ru/",
         "indicators": {"site_score": 50.0 if status == "ok" else None},
         "findings": [{"id": rule, "outcome": outcome} for rule, outcome in outcomes.items()]}
        for org_id, (status, outcomes) in orgs.items()]}
    (path / "summary.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def runs(tmp_path):
    before = _summary(tmp_path / "a", {
        "same": ("ok", {"social-founder": "present"}),
        "moved": ("ok", {"social-founder": "absent", "social-charter": "present", "remote-phone": "absent",
                         "social-staff": "needs_review"}),
        "down": ("ok", {"social-founder": "present"}),
        "gone": ("ok", {}),
    })
    after = _summary(tmp_path / "b", {
        "same": ("ok", {"social-founder": "present"}),
        "moved": ("partial", {"social-founder": "present", "social-charter": "absent", "remote-phone": "needs_review",
                              "social-staff": "needs_review"}),
        "down": ("unreachable", {"social-founder": "error"}),
        "new": ("ok", {}),
    })
    return before, after


def test_changes_per_organisation(runs):
    diff = diff_runs(load_outcomes(runs[0]), load_outcomes(runs[1]), {"social-founder": "Учредитель"})
    orgs = {o.org_id: o for o in diff.orgs}
    assert list(orgs) == ["moved", "down", "new", "gone"] and diff.compared == 3 and diff.unchanged == 1
    moved = {c.rule_id: c for c in orgs["moved"].changes}
    assert {k: c.kind for k, c in moved.items()} == {
        "social-founder": "appeared", "social-charter": "disappeared", "remote-phone": "changed"}
    assert moved["social-founder"].title == "Учредитель" and moved["remote-phone"].after_ru == "требует проверки"
    assert orgs["down"].changes == [] and "не сравниваются" in orgs["down"].note
    assert orgs["new"].note == "только во втором прогоне" and orgs["gone"].note == "только в первом прогоне"
    assert (diff.total("appeared"), diff.total("disappeared"), diff.total("changed")) == (1, 1, 1)


def test_command_writes_terminal_xlsx_and_html(runs, tmp_path, capsys):
    xlsx, html = tmp_path / "d.xlsx", tmp_path / "d.html"
    assert nok_main(["diff", str(runs[0]), str(runs[1] / "summary.json"), "--xlsx", str(xlsx), "--html", str(html)]) == 0
    out = capsys.readouterr().out
    assert "+ появилось:" in out and "− пропало:" in out and "~ изменилось:" in out
    assert "проверен → сайт недоступен" in out and "пунктов появилось 1, пропало 1, изменилось 1" in out
    rows = list(load_workbook(xlsx)["Пункты"].iter_rows(values_only=True))
    assert rows[0] == ("Код", "Наименование", "Пункт", "Название", "Было", "Стало", "Изменение")
    assert ("moved", "social-charter", "есть", "нет", "пропало") in {(r[0], r[2], r[4], r[5], r[6]) for r in rows[1:]}
    assert "Сравнение прогонов" in html.read_text(encoding="utf-8")


def test_not_a_run(tmp_path, capsys):
    (tmp_path / "x.json").write_text('{"format": "nok-site-report"}', encoding="utf-8")
    with pytest.raises(DiffInputError, match="не сводка прогона"):
        load_outcomes(tmp_path / "x.json")
    assert nok_main(["diff", str(tmp_path), str(tmp_path / "x.json")]) == 2
    assert "Нет сводки" in capsys.readouterr().err
