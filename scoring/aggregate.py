"""Branches, aggregation by municipality / region / sphere, and ratings with ties.

Branches (profile policy `branches`):
  merge    — a parent's indicators, criteria and total become the mean over itself and all its
             branches (branches of branches included); the parent enters the ratings once and
             its branches are listed but not rated. If any member lacks a value, the merged value
             is not computed (and flagged): a mean over some of the members would be a guess.
  separate — every row is rated on its own.

Aggregates are plain means over the rated organisations whose total could be computed (Sмо, Sсуб,
Sотр); organisations without a total are listed and left out, and criterion means are taken over
the same organisations, so a group's total is the mean of its criterion means. The region level
is the mean over organisations or over municipalities (profile policy `region_from`); the sphere
level groups by region and sphere.

Ranking is competition ranking ("1, 2, 2, 4"): organisations whose totals show the same at the
display precision share a rank.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from fractions import Fraction

from nok.errors import UserError
from rules.profile import CRITERIA, Profile
from scoring.models import Flag, GroupScore, OrgScore
from scoring.numbers import as_float, mean, rounded


def _mean_of(values: list[float | None]) -> float | None:
    if not values or any(v is None for v in values):
        return None
    return as_float(mean([Fraction(v) for v in values]))


def _roots(orgs: dict[str, OrgScore], warnings: list[str]) -> dict[str, str]:
    """Each branch's top-level parent; unknown parents are reported and the row stands alone."""
    roots: dict[str, str] = {}
    for org in orgs.values():
        seen = [org.org_id]
        current = org
        while current.parent_id:
            if current.parent_id not in orgs:
                warnings.append(f"Организация «{current.org_id}»: головная организация «{current.parent_id}» "
                                "не найдена среди оцениваемых; филиал оценивается отдельно.")
                break
            if current.parent_id in seen:
                raise UserError(f"Головные организации образуют цикл: {' → '.join(seen + [current.parent_id])}.")
            seen.append(current.parent_id)
            current = orgs[current.parent_id]
        roots[org.org_id] = current.org_id
    return roots


def merge_branches(orgs: list[OrgScore], profile: Profile, warnings: list[str]) -> None:
    by_id = {o.org_id: o for o in orgs}
    roots = _roots(by_id, warnings)
    if profile.policies.branches == "separate":
        return
    members: dict[str, list[OrgScore]] = defaultdict(list)
    for org in orgs:
        members[roots[org.org_id]].append(org)
    for root_id, group in members.items():
        if len(group) == 1:
            continue
        parent = by_id[root_id]
        branches = [o for o in group if o.org_id != root_id]
        incomplete = [m.org_id for m in group if m.total is None]
        parent.branches = [b.org_id for b in branches]
        parent.own_criteria, parent.own_total = dict(parent.criteria), parent.total
        for b in branches:
            b.rated = False
        parent.indicators = {i: _mean_of([m.indicators.get(i) for m in group]) for i in parent.indicators}
        parent.criteria = {c: _mean_of([m.criteria.get(c) for m in group]) for c in CRITERIA}
        computed = [parent.criteria[c] for c in CRITERIA]
        parent.total = None if None in computed else as_float(mean([Fraction(v) for v in computed]))
        parent.flags.append(Flag(code="branches_merged", severity="info",
                                 message=f"Баллы — среднее по организации и её филиалам: {', '.join(parent.branches)}"))
        if incomplete:
            parent.flags.append(Flag(code="missing_input", message="Общий балл с филиалами не рассчитан: нет итога у "
                                     + ", ".join(incomplete)))


def rank(items: list, value: Callable[[object], float | None], profile: Profile, attr: str = "rank") -> None:
    """Competition ranking by value, descending; equal at display precision → equal rank."""
    decimals, mode = profile.rounding.decimals, profile.rounding.mode
    keyed = [(rounded(v, decimals, mode), item) for item in items if (v := value(item)) is not None]
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    previous, position = None, 0
    for index, (key, item) in enumerate(keyed, start=1):
        if key != previous:
            position, previous = index, key
        setattr(item, attr, position)


def _group(level: str, name: str, members: list[OrgScore], **extra: str) -> GroupScore:
    with_total = [m for m in members if m.total is not None]
    totals = [m.total for m in with_total]
    return GroupScore(
        level=level, name=name, organizations=[m.org_id for m in with_total],
        without_total=[m.org_id for m in members if m.total is None],
        criteria={c: _mean_of([m.criteria[c] for m in with_total]) for c in CRITERIA},
        total=_mean_of(totals), min_total=min(totals, default=None), max_total=max(totals, default=None), **extra,
    )


def _of_groups(level: str, name: str, groups: list[GroupScore], **extra: str) -> GroupScore:
    """A group made of groups (a region as the mean of its municipalities)."""
    with_total = [g for g in groups if g.total is not None]
    totals = [g.total for g in with_total]
    return GroupScore(
        level=level, name=name, organizations=[o for g in with_total for o in g.organizations],
        without_total=[o for g in groups for o in g.without_total],
        criteria={c: _mean_of([g.criteria[c] for g in with_total]) for c in CRITERIA},
        total=_mean_of(totals), min_total=min(totals, default=None), max_total=max(totals, default=None), **extra,
    )


NO_NAME = "(не указано)"


def aggregate(orgs: list[OrgScore], profile: Profile) -> tuple[list[GroupScore], list[GroupScore], list[GroupScore]]:
    units = [o for o in orgs if o.rated]
    by_mun: dict[tuple[str, str], list[OrgScore]] = defaultdict(list)
    by_region: dict[str, list[OrgScore]] = defaultdict(list)
    by_sphere: dict[tuple[str, str], list[OrgScore]] = defaultdict(list)
    for o in units:
        by_mun[(o.region, o.municipality)].append(o)
        by_region[o.region].append(o)
        by_sphere[(o.region, o.sphere)].append(o)
    municipalities = [_group("municipality", m or NO_NAME, ms, region=r) for (r, m), ms in sorted(by_mun.items())]
    if profile.policies.region_from == "municipalities":
        regions = [_of_groups("region", r or NO_NAME, [g for g in municipalities if g.region == r])
                   for r in sorted(by_region)]
    else:
        regions = [_group("region", r or NO_NAME, rs) for r, rs in sorted(by_region.items())]
    spheres = [_group("sphere", profile.spheres[s].title, ss, region=r, sphere=s)
               for (r, s), ss in sorted(by_sphere.items())]
    for level in (municipalities, regions, spheres):
        rank(level, lambda g: g.total, profile)
    rank(units, lambda o: o.total, profile)
    for group in by_mun.values():
        rank(group, lambda o: o.total, profile, attr="rank_in_municipality")
    return municipalities, regions, spheres


def ordered(orgs: list[OrgScore]) -> list[OrgScore]:
    """Rated organisations by rank (unranked last), each followed by its merged branches."""
    by_id = {o.org_id: o for o in orgs}
    units = sorted((o for o in orgs if o.rated), key=lambda o: (o.rank is None, o.rank or 0, o.org_id))
    result = []
    for unit in units:
        result.append(unit)
        result.extend(by_id[b] for b in unit.branches)
    return result
