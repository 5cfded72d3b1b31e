"""The view of a site report that every renderer uses: findings grouped, with rule texts."""
from __future__ import annotations

from dataclasses import dataclass, field

from checks.findings import OUTCOME_RU, Finding, Outcome, SiteReport
from rules.loader import RulePack
from rules.schema import CONFIDENCE_RU, GROUP_RU, Rule

GROUP_ORDER = ["information", "remote", "accessibility", "advisory"]
OUTCOME_ORDER = [Outcome.absent, Outcome.needs_review, Outcome.error, Outcome.present, Outcome.not_applicable]
SYMBOL = {Outcome.present: "✓", Outcome.absent: "✗", Outcome.needs_review: "?",
          Outcome.not_applicable: "–", Outcome.error: "!"}


@dataclass
class Row:
    rule: Rule
    finding: Finding

    @property
    def outcome_ru(self) -> str:
        return OUTCOME_RU[self.finding.outcome]

    @property
    def symbol(self) -> str:
        return SYMBOL[self.finding.outcome]

    @property
    def basis_text(self) -> str:
        return "; ".join(f"{b.act}, {b.clause}" for b in self.rule.basis)

    @property
    def confidence_ru(self) -> str:
        return CONFIDENCE_RU[self.rule.basis_confidence]

    @property
    def headline(self) -> str:
        """The line a person reads: the item's title, or its failure title when it is missing."""
        return self.rule.failure_title if self.finding.outcome == Outcome.absent else self.rule.title


@dataclass
class Group:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.rows if r.finding.outcome == outcome)


def group_findings(report: SiteReport, pack: RulePack) -> list[Group]:
    groups = {key: Group(key, GROUP_RU[key]) for key in GROUP_ORDER}
    for finding in report.findings:
        rule = pack.rules.get(finding.id)
        if rule is not None:
            groups[rule.group].rows.append(Row(rule, finding))
    for group in groups.values():
        group.rows.sort(key=lambda r: OUTCOME_ORDER.index(r.finding.outcome))
    return [g for g in groups.values() if g.rows]


def render_summary(crawl) -> str:
    """One Russian line on how the pages were read: in the browser or not, and why not."""
    if crawl.render_note:
        return f"Без браузера: {crawl.render_note}."
    if crawl.render_mode == "never":
        return "Страницы прочитаны без браузера (--render never): то, что строят скрипты, не проверено."
    if not crawl.rendered and not crawl.probes:
        return ""
    parts = []
    if crawl.rendered:
        per = crawl.render_s / crawl.rendered
        parts.append(f"в браузере открыто страниц: {crawl.rendered} ({fmt(per, ' с')} на страницу)")
    if crawl.probes:
        parts.append(f"проверено ссылок и адресов форм без отправки данных: {crawl.probes}")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."


def fmt(value: float | None, unit: str = "") -> str:
    """Two decimals for display only (values are kept at full precision)."""
    if value is None:
        return "не рассчитано"
    return f"{value:.2f}".replace(".", ",") + unit
