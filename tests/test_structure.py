"""Parser rules on small synthetic directives: the rules are general, not tuned to the corpus."""

from __future__ import annotations

import datetime as dt

from assistant.documents.parser import parse_text
from assistant.types import ParsedDocument

STATE_DECISION = """ỦY BAN NHÂN DÂN
TỈNH BẮC NINH
Số: 12/KH-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Bắc Ninh, ngày 02 tháng 01 năm 2024

KẾ HOẠCH
Phòng, chống thiên tai năm 2024

I. MỤC TIÊU
1. Giảm thiệt hại về người và tài sản.
2. Chủ động ứng phó:
a) Rà soát phương án sơ tán trước ngày 30/4.
b) Diễn tập ít nhất 01 lần/năm.
đ) Báo cáo kết quả.
II. NHIỆM VỤ
1. Sở Nông nghiệp và Phát triển nông thôn
- Chủ trì tham mưu.
- Tổng hợp báo cáo định kỳ hằng quý.
2. Sở Tài chính
Bố trí kinh phí theo quy định.
Nơi nhận:
- Như trên;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Văn An
"""


def parse(text: str) -> ParsedDocument:
    return parse_text("test.txt", text)


def labels(parsed: ParsedDocument) -> list[str]:
    return [c.clause_label for c in parsed.chunks]


def test_state_plan_metadata_from_general_rules() -> None:
    d = parse(STATE_DECISION).document
    assert d.doc_number == "12/KH-UBND"
    assert d.doc_type == "Kế hoạch"
    assert d.date == dt.date(2024, 1, 2)
    assert d.place == "Bắc Ninh"
    assert d.title == "Phòng, chống thiên tai năm 2024"
    assert d.issuer == "Ủy ban nhân dân tỉnh Bắc Ninh"
    assert d.signer is not None
    assert (d.signer.name, d.signer.authority, d.signer.on_behalf_of) == (
        "Nguyễn Văn An",
        "TM.",
        "Ủy ban nhân dân",
    )


def test_letters_decimals_dashes_and_headings_with_their_body() -> None:
    parsed = parse(STATE_DECISION)
    assert labels(parsed) == [
        "khoản 1 Mục I",
        "điểm a khoản 2 Mục I",
        "điểm b khoản 2 Mục I",
        "điểm đ khoản 2 Mục I",
        "gạch đầu dòng thứ nhất khoản 1 Mục II",
        "gạch đầu dòng thứ hai khoản 1 Mục II",
        "khoản 2 Mục II",
    ]
    tai_chinh = parsed.chunks[-1]
    assert tai_chinh.clean_text == "2. Sở Tài chính\nBố trí kinh phí theo quy định."
    dash = parsed.chunks[4]
    assert dash.breadcrumb == ("II. NHIỆM VỤ", "1. Sở Nông nghiệp và Phát triển nông thôn")
    assert parsed.document.text[dash.clause_start : dash.clause_end].startswith("1. Sở Nông nghiệp")


def test_restarted_numbering_makes_inferred_parts() -> None:
    text = "Căn cứ tình hình, Ban Thường vụ Huyện ủy X ban hành Kế hoạch như sau:\n" + "\n".join(
        [
            "1. Mục đích",
            "- Nâng cao nhận thức.",
            "2. Yêu cầu",
            "- Nghiêm túc.",
            "1. Ban Tuyên giáo",
            "Chủ trì tuyên truyền.",
            "2. Văn phòng",
            "Tham mưu tổng hợp.",
        ]
    )
    parsed = parse(text)
    parts = [c for c in parsed.outline if c.kind == "muc"]
    assert [(p.number, p.inferred) for p in parts] == [("I", True), ("II", True)]
    assert "khoản 1 Mục II" in labels(parsed)
    chunk = next(c for c in parsed.chunks if c.clause_label == "khoản 1 Mục II")
    assert chunk.inferred
    assert chunk.breadcrumb[0].startswith("Mục II (đề mục suy ra")


def test_continuous_numbering_makes_no_parts() -> None:
    parsed = parse("Mở đầu văn bản.\n1. Một việc.\n2. Việc khác.\n3. Việc thứ ba.")
    assert [c.kind for c in parsed.outline] == ["preamble", "khoan", "khoan", "khoan"]
    assert labels(parsed) == ["đoạn 1", "khoản 1", "khoản 2", "khoản 3"] or labels(parsed)[1:] == [
        "khoản 1",
        "khoản 2",
        "khoản 3",
    ]


def test_page_break_inside_a_sentence_is_joined() -> None:
    text = "1. Chỉ tiêu\nPhấn đấu đạt tỷ lệ 80% đơn vị có tổ chức của\n\nHội vào năm 2025.\n2. Việc khác."
    parsed = parse(text)
    first = parsed.chunks[0]
    assert (
        first.clean_text
        == "1. Chỉ tiêu\nPhấn đấu đạt tỷ lệ 80% đơn vị có tổ chức của Hội vào năm 2025."
    )
    assert first.text == text[: text.index("\n2.")]


def test_markdown_noise_is_removed_from_clean_text_only() -> None:
    text = "### **I. TỔ CHỨC THỰC HIỆN**\n\n**1.** Văn phòng **chủ trì** theo dõi.\n\n**2.** Các ban phối hợp."
    parsed = parse(text)
    first = parsed.chunks[0]
    assert first.clause_label == "khoản 1 Mục I"
    assert first.clean_text == "1. Văn phòng chủ trì theo dõi."
    assert first.text == "**1.** Văn phòng **chủ trì** theo dõi."


def test_unnumbered_text_gives_paragraphs() -> None:
    parsed = parse("Tiêu đề bài viết\n\nĐoạn thứ nhất của bài.\n\nĐoạn thứ hai của bài.")
    assert parsed.document.title == "Tiêu đề bài viết"
    assert labels(parsed) == ["đoạn 1", "đoạn 2"]
