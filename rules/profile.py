"""Methodology profiles (344н as data) and the catalogs they use: schema and loader.

A profile (`rules/profiles/*.yaml`) names the indicators, how each is computed, points and caps,
criterion weights per sphere, rounding and policies. It points to three catalogs beside it:
conditions (catalog sections B–E), the survey questions (F) and the input vocabulary (yes/no
words, organisation columns, short labels of the section A items), and per sphere to the presets
file with the Инорм lists. Everything is validated when loaded, with cross-references checked,
so a broken profile fails at once with its file named, never halfway through a calculation.
"""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from nok.errors import UserError
from rules.schema import Confidence, PackPresets

RULES_DIR = Path(__file__).resolve().parent
PROFILES_DIR = RULES_DIR / "profiles"
DEFAULT_PROFILE = "social-344n-2018"

CRITERIA = ("K1", "K2", "K3", "K4", "K5")


class ProfileError(UserError):
    """A methodology profile or catalog file that cannot be used."""


# --- catalogs -------------------------------------------------------------------------------


class ConditionItem(BaseModel):
    id: str
    title: str
    channel: Literal["site", "visit", "stand"]
    basis_confidence: Confidence


class ConditionGroup(BaseModel):
    section: str
    title: str
    column_prefix: str
    basis: str
    basis_confidence: Confidence
    items: list[ConditionItem]

    @property
    def ids(self) -> list[str]:
        return [item.id for item in self.items]


class ConditionsCatalog(BaseModel):
    format: Literal["nok-conditions"]
    version: int
    sphere: str
    groups: dict[str, ConditionGroup]


class Question(BaseModel):
    id: str
    code: str
    kind: Literal["yes_no", "text"]
    short: str
    text: str
    filter: str | None = None
    basis_confidence: Confidence


class SurveyCatalog(BaseModel):
    format: Literal["nok-survey"]
    version: int
    sphere: str
    basis: str
    questions: list[Question]

    def question(self, qid: str) -> Question:
        return next(q for q in self.questions if q.id == qid)

    @model_validator(mode="after")
    def _filters_exist(self) -> SurveyCatalog:
        ids = {q.id for q in self.questions}
        for q in self.questions:
            if q.filter and q.filter not in ids:
                raise ValueError(f"question {q.id}: unknown filter {q.filter}")
        return self


class FieldSpec(BaseModel):
    title: str
    aliases: list[str] = Field(default_factory=list)


class ChannelSpec(BaseModel):
    column_prefix: str
    title: str


class InputsCatalog(BaseModel):
    format: Literal["nok-inputs"]
    version: int
    sphere: str
    answers: dict[Literal["yes", "no"], list[str]]
    org_fields: dict[str, FieldSpec]
    survey_fields: dict[str, FieldSpec]
    info_counts: dict[str, FieldSpec]
    channels: dict[Literal["stand", "site"], ChannelSpec]
    info_items: dict[str, str]

    @field_validator("answers", mode="before")
    @classmethod
    def _answers_as_text(cls, value: dict) -> dict:
        # YAML reads 1 and 0 as numbers (and an unquoted yes/no key as a boolean)
        fixed = {}
        for key, words in value.items():
            name = {True: "yes", False: "no"}.get(key, key)
            fixed[name] = [str(w) for w in words]
        return fixed


# --- the profile ----------------------------------------------------------------------------


