"""The Russian accuracy report of `nok eval`, for the terminal."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from checks.evaluation import Comparison, EvalResult, Tally
from checks.findings import OUTCOME_RU
from rules.loader import RulePack

TIER_RU = {"static": "статические сайты корпуса", "browser": "сайты, которым нужен браузер (JS)",
           "real": "реальные сайты"}
KIND_RU = {"false_absent": "ложное «нет»", "false_present": "ложное «есть»",
           "needs_review": "«требует проверки»", "other": "другое расхождение"}
KIND_STYLE = {"false_absent": "red", "false_present": "magenta", "needs_review": "yellow", "other": "cyan"}
METRIC_RU = {"min_agreement": "доля совпадений не ниже", "max_false_absent": "ложных «нет» не больше",
             "max_false_present": "ложных «есть» не больше", "max_needs_review": "«требует проверки» не больше",
             "max_other": "других расхождений не больше"}


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def _row(name: str, t: Tally) -> list[str]:
    return [name, str(t.compared), str(t.agree), str(t.false_absent or ""), str(t.false_present or ""),
            str(t.needs_review or ""), str(t.other or ""), pct(t.agreement)]


def _table(title: str, first: str) -> Table:
    table = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    table.add_column(first)
    for col in ("сравнено", "совпало", "ложн. «нет»", "ложн. «есть»", "треб. проверки", "прочее", "совпадение"):
        table.add_column(col, justify="right")
    return table


def print_eval(result: EvalResult, pack: RulePack, console: Console | None = None, verbose: bool = False) -> None:
    out = console or Console(highlight=False)
    out.print(f"\n[bold]Точность проверки на размеченном корпусе {result.corpus}[/bold] "
              f"(набор правил: {pack.settings.title}; {result.duration_s:.0f} с)".replace(".", ",", 0))
    for note in result.skipped:
        out.print(f"[dim]Пропущено: {note}[/dim]")
    sites = Table(title="Сайты", title_justify="left", show_edge=False, pad_edge=False)
    for col in ("сайт", "уровень", "страниц", "документов", "обход", "совпадение", "расхождений"):
        sites.add_column(col, justify="left" if col in ("сайт", "уровень", "обход") else "right")
    for s in result.sites:
        sites.add_row(s.name, s.tier, str(s.pages), str(s.documents), s.crawl_status, pct(s.tally.agreement),
                      str(s.tally.compared - s.tally.agree))
    out.print(sites)
    for tier, total in result.tiers.items():
        n_sites = sum(1 for s in result.sites if s.tier == tier)
        table = _table(f"\n{TIER_RU.get(tier, tier).capitalize()}: сайтов {n_sites}", "пункт")
        for rule_id, t in result.per_id.get(tier, {}).items():
            table.add_row(*_row(rule_id, t))
        table.add_section()
        table.add_row(*_row("ИТОГО", total), style="bold")
        out.print(table)
        if total.where_mismatch:
            out.print(f"  Совпавших «есть», найденных не на размеченной странице: {total.where_mismatch}"
                      + ("" if verbose else " (подробности: --verbose)"))
    _disagreements(out, result, pack, verbose)
    if result.floors:
        out.print("\n[bold]Пороги (floors.yaml)[/bold]")
        for f in result.floors:
            mark = "[green]✓[/green]" if f.ok else "[red]✗ НИЖЕ ПОРОГА[/red]"
            value = pct(f.value) if f.metric == "min_agreement" else f.value
            floor = pct(f.floor) if f.metric == "min_agreement" else int(f.floor)
            out.print(f"  {mark} {TIER_RU.get(f.tier, f.tier)}: {METRIC_RU[f.metric]} {floor} — сейчас {value}")
        out.print("[green]Все пороги соблюдены.[/green]" if result.floors_ok else
                  "[bold red]Точность ниже согласованных порогов.[/bold red]")


def _disagreements(out: Console, result: EvalResult, pack: RulePack, verbose: bool) -> None:
    rows = result.disagreements()
    if verbose:
        rows += result.misplaced()
    if not rows:
        out.print("\n[green]Расхождений с разметкой нет.[/green]")
        return
    order = {"false_absent": 0, "false_present": 1, "needs_review": 2, "other": 3, "agree": 4}
    rows.sort(key=lambda c: (list(result.tiers).index(c.tier) if c.tier in result.tiers else 9, order[c.kind],
                             c.site, c.id))
    out.print(f"\n[bold]Расхождения с разметкой ({len(result.disagreements())})[/bold]")
    unexplained = 0
    for c in rows:
        unexplained += _print_one(out, c, pack)
    if unexplained:
        out.print(f"\n[bold yellow]Без объяснения в разметке: {unexplained}[/bold yellow] — разберите их "
                  "(ошибка проверки или разметки) и запишите причину в поле explain.")


def _print_one(out: Console, c: Comparison, pack: RulePack) -> int:
    rule = pack.rules.get(c.id)
    title = f" ({rule.title})" if rule else ""
    if c.kind == "agree":
        head, style = "«есть» не там", "dim"
    else:
        head, style = KIND_RU[c.kind], KIND_STYLE[c.kind]
    where = f" на {', '.join(c.where)}" if c.where else ""
    out.print(f"\n[{style}]{head}[/{style}] [{c.tier}] {c.site} · {c.id}{title}", soft_wrap=True)
    out.print(f"    ожидалось: {OUTCOME_RU[c.expected]}{where}; получено: {OUTCOME_RU[c.actual]}", soft_wrap=True)
    if c.note:
        out.print(f"    разметка: {c.note}", soft_wrap=True)
    if c.detail:
        out.print(f"    проверка: {c.detail}", soft_wrap=True)
    for line in c.evidence:
        out.print(f"    [dim]свидетельство: {line}[/dim]", soft_wrap=True)
    if not c.evidence:
        out.print(f"    [dim]свидетельств нет; просмотрено страниц: {c.examined_count}[/dim]", soft_wrap=True)
    if c.kind == "agree":
        return 0
    if c.explain:
        out.print(f"    причина: {c.explain}", soft_wrap=True)
        return 0
    out.print("    [yellow]причина: не объяснена[/yellow]", soft_wrap=True)
    return 1
