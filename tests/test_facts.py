"""The spans that state facts: figures that are targets, numbers found whole."""

from __future__ import annotations

import pytest

from assistant.documents.facts import figure_spans, find_number, is_deadline
from assistant.learn.quiz import _value_key


@pytest.mark.parametrize(
    ("sentence", "figures"),
    [
        ("Phấn đấu đạt tỷ lệ 80% đơn vị có tổ chức Hội.", ["80%"]),
        ("tỷ lệ dân số tham gia hiến máu đến năm 2033 đạt 2,5%.", ["2,5%"]),
        ("mỗi năm tiếp nhận được từ 800 - 1.400 đơn vị máu", ["800 - 1.400"]),
        ("Theo Nghị định 13/2023 đạt 80% cơ sở", ["80%"]),
        ("khoản 2 Điều 5 quy định 70% địa chỉ", ["70%"]),
        ("từ 15-3-2024 đạt 1.000 người", ["1.000"]),
        ("Thực hiện Kế hoạch số 140-KH/TU ngày 03/3/2023", []),
    ],
)
def test_figures_are_targets_not_dates_numbers_or_references(
    sentence: str, figures: list[str]
) -> None:
    assert [sentence[a:b] for a, b in figure_spans(sentence)] == figures


def test_a_document_number_is_found_whole() -> None:
    text = "Thực hiện Kết luận số 15-KL/TW và Kết luận số 5-KL/TW."
    assert find_number(text, "5-KL/TW") == text.index("số 5-KL/TW") + 3
    assert find_number(text, "15-KL/TW") == text.index("15-KL/TW")
    assert find_number(text, "44-KL/TW") == -1


def test_option_values_compare_however_written() -> None:
    assert _value_key("05/06") == _value_key("5/6")
    assert _value_key("1.000") == _value_key("1000")
    assert _value_key("2,5%") != _value_key("25%")


@pytest.mark.parametrize(
    ("sentence", "deadline"),
    [
        ("Không quá 20 (hai mươi) ngày làm việc kể từ ngày nhận hồ sơ.", True),
        ("trong 15 ngày", True),
        ("Tổ thẩm định gồm 20 (hai mươi) người.", False),
    ],
)
def test_a_time_limit_may_spell_its_number_out(sentence: str, deadline: bool) -> None:
    assert is_deadline(sentence) is deadline


def test_the_effective_clause_starts_at_its_article_on_a_one_line_web_page() -> None:
    """A web page writes each paragraph on one line, with no blank line: the sentence
    starts after "**Điều 2.**", not at the top of the page."""
    from assistant.documents.facts import effective_span
    from assistant.documents.parser import parse_text

    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH CAO BẰNG\nSố: 1994/QĐ-UBND\nCao Bằng, ngày 24 tháng 11 năm 2025\n"
        "QUYẾT ĐỊNH\nVề việc phê duyệt quy trình nội bộ\n**Điều 1.** Phê duyệt kèm theo Quyết"
        " định này 40 quy trình nội bộ\n**Điều 2.****\n**Quyết định này có hiệu lực thi hành kể"
        " từ ngày ký\nban hành.\n"
    )
    d = parse_text("qd.md", text, "md").document
    span = effective_span(d)
    assert span is not None
    assert d.text[span[0] : span[1]].lstrip("*").startswith("Quyết định này có hiệu lực")
