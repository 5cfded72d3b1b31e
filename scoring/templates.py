"""Blank Russian XLSX templates for the inspector's checklist and the survey answers.

Built from the same column definitions the importers read, so a filled template always imports:
the first sheet holds the header row and the data, drop-downs restrict answers to «да»/«нет»
(and the sphere to the profile's spheres), and an «Инструкция» sheet explains every column.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from rules.profile import Profile
from rules.schema import CONFIDENCE_RU
from scoring.checklist import CHECKLIST_SHEET, checklist_layout
from scoring.models import OrgInfo
from scoring.survey import AGGREGATED_SHEET, ANSWER_WORDS, RAW_SHEET, aggregated_columns, raw_columns, yes_no_questions

ROWS = 500  # rows prepared with validation
FILLS = {
    "org": "DDEBF7", "stand": "FFF2CC", "site": "E2EFDA", "remote": "FCE4D6", "comfort": "EDEDED",
    "premises": "D9E1F2", "access": "F8CBAD", "survey": "E2EFDA", "count": "FFF2CC",
}


def _header(ws: Worksheet, column: int, title: str, group: str, note: str) -> None:
    cell = ws.cell(row=1, column=column, value=title)
    cell.font = Font(bold=True)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    cell.fill = PatternFill("solid", fgColor=FILLS[group])
    if note:
        cell.comment = Comment(note, "nok")
    ws.column_dimensions[get_column_letter(column)].width = 14 if group != "org" else 24


def _validation(ws: Worksheet, columns: list[int], **kwargs) -> None:
    if not columns:
        return
    rule = DataValidation(allow_blank=True, showErrorMessage=True, **kwargs)
    for column in columns:
        letter = get_column_letter(column)
        rule.add(f"{letter}2:{letter}{ROWS + 1}")
    ws.add_data_validation(rule)


def _yes_no(ws: Worksheet, columns: list[int]) -> None:
    _validation(ws, columns, type="list", formula1='"да,нет"', errorTitle="Ответ",
                error="Выберите «да» или «нет» (или оставьте ячейку пустой, если не проверялось).")


def _counts(ws: Worksheet, columns: list[int]) -> None:
    _validation(ws, columns, type="whole", operator="greaterThanOrEqual", formula1="0",
                errorTitle="Число", error="Нужно целое неотрицательное число.")


def _finish(ws: Worksheet, orgs: list[OrgInfo] = ()) -> None:
    """Freeze the header; for the survey sheets, write the registry's ids in the first column."""
    for row, org in enumerate(orgs, start=2):
        ws.cell(row=row, column=1, value=org.org_id)
    ws.freeze_panes = "B2"
    ws.row_dimensions[1].height = 90