def _exact(value: object) -> Fraction:
    """A YAML number as the exact decimal it was written as (0.3 → 3/10)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError(f"not a number: {value!r}")
    return Fraction(Decimal(repr(value) if isinstance(value, float) else str(value)))


class InfoPart(BaseModel):
    channel: Literal["stand", "site"]
    preset: str
    found: str
    required: str


class PointsSpec(BaseModel):
    group: str
    per_item: Fraction
    cap: Fraction
    count: str
    value: str

    model_config = {"arbitrary_types_allowed": True}

    @field_validator("per_item", "cap", mode="before")
    @classmethod
    def _exact_numbers(cls, value: object) -> Fraction:
        return _exact(value)


class SurveyPart(BaseModel):
    question: str
    satisfied: str
    base: str
    title: str = ""


class IndicatorDef(BaseModel):
    symbol: str
    title: str
    basis_confidence: Confidence
    info: list[InfoPart] | None = None
    points: PointsSpec | None = None
    survey: list[SurveyPart] | None = None

    @property
    def method(self) -> Literal["info", "points", "survey"]:
        return "info" if self.info else "points" if self.points else "survey"

    @model_validator(mode="after")
    def _one_method(self) -> IndicatorDef:
        if sum(x is not None for x in (self.info, self.points, self.survey)) != 1:
            raise ValueError("an indicator has exactly one of info, points, survey")
        return self


Weights = dict[str, Fraction]


class CriterionDef(BaseModel):
    title: str
    weights: Weights

    model_config = {"arbitrary_types_allowed": True}

    @field_validator("weights", mode="before")
    @classmethod
    def _exact_weights(cls, value: dict) -> dict:
        return {str(k): _exact(v) for k, v in value.items()}


class SphereDef(BaseModel):
    title: str
    aliases: list[str] = Field(default_factory=list)
    presets: str | None = None
    not_applicable: list[str] = Field(default_factory=list)
    weights: dict[str, Weights] = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)

    model_config = {"arbitrary_types_allowed": True}

    @field_validator("weights", mode="before")
    @classmethod
    def _exact_weights(cls, value: dict) -> dict:
        return {c: {str(k): _exact(v) for k, v in w.items()} for c, w in value.items()}


class Rounding(BaseModel):
    decimals: int = 2
    mode: Literal["half_up", "half_even"] = "half_up"
    basis_confidence: Confidence = "unconfirmed"


ZeroPolicy = Literal["exclude", "zero", "hundred"]


class Policies(BaseModel):
    zero_denominator: ZeroPolicy = "exclude"
    zero_denominator_confidence: Confidence = "unconfirmed"
    inconsistent_answers: Literal["exclude", "error"] = "exclude"
    site_undecided: Literal["absent", "error"] = "absent"
    branches: Literal["merge", "separate"] = "merge"
    region_from: Literal["organizations", "municipalities"] = "organizations"
    region_from_confidence: Confidence = "unconfirmed"
    risk_threshold: Fraction = Fraction(50)
    risk_basis: str = ""
    risk_confidence: Confidence = "confirmed"

    model_config = {"arbitrary_types_allowed": True}

    @field_validator("risk_threshold", mode="before")
    @classmethod
    def _exact_threshold(cls, value: object) -> Fraction:
        return _exact(value)


class SurveyPolicy(BaseModel):
    sample_share: Fraction | None = None
    sample_cap: int | None = None
    min_respondents: int | None = None
    sample_confidence: Confidence = "unconfirmed"

    model_config = {"arbitrary_types_allowed": True}

    @field_validator("sample_share", mode="before")
    @classmethod
    def _exact_share(cls, value: object) -> Fraction | None:
        return None if value is None else _exact(value)


class Catalogs(BaseModel):
    conditions: str
    survey: str
    inputs: str


class Profile(BaseModel):
    format: Literal["nok-methodology-profile"]
    version: int
    id: str
    title: str
    basis: str
    basis_confidence: Confidence
    default_sphere: str
    catalogs: Catalogs
    rounding: Rounding
    policies: Policies
    survey: SurveyPolicy
    criteria: dict[str, CriterionDef]
    criteria_confidence: Confidence
    total: dict[str, str]
    indicators: dict[str, IndicatorDef]
    spheres: dict[str, SphereDef]

    model_config = {"arbitrary_types_allowed": True}

    # filled by the loader
    path: Path | None = None
    conditions: ConditionsCatalog | None = None
    questions: SurveyCatalog | None = None
    inputs: InputsCatalog | None = None
    presets: dict[str, PackPresets] = Field(default_factory=dict)

    # --- queries used by the calculator -------------------------------------------------------

    def applicable(self, sphere: str, indicator_id: str) -> bool:
        return indicator_id not in self.spheres[sphere].not_applicable

    def weights(self, sphere: str, criterion: str) -> Weights:
        return self.spheres[sphere].weights.get(criterion, self.criteria[criterion].weights)

    def preset_ids(self, sphere: str, preset: str) -> list[str] | None:
        presets = self.presets.get(sphere)
        if presets is None or preset not in presets.presets:
            return None
        return presets.presets[preset].ids

    def group(self, name: str) -> ConditionGroup:
        assert self.conditions is not None
        return self.conditions.groups[name]

    def indicator_ids(self) -> list[str]:
        return [i for c in CRITERIA for i in self.criteria[c].weights]

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        if tuple(self.criteria) != CRITERIA:
            raise ValueError(f"criteria must be exactly {', '.join(CRITERIA)} in that order")
        in_criteria = [i for d in self.criteria.values() for i in d.weights]
        if sorted(in_criteria) != sorted(self.indicators):
            raise ValueError("every indicator must be weighted in exactly one criterion")
        if self.default_sphere not in self.spheres:
            raise ValueError(f"default_sphere {self.default_sphere} is not among spheres")
        for key, sphere in self.spheres.items():
            for ind in sphere.not_applicable:
                if ind not in self.indicators:
                    raise ValueError(f"sphere {key}: unknown indicator {ind}")
            for crit in CRITERIA:
                weights = self.weights(key, crit)
                used = {i for i in weights if i not in sphere.not_applicable}
                if used != set(weights):
                    raise ValueError(f"sphere {key}: {crit} weighs a non-applicable indicator")
                if not set(weights) <= set(self.criteria[crit].weights):
                    raise ValueError(f"sphere {key}: {crit} weighs an indicator of another criterion")
                if sum(weights.values()) != 1:
                    raise ValueError(f"sphere {key}: weights of {crit} do not sum to 1")
            for crit, base in self.criteria.items():
                missing = set(base.weights) - set(self.weights(key, crit)) - set(sphere.not_applicable)
                if missing:
                    raise ValueError(f"sphere {key}: {crit} lacks weights for {sorted(missing)}")
        return self


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileError(f"Файл методики «{path}» не найден.") from None
    except yaml.YAMLError as exc:
        raise ProfileError(f"Файл методики «{path}» не читается как YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ProfileError(f"Файл методики «{path}»: ожидался словарь YAML верхнего уровня.")
    return data


def _parse(model: type[BaseModel], path: Path) -> BaseModel:
    try:
        return model.model_validate(_read_yaml(path))
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(корень)'}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise ProfileError(f"Файл методики «{path}» содержит ошибки: {problems}") from None


def resolve_profile_path(name: str | Path | None) -> Path:
    if name is None:
        return PROFILES_DIR / f"{DEFAULT_PROFILE}.yaml"
    path = Path(name)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return path
    candidate = PROFILES_DIR / f"{name}.yaml"
    if candidate.exists():
        return candidate
    known = ", ".join(sorted(p.stem for p in PROFILES_DIR.glob("*.yaml")))
    raise ProfileError(f"Методика «{name}» не найдена. Известные методики: {known}; или укажите путь к файлу YAML.")


def load_profile(name: str | Path | None = None) -> Profile:
    """Load and cross-check a profile with its catalogs (default: the 344н profile)."""
    path = resolve_profile_path(name)
    profile = _parse(Profile, path)
    assert isinstance(profile, Profile)
    base = path.parent
    profile.path = path
    profile.conditions = _parse(ConditionsCatalog, base / profile.catalogs.conditions)
    profile.questions = _parse(SurveyCatalog, base / profile.catalogs.survey)
    profile.inputs = _parse(InputsCatalog, base / profile.catalogs.inputs)
    for key, sphere in profile.spheres.items():
        if sphere.presets:
            profile.presets[key] = _parse(PackPresets, base / sphere.presets)
    _check_references(profile, path)
    return profile


def _check_references(profile: Profile, path: Path) -> None:
    problems: list[str] = []
    question_ids = {q.id for q in profile.questions.questions}
    info_ids = set(profile.inputs.info_items)
    for ind_id, ind in profile.indicators.items():
        if ind.points and ind.points.group not in profile.conditions.groups:
            problems.append(f"{ind_id}: нет группы условий «{ind.points.group}»")
        for part in ind.survey or []:
            if part.question not in question_ids:
                problems.append(f"{ind_id}: нет вопроса «{part.question}» в анкете")
            elif profile.questions.question(part.question).kind != "yes_no":
                problems.append(f"{ind_id}: вопрос «{part.question}» не «да/нет»")
        for part in ind.info or []:
            for sphere_key in profile.presets:
                ids = profile.preset_ids(sphere_key, part.preset)
                if ids is None:
                    problems.append(f"{ind_id}: в перечнях сферы {sphere_key} нет «{part.preset}»")
                elif unknown := sorted(set(ids) - info_ids):
                    problems.append(f"{ind_id}: пункты без названия в inputs: {', '.join(unknown)}")
    if problems:
        raise ProfileError(f"Файл методики «{path}» ссылается на несуществующее: " + "; ".join(problems))
