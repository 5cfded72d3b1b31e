"""The batch audit's results file (`RUN_DIR/summary.json`, written by `nok audit`/`nok recheck`).

`organizations` holds one object per registry row: the fields of a `nok check --json` report
(org_id, url, sphere, crawl, findings, indicators…), the registry's columns, and `status`, so that
each object is itself a site report the scoring reads. Rows the registry rejected are listed in
`registry_problems` with their row numbers.
"""
from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from checks.findings import SiteReport

BATCH_FORMAT = "nok-batch-summary"
BATCH_VERSION = 1

# status of an organisation in a run: the crawl status of a checked site (ok, partial,
# unreachable), or why it has no report yet
AUDITED = ("ok", "partial", "unreachable")
PENDING, CRAWLING, CRAWLED, CHECK_ERROR = "pending", "crawling", "crawled", "check_error"


class RegistryOrg(BaseModel):
    """One organisation to audit, as the registry gives it."""

    row: int = 0  # 1-based row in the file (0: not from a file)
    org_id: str
    name: str = ""
    sphere: str = "social"
    url: str  # the start URL to crawl (normalised)
    region: str = ""
    municipality: str = ""
    parent_id: str = ""
    inn: str = ""
    ogrn: str = ""


class OrgResult(SiteReport):
    row: int = 0  # the registry row
    name: str = ""
    region: str = ""
    municipality: str = ""
    parent_id: str = ""
    inn: str = ""
    ogrn: str = ""
    status: str = PENDING
    error: str = ""  # a check that failed (status check_error), in Russian

    @property
    def audited(self) -> bool:
        return self.status in AUDITED


class RegistryProblem(BaseModel):
    """A registry row skipped (or only warned about), with its row number; message in Russian."""

    row: int
    org_id: str = ""
    message: str
    skipped: bool = True  # False: a warning, the row is audited

    def __str__(self) -> str:
        who = f" (код «{self.org_id}»)" if self.org_id else ""
        tail = "" if self.skipped else " — строка проверяется"
        return f"строка {self.row}{who}: {self.message}{tail}"


class RunMeta(BaseModel):
    run_id: str
    registry: str = ""
    started_at: datetime | None = None
    written_at: datetime | None = None
    store: str = ""  # where the snapshots are (password hidden)
    settings: dict = Field(default_factory=dict)


class BatchSummary(BaseModel):
    format: str = BATCH_FORMAT
    version: int = BATCH_VERSION
    tool_version: str = ""
    run: RunMeta
    organizations: list[OrgResult] = Field(default_factory=list)
    registry_problems: list[RegistryProblem] = Field(default_factory=list)
