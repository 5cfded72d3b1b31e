"""The social pack holds exactly the site-channel ids of the catalog, and every rule is usable."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from checks.engine import validate_pack
from checks.registry import get_check
from rules.loader import load_pack
from rules.schema import Rule

ROOT = Path(__file__).resolve().parents[2]
# the shared reference beside the repository, when this checkout has it
CATALOG = ROOT.parent / "shared" / "reference" / "catalog-social.md"

# Sections A (information items), B (remote feedback methods), the low-vision version of C and
# G (advisory checks) of reference/catalog-social.md: the ids that the site channel checks.
SITE_IDS = {
    "social-registration-date", "social-founder", "social-location", "social-branches",
    "social-schedule", "social-contact-phones", "social-contact-emails", "social-structure",
    "social-management", "social-staff", "social-service-forms", "social-service-types",
    "social-service-procedure", "social-tariffs", "social-recipients-count", "social-vacancies",
    "social-service-volume", "social-facilities", "social-licenses", "social-finance",
    "social-internal-rules", "social-labour-rules", "social-collective-agreement",
    "social-inspections", "social-nok-results", "social-charter",
    "remote-phone", "remote-email", "remote-eservice", "remote-faq", "remote-opinion", "remote-other",
    "access-low-vision-version",
    "format-no-registration", "format-navigation", "format-documents-open", "format-freshness",
    "format-accessibility-basics",
}
SECTION_OF_PREFIX = {"social": "A", "remote": "B", "access": "C", "format": "G"}
REGEX_PARAMS = ("url_patterns", "attrs", "scripts", "inline", "iframes", "control_attrs",
                "followed_by", "near_pattern", "patterns")


@pytest.fixture(scope="module")
def pack():
    return load_pack("social")


def catalog_site_ids(text: str) -> set[str]:
    """Ids of sections A, B and G of the catalog, plus `access-low-vision-version` from C."""
    ids: set[str] = set()
    section = ""
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:4]
        elif section in ("A", "B", "G"):
            ids.update(re.findall(r"`((?:social|remote|format)-[a-z0-9-]+)`", line))
    if re.search(r"`access-low-vision-version`", text):
        ids.add("access-low-vision-version")
    return ids


def test_pack_has_exactly_the_site_ids(pack):
    assert len(SITE_IDS) == 38
    assert set(pack.rules) == SITE_IDS


@pytest.mark.skipif(not CATALOG.is_file(), reason="shared/reference/catalog-social.md is not beside this checkout")
def test_pack_matches_the_shared_catalog(pack):
    ids = catalog_site_ids(CATALOG.read_text(encoding="utf-8"))
    assert ids == SITE_IDS, f"catalog ids the test list lacks: {ids - SITE_IDS}; extra: {SITE_IDS - ids}"
    assert set(pack.rules) == ids


def test_one_file_per_id(pack):
    files = sorted(p.stem for p in (pack.source / "site").glob("*.yaml"))
    assert files == sorted(pack.rules) and len(files) == len(set(files))


def test_checks_and_params_are_valid(pack):
    validate_pack(pack)


@pytest.mark.parametrize("rule_id", sorted(SITE_IDS))
def test_rule_is_complete(pack, rule_id):
    rule: Rule = pack.rules[rule_id]
    assert rule.section == SECTION_OF_PREFIX[rule_id.split("-", 1)[0]]
    assert rule.basis and all(b.act and b.clause for b in rule.basis)
    for text in (rule.title, rule.failure_title, rule.description, rule.recommendation):
        assert re.search("[а-яё]", text, re.I), f"{rule_id}: a user-facing text is not in Russian: {text!r}"
    if rule.section == "A":
        assert rule.group == "information" and rule.indicator == "1.1"
        assert rule.locate.link_texts and rule.locate.url_patterns and rule.locate.headings
    if rule.section == "B":
        assert rule.group == "remote" and rule.indicator == "1.2"
    if rule.section == "G":
        assert rule.group == "advisory" and rule.indicator is None
    # a rule that can only ever say "needs review" is no rule
    assert any(not ref.weak for ref in rule.checks())


@pytest.mark.parametrize("rule_id", sorted(SITE_IDS))
def test_patterns_compile(pack, rule_id):
    rule = pack.rules[rule_id]
    for pattern in rule.locate.url_patterns:
        re.compile(pattern, re.I)
    for ref in rule.checks():
        get_check(ref.check)
        for name in REGEX_PARAMS:
            value = ref.params.get(name)
            for pattern in ([value] if isinstance(value, str) else value or []):
                re.compile(pattern, re.I | re.S)


def test_patterns_are_told_in_words(pack):
    """The rule catalog shows `about` instead of a regular expression nobody reads."""
    for rule in pack.rules.values():
        for ref in rule.checks():
            if ref.params.get("followed_by") or ref.params.get("near_pattern") or ref.params.get("patterns"):
                assert ref.about, f"{rule.id}: a {ref.check} check with a pattern needs `about`"


def test_unconfirmed_basis_stays_unconfirmed(pack):
    """A citation of 442-ФЗ art. 13 part 2 by item number rests on a reconstructed list."""
    for rule in pack.rules.values():
        for basis in rule.basis:
            if "442-ФЗ" in basis.act and "ч. 2" in basis.clause:
                assert basis.confidence == "unconfirmed", rule.id


def test_presets_reference_existing_ids(pack):
    for name, preset in pack.presets.presets.items():
        assert set(preset.ids) <= set(pack.rules), name
        assert all(pack.rules[i].section == "A" for i in preset.ids), name
    assert set(pack.preset("site")) == {i for i in SITE_IDS if i.startswith("social-")}


def test_catalog_parser_reads_sections():
    text = ("## A. Items\n| `social-a` | x |\n## C. Access\n| `access-low-vision-version` | y |\n"
            "| `access-braille` | z |\n## G. Advisory\n`format-b` (…), `format-c`\n## F. Survey\n`q01-x`\n")
    assert catalog_site_ids(text) == {"social-a", "access-low-vision-version", "format-b", "format-c"}
