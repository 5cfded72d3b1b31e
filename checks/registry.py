"""The registry of generic checks: name -> (parameter model, function).

A check is a pure function `(site: SiteView, params) -> CheckResult`. It never fetches, never
writes and never imports Scrapy. Its parameters are a pydantic model, so a rule file that passes
an unknown or ill-typed parameter fails when the pack loads, not in the middle of a run.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from checks.findings import Evidence, Outcome

if TYPE_CHECKING:
    from checks.site import SiteView


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass
class CheckResult:
    outcome: Outcome
    evidence: list[Evidence] = field(default_factory=list)
    note: str = ""  # Russian: what was seen, for the finding's detail
    functioning: str = ""  # Russian: how a remote method / the low-vision version was shown to work


@dataclass(frozen=True)
class CheckSpec:
    name: str
    params: type[Params]
    run: Callable[["SiteView", Any], CheckResult]
    doc: str


CHECKS: dict[str, CheckSpec] = {}


def check(name: str, params: type[Params]):
    """Register a generic check under `name`; its docstring is the catalog description."""

    def decorate(fn):
        if name in CHECKS:
            raise ValueError(f"check {name!r} registered twice")
        CHECKS[name] = CheckSpec(name, params, fn, (fn.__doc__ or "").strip())
        return fn

    return decorate


def get_check(name: str) -> CheckSpec:
    import checks.generic  # noqa: F401  (registers the generic checks)

    try:
        return CHECKS[name]
    except KeyError:
        raise KeyError(f"unknown check {name!r}; known: {', '.join(sorted(CHECKS))}") from None
