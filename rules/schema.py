"""The schema of a rule file (rules/<sphere>/<id>.yaml) and of a sphere's presets."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Confidence = Literal["confirmed", "corroborated", "unconfirmed"]
CONFIDENCE_ORDER = {"unconfirmed": 0, "corroborated": 1, "confirmed": 2}
CONFIDENCE_RU = {
    "confirmed": "подтверждено",
    "corroborated": "подтверждено косвенно",
    "unconfirmed": "не подтверждено по официальному тексту",
}

Group = Literal["information", "remote", "accessibility", "advisory"]
GROUP_RU = {
    "information": "Информация о деятельности организации (показатель 1.1)",
    "remote": "Дистанционные способы обратной связи (показатель 1.2)",
    "accessibility": "Доступность для инвалидов (показатель 3.2)",
    "advisory": "Рекомендации по оформлению сайта (не входят в баллы)",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Basis(Strict):
    act: str  # e.g. "Федеральный закон от 28.12.2013 № 442-ФЗ"
    clause: str  # e.g. "ст. 13 ч. 2 п. 1"
    confidence: Confidence
    note: str = ""


class TrialHints(Strict):
    """Controls the crawler switches on in a browser to see the page change (the low-vision
    version): the trial clicks a control found by these, or opens the version it links to."""

    texts: list[str] = Field(default_factory=list)  # words in the control's text, title, alt
    attrs: list[str] = Field(default_factory=list)  # regexes over its id and classes
    url_patterns: list[str] = Field(default_factory=list)  # regexes over a link to a version
    scripts: list[str] = Field(default_factory=list)  # a widget's script (it builds its button)


class Locate(Strict):
    """Where to look: steers the crawler's link priority and the checks' choice of pages, and
    what the crawler does beyond fetching for this rule (render, probe, trial)."""

    link_texts: list[str] = Field(default_factory=list)  # words/phrases in link anchors
    url_patterns: list[str] = Field(default_factory=list)  # regexes over the URL path and query
    headings: list[str] = Field(default_factory=list)  # page titles / headings of the section
    # the section's pages (by link text or URL) are read in a browser too: forms and widgets
    # there are often built by scripts
    render: bool = False
    # regexes over the URLs of links, frames and scripts whose targets get a safe probe (HEAD,
    # GET without parameters when refused; nothing sent): does the linked service answer?
    probe: list[str] = Field(default_factory=list)
    probe_forms: bool = False  # probe the action URL of message and survey forms (no submit)
    trial: TrialHints | None = None


class CheckRef(Strict):
    check: str  # a registered generic check (checks/registry.py)
    params: dict[str, Any] = Field(default_factory=dict)
    # a weak signal can at most make the item "needs_review", never "present"
    weak: bool = False
    # what a pattern parameter (followed_by, near_pattern) stands for, in Russian words: the
    # rule catalog (rules/catalog_doc.py) shows this instead of the regular expression
    about: str = ""


class EvidenceSpec(Strict):
    """axe-core style composition: present when any `any` check passes (or all `all` checks)."""

    any: list[CheckRef] = Field(default_factory=list)
    all: list[CheckRef] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> "EvidenceSpec":
        if not self.any and not self.all:
            raise ValueError("evidence needs at least one check in `any` or `all`")
        return self


class Rule(Strict):
    id: str
    sphere: str
    section: Literal["A", "B", "C", "G"]
    group: Group
    indicator: str | None = None  # "1.1", "1.2", "3.2"; None for advisory checks
    channels: list[Literal["site", "stand", "visit"]] = Field(default_factory=lambda: ["site"])
    title: str  # what must be published, Russian
    failure_title: str  # how a missing item reads in a deficiency list, Russian
    description: str = ""
    basis: list[Basis]
    locate: Locate = Field(default_factory=Locate)
    evidence: EvidenceSpec
    # a check over what the browser and the probes showed (checks.engine.apply_functioning):
    # "present" confirms the item works (its text becomes the finding's `functioning`),
    # "needs_review"/"absent" turn a found item into "needs_review", "not_applicable" (not
    # checked) leaves the verdict as it is
    functioning: CheckRef | None = None
    recommendation: str  # what to publish / fix, Russian

    @model_validator(mode="after")
    def _has_basis(self) -> "Rule":
        if not self.basis:
            raise ValueError("a rule must cite at least one legal basis")
        return self

    @property
    def basis_confidence(self) -> Confidence:
        """How sure we are of the rule's legal basis: the strongest of its citations."""
        return max((b.confidence for b in self.basis), key=CONFIDENCE_ORDER.__getitem__)

    def checks(self) -> list[CheckRef]:
        """The evidence checks (the functioning check is apart: `functioning`)."""
        return [*self.evidence.any, *self.evidence.all]


class Preset(Strict):
    title: str
    basis: str
    basis_confidence: Confidence
    ids: list[str]


class PackPresets(Strict):
    sphere: str
    presets: dict[str, Preset]
