"""The Russian deficiency list of one site, for the terminal."""
from __future__ import annotations

from rich.console import Console

from checks.findings import Outcome, SiteReport
from reports.site_model import fmt, group_findings, render_summary
from rules.loader import RulePack

STYLE = {Outcome.present: "green", Outcome.absent: "red", Outcome.needs_review: "yellow",
         Outcome.error: "magenta", Outcome.not_applicable: "dim"}


def print_site_report(report: SiteReport, pack: RulePack, console: Console | None = None,
                      verbose: bool = False) -> None:
    out = console or Console(highlight=False)
    crawl = report.crawl
    out.print(f"\n[bold]Аудит сайта {report.url}[/bold] (набор правил: {pack.settings.title})")
    out.print(f"Обход: страниц {crawl.pages} (доступных {crawl.pages_ok}), документов {crawl.documents}, "
              f"ошибок загрузки {crawl.failures}, {fmt(crawl.duration_s, ' с')}"
              + (f"; обход остановлен: {crawl.stop_reason}" if crawl.stop_reason else ""))
    browser_line = render_summary(crawl)
    if browser_line:
        out.print(browser_line, soft_wrap=True)
    if crawl.status == "unreachable":
        out.print(f"[bold red]Сайт недоступен: {crawl.error}.[/bold red] Пункты не проверены "
                  "(это не означает, что информация отсутствует).")
        return
    for group in group_findings(report, pack):
        present = group.count(Outcome.present)
        out.print(f"\n[bold]{group.title}[/bold]: есть {present} из {len(group.rows)}")
        for row in group.rows:
            f = row.finding
            style = STYLE[f.outcome]
            where = f" — {f.evidence[0].url}" if f.evidence and f.outcome == Outcome.present else ""
            out.print(f"  [{style}]{row.symbol}[/{style}] {row.headline}{where}", soft_wrap=True)
            if f.outcome in (Outcome.absent, Outcome.needs_review, Outcome.error) or verbose:
                _details(out, row, verbose)
    _indicators(out, report)


def _details(out: Console, row, verbose: bool) -> None:
    f = row.finding
    if f.detail:
        out.print(f"      [dim]{f.detail}[/dim]", soft_wrap=True)
    if f.functioning:
        out.print(f"      [dim]Работоспособность: {f.functioning}[/dim]", soft_wrap=True)
    if f.outcome in (Outcome.needs_review, Outcome.error) or verbose:
        for ev in f.evidence[:2]:
            note = f" ({ev.note})" if ev.note else ""
            out.print(f"      [dim]{ev.url}: {ev.snippet}{note}[/dim]", soft_wrap=True)
    if f.outcome == Outcome.absent:
        out.print(f"      Что сделать: {row.rule.recommendation.strip()}", soft_wrap=True)
        out.print(f"      [dim]Основание: {row.basis_text} ({row.confidence_ru}); "
                  f"просмотрено страниц: {f.examined_count}[/dim]", soft_wrap=True)


def _indicators(out: Console, report: SiteReport) -> None:
    ind = report.indicators
    out.print("\n[bold]Показатели по данным сайта (приказ Минтруда № 344н)[/bold]")
    out.print(f"  1.1, сайт: Исайт / Инорм.сайт = {ind.info_found} / {ind.info_required} = "
              f"{fmt(ind.info_share, ' %')}" + (f"; требуют проверки: {len(ind.info_review)}" if ind.info_review else ""))
    out.print(f"  1.2: работающих дистанционных способов {ind.remote_working} → {fmt(ind.remote_points, ' балла')}"
              + (f"; требуют проверки: {len(ind.remote_review)}" if ind.remote_review else ""))
    low = {True: "есть", False: "нет", None: "требует проверки"}[ind.low_vision]
    out.print(f"  3.2, версия для слабовидящих: {low} (20 баллов из 100 в показателе 3.2)")
    out.print(f"  Итог по сайту (среднее 1.1-сайт и 1.2): [bold]{fmt(ind.site_score)}[/bold] из 100")
