"""The 344н calculation for one organisation: indicators 1.1 … 5.3, criteria K1 … K5, total Sn.

Generic over the methodology profile: an indicator is a mean of ratios («info»: items found /
items required, per channel; «survey»: «да» / answered, per question), or points per condition
with a cap («points»). Every value is an exact Fraction; nothing is rounded here.

No data is never a number: an indicator without its inputs is `missing` and so is its criterion
and the total. A ratio with a zero denominator follows the profile's policy (exclude and
renormalise, or count as 0 or 100) and is always flagged.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from math import ceil

from nok.errors import UserError
from rules.profile import CRITERIA, IndicatorDef, Profile
from scoring.models import ChecklistEntry, Flag, GivenScores, IndicatorScore, OrgInfo, OrgScore, SiteInput, SurveyCounts
from scoring.numbers import HUNDRED, as_float, as_number, display, mean
from scoring.site import LOW_VISION

CHECKLIST = "чек-лист"
SURVEY = "анкеты"
SITE = "сайт (nok check)"
GIVEN = "готовые значения"
ZERO_POLICY_RU = {"exclude": "не учитывается, расчёт по остальным частям с перенормировкой весов",
                  "zero": "засчитано 0 баллов",
                  "hundred": "засчитано 100 баллов"}


@dataclass
class OrgInputs:
    """Everything known about one organisation, joined by its id."""

    org: OrgInfo
    checklist: ChecklistEntry | None = None
    survey: SurveyCounts | None = None
    site: SiteInput | None = None
    given: GivenScores | None = None


@dataclass
class Result:
    """One indicator while it is being computed."""

    status: str = "computed"
    value: Fraction | None = None
    inputs: dict[str, Fraction | int | str | None] = field(default_factory=dict)
    formula: str = ""
    sources: set[str] = field(default_factory=set)
    flags: list[Flag] = field(default_factory=list)

    def flag(self, code: str, message: str, scope: str, severity: str = "warning") -> None:
        self.flags.append(Flag(code=code, message=message, scope=scope, severity=severity))


def _n(value: Fraction | int | None) -> str:
    """A number inside a formula: whole numbers as is, others with two decimals."""
    if value is None:
        return "—"
    value = Fraction(value)
    return str(value.numerator) if value.denominator == 1 else display(value)


class Calculator:
    def __init__(self, profile: Profile):
        self.profile = profile
        self.policy = profile.policies.zero_denominator

    # --- items: checklist first, then the site report ------------------------------------------

    def _site_values(self, site: SiteInput | None, group: str) -> dict[str, bool | None] | None:
        """What the site report says about the items of a group it covers (None: not decided)."""
        if site is None or not site.reachable:
            return None
        if group == "info":
            return {i: site.info.get(i) for i in self.profile.inputs.info_items}
        if group == "remote":
            return {i: site.remote.get(i) for i in self.profile.group("remote").ids}
        if group == "access":
            return {LOW_VISION: site.low_vision}
        return None

    def _items(self, ids: list[str], checklist: dict[str, bool] | None, site: dict[str, bool | None] | None,
               result: Result, scope: str, label: str) -> dict[str, bool] | None:
        """Resolve each item (checklist wins over the site report); None if any item has no data."""
        values: dict[str, bool] = {}
        no_data, undecided, disagree = [], [], []
        for item in ids:
            from_list = checklist.get(item) if checklist else None
            in_site = site is not None and item in site
            from_site = site.get(item) if site else None
            if from_list is not None:
                values[item] = from_list
                result.sources.add(CHECKLIST)
                if from_site is not None and from_site != from_list:
                    disagree.append(f"{self._title(item)} (чек-лист: {'есть' if from_list else 'нет'}, "
                                    f"сайт: {'есть' if from_site else 'нет'})")
            elif from_site is not None:
                values[item] = from_site
                result.sources.add(SITE)
            elif in_site:
                undecided.append(item)
            else:
                no_data.append(item)
        if disagree:
            result.flag("checklist_overrides_site", f"{label}: чек-лист расходится с проверкой сайта, взят чек-лист: "
                        + "; ".join(disagree), scope, "info")
        if no_data:
            result.flag("missing_input", f"{label}: нет данных по пунктам: "
                        + ", ".join(self._title(i) for i in no_data), scope)
            return None
        if undecided:
            names = ", ".join(self._title(i) for i in undecided)
            if self.profile.policies.site_undecided == "error":
                raise UserError(f"{label}: проверка сайта не дала ответа по пунктам: {names}; "
                                "укажите их в чек-листе.")
            result.flag("site_undecided", f"{label}: проверка сайта не дала ответа (требует проверки) по пунктам: "
                        f"{names}; засчитаны как отсутствующие — уточните их в чек-листе", scope)
            values.update({i: False for i in undecided})
            result.sources.add(SITE)
        return values

    def _title(self, item: str) -> str:
        inputs = self.profile.inputs
        if item in inputs.info_items:
            return f"«{inputs.info_items[item]}»"
        for group in self.profile.conditions.groups.values():
            for it in group.items:
                if it.id == item:
                    return f"«{it.title}»"
        return item

    # --- ratios and the zero-denominator policy -----------------------------------------------

    def _ratio(self, num: Fraction, den: Fraction, result: Result, scope: str,
               what: str) -> tuple[Fraction | None, str]:
        """num / den and its term for the formula; the policy's value when den is 0 (None: excluded)."""
        term = f"{_n(num)}/{_n(den)}"
        if den:
            return Fraction(num) / den, term
        result.flag("zero_denominator", f"{what} — {ZERO_POLICY_RU[self.policy]} "
                    f"(политика методики «{self.policy}»)", scope)
        value = {"exclude": None, "zero": Fraction(0), "hundred": Fraction(1)}[self.policy]
        return value, term + (" (исключено)" if value is None else f" → {_n(value)}")

    def _mean_of_parts(self, ind: IndicatorDef, parts: list[tuple[Fraction | None, str]], result: Result) -> None:
        kept = [term for value, term in parts if value is not None]
        dropped = [term for value, term in parts if value is None]
        if not kept:
            result.status = "excluded"
            result.formula = f"{ind.symbol}: {', '.join(dropped)} — не рассчитывается"
            return
        inner = kept[0] if len(kept) == 1 else f"({' + '.join(kept)}) / {len(kept)}"
        result.value = mean([value for value, _ in parts if value is not None]) * HUNDRED
        result.formula = f"{ind.symbol} = {inner} × 100" + (f"; {', '.join(dropped)}" if dropped else "")

    # --- the three methods --------------------------------------------------------------------

    def info(self, ind_id: str, ind: IndicatorDef, data: OrgInputs) -> Result:
        result = Result()
        parts = []
        checklist = data.checklist
        for part in ind.info:
            label = f"{ind_id} ({self.profile.inputs.channels[part.channel].column_prefix.lower()})"
            if checklist and part.channel in checklist.info_counts:
                found, required = checklist.info_counts[part.channel]
                result.sources.add(CHECKLIST)
            else:
                counted = self._info_items(part.channel, part.preset, data, result, ind_id, label)
                if counted is None:
                    result.status = "missing"
                    continue
                found, required = counted
            result.inputs[part.found], result.inputs[part.required] = found, required
            parts.append(self._ratio(found, required, result, ind_id, f"{label}: перечень пуст ({part.required} = 0)"))
        if result.status != "missing":
            self._mean_of_parts(ind, parts, result)
        return result

    def _info_items(self, channel: str, preset: str, data: OrgInputs, result: Result, scope: str,
                    label: str) -> tuple[Fraction, Fraction] | None:
        sphere = data.org.sphere
        ids = self.profile.preset_ids(sphere, preset)
        if ids is None:
            result.flag("missing_input", f"{label}: для сферы «{self.profile.spheres[sphere].title}» нет перечня "
                        "пунктов в методике; нужны числа Истенд/Инорм (или готовые значения показателей)", scope)
            return None
        from_list = data.checklist.groups.get(channel) if data.checklist else None
        site = self._site_values(data.site, "info") if channel == "site" else None
        if channel == "site" and data.site and not data.site.reachable and from_list is None:
            result.flag("missing_input", f"{label}: сайт не удалось проверить ({data.site.crawl_error or 'недоступен'}); "
                        "это не то же, что «на сайте ничего нет»", scope)
            return None
        if from_list is None and site is None:
            where = "в чек-листе (стенд)" if channel == "stand" else "ни в чек-листе, ни в отчётах nok check"
            result.flag("missing_input", f"{label}: нет данных {where}", scope)
            return None
        values = self._items(ids, from_list, site, result, scope, label)
        if values is None:
            return None
        return Fraction(sum(values.values())), Fraction(len(ids))

    def points(self, ind_id: str, ind: IndicatorDef, data: OrgInputs) -> Result:
        result = Result()
        spec = ind.points
        group = self.profile.group(spec.group)
        from_list = data.checklist.groups.get(spec.group) if data.checklist else None
        site = self._site_values(data.site, spec.group)
        label = f"{ind_id} {ind.symbol}"
        if from_list is None and site is None:
            result.status = "missing"
            result.flag("missing_input", f"{label}: нет данных в чек-листе", ind_id)
            return result
        values = self._items(group.ids, from_list, site, result, ind_id, label)
        if values is None:
            result.status = "missing"
            return result
        count = sum(values.values())
        raw = count * spec.per_item
        result.value = min(spec.cap, raw)
        result.inputs = {spec.count: count, spec.value: spec.per_item}
        capped = f" → {_n(spec.cap)} (не более {_n(spec.cap)})" if raw > spec.cap else ""
        result.formula = f"{ind.symbol} = {_n(spec.per_item)} × {count} = {_n(raw)}{capped}"
        return result

    def survey(self, ind_id: str, ind: IndicatorDef, data: OrgInputs) -> Result:
        result = Result()
        if data.survey is None:
            result.status = "missing"
            result.flag("missing_input", "Нет анкет этой организации", ind_id)
            return result
        parts = []
        for part in ind.survey:
            q = self.profile.questions.question(part.question)
            tally = data.survey.answers.get(part.question)
            if tally is None:
                result.status = "missing"
                result.flag("missing_input", f"{ind_id}: в анкетах нет вопроса {q.code} («{q.short}»)", ind_id)
                continue
            result.inputs[part.satisfied], result.inputs[part.base] = tally.yes, tally.answered
            if q.filter:
                who = f"никто из ответивших «да» на {self.profile.questions.question(q.filter).code} не ответил на {q.code}"
            else:
                who = f"на вопрос {q.code} никто не ответил"
            parts.append(self._ratio(Fraction(tally.yes), Fraction(tally.answered), result, ind_id,
                                     f"{ind_id}: {who} ({part.base} = 0)"))
        result.sources.add(SURVEY)
        if result.status != "missing":
            self._mean_of_parts(ind, parts, result)
        return result

    # --- an organisation ----------------------------------------------------------------------

    def indicators(self, data: OrgInputs) -> dict[str, Result]:
        sphere = data.org.sphere
        results: dict[str, Result] = {}
        for ind_id in self.profile.indicator_ids():
            ind = self.profile.indicators[ind_id]
            if not self.profile.applicable(sphere, ind_id):
                results[ind_id] = Result(status="not_applicable")
            elif data.given is not None:
                results[ind_id] = self._given(ind_id, data.given)
            else:
                try:
                    results[ind_id] = getattr(self, ind.method)(ind_id, ind, data)
                except UserError as exc:
                    raise UserError(f"Организация «{data.org.org_id}»: {exc}") from None
        return results

    def _given(self, ind_id: str, given: GivenScores) -> Result:
        result = Result(status="given", sources={f"{GIVEN} ({given.source})"})
        result.value = given.values.get(ind_id)
        if result.value is None:
            result.status = "missing"
            result.flag("missing_input", f"{ind_id}: в файле {given.source} нет значения", ind_id)
        return result

    def criteria(self, sphere: str, results: dict[str, Result]) -> tuple[dict[str, Fraction | None],
                                                                          dict[str, dict[str, Fraction]], list[Flag]]:
        values: dict[str, Fraction | None] = {}
        weights_used: dict[str, dict[str, Fraction]] = {}
        flags: list[Flag] = []
        for crit in CRITERIA:
            weights = self.profile.weights(sphere, crit)
            missing = [i for i in weights if results[i].status == "missing"]
            kept = {i: w for i, w in weights.items() if results[i].status in ("computed", "given")}
            if missing:
                values[crit] = None
                flags.append(Flag(code="missing_input", scope=crit,
                                  message=f"{crit} не рассчитан: нет данных для показателей {', '.join(missing)}"))
                continue
            if not kept:
                values[crit] = None
                flags.append(Flag(code="zero_denominator", scope=crit,
                                  message=f"{crit} не рассчитан: все показатели исключены (знаменатель 0)"))
                continue
            total_weight = sum(kept.values())
            weights_used[crit] = {i: w / total_weight for i, w in kept.items()}
            values[crit] = sum(w * results[i].value for i, w in kept.items()) / total_weight
            if total_weight != 1:
                dropped = ", ".join(i for i in weights if i not in kept)
                flags.append(Flag(code="renormalized", scope=crit,
                                  message=f"{crit}: без показателей {dropped}, веса остальных перенормированы "
                                          f"(сумма весов была {display(total_weight)})"))
        return values, weights_used, flags

    def total(self, criteria: dict[str, Fraction | None]) -> tuple[Fraction | None, list[Flag]]:
        missing = [c for c in CRITERIA if criteria.get(c) is None]
        if missing:
            return None, [Flag(code="missing_input", message=f"Итоговый балл не рассчитан: нет {', '.join(missing)}")]
        return mean([criteria[c] for c in CRITERIA]), []

    def risk_flags(self, criteria: dict[str, Fraction | None]) -> list[Flag]:
        threshold = self.profile.policies.risk_threshold
        return [Flag(code="risk_below_threshold", scope=c, severity="risk",
                     message=f"{c} = {display(v)} < {_n(threshold)} баллов — индикатор риска "
                             f"({self.profile.policies.risk_basis})")
                for c, v in criteria.items() if v is not None and v < threshold]

    def sample_flags(self, data: OrgInputs) -> list[Flag]:
        survey, policy = data.survey, self.profile.survey
        if survey is None:
            return []
        flags = []
        required = policy.min_respondents or 0
        if data.org.recipients is not None and policy.sample_share is not None:
            by_share = ceil(policy.sample_share * data.org.recipients)
            required = max(required, min(by_share, policy.sample_cap) if policy.sample_cap else by_share)
        elif policy.sample_share is not None:
            flags.append(Flag(code="sample_unknown", severity="info",
                              message="Достаточность выборки не проверена: не указано число получателей услуг"))
        if survey.respondents < required:
            flags.append(Flag(code="small_sample", message=f"Опрошено {survey.respondents}, а по методике нужно "
                              f"не менее {required} (выборка мала)"))
        if survey.inconsistent:
            shown = "; ".join(survey.inconsistent[:5])
            more = f" … и ещё {len(survey.inconsistent) - 5}" if len(survey.inconsistent) > 5 else ""
            excluded = "в доли не вошли" if self.profile.policies.inconsistent_answers == "exclude" else ""
            flags.append(Flag(code="inconsistent_answers", message=f"Несогласованные ответы анкет "
                              f"({len(survey.inconsistent)}{', ' + excluded if excluded else ''}): {shown}{more}"))
        return flags

    def score(self, data: OrgInputs) -> OrgScore:
        org = data.org
        flags: list[Flag] = []
        if data.given is not None and data.given.kind == "criteria":
            criteria = {c: data.given.values.get(c) for c in CRITERIA}
            results: dict[str, Result] = {}
            weights: dict[str, dict[str, Fraction]] = {}
            flags += [Flag(code="missing_input", scope=c, message=f"{c}: в файле {data.given.source} нет значения")
                      for c in CRITERIA if criteria[c] is None]
        else:
            results = self.indicators(data)
            criteria, weights, crit_flags = self.criteria(org.sphere, results)
            flags += [f for r in results.values() for f in r.flags] + crit_flags
        total, total_flags = self.total(criteria)
        flags += total_flags + self.risk_flags(criteria) + self.sample_flags(data)
        if data.site is not None and not data.site.reachable:
            flags.append(Flag(code="site_unreachable", message=f"Сайт не удалось проверить: "
                              f"{data.site.crawl_error or 'недоступен'} ({data.site.source})"))
        if data.given is None:
            flags += [Flag(code="sphere_note", message=n, severity="info") for n in self.profile.spheres[org.sphere].notes]
        return OrgScore(
            org_id=org.org_id, name=org.name, sphere=org.sphere, municipality=org.municipality,
            region=org.region, parent_id=org.parent_id,
            indicators={i: as_float(r.value) for i, r in results.items()},
            criteria={c: as_float(v) for c, v in criteria.items()},
            total=as_float(total),
            details={i: self._detail(i, r) for i, r in results.items()},
            weights={c: {i: float(w) for i, w in ws.items()} for c, ws in weights.items()},
            respondents=data.survey.respondents if data.survey else None,
            flags=merge_flags(flags),
            suggestions=data.survey.suggestions if data.survey else [],
        )

    def _detail(self, ind_id: str, result: Result) -> IndicatorScore:
        return IndicatorScore(
            id=ind_id, symbol=self.profile.indicators[ind_id].symbol, value=as_float(result.value),
            status=result.status, inputs={k: as_number(v) if not isinstance(v, str) else v
                                          for k, v in result.inputs.items()},
            formula=result.formula, sources=sorted(result.sources),
        )


def merge_flags(flags: list[Flag]) -> list[Flag]:
    """One flag per cause: the same code and message for several indicators become one flag."""
    merged: dict[tuple[str, str], Flag] = {}
    for flag in flags:
        key = (flag.code, flag.message)
        if key in merged:
            if flag.scope and flag.scope not in merged[key].scope.split(", "):
                merged[key].scope = ", ".join(filter(None, [merged[key].scope, flag.scope]))
        else:
            merged[key] = flag.model_copy()
    return list(merged.values())
