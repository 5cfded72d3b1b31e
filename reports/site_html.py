"""The self-contained HTML report of one site (jinja2, autoescaped)."""
from __future__ import annotations

import base64
import mimetypes
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from checks.findings import Outcome, SiteReport
from reports.site_model import fmt, group_findings, render_summary
from rules.loader import RulePack

_ENV = Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(["html", "j2"]),
                   trim_blocks=True, lstrip_blocks=True)
_ENV.filters["fmt"] = fmt
MAX_EMBEDDED = 5 * 1024 * 1024  # a screenshot file larger than this is linked, not embedded


def embedded(src: str) -> str:
    """A screenshot as a data URI, so the report is one self-contained file; a path that is
    not a readable file (or too big) stays a link."""
    if not src or src.startswith(("data:", "http://", "https://")):
        return src
    path = Path(src)
    try:
        if path.is_file() and path.stat().st_size <= MAX_EMBEDDED:
            mime = mimetypes.guess_type(path.name)[0] or "image/jpeg"
            return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    except OSError:
        pass
    return path.as_uri() if path.is_absolute() else src


_ENV.filters["embedded"] = embedded


def render_site_html(report: SiteReport, pack: RulePack) -> str:
    return _ENV.get_template("site_report.html.j2").render(
        report=report, pack=pack, groups=group_findings(report, pack), Outcome=Outcome,
        browser_line=render_summary(report.crawl))


def write_site_html(report: SiteReport, pack: RulePack, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_site_html(report, pack), encoding="utf-8")
