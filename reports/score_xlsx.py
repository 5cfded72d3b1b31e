"""НОК scores as an XLSX workbook an operator can hand on.

Sheets: «Организации», «Муниципалитеты», «Регионы», «Сферы» (one per level, with ranks),
«Показатели» (every indicator and criterion of every organisation with its inputs and the
formula), «Замечания» (flags and file warnings), «Предложения» (free-text survey answers, when
any) and «Методика» (profile, policies, input files). Cells hold full-precision numbers shown with
two decimals by the number format: rounding happens only on display. Reads only the ScoreResult.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.score_view import CRITERIA, LEVEL_RU, POLICY_RU, SEVERITY_RU, STATUS_RU, inputs_text
from scoring.models import GroupScore, ScoreResult

HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
RISK_FILL = PatternFill("solid", fgColor="F8CBAD")


def _sheet(wb: Workbook, title: str, headers: list[str], widths: dict[int, int] | None = None) -> Worksheet:
    ws = wb.create_sheet(title)
    ws.append(headers)
    for col, _ in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = (widths or {}).get(col, 11)
    ws.freeze_panes = "A2"
    return ws


def _numbers(ws: Worksheet, result: ScoreResult, first_col: int, last_col: int, risk: bool = True) -> None:
    fmt = "0." + "0" * result.profile.rounding_decimals if result.profile.rounding_decimals else "0"
    for row in ws.iter_rows(min_row=2, min_col=first_col, max_col=last_col):
        for cell in row:
            if isinstance(cell.value, float | int) and not isinstance(cell.value, bool):
                cell.number_format = fmt
                if risk and cell.value < result.profile.risk_threshold:
                    cell.fill = RISK_FILL


def _weight(value: float) -> str:
    """A criterion weight as written in the order (0,3), or to four places once renormalised."""
    return f"{value:.4f}".rstrip("0").rstrip(".").replace(".", ",")


def _finish(ws: Worksheet) -> None:
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions


def _organizations(wb: Workbook, result: ScoreResult, indicator_ids: list[str]) -> None:
    headers = ["Место", "Место в МО", "Код", "Наименование", "Сфера", "Муниципальное образование", "Субъект РФ",
               "Головная организация", "Филиалы (учтены в баллах)", *indicator_ids, *CRITERIA, "Итог", "Опрошено",
               "Замечаний"]
    ws = _sheet(wb, "Организации", headers, {3: 14, 4: 40, 5: 22, 6: 24, 7: 20, 8: 14, 9: 18})
    for org in result.organizations:
        ws.append([
            org.rank, org.rank_in_municipality, org.org_id, org.name, result.profile.spheres.get(org.sphere, org.sphere),
            org.municipality, org.region, org.parent_id, ", ".join(org.branches),
            *(org.indicators.get(i) for i in indicator_ids), *(org.criteria.get(c) for c in CRITERIA), org.total,
            org.respondents, sum(1 for f in org.flags if f.severity != "info"),
        ])
    first = 10
    _numbers(ws, result, first, first + len(indicator_ids) + len(CRITERIA))
    _finish(ws)


def _groups(wb: Workbook, result: ScoreResult, title: str, groups: list[GroupScore], level: str) -> None:
    extra = ["Субъект РФ"] if level != "region" else []
    headers = ["Место", LEVEL_RU[level], *extra, "Организаций", "Без итога", *CRITERIA, "Итог", "Мин.", "Макс.",
               "Организации"]
    ws = _sheet(wb, title, headers, {2: 30, 3: 20 if extra else 11, len(headers): 40})
    for g in groups:
        ws.append([g.rank, g.name, *([g.region] if extra else []), len(g.organizations), ", ".join(g.without_total),
                   *(g.criteria.get(c) for c in CRITERIA), g.total, g.min_total, g.max_total,
                   ", ".join(g.organizations)])
    first = 5 + len(extra)
    _numbers(ws, result, first, first + len(CRITERIA) + 2)
    _finish(ws)


def _indicators(wb: Workbook, result: ScoreResult, indicator_ids: list[str]) -> None:
    headers = ["Код", "Наименование", "Показатель / критерий", "Название", "Значение", "Статус",
               "Исходные данные", "Расчёт", "Источники"]
    ws = _sheet(wb, "Показатели", headers, {2: 30, 4: 50, 7: 40, 8: 40, 9: 24})
    for org in result.organizations:
        for ind_id in indicator_ids:
            detail = org.details.get(ind_id)
            if detail is None:
                continue
            ws.append([org.org_id, org.name, ind_id, result.profile.indicators.get(ind_id, ""), detail.value,
                       STATUS_RU[detail.status], inputs_text(detail), detail.formula, ", ".join(detail.sources)])
        for crit in CRITERIA:
            weights = org.weights.get(crit, {})
            formula = " + ".join(f"{_weight(w)} × {i}" for i, w in weights.items())
            ws.append([org.org_id, org.name, crit, result.profile.criteria.get(crit, ""), org.criteria.get(crit),
                       "" if org.criteria.get(crit) is not None else STATUS_RU["missing"], "", formula, ""])
        ws.append([org.org_id, org.name, "Итог", "Среднее K1…K5", org.total, "", "", "", ""])
    _numbers(ws, result, 5, 5, risk=False)
    _finish(ws)


def _remarks(wb: Workbook, result: ScoreResult) -> None:
    ws = _sheet(wb, "Замечания", ["Код", "Наименование", "Уровень", "Относится к", "Замечание", "Вид"],
                {2: 30, 3: 16, 4: 14, 5: 100, 6: 22})
    for org in result.organizations:
        for flag in org.flags:
            ws.append([org.org_id, org.name, SEVERITY_RU[flag.severity], flag.scope, flag.message, flag.code])
    for warning in result.warnings:
        ws.append(["", "", SEVERITY_RU["warning"], "файлы", warning, "input"])
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=5):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    _finish(ws)


def _suggestions(wb: Workbook, result: ScoreResult) -> None:
    if not any(org.suggestions for org in result.organizations):
        return
    ws = _sheet(wb, "Предложения", ["Код", "Наименование", "Предложение получателя услуг"], {2: 30, 3: 100})
    for org in result.organizations:
        for text in org.suggestions:
            ws.append([org.org_id, org.name, text])


def _method(wb: Workbook, result: ScoreResult) -> None:
    p = result.profile
    ws = _sheet(wb, "Методика", ["Параметр", "Значение"], {1: 40, 2: 100})
    rows = [
        ("Методика", f"{p.title} ({p.id})"),
        ("Файл методики", p.path),
        ("Знаменатель равен 0", POLICY_RU[p.zero_denominator]),
        ("Филиалы", POLICY_RU[p.branches]),
        ("Балл субъекта РФ", POLICY_RU[p.region_from]),
        ("Порог индикатора риска (566н)", p.risk_threshold),
        ("Округление", f"{p.rounding_decimals} знака, только при выводе ({p.rounding_mode})"),
        ("Итоговый балл", "среднее арифметическое K1…K5"),
        ("Рассчитано", result.created_at.isoformat(timespec="seconds") if result.created_at else ""),
        ("Версия программы", result.tool_version),
    ]
    rows += [(f"Исходный файл ({f.kind})", f"{f.path} — организаций: {f.organizations}") for f in result.inputs]
    for row in rows:
        ws.append(list(row))


def write_score_xlsx(result: ScoreResult, path: Path) -> None:
    indicator_ids = list(result.profile.indicators)
    wb = Workbook()
    wb.remove(wb.active)
    _organizations(wb, result, indicator_ids)
    _groups(wb, result, "Муниципалитеты", result.municipalities, "municipality")
    _groups(wb, result, "Регионы", result.regions, "region")
    _groups(wb, result, "Сферы", result.spheres, "sphere")
    _indicators(wb, result, indicator_ids)
    _remarks(wb, result)
    _suggestions(wb, result)
    _method(wb, result)
    wb.save(path)
