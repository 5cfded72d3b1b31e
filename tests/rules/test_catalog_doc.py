"""docs/rules-social.md is generated from the rule files and must match them."""
from __future__ import annotations

import re

from rules.catalog_doc import doc_path, main, render
from rules.loader import load_pack


def test_committed_catalog_matches_the_rules():
    committed = doc_path("social").read_text(encoding="utf-8")
    assert committed == render(load_pack("social")), (
        "docs/rules-social.md is out of date: run `python -m rules.catalog_doc`")


def test_every_rule_has_one_entry_with_its_basis_and_recommendation():
    pack = load_pack("social")
    text = render(pack)
    headings = re.findall(r"^### `([a-z0-9-]+)`", text, re.M)
    assert sorted(headings) == sorted(pack.rules)
    for rule in pack.rules.values():
        entry = text.split(f"### `{rule.id}`", 1)[1].split("\n### ", 1)[0]
        assert rule.basis[0].act in entry and "**Рекомендация:**" in entry
        assert entry.count("\n- ") >= len(rule.basis) + len(rule.checks())


def test_main_writes_the_file(tmp_path):
    target = tmp_path / "rules.md"
    assert main(["--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render(load_pack("social"))
