"""The batch audit's summaries: `summary.json`, `summary.xlsx`, `summary.html` and one HTML page per
organisation (`orgs/<code>.html`), written from the run's results one organisation at a time (a
run's reports are never all in memory: only a line of figures per organisation is kept).

XLSX sheets: «Организации» (one row per registry row: the site half of 1.1, 1.2 points, the
low-vision version, crawl status), «Недостатки» (every missing item, and those needing review, per
organisation with its legal basis and what to do), «Ошибки реестра» (rows skipped) and «Прогон».
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment

from checks.batch import BATCH_FORMAT, BATCH_VERSION, OrgResult, RegistryProblem, RunMeta
from checks.findings import OUTCOME_RU, Outcome
from reports.score_xlsx import _finish, _sheet
from reports.site_html import _ENV, render_site_html
from rules.loader import RulePack
from rules.schema import CONFIDENCE_RU, GROUP_RU

STATUS_RU = {
    "ok": "проверен", "partial": "проверен частично", "unreachable": "сайт недоступен",
    "pending": "не обойдён", "crawling": "обход не завершён", "crawled": "обойдён, не проверен",
    "check_error": "ошибка проверки",
}
STOP_RU = {
    "pages_budget": "достигнут предел страниц", "time_budget": "истёк предел времени на сайт",
    "depth_budget": "достигнут предел глубины ссылок", "robots": "обход запрещён в robots.txt",
    "unreachable": "сайт недоступен", "interrupted": "обход прерван",
    "internal_error": "внутренняя ошибка обхода",
}
LOW_VISION_RU = {True: "есть", False: "нет", None: "требует проверки"}
DEFICIENT = (Outcome.absent, Outcome.needs_review, Outcome.error)

def page_name(org_id: str) -> str:
    """A file name for an organisation's page: its code when that is a safe name, else a slug
    plus a short hash (two codes never share a file)."""
    slug = re.sub(r"[^0-9A-Za-z_.-]+", "_", org_id).strip("._")[:60]
    if slug != org_id or not slug:
        slug = f"{slug or 'org'}-{hashlib.sha1(org_id.encode()).hexdigest()[:8]}"
    return f"{slug}.html"


def status_text(status: str, stop_reason: str = "", error: str = "") -> str:
    text = STATUS_RU.get(status, status)
    why = error if status in ("unreachable", "check_error") else STOP_RU.get(stop_reason, "") if status == "partial" else ""
    return f"{text}: {why}" if why else text


@dataclass
class SummaryRow:
    """The figures of one organisation, as the summary table shows them."""

    org_id: str
    name: str
    sphere: str
    region: str
    municipality: str
    url: str
    status: str
    status_ru: str
    pages: int = 0
    documents: int = 0
    info_found: int | None = None
    info_required: int | None = None
    info_share: float | None = None
    remote_working: int | None = None
    remote_points: float | None = None
    low_vision: str = ""
    site_score: float | None = None
    missing: int = 0
    review: int = 0
    page: str = ""  # the organisation's page, relative to the run folder

    @property
    def checked(self) -> bool:
        return self.status in ("ok", "partial")


@dataclass
class Deficiency:
    org_id: str
    name: str
    rule_id: str
    group: str
    headline: str
    outcome: str
    basis: str
    confidence: str
    recommendation: str
    examined: int


def summary_row(org: OrgResult, page: str = "") -> SummaryRow:
    row = SummaryRow(org.org_id, org.name, org.sphere, org.region, org.municipality, org.url, org.status,
                     status_text(org.status, org.crawl.stop_reason, org.error or org.crawl.error), page=page)
    if org.audited:
        row.pages, row.documents = org.crawl.pages, org.crawl.documents
    if org.status in ("ok", "partial"):
        ind = org.indicators
        row.info_found, row.info_required, row.info_share = ind.info_found, ind.info_required, ind.info_share
        row.remote_working, row.remote_points = ind.remote_working, ind.remote_points
        row.low_vision, row.site_score = LOW_VISION_RU[ind.low_vision], ind.site_score
        row.missing = sum(1 for f in org.findings if f.outcome == Outcome.absent)
        row.review = sum(1 for f in org.findings if f.outcome == Outcome.needs_review)
    return row


def deficiencies(org: OrgResult, pack: RulePack | None) -> list[Deficiency]:
    if org.status not in ("ok", "partial") or pack is None:
        return []
    out = []
    for finding in org.findings:
        rule = pack.rules.get(finding.id)
        if rule is None or finding.outcome not in DEFICIENT:
            continue
        out.append(Deficiency(
            org.org_id, org.name, rule.id, GROUP_RU[rule.group],
            rule.failure_title if finding.outcome == Outcome.absent else rule.title, OUTCOME_RU[finding.outcome],
            "; ".join(f"{b.act}, {b.clause}" for b in rule.basis), CONFIDENCE_RU[rule.basis_confidence],
            rule.recommendation.strip(), finding.examined_count))
    return out


@dataclass
class BatchOutputs:
    """Writes the summaries of a run: `add()` each organisation in registry order, then `close()`."""

    run_dir: Path
    meta: RunMeta
    problems: list[RegistryProblem]
    packs: dict[str, RulePack]
    tool_version: str = ""
    rows: list[SummaryRow] = field(default_factory=list)
    gaps: list[Deficiency] = field(default_factory=list)

    def __post_init__(self) -> None:
        (self.run_dir / "orgs").mkdir(parents=True, exist_ok=True)
        self._json_tmp = self.run_dir / f".summary.json.{os.getpid()}"
        self._json = self._json_tmp.open("w", encoding="utf-8")
        head = {"format": BATCH_FORMAT, "version": BATCH_VERSION, "tool_version": self.tool_version,
                "run": self.meta.model_dump(mode="json"),
                "registry_problems": [p.model_dump(mode="json") for p in self.problems]}
        self._json.write(json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "organizations": [\n')
        self._first = True

    def add(self, org: OrgResult) -> None:
        self._json.write(("" if self._first else ",\n") + org.model_dump_json())
        self._first = False
        pack = self.packs.get(org.sphere)
        page = ""
        if org.audited and pack is not None:
            page = f"orgs/{page_name(org.org_id)}"
            if not (self.run_dir / page).is_file():  # written by the check (or by another worker's)
                write_atomic(self.run_dir / page, render_site_html(org, pack))
        self.rows.append(summary_row(org, page))
        self.gaps.extend(deficiencies(org, pack))

    def close(self) -> list[Path]:
        self._json.write("\n ]\n}\n")
        self._json.close()
        json_path, xlsx_path, html_path = (self.run_dir / n for n in ("summary.json", "summary.xlsx", "summary.html"))
        os.replace(self._json_tmp, json_path)
        tmp = xlsx_path.with_name(f".summary.xlsx.{os.getpid()}")
        write_summary_xlsx(self.meta, self.rows, self.gaps, self.problems, tmp)
        os.replace(tmp, xlsx_path)
        write_atomic(html_path, render_summary_html(self.meta, self.rows, self.problems))
        return [xlsx_path, html_path, json_path]


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def counts(rows: list[SummaryRow]) -> dict[str, int]:
    out: dict[str, int] = {}
    for row in rows:
        out[row.status] = out.get(row.status, 0) + 1
    return out


def render_summary_html(meta: RunMeta, rows: list[SummaryRow], problems: list[RegistryProblem]) -> str:
    tally = counts(rows)
    return _ENV.get_template("batch_summary.html.j2").render(
        meta=meta, rows=rows, problems=problems, tally=[(STATUS_RU.get(k, k), v) for k, v in tally.items()])


def write_summary_xlsx(meta: RunMeta, rows: list[SummaryRow], gaps: list[Deficiency],
                       problems: list[RegistryProblem], path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    headers = ["Код", "Наименование", "Сфера", "Муниципальное образование", "Субъект РФ", "Сайт", "Статус обхода",
               "Страниц", "Документов", "1.1 сайт: есть", "1.1 сайт: требуется", "1.1 сайт, %",
               "1.2: работающих способов", "1.2, баллы", "Версия для слабовидящих", "Итог по сайту",
               "Недостатков", "Требуют проверки"]
    ws = _sheet(wb, "Организации", headers, {2: 40, 3: 12, 4: 22, 5: 18, 6: 30, 7: 30, 15: 14})
    for r in rows:
        ws.append([r.org_id, r.name, r.sphere, r.municipality, r.region, r.url, r.status_ru,
                   r.pages if r.status in ("ok", "partial", "unreachable") else None,
                   r.documents if r.status in ("ok", "partial", "unreachable") else None,
                   r.info_found, r.info_required, r.info_share, r.remote_working, r.remote_points,
                   r.low_vision or None, r.site_score, r.missing if r.checked else None,
                   r.review if r.checked else None])
    for row in ws.iter_rows(min_row=2, min_col=12, max_col=16):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
    _finish(ws)
    ws = _sheet(wb, "Недостатки", ["Код", "Наименование", "Пункт", "Раздел", "Недостаток", "Результат",
                                   "Основание", "Уверенность в основании", "Что сделать", "Просмотрено страниц"],
                {2: 36, 3: 26, 4: 30, 5: 50, 6: 16, 7: 50, 8: 20, 9: 70})
    for g in gaps:
        ws.append([g.org_id, g.name, g.rule_id, g.group, g.headline, g.outcome, g.basis, g.confidence,
                   g.recommendation, g.examined])
    for row in ws.iter_rows(min_row=2, min_col=5, max_col=9):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _finish(ws)
    if problems:
        ws = _sheet(wb, "Ошибки реестра", ["Строка", "Код", "Проблема", "Строка пропущена"], {3: 90, 4: 16})
        for p in problems:
            ws.append([p.row, p.org_id, p.message, "да" if p.skipped else "нет (проверяется)"])
        _finish(ws)
    ws = _sheet(wb, "Прогон", ["Параметр", "Значение"], {1: 30, 2: 90})
    tally = counts(rows)
    info = [("Прогон", meta.run_id), ("Реестр", meta.registry),
            ("Начат", meta.started_at.isoformat(timespec="seconds") if meta.started_at else ""),
            ("Сводка записана", meta.written_at.isoformat(timespec="seconds") if meta.written_at else ""),
            ("Хранилище снимков", meta.store), ("Организаций в реестре", len(rows)),
            *((f"Статус «{STATUS_RU.get(k, k)}»", v) for k, v in tally.items()),
            ("Строк реестра пропущено", sum(1 for p in problems if p.skipped)),
            *((f"Параметр {k}", json.dumps(v, ensure_ascii=False)) for k, v in meta.settings.items())]
    for item in info:
        ws.append(list(item))
    wb.save(path)
