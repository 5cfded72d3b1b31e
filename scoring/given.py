"""Values computed elsewhere, for re-aggregating other operators' results: a file of indicators
(«1.1» … «5.3») or of criteria («K1» … «K5»), one row per organisation, with the organisation
columns (код, сфера, МО, субъект, головная организация) beside them.

A value is a number from 0 to 100 (decimal comma accepted). A blank cell is "no data" and is
flagged; an indicator that the organisation's sphere does not have (2.2 in education and culture)
must be left blank.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from rules.profile import CRITERIA, Profile
from scoring.models import GivenScores, Source
from scoring.orgs import check_unique, org_columns, read_org
from scoring.tables import Column, Problems, map_columns, parse_decimal, read_table

SHEETS = {"indicators": ("Показатели",), "criteria": ("Критерии",)}


def value_columns(profile: Profile, kind: Literal["indicators", "criteria"]) -> list[Column]:
    if kind == "indicators":
        return [Column(i, i, (f"показатель {i}", f"п{i}")) for i in profile.indicator_ids()]
    # К (Cyrillic) and K (Latin) look the same in a spreadsheet; accept both
    return [Column(c, c, ("К" + c[1:], f"критерий {c[1:]}")) for c in CRITERIA]


def read_given(path: Path, profile: Profile, kind: Literal["indicators", "criteria"]) -> list[GivenScores]:
    table = read_table(path, sheets=SHEETS[kind])
    problems = Problems(table.name)
    values = value_columns(profile, kind)
    colmap = map_columns(table, org_columns(profile) + values, required=("org_id",), problems=problems)
    if not any(c.key in colmap for c in values):
        what = "показателей (1.1 … 5.3)" if kind == "indicators" else "критериев (K1 … K5)"
        problems.add("", f"нет ни одного столбца {what}")
    problems.raise_if_any()
    result: list[GivenScores] = []
    orgs = []
    missing_columns: set[str] = set()
    for row, cells in table.rows:
        org = read_org(table, row, cells, colmap, profile, problems)
        if org is None:
            continue
        orgs.append((row, org))
        numbers = {}
        for column in values:
            applicable = kind == "criteria" or profile.applicable(org.sphere, column.key)
            if column.key not in colmap:
                if applicable:
                    missing_columns.add(column.key)
                continue
            index = colmap[column.key]
            value = parse_decimal(cells[index])
            if not applicable:
                if value is not None:
                    problems.add(table.where(row, index), f"в сфере «{profile.spheres[org.sphere].title}» "
                                                         f"показателя {column.key} нет: оставьте ячейку пустой")
                continue
            if isinstance(value, str):
                problems.add(table.where(row, index), f"«{value}» — не число")
            elif value is not None and not 0 <= value <= 100:
                problems.add(table.where(row, index), f"{cells[index]} вне диапазона 0–100")
            else:
                numbers[column.key] = value
        result.append(GivenScores(org=org, source=Source(str(table.path), row), kind=kind, values=numbers))
    if missing_columns:
        problems.add("", "нет столбцов: " + ", ".join(sorted(missing_columns)))
    check_unique(table, orgs, colmap, problems)
    problems.raise_if_any()
    return result
