from checks.findings import CrawlSummary, Finding, Outcome, SiteReport
from checks.indicators import remote_points, site_indicators


def report(outcomes):
    return SiteReport(url="http://x/", crawl=CrawlSummary(status="ok"),
                      findings=[Finding(id=i, outcome=o) for i, o in outcomes.items()])


def test_remote_points_thirty_each_capped_at_hundred():
    assert [remote_points(n) for n in range(7)] == [0, 30, 60, 90, 100, 100, 100]


def test_site_parts_from_findings():
    r = report({"a": Outcome.present, "b": Outcome.absent, "c": Outcome.needs_review, "d": Outcome.present,
                "r1": Outcome.present, "r2": Outcome.present, "r3": Outcome.needs_review, "lv": Outcome.present})
    ind = site_indicators(r, ["a", "b", "c", "d"], ["r1", "r2", "r3"], "lv")
    assert (ind.info_found, ind.info_required, ind.info_share) == (2, 4, 50.0)
    assert ind.info_missing == ["b"] and ind.info_review == ["c"]
    assert (ind.remote_working, ind.remote_points, ind.remote_review) == (2, 60.0, ["r3"])
    assert ind.low_vision is True and ind.site_score == 55.0


def test_unreachable_site_has_no_numbers():
    r = SiteReport(url="http://x/", crawl=CrawlSummary(status="unreachable"))
    ind = site_indicators(r, ["a"], ["r1"], "lv")
    assert ind.info_share is None and ind.remote_points is None and ind.site_score is None
