"""Accuracy of the rule pack against labelled sites: labels, comparisons and tallies.

A labelled site says, for every site-checked id, the outcome a person checking the site by the
catalog would record, and for "present" where the item is published. Comparing the findings of a
run with the labels gives, per id and per tier of sites, the agreement and the two errors that
matter: a false "absent" (an unfair deficiency in an official assessment) and a false "present"
(a real deficiency hidden). The corpus and the command that serves and crawls it live with the
front door (`nok eval`); this module is the pure comparison.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checks.findings import Finding, Outcome, SiteReport

EVAL_FORMAT = "nok-eval"
EVAL_VERSION = 1

# static: plain HTML sites the static crawler can read; browser: sites whose items appear only
# after JavaScript runs (reported apart until pages are rendered); real: public pages of real
# organisations, labelled by us, read from a folder outside the repository.
Tier = Literal["static", "browser", "real"]
TIERS: tuple[str, ...] = ("static", "browser", "real")
Kind = Literal["agree", "false_absent", "false_present", "needs_review", "other"]


class LabelError(Exception):
    """A labels file that cannot be used; the message names the file (Russian)."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Expected(Strict):
    outcome: Outcome
    # paths where the item is published ("/about/", "/news/detail.php?ELEMENT_ID=5"); "*" = any
    # page (an item in the footer of every page)
    where: list[str] = Field(default_factory=list)
    note: str = ""  # why this label, in Russian (what a person sees)
    # why the checker is known to disagree here, in Russian; shown with the disagreement, which
    # still counts: an explanation never hides an error
    explain: str = ""
    # false: the site cannot show this item (a single captured page of a real site): not compared
    compare: bool = True


class SiteInfo(Strict):
    title: str
    imitates: str  # what kind of real site it imitates, Russian
    tier: Tier = "static"
    start: str = "/"  # the start path
    notes: str = ""


class ServerOptions(Strict):
    """How the site is served: the charset sent with HTML ("" = none, so the page's own meta or
    the bytes decide) and forced status codes per path (a 404 link, a 403 behind a login)."""

    charset: str = "utf-8"
    status: dict[str, int] = Field(default_factory=dict)


class SiteLabels(Strict):
    site: SiteInfo
    server: ServerOptions = Field(default_factory=ServerOptions)
    expect: dict[str, Expected]


