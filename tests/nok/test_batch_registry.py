"""The batch registry: columns by name (Russian or English, CSV or XLSX), bad rows named with their
row numbers and skipped, the blank template read back as it is."""
from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook

from nok.cli import main as nok_main
from nok.errors import UserError
from nok.registry import read_batch_registry, start_url
from rules.profile import load_profile
from scoring.orgs import read_registry
from tests.nok.batchkit import write_registry

PROFILE = load_profile(None)


def test_russian_csv_with_bad_rows(tmp_path):
    path = write_registry(tmp_path / "r.csv", [
        ["k1", "КЦСОН «Рассвет»", "социальное обслуживание", "kcson-rassvet.ru", "Энск"],
        ["k2", "Без адреса", "", "", "Энск"],
        ["k1", "Повтор", "", "https://other.ru", ""],
        ["k3", "Кривой адрес", "", "ftp://files.ru", ""],
        ["k4", "Пробел", "", "http://kcson .ru", ""],
        ["k5", "Школа", "образование", "school.ru", ""],
        ["k6", "Неизвестно", "торговля", "shop.ru", ""],
        ["", "Без кода", "", "nocode.ru", ""],
        ["k7", "Домен по-русски", "соцобслуживание", "кцсон-заря.рф", "Энск"],
    ])
    registry = read_batch_registry(path, PROFILE)
    assert [(o.org_id, o.url) for o in registry.orgs] == [
        ("k1", "http://kcson-rassvet.ru/"), ("k7", f"http://{'кцсон-заря.рф'.encode('idna').decode()}/")]
    assert registry.orgs[0].municipality == "Энск" and registry.orgs[0].row == 2
    problems = {p.row: p.message for p in registry.skipped}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9]
    assert problems[3] == "не указан адрес сайта"
    assert problems[4] == "код организации «k1» уже был в строке 2"
    assert "не адрес сайта" in problems[5] and "не адрес сайта" in problems[6]
    assert "для сферы «Образование» пока нет правил" in problems[7]
    assert "неизвестная сфера «торговля»" in problems[8]
    assert problems[9] == "не указан код организации"
    assert "строка 4 (код «k1»)" in str(registry.skipped[1])


def test_english_xlsx_any_column_order_other_columns_ignored(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["website", "Phone", "ID", "name", "INN", "OGRN", "region", "sphere"])
    sheet.append(["https://www.kcson.ru/about/", "+7 000", 17, "KCSON", 7701234567, "1027700000000", "Энская", "social"])
    sheet.append(["http://127.0.0.5:8080", "", "x2", "Local", "12", "", "", ""])
    book.save(tmp_path / "r.xlsx")
    registry = read_batch_registry(tmp_path / "r.xlsx", PROFILE)
    first, second = registry.orgs
    assert (first.org_id, first.url, first.inn, first.ogrn, first.region) == (
        "17", "https://www.kcson.ru/about/", "7701234567", "1027700000000", "Энская")
    assert second.url == "http://127.0.0.5:8080/"
    assert [str(p) for p in registry.warnings] == ["строка 3 (код «x2»): ИНН «12»: нужно 10 или 12 цифр — строка проверяется"]


def test_windows_1251_csv_and_a_site_shared_by_two_organisations(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes("Код;Наименование;Сайт\nа1;Центр;centr.ru\nа2;Филиал центра;http://www.centr.ru/filial\n"
                     .encode("cp1251"))
    registry = read_batch_registry(path, PROFILE)
    assert [o.org_id for o in registry.orgs] == ["а1", "а2"]
    assert "тот же сайт, что у организации «а1» (строка 2)" in registry.warnings[0].message


def test_file_level_problems_stop(tmp_path):
    with pytest.raises(UserError, match="нет обязательного столбца «Адрес сайта»"):
        read_batch_registry(write_registry(tmp_path / "a.csv", [["k1", "x"]], ["Код", "Наименование"]), PROFILE)
    with pytest.raises(UserError, match="нет ни одной организации, которую можно проверить"):
        read_batch_registry(write_registry(tmp_path / "b.csv", [["k1", "x", "", "", ""]]), PROFILE)
    with pytest.raises(UserError, match="не найден"):
        read_batch_registry(tmp_path / "missing.csv", PROFILE)


@pytest.mark.parametrize("raw, url", [
    ("kcson.ru", "http://kcson.ru/"), (" https://KCSON.ru/a?b=1 ", "https://kcson.ru/a?b=1"),
    ("localhost:8080", "http://localhost:8080/"), ("http://[::1]/", "http://[::1]/"),
    ("kcson", None), ("http://", None), ("mailto:a@b.ru", None), ("http://user:pw@kcson.ru/", None), ("http://a_b.ru", None), ("x.ru:99999", None),
])
def test_start_url(raw, url):
    assert start_url(raw) == url


def test_template_is_read_back_by_audit_and_score(tmp_path, capsys):
    path = tmp_path / "registry.xlsx"
    assert nok_main(["template", "registry", "-o", str(path)]) == 0
    assert "Шаблон реестра записан" in capsys.readouterr().out
    book = load_workbook(path)
    sheet = book["Реестр"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Код организации", "Наименование организации", "Сфера", "Адрес сайта"]
    assert "ИНН" in headers and "ОГРН" in headers and "Инструкция" in book.sheetnames
    sheet.append(["t1", "КЦСОН", "социальное обслуживание", "https://kcson.example.ru", "Энская область", "Энск",
                  "7701234567", "1027700000000", ""])
    book.save(path)
    assert [o.url for o in read_batch_registry(path, PROFILE).orgs] == ["https://kcson.example.ru/"]
    assert [o.org_id for o in read_registry(path, PROFILE)] == ["t1"]  # nok score --registry ignores the site
    assert nok_main(["template", "registry", "-o", str(path)]) == 2  # a filled file is not overwritten


def test_audit_refuses_a_bad_registry_before_crawling(tmp_path, capsys):
    path = write_registry(tmp_path / "r.csv", [["k1", "x", "", "не сайт", ""]])
    assert nok_main(["audit", str(path), "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert "нет ни одной организации" in err and "строка 2 (код «k1»)" in err
    assert not (tmp_path / "run").exists()
