"""The rule engine: run a rule pack over a site snapshot and return findings."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from checks.findings import CrawlSummary, Evidence, Finding, Outcome, SiteReport
from checks.indicators import site_indicators
from checks.registry import CheckResult, get_check
from checks.site import SiteView
from checks.snapshot import SiteSnapshot
from pydantic import ValidationError

from rules.loader import RuleError, RulePack, load_pack
from rules.schema import CheckRef, Rule

log = logging.getLogger(__name__)
MAX_EXAMINED = 20


def validate_pack(pack: RulePack) -> RulePack:
    """Every rule refers to registered checks with valid parameters (raises RuleError)."""
    for rule in pack.rules.values():
        for ref in [*rule.checks(), *([rule.functioning] if rule.functioning else [])]:
            try:
                get_check(ref.check).params.model_validate(ref.params)
            except (KeyError, ValidationError) as exc:
                raise RuleError(f"Правило {rule.id}, проверка {ref.check}: {exc}") from exc
    return pack


def load_checked_pack(sphere: str = "social", **kwargs) -> RulePack:
    return validate_pack(load_pack(sphere, **kwargs))


def run_check(site: SiteView, ref: CheckRef) -> CheckResult:
    """One check; an exception becomes `error`, never `absent`."""
    spec = get_check(ref.check)
    try:
        res = spec.run(site, spec.params.model_validate(ref.params))
    except Exception as exc:  # noqa: BLE001 - a broken check must not pass for a missing item
        log.exception("check %s failed", ref.check)
        return CheckResult(Outcome.error, note=f"сбой проверки {ref.check}: {type(exc).__name__}: {exc}")
    if ref.weak and res.outcome == Outcome.present:
        res.outcome = Outcome.needs_review
        res.functioning = ""
    return res


def _combine_any(results: list[CheckResult]) -> CheckResult:
    for outcome in (Outcome.present, Outcome.needs_review, Outcome.error, Outcome.absent):
        hits = [r for r in results if r.outcome == outcome]
        if hits:
            return CheckResult(outcome, [e for r in hits for e in r.evidence],
                               "; ".join(dict.fromkeys(r.note for r in hits if r.note)),
                               next((r.functioning for r in hits if r.functioning), ""))
    return CheckResult(Outcome.not_applicable, note="; ".join(r.note for r in results if r.note))


def _combine_all(results: list[CheckResult]) -> CheckResult:
    outcomes = {r.outcome for r in results}
    for outcome in (Outcome.error, Outcome.absent, Outcome.needs_review):
        if outcome in outcomes:
            return _combine_any([r for r in results if r.outcome == outcome])
    return _combine_any(results)


def evaluate_rule(site: SiteView, rule: Rule) -> Finding:
    site.locate = rule.locate
    parts = []
    if rule.evidence.any:
        parts.append(_combine_any([run_check(site, ref) for ref in rule.evidence.any]))
    if rule.evidence.all:
        parts.append(_combine_all([run_check(site, ref) for ref in rule.evidence.all]))
    res = _combine_all(parts) if len(parts) > 1 else parts[0]
    if rule.functioning is not None:
        res = apply_functioning(res, run_check(site, rule.functioning))
    evidence = _dedupe(res.evidence)
    examined = [p.final_url for p in site.rule_section_pages()]
    examined += [p.final_url for p in site.pages if p.final_url not in examined]
    return Finding(id=rule.id, outcome=res.outcome, evidence=evidence,
                   examined=examined[:MAX_EXAMINED] if res.outcome != Outcome.present else [],
                   examined_count=len(site.pages), detail=res.note,
                   # "how it was shown to work" is said of remote methods and the low-vision version
                   functioning=res.functioning if rule.group in ("remote", "accessibility") else "")


def apply_functioning(found: CheckResult, works: CheckResult) -> CheckResult:
    """A rule's functioning check over what the browser and the probes showed:
    present — the item works (its evidence first, its text is the finding's functioning; an
    item the static checks missed but the browser switched on is present); needs_review or
    absent — a found item that did not work is for a person to look at; not_applicable — not
    checked: the verdict stands, and the functioning text says why it was not checked."""
    if found.outcome == Outcome.error or works.outcome == Outcome.error:
        return found if found.outcome == Outcome.error else CheckResult(
            Outcome.error, found.evidence, works.note, "")
    if works.outcome == Outcome.present:
        return CheckResult(Outcome.present, works.evidence + found.evidence,
                           found.note if found.outcome == Outcome.present else works.note,
                           works.functioning)
    if works.outcome == Outcome.not_applicable:
        unchecked = "; ".join(t for t in (found.functioning, works.note) if t)
        return CheckResult(found.outcome, found.evidence, found.note,
                           unchecked if found.outcome == Outcome.present else "")
    if found.outcome in (Outcome.present, Outcome.needs_review):
        note = "; ".join(n for n in (works.note, found.note) if n)
        return CheckResult(Outcome.needs_review, works.evidence + found.evidence, note, "")
    return found


def _dedupe(evidence: list[Evidence]) -> list[Evidence]:
    seen, out = set(), []
    for ev in evidence:
        key = (ev.url, ev.snippet)
        if key not in seen:
            seen.add(key)
            out.append(ev)
    return out[:6]


def unreachable_findings(pack: RulePack, reason: str) -> list[Finding]:
    return [Finding(id=rule_id, outcome=Outcome.error, detail=f"сайт недоступен: {reason}")
            for rule_id in pack.rules]


def crawl_summary(snapshot: SiteSnapshot) -> CrawlSummary:
    ok = snapshot.ok_pages()
    duration = 0.0
    if snapshot.started_at and snapshot.finished_at:
        duration = (snapshot.finished_at - snapshot.started_at).total_seconds()
    status = "ok"
    error = ""
    if not snapshot.reachable or not ok:
        status = "unreachable"
        error = _unreachable_reason(snapshot)
    elif snapshot.stop_reason:
        status = "partial"
    rendered = [p for p in snapshot.pages if p.rendered]
    return CrawlSummary(status=status, pages=len(snapshot.pages), pages_ok=len(ok),
                        documents=len(snapshot.documents), failures=len(snapshot.failures),
                        duration_s=round(duration, 2), stop_reason=snapshot.stop_reason, error=error,
                        render_mode=snapshot.render_mode, rendered=len(rendered),
                        render_s=round(sum(p.render_ms or 0 for p in rendered) / 1000, 2),
                        probes=len(snapshot.probes), render_note=snapshot.render_note)


def _unreachable_reason(snapshot: SiteSnapshot) -> str:
    start = next((f for f in snapshot.failures if f.url.rstrip("/") == snapshot.start_url.rstrip("/")), None)
    failure = start or (snapshot.failures[0] if snapshot.failures else None)
    if failure:
        return failure.detail or failure.reason
    if snapshot.pages:
        return f"главная страница отвечает кодом {snapshot.pages[0].status}"
    return "ни одна страница сайта не загрузилась"


def check_site(snapshot: SiteSnapshot, pack: RulePack, preset: str = "site",
               tool_version: str = "") -> SiteReport:
    """All rules of the pack over one snapshot, plus the site's indicator parts."""
    summary = crawl_summary(snapshot)
    if summary.status == "unreachable":
        findings = unreachable_findings(pack, summary.error)
    else:
        site = SiteView(snapshot, pack.settings.news_url_patterns)
        findings = [evaluate_rule(site, rule) for rule in pack.rules.values()]
    report = SiteReport(tool_version=tool_version, sphere=pack.sphere, org_id=snapshot.org_id,
                        url=snapshot.start_url, checked_at=datetime.now(timezone.utc), crawl=summary,
                        findings=findings)
    report.indicators = site_indicators(report, pack.preset(preset), [r.id for r in pack.by_group("remote")],
                                        next((r.id for r in pack.by_group("accessibility")), None))
    return report
