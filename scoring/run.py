"""From input files to a ScoreResult: join by id, calculate each organisation, merge branches,
aggregate and rank. This is what `nok score` calls; it does not print or write anything."""
from __future__ import annotations

from datetime import datetime, timezone

from nok import __version__
from rules.profile import Profile
from scoring.aggregate import aggregate, merge_branches, ordered
from scoring.calculate import Calculator
from scoring.join import ScoreInputs, join_inputs
from scoring.models import ProfileSummary, ScoreResult


def profile_summary(profile: Profile) -> ProfileSummary:
    return ProfileSummary(
        id=profile.id, title=profile.title, path=str(profile.path or ""),
        zero_denominator=profile.policies.zero_denominator, branches=profile.policies.branches,
        region_from=profile.policies.region_from, rounding_decimals=profile.rounding.decimals,
        rounding_mode=profile.rounding.mode, risk_threshold=float(profile.policies.risk_threshold),
        spheres={k: s.title for k, s in profile.spheres.items()},
        criteria={k: c.title for k, c in profile.criteria.items()},
        indicators={i: f"{profile.indicators[i].symbol}: {profile.indicators[i].title}" for i in profile.indicator_ids()},
    )


def score_files(files: ScoreInputs, profile: Profile) -> ScoreResult:
    joined = join_inputs(files, profile)
    calculator = Calculator(profile)
    orgs = [calculator.score(data) for data in joined.orgs.values()]
    warnings = list(joined.warnings)
    merge_branches(orgs, profile, warnings)
    municipalities, regions, spheres = aggregate(orgs, profile)
    return ScoreResult(
        tool_version=__version__, created_at=datetime.now(timezone.utc), profile=profile_summary(profile),
        inputs=joined.files, organizations=ordered(orgs), municipalities=municipalities, regions=regions,
        spheres=spheres, warnings=warnings,
    )
