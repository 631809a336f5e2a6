"""One path for every part answered from clauses: evidence units, then a covering set.

A generated Nghị định (the layout the Law on legal normative documents sets: Điều, khoản,
điểm) searched by hand: the hits are its chunks in a given order with given scores, so the
tests read what ``evidence.gather`` and ``select.select`` decide, not the search.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answering.evidence import RULES, Need, Rule, Unit, gather, rule_for
from assistant.answering.select import select
from assistant.documents.parser import parse_text
from assistant.search.retrieval import SearchHit
from assistant.types import Chunk, ParsedDocument

DECREE = """CHÍNH PHỦ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 99/2031/NĐ-CP
Hà Nội, ngày 02 tháng 3 năm 2031

NGHỊ ĐỊNH
Quy định về quỹ hỗ trợ nông dân

Điều 1. Vốn điều lệ của quỹ
1. Quỹ hoạt động trong phạm vi cấp tỉnh phải có vốn điều lệ tối thiểu 2.000.000.000 đồng.
Quỹ được bổ sung vốn hằng năm từ ngân sách địa phương.
2. Quỹ hoạt động trong phạm vi cấp xã phải có vốn điều lệ tối thiểu 50.000.000
đồng; vốn được góp bằng tiền.
Điều 2. Hồ sơ thành lập quỹ
1. Hồ sơ thành lập quỹ gồm:
a) Đơn đề nghị thành lập quỹ;
b) Dự thảo điều lệ quỹ;
c) Đề án thành lập quỹ.
2. Chậm nhất 30 ngày kể từ ngày nhận đủ hồ sơ, cơ quan có thẩm quyền cấp giấy phép.
Điều 3. Hiệu lực thi hành
Nghị định này có hiệu lực từ ngày 01 tháng 5 năm 2031.
"""


def parsed() -> ParsedDocument:
    return parse_text("nd-99.txt", DECREE)


def chunk(p: ParsedDocument, words: str) -> Chunk:
    return next(c for c in p.chunks if words in p.document.text[c.start : c.end])


def hits(p: ParsedDocument, *found: tuple[str, float]) -> list[SearchHit]:
    """The chunks holding each text, in the order given, with the given search scores."""
    return [SearchHit(chunk(p, words), p.document, score, 0, 0) for words, score in found]


def need(p: ParsedDocument, question: str, many: bool = False) -> Need:
    return Need.of(question, (), [p.document], many=many)


def quoted(p: ParsedDocument, units: Sequence[Unit]) -> list[str]:
    return [" ".join(p.document.text[u.span[0] : u.span[1]].split()) for u in units]


def test_a_figure_is_the_sentence_stating_it_read_across_a_wrap() -> None:
    """The sentence with the amount asked, not the clause's other sentence; a line wrapped
    inside the sentence ("50.000.000\\nđồng") does not cut it."""
    p = parsed()
    question = "Quỹ cấp xã phải có vốn điều lệ tối thiểu bao nhiêu tiền?"
    found = hits(p, ("cấp tỉnh phải có", 0.9), ("cấp xã phải có", 0.8))
    units = gather(found, need(p, question), RULES["figure"])
    chosen = select(units, RULES["figure"])
    texts = quoted(p, chosen)
    assert texts[0].startswith("Quỹ hoạt động trong phạm vi cấp xã")
    assert "50.000.000 đồng" in texts[0]
    assert not any("bổ sung vốn hằng năm" in t for t in texts)  # no amount in it


def test_a_deadline_needs_a_time_limit_in_the_words_quoted() -> None:
    p = parsed()
    question = "Cơ quan có thẩm quyền cấp giấy phép thành lập quỹ trong thời hạn nào?"
    found = hits(p, ("Đơn đề nghị", 0.9), ("Chậm nhất 30 ngày", 0.5))
    chosen = select(gather(found, need(p, question), RULES["deadline"]), RULES["deadline"])
    assert quoted(p, chosen)[0].startswith("Chậm nhất 30 ngày")


def test_nothing_is_quoted_when_the_best_clause_does_not_cover_the_question() -> None:
    """The search's best clause shares none of the subject words: no answer (the part
    abstains and offers clauses as "có thể liên quan"), not the next clause by chance."""
    p = parsed()
    question = "Quỹ phải nộp thuế thu nhập doanh nghiệp ở mức nào?"
    found = hits(p, ("Hiệu lực thi hành", 0.9), ("Dự thảo điều lệ", 0.2))
    assert select(gather(found, need(p, question), RULES["content"]), RULES["content"]) == []


def test_a_list_asked_for_keeps_its_items_together() -> None:
    """ "gồm những gì": the items beside the best one (the same khoản) are quoted with it,
    more of them than a plain question's three quotes."""
    p = parsed()
    question = "Hồ sơ thành lập quỹ gồm những gì?"
    rule = rule_for("content", many=True)
    found = hits(
        p,
        ("Đơn đề nghị thành lập quỹ", 1.0),
        ("Chậm nhất 30 ngày", 0.9),
        ("Dự thảo điều lệ quỹ", 0.8),
        ("Đề án thành lập quỹ", 0.7),
    )
    texts = quoted(p, select(gather(found, need(p, question, many=True), rule), rule, many=True))
    items = ["Đơn đề nghị thành lập quỹ;", "Dự thảo điều lệ quỹ;", "Đề án thành lập quỹ."]
    assert [t for t in texts if t in items] == items
    assert len(texts) > rule_for("content", many=False).limit


def test_a_further_unit_must_add_words_and_fit_the_budget() -> None:
    p = parsed()
    question = "Quỹ cấp tỉnh phải có vốn điều lệ tối thiểu bao nhiêu?"
    found = hits(p, ("cấp tỉnh phải có", 0.9), ("cấp tỉnh phải có", 0.85))
    rule = RULES["figure"]
    chosen = select(gather(found, need(p, question), rule), rule)
    assert len(chosen) == 1  # the same sentence found twice is quoted once
    tight = Rule("sentence", rule.holds, 1.0, depth=8, budget=10)
    found = hits(p, ("cấp tỉnh phải có", 0.9), ("cấp xã phải có", 0.85))
    assert (
        len(
            select(
                gather(found, need(p, "Vốn điều lệ tối thiểu của quỹ là bao nhiêu?"), tight),
                tight,
            )
        )
        == 1
    )


def test_every_kind_of_part_answered_from_clauses_has_a_rule() -> None:
    for asked in ("figure", "deadline", "content", "when", "person", "duty"):
        assert rule_for(asked, many=False).unit in ("sentence", "clause")
    assert rule_for("content", many=True).limit > rule_for("content", many=False).limit


def test_a_sentence_stating_another_figure_in_the_same_words_is_no_repeat() -> None:
    """ "cấp tỉnh … 2.000.000.000 đồng" and "cấp xã … 50.000.000 đồng" share most words but
    state two figures: both are quoted for "cấp tỉnh và cấp xã … bao nhiêu"."""
    p = parsed()
    question = "Quỹ cấp tỉnh và cấp xã phải có vốn điều lệ tối thiểu bao nhiêu?"
    found = hits(p, ("cấp tỉnh phải có", 0.9), ("cấp xã phải có", 0.85))
    rule = RULES["figure"]
    texts = quoted(p, select(gather(found, need(p, question), rule), rule))
    assert any("2.000.000.000" in t for t in texts) and any("50.000.000" in t for t in texts)
