"""The site's parts of indicators 1.1, 1.2 and 3.2 (приказ 344н) from a site's findings."""
from __future__ import annotations

from checks.findings import Outcome, SiteIndicators, SiteReport

POINTS_PER_REMOTE_METHOD = 30  # 344н: Тдист
CAP = 100


def remote_points(working: int) -> float:
    """Пдист = Тдист × Сдист, capped at 100 (more than three working methods = 100)."""
    return float(min(CAP, POINTS_PER_REMOTE_METHOD * working))


def site_indicators(report: SiteReport, norm_ids: list[str], remote_ids: list[str],
                    low_vision_id: str | None) -> SiteIndicators:
    if report.crawl.status == "unreachable":
        # nothing was seen: the parts are unknown, not zero
        return SiteIndicators(info_required=len(norm_ids))
    outcome = {f.id: f.outcome for f in report.findings}
    found = [i for i in norm_ids if outcome.get(i) == Outcome.present]
    working = [i for i in remote_ids if outcome.get(i) == Outcome.present]
    info_share = 100.0 * len(found) / len(norm_ids) if norm_ids else None
    points = remote_points(len(working))
    low_vision = outcome.get(low_vision_id) if low_vision_id else None
    return SiteIndicators(
        info_found=len(found), info_required=len(norm_ids), info_share=info_share,
        info_missing=[i for i in norm_ids if outcome.get(i) in (Outcome.absent, Outcome.error)],
        info_review=[i for i in norm_ids if outcome.get(i) == Outcome.needs_review],
        remote_working=len(working), remote_points=points, remote_ids=working,
        remote_review=[i for i in remote_ids if outcome.get(i) == Outcome.needs_review],
        low_vision=None if low_vision in (None, Outcome.error, Outcome.needs_review) else low_vision == Outcome.present,
        site_score=(info_share + points) / 2 if info_share is not None else None,
    )
