"""`nok check --render never|auto` on a site whose menu and contacts are built by a script
(tests/crawler/browser_sites.py): the difference a browser makes, screenshots embedded in the
HTML report; and the Russian messages when Chromium is missing."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
from rich.console import Console

from crawler.browser import BrowserMissing, browser_available, resolve
from crawler.options import CrawlOptions
from nok.errors import UserError
from nok.site_audit import browser_check
from tests.crawler.browser_sites import svetly_site

CHROMIUM = "/usr/bin/chromium"


def nok(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "nok.cli", *args], capture_output=True, text=True,
                          timeout=timeout)


@pytest.mark.browser
@pytest.mark.skipif(not browser_available(CHROMIUM), reason=f"нет браузера Chromium ({CHROMIUM})")
def test_render_never_and_auto_show_the_difference_and_screenshots_go_into_the_report(tmp_path):
    with svetly_site() as site:
        url = site.url + "/"
        never = nok("check", url, "--render", "never", "--no-external", "--delay", "0",
                    "--json", str(tmp_path / "never.json"))
        auto = nok("check", url, "--render", "auto", "--no-external", "--delay", "0", "--screenshots",
                   "--json", str(tmp_path / "auto.json"), "--html", str(tmp_path / "auto.html"))
        methods = {m for m, _ in site.methods}
    assert never.returncode in (0, 1) and auto.returncode in (0, 1), auto.stderr[-2000:]
    before = json.loads((tmp_path / "never.json").read_text(encoding="utf-8"))
    after = json.loads((tmp_path / "auto.json").read_text(encoding="utf-8"))
    outcome = {r: {f["id"]: f["outcome"] for f in rep["findings"]} for r, rep in (("never", before), ("auto", after))}
    for rule_id in ("social-founder", "remote-email", "remote-eservice"):
        assert outcome["never"][rule_id] == "absent" and outcome["auto"][rule_id] == "present", rule_id
    assert before["crawl"]["render_mode"] == "never" and before["crawl"]["rendered"] == 0
    assert after["crawl"]["rendered"] >= 5 and after["crawl"]["render_s"] > 0
    assert "без браузера" in never.stdout and "браузере открыто страниц" in auto.stdout
    shots = [e["screenshot"] for f in after["findings"] if f["outcome"] == "present" for e in f["evidence"]
             if e["screenshot"]]
    assert shots and all((tmp_path / "auto-снимки").as_posix() in s for s in shots)
    html = (tmp_path / "auto.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/jpeg;base64,') >= 3
    assert "видно только после выполнения скриптов" in html
    assert methods <= {"GET", "HEAD"}


def test_without_chromium_auto_goes_on_with_a_warning_and_always_is_an_error(capsys):
    missing = CrawlOptions(browser_executable="/nonexistent/chromium")
    options, note = resolve(missing)
    assert options.render == "never" and "Chromium не найден" in note
    with pytest.raises(BrowserMissing, match="--render always"):
        resolve(missing.model_copy(update={"render": "always"}))
    with pytest.raises(UserError, match="Режим --render always невозможен: браузер Chromium не найден"):
        browser_check(missing.model_copy(update={"render": "always"}), None)
    console = Console(file=sys.stderr, highlight=False)
    assert browser_check(missing, console).render == "auto"  # the crawl itself degrades, saying so
    assert "Внимание" in capsys.readouterr().err