def load_labels(path: Path, ids: list[str] | None = None) -> SiteLabels:
    """Read a labels file; with `ids`, every id must be labelled and no other."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        labels = SiteLabels.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise LabelError(f"Файл разметки {path} не читается: {exc}") from exc
    if ids is not None:
        missing = [i for i in ids if i not in labels.expect]
        unknown = [i for i in labels.expect if i not in ids]
        if missing or unknown:
            raise LabelError(f"Файл разметки {path}: " + "; ".join(
                part for part in (f"нет пунктов: {', '.join(missing)}" if missing else "",
                                  f"неизвестные пункты: {', '.join(unknown)}" if unknown else "") if part))
    return labels


class Comparison(BaseModel):
    site: str
    tier: Tier
    id: str
    expected: Outcome
    actual: Outcome
    kind: Kind
    where: list[str] = Field(default_factory=list)  # labelled places
    # for an agreeing "present": did the evidence come from a labelled place (None: no evidence
    # URL to judge, or no place labelled)
    where_ok: bool | None = None
    evidence: list[str] = Field(default_factory=list)  # "URL: snippet (note)", first few
    detail: str = ""  # the finding's own explanation
    examined_count: int = 0
    note: str = ""  # the label's note
    explain: str = ""  # the label's explanation of a known disagreement


class Tally(BaseModel):
    compared: int = 0
    agree: int = 0
    false_absent: int = 0
    false_present: int = 0
    needs_review: int = 0
    other: int = 0
    where_mismatch: int = 0  # agreeing "present" whose evidence is not where the label says

    @property
    def agreement(self) -> float | None:
        return round(self.agree / self.compared, 4) if self.compared else None

    def add(self, comparison: Comparison) -> None:
        self.compared += 1
        setattr(self, comparison.kind, getattr(self, comparison.kind) + 1)
        if comparison.kind == "agree" and comparison.where_ok is False:
            self.where_mismatch += 1


class SiteSummary(BaseModel):
    name: str
    tier: Tier
    title: str
    imitates: str
    url: str
    crawl_status: str
    pages: int
    documents: int
    tally: Tally


class FloorCheck(BaseModel):
    tier: str
    metric: str
    floor: float
    value: float | None
    ok: bool


class EvalResult(BaseModel):
    format: str = EVAL_FORMAT
    version: int = EVAL_VERSION
    tool_version: str = ""
    corpus: str = ""
    created_at: datetime | None = None
    duration_s: float = 0.0
    skipped: list[str] = Field(default_factory=list)  # Russian: what was not evaluated and why
    sites: list[SiteSummary] = Field(default_factory=list)
    tiers: dict[str, Tally] = Field(default_factory=dict)
    per_id: dict[str, dict[str, Tally]] = Field(default_factory=dict)  # tier -> id -> tally
    comparisons: list[Comparison] = Field(default_factory=list)
    floors: list[FloorCheck] = Field(default_factory=list)

    def disagreements(self, tier: str | None = None) -> list[Comparison]:
        return [c for c in self.comparisons if c.kind != "agree" and (tier is None or c.tier == tier)]

    def misplaced(self, tier: str | None = None) -> list[Comparison]:
        return [c for c in self.comparisons
                if c.kind == "agree" and c.where_ok is False and (tier is None or c.tier == tier)]

    @property
    def floors_ok(self) -> bool:
        return all(f.ok for f in self.floors)


def classify(expected: Outcome, actual: Outcome) -> Kind:
    if actual == expected:
        return "agree"
    if actual == Outcome.absent and expected != Outcome.not_applicable:
        return "false_absent"
    if actual == Outcome.present and expected == Outcome.absent:
        return "false_present"
    if actual == Outcome.needs_review:
        return "needs_review"
    return "other"


def path_of(url: str) -> str:
    """The comparable place of a URL: path without a trailing slash or index file, plus query."""
    parts = urlsplit(url)
    path = parts.path or "/"
    for index in ("index.html", "index.htm", "index.php"):
        if path.endswith("/" + index):
            path = path[: -len(index)]
    path = path.rstrip("/") or "/"
    return path + (f"?{parts.query}" if parts.query else "")


def where_matches(evidence_urls: list[str], where: list[str]) -> bool | None:
    if not where or not evidence_urls:
        return None
    if "*" in where:
        return True
    wanted = {path_of(w) for w in where}
    # a labelled path without a query also covers its query variants (?special=1, ?ELEMENT_ID=)
    bare = {w for w in wanted if "?" not in w}
    return any(path_of(u) in wanted or path_of(u).split("?", 1)[0] in bare for u in evidence_urls)


def _evidence_lines(finding: Finding, limit: int = 3) -> list[str]:
    return [f"{ev.url}: {ev.snippet}" + (f" ({ev.note})" if ev.note else "") for ev in finding.evidence[:limit]]


def compare_site(name: str, labels: SiteLabels, report: SiteReport) -> list[Comparison]:
    """One comparison per labelled id; an id the report lacks counts as `error`."""
    out = []
    for rule_id, exp in labels.expect.items():
        if not exp.compare:
            continue
        finding = report.finding(rule_id) or Finding(id=rule_id, outcome=Outcome.error,
                                                     detail="пункт не проверялся (нет правила)")
        kind = classify(exp.outcome, finding.outcome)
        where_ok = None
        if kind == "agree" and exp.outcome == Outcome.present:
            where_ok = where_matches([ev.url for ev in finding.evidence], exp.where)
        out.append(Comparison(site=name, tier=labels.site.tier, id=rule_id, expected=exp.outcome,
                              actual=finding.outcome, kind=kind, where=exp.where, where_ok=where_ok,
                              evidence=_evidence_lines(finding), detail=finding.detail,
                              examined_count=finding.examined_count, note=exp.note,
                              explain=exp.explain))
    return out


def tally(comparisons: list[Comparison]) -> Tally:
    total = Tally()
    for c in comparisons:
        total.add(c)
    return total


def summarize(result: EvalResult, ids: list[str]) -> EvalResult:
    """Fill the per-tier and per-id tallies from the comparisons (ids in catalog order)."""
    result.tiers = {}
    result.per_id = {}
    for tier in TIERS:
        rows = [c for c in result.comparisons if c.tier == tier]
        if not rows:
            continue
        result.tiers[tier] = tally(rows)
        result.per_id[tier] = {i: tally([c for c in rows if c.id == i]) for i in ids
                               if any(c.id == i for c in rows)}
    return result


class TierFloors(Strict):
    min_agreement: float | None = None
    max_false_absent: int | None = None
    max_false_present: int | None = None
    max_needs_review: int | None = None
    max_other: int | None = None


class Floors(Strict):
    tiers: dict[Tier, TierFloors] = Field(default_factory=dict)


def load_floors(path: Path) -> Floors:
    try:
        return Floors.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise LabelError(f"Файл порогов {path} не читается: {exc}") from exc


def check_floors(result: EvalResult, floors: Floors) -> list[FloorCheck]:
    """The floors of every tier that was evaluated; tiers not evaluated are not checked."""
    checks = []
    for tier, limits in floors.tiers.items():
        total = result.tiers.get(tier)
        if total is None:
            continue
        if limits.min_agreement is not None:
            value = total.agreement
            checks.append(FloorCheck(tier=tier, metric="min_agreement", floor=limits.min_agreement,
                                     value=value, ok=value is not None and value >= limits.min_agreement))
        for metric in ("false_absent", "false_present", "needs_review", "other"):
            limit = getattr(limits, f"max_{metric}")
            if limit is not None:
                value = getattr(total, metric)
                checks.append(FloorCheck(tier=tier, metric=f"max_{metric}", floor=limit, value=value,
                                         ok=value <= limit))
    return checks
