from checks.text import TokenizedText, matches_any, normalize, snippet


def find(text, phrase):
    return [text[s:e] for s, e in TokenizedText(text).find(phrase)]


def test_normalize_folds_case_yo_soft_hyphens_and_spaces():
    assert normalize("Приём\u00a0граж\u00adдан — Ёлка") == "прием граждан - елка"


def test_inflected_forms_match():
    assert find("Учредителем является министерство", "учредитель") == ["Учредителем"]
    assert find("копия Устава учреждения", "устав") == ["Устава"]
    assert find("о количестве свободных мест", "свободные места") == ["свободных мест"]


def test_related_but_different_words_do_not_match():
    assert find("уставная деятельность", "устав") == []
    assert find("лицевой счёт", "лицензия") == []


def test_prefix_and_gap_syntax():
    assert find("Предписаний не поступало", "предписани*") == ["Предписаний"]
    assert find("Режим и график работы", "режим ~2 работы") == ["Режим и график работы"]
    assert find("Режим и график работы", "режим работы") == []


def test_short_words_match_exactly():
    assert find("на дому", "на дому") == ["на дому"]
    assert find("надомное обслуживание", "на дому") == []


def test_snippet_keeps_context_on_one_line():
    text = "начало " * 30 + "Учредитель: Министерство\nсоциального развития" + " конец" * 30
    start = text.index("Учредитель")
    cut = snippet(text, start, start + 10, width=30)
    assert "Учредитель" in cut and "\n" not in cut and cut.startswith("…") and cut.endswith("…")


def test_matches_any_returns_the_phrase_found():
    assert matches_any("Версия для слабовидящих", ["специальные возможности", "для слабовидящих"]) == "для слабовидящих"
    assert matches_any("Главная", ["для слабовидящих"]) is None
