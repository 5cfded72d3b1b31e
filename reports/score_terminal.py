"""НОК scores for the terminal: organisations, then municipalities, regions and spheres, then the
remarks (risk indicators, missing data, zero denominators). Reads only the ScoreResult."""
from __future__ import annotations

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from reports.score_view import (CRITERIA, POLICY_RU, SEVERITY_RU, STATUS_RU, flag_text, fmt, group_place,
                                inputs_text, org_label, shown_flags)
from scoring.models import GroupScore, OrgScore, ScoreResult

STYLE = {"risk": "red", "warning": "yellow", "info": "dim"}


def _score(result: ScoreResult, value: float | None) -> str:
    text = fmt(result, value)
    if value is not None and value < result.profile.risk_threshold:
        return f"[red]{text}[/red]"
    return text


def _table(title: str, caption: str = "") -> Table:
    return Table(title=title, caption=caption or None, title_justify="left", caption_justify="left",
                 box=box.SIMPLE_HEAD, pad_edge=False)


def _number_column(table: Table, header: str) -> None:
    """Numbers are never cut: a score shown as «50,…» would be worse than a wide table."""
    table.add_column(header, justify="right", no_wrap=True, min_width=len(header))


def _org_table(result: ScoreResult) -> Table:
    several = len({o.municipality for o in result.organizations}) > 1
    table = _table("Организации", "Зам. — число замечаний (см. ниже); красным — ниже порога риска")
    _number_column(table, "№")
    table.add_column("Организация", overflow="fold", ratio=3, min_width=12)
    if several:
        table.add_column("МО", overflow="fold", ratio=1, min_width=6)
    for header in (*CRITERIA, "Итог", "Зам."):
        _number_column(table, header)
    for org in result.organizations:
        remarks = sum(1 for f in org.flags if f.severity != "info")
        place = [escape(org.municipality)] if several else []
        table.add_row(
            str(org.rank or ""), escape(f"{org_label(org)} [{org.org_id}]" if org.name else org.org_id), *place,
            *(_score(result, org.criteria.get(c)) for c in CRITERIA),
            f"[bold]{_score(result, org.total)}[/bold]", str(remarks or ""),
        )
    return table


def _group_table(result: ScoreResult, title: str, groups: list[GroupScore], name: str) -> Table:
    table = _table(title)
    _number_column(table, "№")
    table.add_column(name, overflow="fold", ratio=1, min_width=12)
    for header in ("Орг.", *CRITERIA, "Итог"):  # min and max are in the XLSX
        _number_column(table, header)
    for g in groups:
        count = f"{len(g.organizations)}" + (f" (+{len(g.without_total)} без итога)" if g.without_total else "")
        table.add_row(str(g.rank or ""), escape(group_place(g)), count, *(_score(result, g.criteria.get(c)) for c in CRITERIA),
                      f"[bold]{_score(result, g.total)}[/bold]")
    return table


def _details(out: Console, result: ScoreResult, org: OrgScore) -> None:
    table = _table(escape(f"{org.org_id} {org.name}: показатели"))
    table.add_column("Показатель", no_wrap=True)
    _number_column(table, "Значение")
    for header in ("Статус", "Исходные данные", "Расчёт"):
        table.add_column(header, overflow="fold", ratio=1)
    for ind_id, detail in org.details.items():
        table.add_row(f"{ind_id} {detail.symbol}", fmt(result, detail.value), STATUS_RU[detail.status],
                      escape(inputs_text(detail)), escape(detail.formula))
    out.print(table)


def print_scores(result: ScoreResult, console: Console | None = None, details: bool = False) -> None:
    out = console or Console(highlight=False)
    p = result.profile
    out.print(f"\n[bold]Баллы НОК[/bold] — методика: {p.title}")
    out.print(f"[dim]Знаменатель 0: {POLICY_RU[p.zero_denominator]}; филиалы: {POLICY_RU[p.branches]}; "
              f"субъект РФ: {POLICY_RU[p.region_from]}. Значения округлены до {p.rounding_decimals} знаков "
              f"только при выводе.[/dim]")
    out.print(_org_table(result))
    if result.municipalities:
        out.print(_group_table(result, "Рейтинг муниципальных образований", result.municipalities, "МО"))
    if len(result.regions) > 1 or details:
        out.print(_group_table(result, "Субъекты РФ", result.regions, "Субъект РФ"))
    if len(result.spheres) > 1 or details:
        out.print(_group_table(result, "Сферы", result.spheres, "Сфера"))
    if details:
        for org in result.organizations:
            _details(out, result, org)
    remarks = [(org, shown_flags(org, with_info=details)) for org in result.organizations]
    if any(flags for _, flags in remarks):
        out.print("\n[bold]Замечания[/bold]")
        for org, flags in remarks:
            if not flags:
                continue
            out.print(f"[bold]{escape(org.org_id)}[/bold] {escape(org.name)}")
            for flag in flags:
                style = STYLE[flag.severity]
                out.print(f"  [{style}]({SEVERITY_RU[flag.severity]}) {escape(flag_text(flag))}[/{style}]", soft_wrap=True)
    for warning in result.warnings:
        out.print(f"[yellow]Внимание:[/yellow] {escape(warning)}", soft_wrap=True)
