"""Scoring models: what the importers hand to the calculator, and the scores it produces.

Inputs are plain dataclasses holding exact numbers (`Fraction`). The result (`ScoreResult`) is the
pydantic model written as versioned JSON (`nok score --json`) and rendered by reports/; its
numbers are floats at full precision, rounded only when displayed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, Field

SCORES_FORMAT = "nok-scores"
SCORES_VERSION = 1

# --- inputs ---------------------------------------------------------------------------------


@dataclass
class Source:
    """Where a record came from: a file and a row (row 0 for a whole file such as a JSON report)."""

    path: str
    row: int = 0

    def __str__(self) -> str:
        return f"«{self.path}», строка {self.row}" if self.row else f"«{self.path}»"


@dataclass
class OrgInfo:
    org_id: str
    name: str = ""
    sphere: str = ""  # a profile sphere key; "" until known
    municipality: str = ""
    region: str = ""
    parent_id: str = ""
    recipients: int | None = None  # число получателей услуг, for the survey sample check
    source: Source | None = None


@dataclass
class ChecklistEntry:
    """One checklist row. groups: stand, site (section A ids) and remote, comfort, premises, access
    (condition ids) → {id: present}; None when the row leaves the whole group empty."""

    org: OrgInfo
    source: Source
    groups: dict[str, dict[str, bool] | None]
    info_counts: dict[str, tuple[Fraction, Fraction]] = field(default_factory=dict)  # channel → (found, required)


@dataclass
class YesNo:
    yes: int = 0
    no: int = 0

    @property
    def answered(self) -> int:
        return self.yes + self.no

    def __add__(self, other: YesNo) -> YesNo:
        return YesNo(self.yes + other.yes, self.no + other.no)


@dataclass
class SurveyCounts:
    """Survey answers of one organisation, as they enter the formulas: for a filtered question,
    only the answers of respondents who said «да» to its filter."""

    org_id: str
    respondents: int = 0
    answers: dict[str, YesNo] = field(default_factory=dict)  # a question absent here was not asked
    inconsistent: list[str] = field(default_factory=list)  # Russian descriptions with rows
    suggestions: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass
class SiteInput:
    """The site channel from a `nok check` report: item → present (None: not decided)."""

    org_id: str
    source: Source
    reachable: bool
    sphere: str = ""  # as written in the report
    crawl_error: str = ""
    info: dict[str, bool | None] = field(default_factory=dict)
    remote: dict[str, bool | None] = field(default_factory=dict)
    low_vision: bool | None = None


@dataclass
class GivenScores:
    """Indicator or criterion values computed elsewhere (another operator's results)."""

    org: OrgInfo
    source: Source
    kind: Literal["indicators", "criteria"]
    values: dict[str, Fraction | None]


# --- results --------------------------------------------------------------------------------

Severity = Literal["risk", "warning", "info"]


class Flag(BaseModel):
    code: str  # risk_below_threshold | zero_denominator | missing_input | small_sample | ...
    message: str  # Russian
    scope: str = ""  # an indicator ("1.3"), a criterion ("K3") or "" for the organisation
    severity: Severity = "warning"


class IndicatorScore(BaseModel):
    id: str
    symbol: str = ""
    value: float | None = None
    # computed | given (from an indicators file) | not_applicable (sphere has no such indicator)
    # | missing (an input is absent) | excluded (zero denominator under the "exclude" policy)
    status: Literal["computed", "given", "not_applicable", "missing", "excluded"]
    inputs: dict[str, float | int | str | None] = Field(default_factory=dict)
    formula: str = ""  # the formula with the numbers put in, for the report
    sources: list[str] = Field(default_factory=list)  # Russian: чек-лист, анкеты, сайт, файл…


class OrgScore(BaseModel):
    org_id: str
    name: str = ""
    sphere: str = ""
    municipality: str = ""
    region: str = ""
    parent_id: str = ""
    indicators: dict[str, float | None] = Field(default_factory=dict)
    criteria: dict[str, float | None] = Field(default_factory=dict)
    total: float | None = None
    details: dict[str, IndicatorScore] = Field(default_factory=dict)
    weights: dict[str, dict[str, float]] = Field(default_factory=dict)  # effective, per criterion
    respondents: int | None = None
    flags: list[Flag] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    # branches: for a parent under the "merge" policy, its branches and its own (unmerged) scores
    branches: list[str] = Field(default_factory=list)
    own_criteria: dict[str, float | None] | None = None
    own_total: float | None = None
    rated: bool = True  # False for a branch merged into its parent
    rank: int | None = None
    rank_in_municipality: int | None = None


class GroupScore(BaseModel):
    level: Literal["municipality", "region", "sphere"]
    name: str  # the municipality, region or sphere title
    region: str = ""
    sphere: str = ""
    organizations: list[str] = Field(default_factory=list)  # ids averaged
    without_total: list[str] = Field(default_factory=list)  # ids left out: total not computable
    criteria: dict[str, float | None] = Field(default_factory=dict)
    total: float | None = None
    min_total: float | None = None
    max_total: float | None = None
    rank: int | None = None


class ProfileSummary(BaseModel):
    id: str
    title: str
    path: str
    zero_denominator: str
    branches: str
    region_from: str
    rounding_decimals: int
    rounding_mode: str
    risk_threshold: float = 50
    # titles for renderers, so that they need only this result
    spheres: dict[str, str] = Field(default_factory=dict)
    criteria: dict[str, str] = Field(default_factory=dict)
    indicators: dict[str, str] = Field(default_factory=dict)  # id → "symbol: title"


class InputFile(BaseModel):
    kind: str  # checklist | survey | survey_aggregated | site | indicators | criteria | registry
    path: str
    organizations: int


class ScoreResult(BaseModel):
    format: str = SCORES_FORMAT
    version: int = SCORES_VERSION
    tool_version: str = ""
    created_at: datetime | None = None
    profile: ProfileSummary
    inputs: list[InputFile] = Field(default_factory=list)
    organizations: list[OrgScore] = Field(default_factory=list)
    municipalities: list[GroupScore] = Field(default_factory=list)
    regions: list[GroupScore] = Field(default_factory=list)
    spheres: list[GroupScore] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)  # about whole files and joins, Russian

    def organization(self, org_id: str) -> OrgScore | None:
        return next((o for o in self.organizations if o.org_id == org_id), None)
