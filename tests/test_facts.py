"""The spans that state facts: figures that are targets, numbers found whole."""

from __future__ import annotations

import pytest

from assistant.documents.facts import figure_spans, find_number
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
