"""A list asked for is answered by its lead and all its items, whatever the numbering."""

from __future__ import annotations

import pytest

from assistant.answering.enumeration import enumeration_at, lead_label, lead_span
from assistant.documents.parser import parse_text

HEADER = (
    "QUỐC HỘI\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    "Luật số: 99/2030/QH15\n\nLUẬT\nTHỬ NGHIỆM\n\n"
)
LIST_LAW = HEADER + (
    "Điều 5. Biện pháp bảo vệ\n"
    "1. Biện pháp bảo vệ hệ thống bao gồm:\n"
    "a) Thẩm định hệ thống;\n"
    "b) Kiểm tra hệ thống;\n"
    "c) Giám sát hệ thống.\n"
    "2. Chính phủ quy định trình tự áp dụng biện pháp.\n"
    "Điều 6. Hiệu lực thi hành\n"
    "Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2031.\n"
)
LIST_PARAGRAPH = HEADER + (
    "Điều 1. Thành phần hồ sơ\n"
    "Hồ sơ được lập thành một bộ. Thành phần hồ sơ bao gồm:\n"
    "1. Đơn đề nghị.\n"
    "2. Bản sao giấy tờ tùy thân.\n"
    "3. Báo cáo tài chính.\n"
    "Điều 2. Hiệu lực thi hành\n"
    "Luật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2031.\n"
)


def _chunks(text: str):  # type: ignore[no-untyped-def]
    return parse_text("luat.txt", text).chunks


@pytest.mark.parametrize("asked", ["a", "c"])
def test_an_item_brings_its_lead_and_its_siblings(asked: str) -> None:
    chunks = _chunks(LIST_LAW)
    at = next(i for i, c in enumerate(chunks) if c.clause_label == f"điểm {asked} khoản 1 Điều 5")
    found = enumeration_at(chunks, at)
    assert found is not None
    assert [found.item_label(c) for c in found.items] == ["điểm a", "điểm b", "điểm c"]
    assert found.where == "khoản 1 Điều 5"
    assert lead_label(found)[0] == "khoản 1 Điều 5"
    span = lead_span(parse_text("luat.txt", LIST_LAW).document.text, found)
    assert span is not None
    assert parse_text("luat.txt", LIST_LAW).document.text[slice(*span)] == (
        "Biện pháp bảo vệ hệ thống bao gồm:"
    )


def test_a_lead_paragraph_brings_the_units_after_it() -> None:
    chunks = _chunks(LIST_PARAGRAPH)
    at = next(i for i, c in enumerate(chunks) if c.clean_text.endswith("bao gồm:"))
    found = enumeration_at(chunks, at)
    assert found is not None and found.lead is chunks[at]
    assert [c.clean_text for c in found.items] == [
        "1. Đơn đề nghị.",
        "2. Bản sao giấy tờ tùy thân.",
        "3. Báo cáo tài chính.",
    ]


def test_a_clause_outside_any_list_is_no_enumeration() -> None:
    chunks = _chunks(LIST_LAW)
    at = next(i for i, c in enumerate(chunks) if c.clause_label == "Điều 6")
    assert enumeration_at(chunks, at) is None


def test_the_units_under_a_title_are_its_list() -> None:
    """ "Điều 5. Biện pháp bảo vệ" titles its khoản: a list question lists them all."""
    chunks = _chunks(LIST_LAW)
    at = next(i for i, c in enumerate(chunks) if c.clause_label == "khoản 2 Điều 5")
    found = enumeration_at(chunks, at)
    assert found is not None and found.where == "Điều 5"


PLAN = (
    "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ THỬ\nSố: 9/KH-UBND\n\nKẾ HOẠCH\nThử nghiệm\n\n"
    "I. MỤC ĐÍCH, YÊU CẦU\n"
    "1. Mục đích\n"
    "- Nâng cao nhận thức của cán bộ.\n"
    "- Khẳng định vai trò nòng cốt của Hội.\n"
    "2. Yêu cầu\n"
    "- Bảo đảm thiết thực, hiệu quả.\n"
)


def test_a_question_naming_an_items_title_heading_asks_for_all_its_items() -> None:
    from assistant.answering.enumeration import heading_named

    chunks = _chunks(PLAN)
    first = next(c for c in chunks if "Nâng cao nhận thức" in c.clean_text)
    assert heading_named("Mục đích của Kế hoạch 9 là gì?", first)
    assert heading_named("muc dich cua ke hoach la gi", first)
    assert not heading_named("Yêu cầu của Kế hoạch 9 là gì?", first)
    assert not heading_named("Cán bộ cần nâng cao nhận thức gì?", first)
