"""`nok eval` over the labelled corpus, in a subprocess (one crawl per process), against the
floors of tests/corpus/floors.yaml: CI fails when accuracy falls below them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from checks.evaluation import load_labels
from checks.engine import load_checked_pack
from crawler.browser import browser_available

CHROMIUM = "/usr/bin/chromium"

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"


def test_every_corpus_site_labels_every_site_checked_id():
    ids = list(load_checked_pack().rules)
    files = sorted(CORPUS.glob("*/labels.yaml")) + sorted((CORPUS / "real").glob("*.yaml"))
    assert len(list(CORPUS.glob("*/labels.yaml"))) >= 20
    for path in files:
        labels = load_labels(path, ids)  # raises on a missing or unknown id
        for rule_id, exp in labels.expect.items():
            if exp.outcome.value == "present" and not rule_id.startswith("format-") and path.parent.name != "real":
                assert exp.where, f"{path}: {rule_id} is labelled present without where"


def test_corpus_pages_do_not_link_to_other_hosts_by_absolute_url():
    """Sites are served on 127.0.0.x: an absolute link to the site's own fictional domain would
    leave the site (external links such as bus.gov.ru are fine: they are never fetched)."""
    for labels_file in CORPUS.glob("*/labels.yaml"):
        for page in (labels_file.parent / "www").rglob("*.htm*"):
            text = page.read_bytes().decode("utf-8", errors="replace")
            assert "http://SITE" not in text and "127.0.0.1" not in text, page


def test_eval_meets_the_floors(tmp_path):
    out = tmp_path / "eval.json"
    floors = yaml.safe_load((CORPUS / "floors.yaml").read_text(encoding="utf-8"))["tiers"]
    floors_file = CORPUS / "floors.yaml"
    if not browser_available(CHROMIUM):  # the browser tier's floors assume rendered pages
        floors.pop("browser")
        floors_file = tmp_path / "floors.yaml"
        floors_file.write_text(yaml.safe_dump({"tiers": floors}), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "nok.cli", "eval", str(CORPUS), "--check-floors",
                           "--floors", str(floors_file), "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.is_file(), proc.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    failed = [f for f in result["floors"] if not f["ok"]]
    assert proc.returncode == 0 and not failed, (failed, proc.stdout[-6000:], proc.stderr[-2000:])
    assert {"static", "browser"} <= set(result["tiers"])  # the fictional tiers always run
    checked = {f["tier"] for f in result["floors"]}
    assert checked == set(floors) & set(result["tiers"])
    # every disagreement is printed with its evidence or the pages examined
    for c in result["comparisons"]:
        if c["kind"] != "agree":
            assert f"{c['site']} · {c['id']}" in proc.stdout
