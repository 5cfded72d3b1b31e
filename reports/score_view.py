"""Russian labels and small formatters shared by the score renderers (terminal, XLSX)."""
from __future__ import annotations

from scoring.models import Flag, GroupScore, IndicatorScore, OrgScore, ScoreResult
from scoring.numbers import display

CRITERIA = ("K1", "K2", "K3", "K4", "K5")
STATUS_RU = {
    "computed": "рассчитан", "given": "из файла", "not_applicable": "не применяется в сфере",
    "missing": "нет данных", "excluded": "исключён (знаменатель 0)",
}
SEVERITY_RU = {"risk": "риск", "warning": "предупреждение", "info": "сведения"}
LEVEL_RU = {"municipality": "Муниципальное образование", "region": "Субъект РФ", "sphere": "Сфера"}
POLICY_RU = {
    "exclude": "исключить и перенормировать веса", "zero": "считать 0 баллов", "hundred": "считать 100 баллов",
    "merge": "балл головной организации — среднее с филиалами", "separate": "филиалы оцениваются отдельно",
    "organizations": "среднее по организациям", "municipalities": "среднее по муниципальным образованиям",
}


def fmt(result: ScoreResult, value: float | None, empty: str = "—") -> str:
    return display(value, result.profile.rounding_decimals, result.profile.rounding_mode, empty)


def inputs_text(detail: IndicatorScore) -> str:
    return "; ".join(f"{k} = {v}" for k, v in detail.inputs.items())


def group_place(group: GroupScore) -> str:
    return group.name + (f" ({group.region})" if group.region and group.level != "region" else "")


def org_label(org: OrgScore) -> str:
    name = org.name or org.org_id
    return f"↳ {name}" if not org.rated else name


def flag_text(flag: Flag) -> str:
    """The message, with its scope in front unless the message already starts with it."""
    if flag.scope and not flag.message.startswith(flag.scope.split(",")[0]):
        return f"{flag.scope}: {flag.message}"
    return flag.message


def shown_flags(org: OrgScore, with_info: bool = False) -> list[Flag]:
    return [f for f in org.flags if with_info or f.severity != "info"]
