"""Findings: the verdicts of the rule pack over one site snapshot, and the site report file.

`SiteReport` is what `nok check --json` writes and what the scoring and batch commands read.
"""
from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel, Field

REPORT_FORMAT = "nok-site-report"
REPORT_VERSION = 1


class Outcome(str, Enum):
    present = "present"
    absent = "absent"
    needs_review = "needs_review"
    not_applicable = "not_applicable"
    error = "error"


OUTCOME_RU = {
    Outcome.present: "есть",
    Outcome.absent: "нет",
    Outcome.needs_review: "требует проверки",
    Outcome.not_applicable: "не применимо",
    Outcome.error: "ошибка проверки",
}


class Evidence(BaseModel):
    url: str
    snippet: str
    check: str = ""  # the generic check that produced it
    note: str = ""  # what exactly was seen, in Russian (e.g. "документ открывается, PDF 120 КБ")
    rendered: bool = False  # seen in the browser-rendered page, not in the static HTML
    screenshot: str = ""  # path or data URI of a screenshot, when taken


class Finding(BaseModel):
    id: str
    outcome: Outcome
    evidence: list[Evidence] = Field(default_factory=list)
    examined: list[str] = Field(default_factory=list)  # URLs looked at (capped), for "absent"
    examined_count: int = 0
    detail: str = ""  # a Russian sentence explaining the outcome
    functioning: str = ""  # for remote methods and low vision: how it was shown to work


class CrawlSummary(BaseModel):
    status: str = "ok"  # ok | partial | unreachable
    pages: int = 0
    pages_ok: int = 0
    documents: int = 0
    failures: int = 0
    duration_s: float = 0.0
    stop_reason: str = ""
    error: str = ""  # the reason the site could not be audited, in Russian
    # the browser: how pages were read (auto | always | never), pages rendered and the seconds
    # they took, safe probes made, and why the browser was not used when it was meant to be
    render_mode: str = ""
    rendered: int = 0
    render_s: float = 0.0
    probes: int = 0
    render_note: str = ""


class SiteIndicators(BaseModel):
    """The site's part of indicators 1.1, 1.2 and 3.2 (344н)."""

    info_found: int = 0  # Исайт: required items present on the site
    info_required: int = 0  # Инорм.сайт
    info_share: float | None = None  # Исайт / Инорм.сайт × 100; None when not computable
    info_missing: list[str] = Field(default_factory=list)
    info_review: list[str] = Field(default_factory=list)
    remote_working: int = 0  # Сдист: remote methods present and functioning
    remote_points: float | None = None  # Пдист = min(100, 30 × Сдист); None when not computable
    remote_ids: list[str] = Field(default_factory=list)
    remote_review: list[str] = Field(default_factory=list)
    low_vision: bool | None = None  # the 3.2 condition "альтернативная версия сайта"
    site_score: float | None = None  # the crawlable part of K1: mean of info_share and remote_points


class SiteReport(BaseModel):
    format: str = REPORT_FORMAT
    version: int = REPORT_VERSION
    tool_version: str = ""
    sphere: str = "social"
    org_id: str = ""
    url: str
    checked_at: datetime | None = None
    crawl: CrawlSummary = Field(default_factory=CrawlSummary)
    findings: list[Finding] = Field(default_factory=list)
    indicators: SiteIndicators = Field(default_factory=SiteIndicators)

    def finding(self, rule_id: str) -> Finding | None:
        return next((f for f in self.findings if f.id == rule_id), None)
