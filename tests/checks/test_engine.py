from datetime import datetime, timezone

import pytest

from checks.engine import check_site, evaluate_rule, run_check, validate_pack
from checks.findings import Outcome
from checks.registry import CHECKS, CheckSpec, Params
from checks.site import SiteView
from checks.snapshot import Document, Failure, Link, Page, SiteSnapshot
from rules.loader import RuleError, load_pack
from rules.schema import CheckRef, Rule

BASIS = [{"act": "Федеральный закон от 28.12.2013 № 442-ФЗ", "clause": "ст. 13", "confidence": "unconfirmed"}]


def make_rule(checks, **extra):
    return Rule.model_validate({
        "id": "social-test", "sphere": "social", "section": "A", "group": "information", "indicator": "1.1",
        "title": "Тест", "failure_title": "Нет теста", "basis": BASIS, "recommendation": "Опубликуйте",
        "evidence": {"any": checks}, **extra})


def page(url, text="", **kw):
    return Page(url=url, final_url=url, status=200, text=text, **kw)


def view(*pages, documents=()):
    return SiteView(SiteSnapshot(start_url="http://org.example/", site="org.example", pages=list(pages),
                                 documents=list(documents)), news_url_patterns=["/novosti/"])


def test_present_with_evidence_url_and_snippet():
    rule = make_rule([{"check": "text", "params": {"phrases": ["коллективный договор"]}}])
    f = evaluate_rule(view(page("http://org.example/docs/", "Коллективный договор на 2024 год")), rule)
    assert f.outcome == Outcome.present
    assert f.evidence[0].url == "http://org.example/docs/"
    assert "Коллективный договор" in f.evidence[0].snippet


def test_absent_lists_examined_pages():
    rule = make_rule([{"check": "text", "params": {"phrases": ["коллективный договор"]}}])
    f = evaluate_rule(view(page("http://org.example/", "Главная"), page("http://org.example/a/", "О нас")), rule)
    assert f.outcome == Outcome.absent
    assert f.examined == ["http://org.example/", "http://org.example/a/"] and f.examined_count == 2


def test_news_only_mention_needs_review():
    rule = make_rule([{"check": "text", "params": {"phrases": ["учредитель"]}}])
    f = evaluate_rule(view(page("http://org.example/novosti/1/", "Учредитель фонда вручил подарки")), rule)
    assert f.outcome == Outcome.needs_review
    assert f.evidence and f.evidence[0].note


def test_weak_check_gives_needs_review_not_present():
    rule = make_rule([{"check": "text", "params": {"phrases": ["устав"]}, "weak": True}])
    f = evaluate_rule(view(page("http://org.example/", "Устав")), rule)
    assert f.outcome == Outcome.needs_review


@pytest.mark.parametrize("status, outcome", [(404, Outcome.absent), (403, Outcome.absent),
                                             (503, Outcome.needs_review)])
def test_broken_document_link(status, outcome):
    """A document that definitely does not open is not published (the link is shown as
    evidence); a server error may pass, so a person should look again."""
    rule = make_rule([{"check": "link", "params": {"texts": ["устав"], "target": "document"}}])
    home = page("http://org.example/", links=[Link(url="http://org.example/ustav.pdf", text="Устав")])
    doc = Document(url="http://org.example/ustav.pdf", status=status, kind="pdf")
    f = evaluate_rule(view(home, documents=[doc]), rule)
    assert f.outcome == outcome
    assert str(status) in f.evidence[0].note


def test_exception_in_check_is_error_never_absent():
    def boom(site, params):
        raise RuntimeError("сломалось")

    CHECKS["boom_for_test"] = CheckSpec("boom_for_test", Params, boom, "")
    try:
        res = run_check(view(page("http://org.example/")), CheckRef(check="boom_for_test"))
        assert res.outcome == Outcome.error and "сломалось" in res.note
    finally:
        del CHECKS["boom_for_test"]


def test_unreachable_site_is_error_for_every_item():
    pack = validate_pack(load_pack("social"))
    snap = SiteSnapshot(start_url="http://127.0.0.1:9/", reachable=False,
                        failures=[Failure(url="http://127.0.0.1:9/", reason="refused", detail="соединение отклонено")])
    report = check_site(snap, pack)
    assert report.crawl.status == "unreachable" and "отклонено" in report.crawl.error
    assert {f.outcome for f in report.findings} == {Outcome.error}
    assert len(report.findings) == len(pack.rules)
    assert report.indicators.info_share is None and report.indicators.remote_points is None


def test_unknown_check_or_bad_params_rejected():
    pack = load_pack("social")
    rule = make_rule([{"check": "no_such_check"}])
    pack.rules = {rule.id: rule}
    with pytest.raises(RuleError, match="no_such_check"):
        validate_pack(pack)
    pack.rules = {rule.id: make_rule([{"check": "text", "params": {"phrase": ["опечатка"]}}])}
    with pytest.raises(RuleError, match="phrase"):
        validate_pack(pack)


def test_report_time_is_recorded():
    pack = validate_pack(load_pack("social"))
    snap = SiteSnapshot(start_url="http://org.example/", site="org.example",
                        pages=[page("http://org.example/", "Главная")])
    report = check_site(snap, pack)
    assert report.checked_at <= datetime.now(timezone.utc)
    assert {f.id for f in report.findings} == set(pack.rules)
