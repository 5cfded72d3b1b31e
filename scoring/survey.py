"""Survey answers (675н questionnaire): raw (one row per respondent) or aggregated (one row per
organisation with the number of «да» and «нет» per question). The format is told by the headers.

Raw: columns «Код организации», optionally «№ анкеты», and q01 … q16 (a header may be just the
code, «q01 …» followed by any text, the id or the template's title). Answers are yes/no words
(да/нет/1/0/+/-/есть …); a blank cell is "did not answer" and is left out of that question's
share. An answer to a filtered question (Q2, Q4, Q8, Q12) without «да» to its filter is an
inconsistent row: listed, and either not counted or an error, as the profile says.

Aggregated: «Код организации», «Число опрошенных», and for each question «q01 да», «q01 нет».
For a filtered question the counts are those of the respondents eligible for it.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rules.profile import Profile, Question
from scoring.checklist import vocabulary
from scoring.models import SurveyCounts, YesNo
from scoring.tables import Column, Problems, Table, cell_text, map_columns, parse_count, read_table

RAW_SHEET = "Анкеты"
AGGREGATED_SHEET = "Сводные ответы"
ANSWER_WORDS = {"yes": ("да", "yes"), "no": ("нет", "no")}


@dataclass
class SurveyData:
    kind: Literal["survey", "survey_aggregated"]
    path: Path
    counts: dict[str, SurveyCounts]
    rows: dict[str, list[int]]  # org id → rows of the file, for messages
    warnings: list[str] = field(default_factory=list)


def raw_columns(profile: Profile) -> list[Column]:
    fields = profile.inputs
    columns = [Column("org_id", fields.org_fields["org_id"].title, fields.org_fields["org_id"].aliases),
               Column("respondent", fields.survey_fields["respondent"].title, fields.survey_fields["respondent"].aliases)]
    for q in profile.questions.questions:
        columns.append(Column(q.id, f"{q.code} {q.short}", (q.code,), prefix_match=True))
    return columns


def aggregated_key(question: Question, answer: str) -> str:
    return f"{question.code}:{answer}"


def aggregated_columns(profile: Profile) -> list[Column]:
    fields = profile.inputs
    columns = [Column("org_id", fields.org_fields["org_id"].title, fields.org_fields["org_id"].aliases),
               Column("respondents", fields.survey_fields["respondents"].title, fields.survey_fields["respondents"].aliases)]
    for q in yes_no_questions(profile):
        for answer, words in ANSWER_WORDS.items():
            aliases = [f"{name} {word}" for name in (q.code, q.id) for word in words]
            columns.append(Column(aggregated_key(q, answer), f"{q.code} {words[0]}", aliases, prefix_match=True))
    return columns


def yes_no_questions(profile: Profile) -> list[Question]:
    return [q for q in profile.questions.questions if q.kind == "yes_no"]


def read_survey(path: Path, profile: Profile) -> SurveyData:
    table = read_table(path, sheets=(RAW_SHEET, AGGREGATED_SHEET))
    detect = Problems(table.name)
    aggregated = map_columns(table, aggregated_columns(profile), ignore_unknown=True, problems=detect)
    if any(key.endswith((":yes", ":no")) for key in aggregated):
        return _read_aggregated(table, profile)
    return _read_raw(table, profile)


def _rows_with_id(table: Table, colmap: dict[str, int], problems: Problems) -> Iterator[tuple[int, list[object], str]]:
    """The data rows with their organisation id; a row without one is a problem."""
    for row, cells in table.rows:
        org_id = cell_text(cells[colmap["org_id"]])
        if org_id:
            yield row, cells, org_id
        else:
            problems.add(table.where(row, colmap["org_id"]), "не указан код организации")


def _missing_questions(table: Table, profile: Profile, present: set[str]) -> list[str]:
    missing = [q.code for q in yes_no_questions(profile) if q.id not in present]
    if not missing:
        return []
    return [f"Файл {table.name}: нет столбцов с ответами на вопросы {', '.join(missing)}; "
            "показатели по ним будут без данных."]


def _read_raw(table: Table, profile: Profile) -> SurveyData:
    problems = Problems(table.name)
    colmap = map_columns(table, raw_columns(profile), required=("org_id",), problems=problems)
    questions = [q for q in profile.questions.questions if q.id in colmap]
    for q in questions:
        if q.filter and q.filter not in colmap:
            filter_code = profile.questions.question(q.filter).code
            problems.add("", f"есть столбец вопроса {q.code}, но нет столбца вопроса-фильтра {filter_code}: "
                             f"без него не определить, кому задавался {q.code}")
    problems.raise_if_any()
    vocab = vocabulary(profile)
    policy = profile.policies.inconsistent_answers
    counts: dict[str, SurveyCounts] = {}
    rows: dict[str, list[int]] = {}
    for row, cells, org_id in _rows_with_id(table, colmap, problems):
        org = counts.setdefault(org_id, SurveyCounts(org_id=org_id, sources=[str(table.path)]))
        rows.setdefault(org_id, []).append(row)
        org.respondents += 1
        answers: dict[str, bool | None] = {}
        for q in questions:
            value = cells[colmap[q.id]]
            if q.kind == "text":
                if text := cell_text(value):
                    org.suggestions.append(text)
                continue
            answer = vocab.parse(value)
            if isinstance(answer, str):
                problems.add(table.where(row, colmap[q.id]), f"не понимаю ответ «{answer}»; ожидается {vocab.hint}")
                answer = None
            answers[q.id] = answer
        for q in questions:
            answer = answers.get(q.id)
            if q.kind == "text" or answer is None:
                continue
            if q.filter and answers.get(q.filter) is not True:
                filter_code = profile.questions.question(q.filter).code
                said = {False: "«нет»", None: "пусто"}[answers.get(q.filter)]
                message = f"ответ на {q.code} без «да» на {filter_code} ({filter_code}: {said})"
                if policy == "error":
                    problems.add(table.where(row, colmap[q.id]), message)
                else:
                    org.inconsistent.append(f"{table.name}, строка {row}: {message}")
                continue
            tally = org.answers.setdefault(q.id, YesNo())
            if answer:
                tally.yes += 1
            else:
                tally.no += 1
    problems.raise_if_any()
    for org in counts.values():
        for q in questions:
            if q.kind == "yes_no":
                org.answers.setdefault(q.id, YesNo())
    return SurveyData("survey", table.path, counts, rows, _missing_questions(table, profile, set(colmap)))


def _read_aggregated(table: Table, profile: Profile) -> SurveyData:
    problems = Problems(table.name)
    colmap = map_columns(table, aggregated_columns(profile), required=("org_id", "respondents"), problems=problems)
    questions = []
    for q in yes_no_questions(profile):
        have = [aggregated_key(q, a) in colmap for a in ANSWER_WORDS]
        if any(have) and not all(have):
            problems.add("", f"для вопроса {q.code} нужны оба столбца: «{q.code} да» и «{q.code} нет»")
        elif all(have):
            questions.append(q)
    problems.raise_if_any()
    counts: dict[str, SurveyCounts] = {}
    rows: dict[str, list[int]] = {}
    for row, cells, org_id in _rows_with_id(table, colmap, problems):
        if org_id in rows:
            problems.add(table.where(row, colmap["org_id"]), f"организация «{org_id}» уже была в строке {rows[org_id][0]}")
            continue
        rows[org_id] = [row]
        respondents = _count(table, row, cells, colmap["respondents"], problems, allow_blank=False)
        org = SurveyCounts(org_id=org_id, respondents=respondents or 0, sources=[str(table.path)])
        counts[org_id] = org
        for q in questions:
            yes_col, no_col = (colmap[aggregated_key(q, a)] for a in ANSWER_WORDS)
            yes = _count(table, row, cells, yes_col, problems)
            no = _count(table, row, cells, no_col, problems)
            if yes is None and no is None:
                continue
            if yes is None or no is None:
                blank = yes_col if yes is None else no_col
                problems.add(table.where(row, blank), f"пустая ячейка: для вопроса {q.code} нужны оба числа (да и нет)")
                continue
            org.answers[q.id] = YesNo(yes, no)
        _check_aggregated(table, row, profile, org, problems)
    problems.raise_if_any()
    return SurveyData("survey_aggregated", table.path, counts, rows, _missing_questions(table, profile, set(
        q.id for q in questions)))


def _count(table: Table, row: int, cells: list[object], col: int, problems: Problems,
           allow_blank: bool = True) -> int | None:
    value = parse_count(cells[col])
    if isinstance(value, str):
        problems.add(table.where(row, col), f"«{value}» — не целое неотрицательное число")
        return None
    if value is None and not allow_blank:
        problems.add(table.where(row, col), "пустая ячейка: нужно число")
    return value


def _check_aggregated(table: Table, row: int, profile: Profile, org: SurveyCounts, problems: Problems) -> None:
    """Counts that cannot be: more answers than respondents, more answers to a filtered question
    than «да» to its filter. Listed as inconsistent (or an error, by the profile's policy)."""
    found = []
    for qid, tally in org.answers.items():
        q = profile.questions.question(qid)
        if tally.answered > org.respondents:
            found.append(f"на {q.code} ответили {tally.answered}, а опрошено {org.respondents}")
        if q.filter and q.filter in org.answers and tally.answered > org.answers[q.filter].yes:
            f = profile.questions.question(q.filter)
            found.append(f"на {q.code} ответили {tally.answered}, а «да» на {f.code} — только {org.answers[q.filter].yes}")
    for message in found:
        if profile.policies.inconsistent_answers == "error":
            problems.add(table.where(row), message)
        else:
            org.inconsistent.append(f"{table.name}, строка {row}: {message} (числа взяты как есть)")