def _instructions(wb: Workbook, title: str, paragraphs: list[str], rows: list[tuple[str, ...]],
                  headers: tuple[str, ...]) -> None:
    ws = wb.create_sheet("Инструкция")
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["C"].width = 28
    ws.column_dimensions["D"].width = 30
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    line = 3
    for text in paragraphs:
        cell = ws.cell(row=line, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=line, start_column=1, end_row=line, end_column=4)
        ws.row_dimensions[line].height = 15 * (1 + len(text) // 150)
        line += 1
    line += 1
    for col, text in enumerate(headers, start=1):
        ws.cell(row=line, column=col, value=text).font = Font(bold=True)
    for row in rows:
        line += 1
        for col, text in enumerate(row, start=1):
            ws.cell(row=line, column=col, value=text).alignment = Alignment(wrap_text=True, vertical="top")


def _prefill(ws: Worksheet, orgs: list[OrgInfo], positions: dict[str, int], profile: Profile) -> None:
    for row, org in enumerate(orgs, start=2):
        values = {"org_id": org.org_id, "name": org.name, "sphere": profile.spheres[org.sphere].title.lower(),
                  "municipality": org.municipality, "region": org.region, "parent_id": org.parent_id,
                  "recipients": org.recipients}
        for key, column in positions.items():
            if key in values and values[key] not in ("", None):
                ws.cell(row=row, column=column, value=values[key])


def checklist_template(profile: Profile, path: Path, orgs: list[OrgInfo] = ()) -> None:
    columns, slots = checklist_layout(profile)
    sphere = profile.default_sphere
    counted = {ch: set(profile.preset_ids(sphere, ch) or []) for ch in ("stand", "site")}
    wb = Workbook()
    ws = wb.active
    ws.title = CHECKLIST_SHEET
    conditions = {item.id: (name, item) for name, g in profile.conditions.groups.items() for item in g.items}
    yes_no, positions, described = [], {}, []
    column = 0
    for spec in columns:
        slot = slots.get(spec.key)
        if spec.key in profile.inputs.info_counts:
            continue  # the alternative to item columns; described in the instructions
        if slot and slot.group in counted and slot.item not in counted[slot.group]:
            continue  # not in this sphere's Инорм list
        column += 1
        positions[spec.key] = column
        if slot is None:
            group, note = "org", ""
        elif slot.item in conditions:
            group, item = conditions[slot.item]
            note = f"{item.title}\nid: {item.id}\nОснование: {CONFIDENCE_RU[item.basis_confidence]}"
            if item.channel == "site":
                note += "\nМожно оставить пустым: возьмётся из проверки сайта (nok check)"
        else:
            group = slot.group
            note = f"id: {slot.item}"
        _header(ws, column, spec.title, group, note)
        described.append((spec.title, note.replace("\n", "; "), spec.key))
        if slot is not None:
            yes_no.append(column)
    _yes_no(ws, yes_no)
    spheres = ",".join(s.title.lower() for s in profile.spheres.values())
    _validation(ws, [positions["sphere"]], type="list", formula1=f'"{spheres}"', errorTitle="Сфера",
                error="Выберите сферу из списка.")
    _counts(ws, [positions["recipients"]])
    _prefill(ws, list(orgs), positions, profile)
    _finish(ws)
    fields = profile.inputs.org_fields
    yes_words = "/".join(profile.inputs.answers["yes"][:5])
    no_words = "/".join(profile.inputs.answers["no"][:5])
    counts = ", ".join(f"«{c.title}»" for c in profile.inputs.info_counts.values())
    _instructions(wb, "Чек-лист осмотра организации (НОК, приказ Минтруда № 344н)", [
        "Одна строка — одна организация. Заголовки не меняйте: столбцы ищутся по названию, порядок не важен; "
        "лишний свой столбец начните с «#», и он не будет читаться.",
        f"Обязателен «{fields['org_id'].title}» — тот же код, что в анкетах и в проверке сайта (nok check): "
        "по нему соединяются все данные. Филиал: укажите код головной организации в столбце "
        f"«{fields['parent_id'].title}».",
        f"Ответы: «да» или «нет» (понимаются также {yes_words} и {no_words}). Пустая ячейка — «не проверялось», "
        "а не «нет».",
        "Группу (стенд, сайт, дистанционные способы, комфорт, помещения, доступность) заполняйте целиком или "
        "оставляйте целиком пустой: наполовину заполненная группа — ошибка.",
        "Столбцы «Сайт: …» заполняйте, только если сайт проверяли вручную; иначе оставьте их пустыми и передайте "
        "результаты nok check (--site). Где чек-лист и проверка сайта расходятся, берётся чек-лист, и отчёт это "
        "отметит. Дистанционные способы и версию для слабовидящих тоже можно оставить пустыми — возьмутся из "
        "проверки сайта.",
        f"Вместо столбцов пунктов можно дать числа: {counts} (например, для сферы, где перечень пунктов в методике "
        "не задан).",
        f"«{fields['recipients'].title}» нужно для проверки достаточности выборки анкет (675н).",
    ], [(t, n, k) for t, n, k in described], ("Столбец", "Пояснение", "Ключ"))
    wb.save(path)


def survey_template(profile: Profile, path: Path, orgs: list[OrgInfo] = ()) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = RAW_SHEET
    described = []
    yes_no = []
    questions = {q.id: q for q in profile.questions.questions}
    for column, spec in enumerate(raw_columns(profile), start=1):
        q = questions.get(spec.key)
        if q is None:
            _header(ws, column, spec.title, "org", "")
            continue
        note = q.text
        if q.filter:
            note += f"\nЗадаётся только ответившим «да» на {questions[q.filter].code}"
        _header(ws, column, spec.title, "survey", note)
        described.append((spec.title, note.replace("\n", "; "), CONFIDENCE_RU[q.basis_confidence]))
        if q.kind == "yes_no":
            yes_no.append(column)
        else:
            ws.column_dimensions[get_column_letter(column)].width = 50
    _yes_no(ws, yes_no)
    _finish(ws, list(orgs))
    _instructions(wb, "Анкеты получателей услуг (приказ Минтруда № 675н)", [
        "Одна строка — одна анкета (один респондент). «Код организации» — тот же, что в чек-листе.",
        "Ответы «да» или «нет»; пустая ячейка — «не ответил» (такой ответ не входит в долю по этому вопросу).",
        "Вопросы 2, 4, 8 и 12 задаются только тем, кто ответил «да» на вопросы 1, 3, 7 и 11. Ответ без «да» на "
        "вопрос-фильтр считается несогласованным: он не учитывается, а строка попадает в отчёт.",
        "Если анкеты уже сведены в числа, используйте шаблон сводных ответов: nok template survey --aggregated.",
    ], described, ("Столбец", "Вопрос", "Основание формулировки"))
    wb.save(path)


def aggregated_survey_template(profile: Profile, path: Path, orgs: list[OrgInfo] = ()) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = AGGREGATED_SHEET
    questions = {q.code: q for q in yes_no_questions(profile)}
    counts = []
    for column, spec in enumerate(aggregated_columns(profile), start=1):
        code = spec.key.split(":")[0]
        q = questions.get(code)
        if spec.key == "org_id":
            _header(ws, column, spec.title, "org", "")
            continue
        note = "Сколько всего анкет заполнено по организации" if q is None else (
            f"{q.text}\nЧисло ответов «{ANSWER_WORDS[spec.key.split(':')[1]][0]}»"
            + (f" среди ответивших «да» на {profile.questions.question(q.filter).code}" if q.filter else ""))
        _header(ws, column, spec.title, "count", note)
        counts.append(column)
    _counts(ws, counts)
    _finish(ws, list(orgs))
    _instructions(wb, "Сводные ответы на анкеты (приказ Минтруда № 675н)", [
        "Одна строка — одна организация: число опрошенных и по каждому вопросу число ответов «да» и «нет».",
        "Для вопросов 2, 4, 8, 12 считайте только тех, кто ответил «да» на вопрос-фильтр (1, 3, 7, 11).",
        "Пустые ячейки вопроса — «нет данных» по нему (не ноль).",
    ], [(f"{q.code} да / {q.code} нет", q.text, CONFIDENCE_RU[q.basis_confidence]) for q in questions.values()],
        ("Столбцы", "Вопрос", "Основание формулировки"))
    wb.save(path)



REGISTRY_SHEET = "Реестр"
REGISTRY_FIELDS = ("org_id", "name", "sphere", "site_url", "region", "municipality", "inn", "ogrn", "parent_id")


def registry_template(profile: Profile, path: Path, orgs: list[OrgInfo] = ()) -> None:
    """The registry of organisations: the batch site audit (nok audit) and nok score --registry read it."""
    fields = profile.inputs.org_fields
    wb = Workbook()
    ws = wb.active
    ws.title = REGISTRY_SHEET
    notes = {
        "org_id": "Обязательно. Уникальный код: по нему соединяются проверка сайта, чек-лист и анкеты.",
        "site_url": "Обязательно. Адрес официального сайта, например https://kcson.example.ru",
        "sphere": "Пусто — социальное обслуживание",
        "inn": "10 или 12 цифр (необязательно)",
        "ogrn": "13 или 15 цифр (необязательно)",
        "parent_id": "Для филиала — код головной организации",
    }
    positions = {}
    for column, key in enumerate(REGISTRY_FIELDS, start=1):
        positions[key] = column
        _header(ws, column, fields[key].title, "org", notes.get(key, ""))
    ws.column_dimensions[get_column_letter(positions["site_url"])].width = 36
    spheres = ",".join(s.title.lower() for s in profile.spheres.values())
    _validation(ws, [positions["sphere"]], type="list", formula1=f'"{spheres}"', errorTitle="Сфера",
                error="Выберите сферу из списка.")
    _prefill(ws, list(orgs), positions, profile)
    _finish(ws)
    ws.row_dimensions[1].height = 30
    _instructions(wb, "Реестр организаций для проверки сайтов (nok audit)", [
        "Одна строка — одна организация. Столбцы ищутся по названию (по-русски или по-английски: org_id, name, "
        "sphere, url, region, municipality, inn, ogrn), порядок не важен, лишние столбцы не читаются.",
        f"Обязательны «{fields['org_id'].title}» и «{fields['site_url'].title}». Строка без кода или адреса, с "
        "некорректным адресом, с повторным кодом или неизвестной сферой пропускается: nok audit называет её номер "
        "и проверяет остальные.",
        "Тот же файл принимает nok score --registry (столбцы сайта, ИНН и ОГРН он пропускает).",
    ], [(fields[key].title, notes.get(key, ""), key) for key in REGISTRY_FIELDS], ("Столбец", "Пояснение", "Ключ"))
    wb.save(path)
