"""Two batch runs compared (`nok diff RUN_A RUN_B`): per organisation, the items that appeared,
disappeared or changed outcome, and the site figures before and after; in the terminal, XLSX and
HTML. Reads only the runs' summary.json (the results model), joined by organisation code.

An organisation whose site was not checked in one of the runs (unreachable, not crawled) gets
its status change only: a site that could not be reached is not a site whose items vanished.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from rich.console import Console

from checks.batch import BATCH_FORMAT
from checks.findings import OUTCOME_RU, Outcome
from reports.batch_summary import STATUS_RU
from reports.score_xlsx import _finish, _sheet
from reports.site_html import _ENV
from reports.site_model import fmt

CHECKED = ("ok", "partial")
KIND_RU = {"appeared": "появилось", "disappeared": "пропало", "changed": "изменилось"}
SYMBOL = {"appeared": "+", "disappeared": "−", "changed": "~"}
STYLE = {"appeared": "green", "disappeared": "red", "changed": "yellow"}


class DiffInputError(ValueError):
    """A file that is not a batch summary (the message is Russian)."""


@dataclass
class OrgOutcomes:
    org_id: str
    name: str
    status: str
    site_score: float | None
    info_share: float | None
    outcomes: dict[str, str]


@dataclass
class RunOutcomes:
    label: str
    run_id: str
    orgs: dict[str, OrgOutcomes]


@dataclass
class ItemChange:
    rule_id: str
    title: str
    before: str  # outcome value, "" when the run has no such finding
    after: str
    kind: str  # appeared | disappeared | changed

    @property
    def before_ru(self) -> str:
        return OUTCOME_RU[Outcome(self.before)] if self.before else "—"

    @property
    def after_ru(self) -> str:
        return OUTCOME_RU[Outcome(self.after)] if self.after else "—"


@dataclass
class OrgChange:
    org_id: str
    name: str
    status_before: str
    status_after: str
    score_before: float | None = None
    score_after: float | None = None
    changes: list[ItemChange] = field(default_factory=list)
    note: str = ""

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    @property
    def status_before_ru(self) -> str:
        return STATUS_RU.get(self.status_before, self.status_before) if self.status_before else "нет в прогоне"

    @property
    def status_after_ru(self) -> str:
        return STATUS_RU.get(self.status_after, self.status_after) if self.status_after else "нет в прогоне"


@dataclass
class RunDiff:
    before: str
    after: str
    orgs: list[OrgChange]  # organisations with any change, in the second run's order
    compared: int  # organisations in both runs
    unchanged: int

    def total(self, kind: str) -> int:
        return sum(o.count(kind) for o in self.orgs)


def summary_path(path: Path) -> Path:
    return path / "summary.json" if path.is_dir() else path


def load_outcomes(path: Path) -> RunOutcomes:
    """The outcomes of a run's summary.json (a run folder or the file itself)."""
    file = summary_path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DiffInputError(f"Нет сводки {file}: прогон не закончен? Допишите его (nok audit … --resume) "
                             "или пересчитайте (nok recheck).") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DiffInputError(f"Сводка {file} не читается: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != BATCH_FORMAT:
        raise DiffInputError(f"{file} — не сводка прогона nok audit (ожидается формат «{BATCH_FORMAT}»).")
    orgs = {}
    for entry in data.get("organizations", []):
        indicators = entry.get("indicators") or {}
        orgs[entry["org_id"]] = OrgOutcomes(
            entry["org_id"], entry.get("name", ""), entry.get("status", ""), indicators.get("site_score"),
            indicators.get("info_share"), {f["id"]: f["outcome"] for f in entry.get("findings", [])})
    return RunOutcomes(str(path), (data.get("run") or {}).get("run_id", ""), orgs)


def _kind(before: str, after: str) -> str:
    if after == Outcome.present.value:
        return "appeared"
    if before == Outcome.present.value:
        return "disappeared"
    return "changed"


def diff_runs(a: RunOutcomes, b: RunOutcomes, titles: dict[str, str] | None = None) -> RunDiff:
    titles = titles or {}
    changed: list[OrgChange] = []
    compared = unchanged = 0
    order = list(b.orgs) + [k for k in a.orgs if k not in b.orgs]
    for org_id in order:
        old, new = a.orgs.get(org_id), b.orgs.get(org_id)
        ref = new or old
        change = OrgChange(org_id, ref.name, old.status if old else "", new.status if new else "",
                           old.site_score if old else None, new.site_score if new else None)
        if old is None or new is None:
            change.note = "только во втором прогоне" if old is None else "только в первом прогоне"
            changed.append(change)
            continue
        compared += 1
        if old.status in CHECKED and new.status in CHECKED:
            for rule_id in list(new.outcomes) + [r for r in old.outcomes if r not in new.outcomes]:
                before, after = old.outcomes.get(rule_id, ""), new.outcomes.get(rule_id, "")
                if before != after:
                    change.changes.append(ItemChange(rule_id, titles.get(rule_id, rule_id), before, after,
                                                     _kind(before, after)))
        elif old.status != new.status:
            change.note = "сайт проверен только в одном из прогонов: пункты не сравниваются"
        if change.changes or old.status != new.status:
            changed.append(change)
        else:
            unchanged += 1
    return RunDiff(a.label, b.label, changed, compared, unchanged)


# ---- renderers -------------------------------------------------------------------------------
def print_diff(diff: RunDiff, console: Console | None = None) -> None:
    out = console or Console(highlight=False, soft_wrap=True)
    out.print(f"\n[bold]Сравнение прогонов[/bold]: {diff.before} → {diff.after}")
    out.print(f"Организаций в обоих прогонах: {diff.compared}, без изменений: {diff.unchanged}; пунктов "
              f"появилось {diff.total('appeared')}, пропало {diff.total('disappeared')}, "
              f"изменилось {diff.total('changed')}")
    for org in diff.orgs:
        status = (f"{org.status_before_ru} → {org.status_after_ru}" if org.status_before != org.status_after
                  else org.status_after_ru)
        score = ""
        if org.score_before is not None or org.score_after is not None:
            score = f"; итог по сайту {fmt(org.score_before)} → {fmt(org.score_after)}"
        out.print(f"\n[bold]{org.org_id}[/bold] {org.name}: {status}{score}", soft_wrap=True)
        if org.note:
            out.print(f"  [dim]{org.note}[/dim]")
        for c in org.changes:
            tail = f" ({c.before_ru} → {c.after_ru})"
            out.print(f"  [{STYLE[c.kind]}]{SYMBOL[c.kind]} {KIND_RU[c.kind]}:[/{STYLE[c.kind]}] {c.title}{tail}",
                      soft_wrap=True)


def write_diff_xlsx(diff: RunDiff, path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    ws = _sheet(wb, "Организации", ["Код", "Наименование", "Статус: было", "Статус: стало", "Итог по сайту: было",
                                    "Итог по сайту: стало", "Появилось", "Пропало", "Изменилось", "Примечание"],
                {2: 40, 3: 20, 4: 20, 10: 50})
    for o in diff.orgs:
        ws.append([o.org_id, o.name, o.status_before_ru, o.status_after_ru, o.score_before, o.score_after,
                   o.count("appeared"), o.count("disappeared"), o.count("changed"), o.note])
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row:
            cell.number_format = "0.00"
    _finish(ws)
    ws = _sheet(wb, "Пункты", ["Код", "Наименование", "Пункт", "Название", "Было", "Стало", "Изменение"],
                {2: 40, 3: 28, 4: 60, 5: 18, 6: 18, 7: 14})
    for o in diff.orgs:
        for c in o.changes:
            ws.append([o.org_id, o.name, c.rule_id, c.title, c.before_ru, c.after_ru, KIND_RU[c.kind]])
    _finish(ws)
    ws = _sheet(wb, "Прогоны", ["Параметр", "Значение"], {1: 30, 2: 80})
    for item in (("Было", diff.before), ("Стало", diff.after), ("Организаций в обоих", diff.compared),
                 ("Без изменений", diff.unchanged)):
        ws.append(list(item))
    wb.save(path)


def render_diff_html(diff: RunDiff) -> str:
    return _ENV.get_template("batch_diff.html.j2").render(diff=diff, KIND_RU=KIND_RU, SYMBOL=SYMBOL)
