"""The self-contained HTML report of one site (jinja2, autoescaped)."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from checks.findings import Outcome, SiteReport
from reports.site_model import fmt, group_findings
from rules.loader import RulePack

_ENV = Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(["html", "j2"]),
                   trim_blocks=True, lstrip_blocks=True)
_ENV.filters["fmt"] = fmt


def render_site_html(report: SiteReport, pack: RulePack) -> str:
    return _ENV.get_template("site_report.html.j2").render(
        report=report, pack=pack, groups=group_findings(report, pack), Outcome=Outcome)


def write_site_html(report: SiteReport, pack: RulePack, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_site_html(report, pack), encoding="utf-8")
