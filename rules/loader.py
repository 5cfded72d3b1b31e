"""Load a sphere's rule pack: rules/<sphere>/site/<id>.yaml (one rule per file), the pack's
settings (pack.yaml) and its Инорм presets (presets.yaml)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from rules.schema import PackPresets, Rule

RULES_DIR = Path(__file__).parent


class RuleError(Exception):
    """A rule file that cannot be used; the message names the file (Russian)."""


class PackSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sphere: str
    title: str
    # pages whose URL matches are news/event publications: a mention there is weak evidence
    news_url_patterns: list[str] = []


@dataclass
class RulePack:
    sphere: str
    settings: PackSettings
    rules: dict[str, Rule]
    presets: PackPresets
    source: Path = field(default=RULES_DIR)

    def preset(self, name: str) -> list[str]:
        return list(self.presets.presets[name].ids)

    def by_group(self, group: str) -> list[Rule]:
        return [r for r in self.rules.values() if r.group == group]

    def crawl_hints(self) -> dict:
        """What the crawler needs from the rules: link texts and URL patterns (such pages are
        fetched first), the pages rules want rendered, the targets to probe and the controls
        of the low-vision trial (crawler/plan.py reads these)."""
        texts: dict[str, None] = {}
        patterns: dict[str, None] = {}
        render_texts: dict[str, None] = {}
        render_patterns: dict[str, None] = {}
        probes: dict[str, None] = {}
        trial: dict[str, dict[str, None]] = {"texts": {}, "attrs": {}, "url_patterns": {}, "scripts": {}}
        probe_forms = False
        for rule in self.rules.values():
            loc = rule.locate
            texts.update(dict.fromkeys(loc.link_texts))
            patterns.update(dict.fromkeys(loc.url_patterns))
            if loc.render:
                render_texts.update(dict.fromkeys(loc.link_texts))
                render_patterns.update(dict.fromkeys(loc.url_patterns))
            probes.update(dict.fromkeys(loc.probe))
            probe_forms = probe_forms or loc.probe_forms
            if loc.trial:
                for key, values in trial.items():
                    values.update(dict.fromkeys(getattr(loc.trial, key)))
        return {"link_texts": list(texts), "url_patterns": list(patterns),
                "render_link_texts": list(render_texts), "render_url_patterns": list(render_patterns),
                "probe_url_patterns": list(probes), "probe_forms": probe_forms,
                "trial": {key: list(values) for key, values in trial.items()}}


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleError(f"Не удалось прочитать файл правил {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise RuleError(f"Файл правил {path} должен содержать словарь YAML")
    return data


def load_rule(path: Path) -> Rule:
    """One rule file; check names and parameters are validated by checks.engine.validate_pack."""
    data = _read_yaml(path)
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        raise RuleError(f"Правило {path.name} не соответствует схеме:\n{exc}") from exc
    if rule.id != path.stem:
        raise RuleError(f"Правило {path.name}: id «{rule.id}» не совпадает с именем файла")
    return rule


def pack_dir(sphere: str) -> Path:
    return RULES_DIR / sphere


def load_pack(sphere: str = "social", directory: Path | None = None,
              presets_file: Path | None = None) -> RulePack:
    directory = directory or pack_dir(sphere)
    if not directory.is_dir():
        known = sorted(p.name for p in RULES_DIR.iterdir() if (p / "pack.yaml").is_file())
        raise RuleError(f"Нет набора правил для сферы «{sphere}». Доступны: {', '.join(known)}")
    settings = PackSettings.model_validate(_read_yaml(directory / "pack.yaml"))
    rules = {}
    for path in sorted((directory / "site").glob("*.yaml")):
        rule = load_rule(path)
        rules[rule.id] = rule
    try:
        presets = PackPresets.model_validate(_read_yaml(presets_file or directory / "presets.yaml"))
    except ValidationError as exc:
        raise RuleError(f"Файл перечней (presets) не соответствует схеме:\n{exc}") from exc
    for name, preset in presets.presets.items():
        unknown = [i for i in preset.ids if i not in rules]
        if unknown:
            raise RuleError(f"В перечне «{name}» неизвестные пункты: {', '.join(unknown)}")
    return RulePack(sphere, settings, rules, presets, directory)
