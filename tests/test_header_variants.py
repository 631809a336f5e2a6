"""Header layouts generated from the rules, so that no metadata rule depends on one file.

NĐ 30/2020/NĐ-CP Phụ lục I (state bodies), HD 36-HD/VPTW (Party bodies) and the Law on
legal normative documents fix what a header holds; web pages, Word tables and PDF text
layers flatten it differently. Each test writes the same header in every flattening.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from assistant.documents.parser import parse_text
from assistant.documents.textnorm import folded_key
from assistant.types import Document

MOTTO = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
PARTY_MOTTO = ["ĐẢNG CỘNG SẢN VIỆT NAM"]
BODY = (
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;\n\n"
    "Điều 1. Phê duyệt kế hoạch kèm theo Quyết định này.\n\n"
    "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n"
)
SIGNATURE = "Nơi nhận:\n- Như Điều 2;\n- Lưu: VT.\n|\n{sign}\n"

# issuer column as written → the issuer the header names
ORGANS = {
    "province two lines": (
        ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG BÌNH"],
        "Ủy ban nhân dân tỉnh Quảng Bình",
    ),
    "word cut": (["ỦY", "BAN NHÂN DÂN", "TỈNH CAO BẰNG"], "Ủy ban nhân dân tỉnh Cao Bằng"),
    "council cut": (["HỘI ĐỒNG NHÂN", "DÂN", "THÀNH PHỐ HUẾ"], "Hội đồng nhân dân thành phố Huế"),
    "managing body": (
        ["UBND THÀNH PHỐ HÀ NỘI", "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG"],
        "Trung tâm phục vụ hành chính công",
    ),
    "ministry and department": (["BỘ TÀI CHÍNH", "CỤC THUẾ"], "Cục Thuế"),
    "ministry over two lines": (["BỘ KHOA HỌC VÀ", "CÔNG NGHỆ"], "Bộ Khoa học và Công nghệ"),
    "government": (["CHÍNH PHỦ"], "Chính phủ"),
    "ministry": (["BỘ Y TẾ"], "Bộ Y tế"),
}
NUMBERS = {
    "colon": "Số: {n}",
    "no colon": "Số {n}",
    "next line": "Số:\n{n}",
    "spaced": "Số:   {n}",
}
DATES = {
    "one line": "{p}, ngày 19 tháng 11 năm 2025",
    "italic split": "*{p}, ngày 19\ntháng 11 năm 2025*",
    "split after ngày": "*{p}, ngày\n19 tháng 11 năm 2025*",
    "split after tháng": "*{p}, ngày 19 tháng\n11 năm 2025*",
}


def _header(shape: str, organ: list[str], motto: list[str], number: str, date: str) -> str:
    """The two-column header flattened as a web page, a Word table or a plain text."""
    if shape == "web":  # cells separated by "|" lines, as legal web libraries convert tables
        cells = ["\n".join(f"**{o}**" for o in organ) + "\n-------", "\n".join(motto)]
        return "|\n" + "\n|\n".join(cells) + "\n|\n|\n" + number + "\n|\n" + date + "\n|\n"
    if shape == "word":  # "ORGAN | MOTTO" rows
        rows = [f"{o} | {m}" for o, m in itertools.zip_longest(organ, motto, fillvalue="")]
        return "\n".join(rows) + f"\n{number} | {date}\n"
    return "\n".join([*organ, "", *motto, "", number, "", date]) + "\n"  # plain lines


def _document(shape: str, organ: list[str], number: str, date: str, type_line: str) -> str:
    head = _header(shape, organ, MOTTO, number, date)
    sign = "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nNguyễn Văn An"
    return f"{head}\n{type_line}\n\nVề việc phê duyệt kế hoạch năm 2026\n\n{BODY}\n" + (
        SIGNATURE.format(sign=sign)
    )


def _parse(text: str) -> Document:
    return parse_text("x.md", text, "md").document


def _same(a: str | None, b: str) -> bool:
    return folded_key(a or "") == folded_key(b)


@pytest.mark.parametrize("shape", ["web", "word", "plain"])
@pytest.mark.parametrize("organ", sorted(ORGANS))
def test_issuer_from_every_authority_column(shape: str, organ: str) -> None:
    lines, issuer = ORGANS[organ]
    text = _document(
        shape, lines, "Số: 12/QĐ-UBND", "Hà Nội, ngày 19 tháng 11 năm 2025", "QUYẾT ĐỊNH"
    )
    d = _parse(text)
    assert _same(d.issuer, issuer), d.issuer
    assert d.doc_number == "12/QĐ-UBND"


@pytest.mark.parametrize("shape", ["web", "word", "plain"])
@pytest.mark.parametrize("number_style", sorted(NUMBERS))
@pytest.mark.parametrize(
    "number", ["1594/QĐ-TTPVHCC", "302/2025/NĐ-CP", "24/2018/QH14", "43-CT/TW"]
)
def test_number_in_every_layout(shape: str, number_style: str, number: str) -> None:
    line = NUMBERS[number_style].format(n=number)
    if shape == "word" and "\n" in line:
        line = line.replace("\n", " |\n")
    d = _parse(
        _document(shape, ["CHÍNH PHỦ"], line, "Hà Nội, ngày 1 tháng 2 năm 2025", "NGHỊ ĐỊNH")
    )
    assert d.doc_number == number


@pytest.mark.parametrize("shape", ["web", "plain"])
@pytest.mark.parametrize("date_style", sorted(DATES))
@pytest.mark.parametrize("place", ["Hà Nội", "Đắk Lắk", "Thành phố Hồ Chí Minh"])
def test_place_and_date_split_over_lines(shape: str, date_style: str, place: str) -> None:
    date = DATES[date_style].format(p=place)
    d = _parse(
        _document(shape, ["ỦY BAN NHÂN DÂN", "TỈNH ĐẮK LẮK"], "Số: 5/KH-UBND", date, "KẾ HOẠCH")
    )
    assert d.date == dt.date(2025, 11, 19)
    assert d.place == place
    assert d.doc_type == "Kế hoạch"


@pytest.mark.parametrize(
    ("type_line", "expected"),
    [
        ("QUYẾT ĐỊNH", "Quyết định"),
        ("**QUYẾT\nĐỊNH**", "Quyết định"),
        ("## CÔNG ĐIỆN", "Công điện"),
        ("**THÔNG TƯ LIÊN TỊCH**", "Thông tư liên tịch"),
        ("PHƯƠNG ÁN", "Phương án"),
        ("GIẤY MỜI", "Giấy mời"),
        ("LUẬT", "Luật"),
        ("BÁO CÁO", "Báo cáo"),
    ],
)
def test_type_from_the_title_line(type_line: str, expected: str) -> None:
    d = _parse(
        _document("web", ["BỘ Y TẾ"], "Số: 7/BYT-KH", "Hà Nội, ngày 2 tháng 3 năm 2025", type_line)
    )
    assert d.doc_type == expected


def test_cong_van_is_told_by_its_v_v_line_not_by_its_number() -> None:
    """ "5348/CT-CS": CT is the Cục Thuế there, not a Chỉ thị; the "V/v" line says công văn."""
    head = _header(
        "web",
        ["BỘ TÀI CHÍNH", "CỤC THUẾ"],
        MOTTO,
        "Số: 5348/CT-CS",
        "Hà Nội, ngày 20 tháng 11 năm 2025",
    )
    text = head.replace("Số: 5348/CT-CS", "Số: 5348/CT-CS\n*v/v hướng dẫn góp vốn điều lệ*")
    text += "**Kính gửi:** Thuế tỉnh Quảng Trị.\n\nCục Thuế nhận được công văn số 324/QTR-KTr2.\n"
    d = _parse(
        text + SIGNATURE.format(sign="**TL. CỤC TRƯỞNG**\nPHÓ TRƯỞNG BAN\nPhạm Thị Minh Hiền")
    )
    assert (d.doc_number, d.doc_type, d.issuer) == ("5348/CT-CS", "Công văn", "Cục Thuế")
    assert d.recipients == ("Thuế tỉnh Quảng Trị",)
    assert d.signer is not None and d.signer.name == "Phạm Thị Minh Hiền"


def test_party_header_and_collective_signature() -> None:
    """ "Số 43-CT/TW" under "BAN CHẤP HÀNH TRUNG ƯƠNG", signed "T/M BAN BÍ THƯ"."""
    head = _header(
        "web",
        ["BAN CHẤP HÀNH", "TRUNG ƯƠNG", "*"],
        PARTY_MOTTO,
        "Số 43-CT/TW",
        "*Hà Nội, ngày 08\ntháng 6 năm 2010*",
    )
    text = head + "\n**CHỈ THỊ**\n\nCỦA BAN BÍ THƯ\n\nvề tăng cường sự lãnh đạo của Đảng\n\n"
    text += "Ban Bí thư yêu cầu các cấp ủy thực hiện tốt.\n\n"
    d = _parse(text + SIGNATURE.format(sign="**T/M BAN BÍ THƯ**\nTrương Tấn Sang"))
    assert (d.doc_number, d.doc_type, d.issuer) == ("43-CT/TW", "Chỉ thị", "Ban Bí thư")
    assert d.date == dt.date(2010, 6, 8)
    assert d.title is not None and "Của Ban Bí thư" not in d.title


WEB_BLOCK = (
    "Bản dịch này thuộc quyền sở hữu của **\nTHƯ VIỆN PHÁP LUẬT**.\n|\n|\nĐang tải văn bản...\n#\n"
    "**Số hiệu:**\n|\n{number}\n|\n|\n**Loại văn bản:**\n|\nQuyết định\n|\n"
    "**Nơi ban hành:**\n|\nTỉnh Quảng Bình\n|\n|\n**Người ký:**\n|\nLê Văn Bình\n|\n"
    "**Ngày ban hành:**\n|\n{date}\n|\n|\n**\nNgày hiệu lực:**\n|\nĐã biết\n|\n|\n"
    "**Tình trạng:**\n|\nĐã biết\n|\n|\n"
)


@pytest.mark.parametrize("shape", ["web", "plain"])
def test_web_block_before_the_header_is_evidence_only_where_the_header_is_silent(
    shape: str,
) -> None:
    block = WEB_BLOCK.format(number="99/QĐ-UBND", date="01/01/2024")
    body = _document(
        shape,
        ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG BÌNH"],
        "Số: 12/QĐ-UBND",
        "Quảng Bình, ngày 3 tháng 12 năm 2025",
        "QUYẾT ĐỊNH",
    )
    unsigned = body.replace("(Đã ký)\nNguyễn Văn An", "")
    d = _parse(block + unsigned)
    assert d.doc_number == "12/QĐ-UBND"  # the header, not the page
    assert d.date == dt.date(2025, 12, 3)
    assert d.issuer == "Ủy ban nhân dân tỉnh Quảng Bình"
    assert d.signer is not None and d.signer.name == "Lê Văn Bình"  # the page fills the gap
    assert d.effective_date == d.date  # "có hiệu lực kể từ ngày ký"


def test_web_block_values_that_are_no_value() -> None:
    block = WEB_BLOCK.format(number="Đang cập nhật", date="Đang cập nhật")
    text = (
        block
        + "|\n**ỦY BAN NHÂN DÂN**\nTỈNH QUẢNG BÌNH\n|\n"
        + "\n".join(MOTTO)
        + "\n|\nSố: /QĐ-UBND\n|\n"
    )
    text += "*Quảng Bình, ngày      tháng 12 năm 2025*\n|\n**QUYẾT ĐỊNH**\n\nVề việc x\n\n" + BODY
    d = _parse(text)
    assert d.doc_number is None and d.date is None


def test_web_block_as_a_markdown_table_after_the_document() -> None:
    text = _document(
        "plain", ["BỘ Y TẾ"], "Số: 7/QĐ-BYT", "Hà Nội, ngày 2 tháng 3 năm 2025", "QUYẾT ĐỊNH"
    )
    text = text.replace("(Đã ký)\nNguyễn Văn An", "")
    text += "\n| **Số hiệu** | 7/QĐ-BYT |\n|---|---|\n| **Người ký** | Trần Văn Cường |\n"
    d = _parse(text)
    assert d.signer is not None and d.signer.name == "Trần Văn Cường"


def test_a_law_signed_by_title_alone_and_dated_by_its_adoption() -> None:
    head = "QUỐC HỘI\n-------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    head += "Luật số: 24/2018/QH14 |\n\nLUẬT\nAN NINH MẠNG\n"
    body = "Căn cứ Hiến pháp;\nĐiều 1. Phạm vi\nLuật này có hiệu lực thi hành từ ngày 01 tháng 01 năm 2019.\n"
    body += "Luật này được Quốc hội khóa XIV, kỳ họp thứ 5 thông qua ngày 12 tháng 6 năm 2018.\n"
    d = _parse(head + body + "\xa0 | CHỦ TỊCH QUỐC HỘI\n\n\nNguyễn Thị Kim Ngân\n")
    assert (d.doc_number, d.doc_type, d.issuer) == ("24/2018/QH14", "Luật", "Quốc hội")
    assert d.date == dt.date(2018, 6, 12)  # no date in this header: the adoption date
    assert d.effective_date == dt.date(2019, 1, 1)
    assert d.signer is not None and d.signer.name == "Nguyễn Thị Kim Ngân"


def test_web_page_after_the_document_is_not_part_of_it() -> None:
    """A library page goes on after the signature: its title for the document, its notes
    and its related-document list belong to no clause of the document."""
    text = _document(
        "web", ["BỘ Y TẾ"], "Số: 7/QĐ-BYT", "Hà Nội, ngày 2 tháng 3 năm 2025", "QUYẾT ĐỊNH"
    )
    text += "Quyết định 7/QĐ-BYT năm 2025 phê duyệt kế hoạch\n"
    text += "Văn bản này chưa cập nhật nội dung Tiếng Anh\n## Văn bản liên quan\nBan hành:\n"
    text += "11/11/2025\nHiệu lực: Đã biết\nTình trạng: Đã biết\n"
    parsed = parse_text("x.md", text, "md")
    chunks = " ".join(c.clean_text for c in parsed.chunks)
    assert "Văn bản liên quan" not in chunks and "Quyết định 7/QĐ-BYT năm 2025" not in chunks
    assert "Điều 2. Quyết định này có hiệu lực" in chunks
    assert parsed.document.signer is not None
    assert parsed.document.signer.name == "Nguyễn Văn An"


@pytest.mark.parametrize("shape", ["web", "plain"])
def test_noi_nhan_list(shape: str) -> None:
    d = _parse(
        _document(
            shape, ["BỘ Y TẾ"], "Số: 7/QĐ-BYT", "Hà Nội, ngày 2 tháng 3 năm 2025", "QUYẾT ĐỊNH"
        )
    )
    assert d.copies_to == ("Như Điều 2", "Lưu: VT")
    run_together = "Nơi nhận:\n- Chính phủ; - Kiểm toán nhà nước; - Lưu: HC.\n|\n"
    text = _document(
        shape, ["BỘ Y TẾ"], "Số: 8/QĐ-BYT", "Hà Nội, ngày 2 tháng 3 năm 2025", "QUYẾT ĐỊNH"
    )
    text = text.replace("Nơi nhận:\n- Như Điều 2;\n- Lưu: VT.\n|\n", run_together)
    assert _parse(text).copies_to == ("Chính phủ", "Kiểm toán nhà nước", "Lưu: HC")


def test_party_committee_under_its_party_organisation() -> None:
    """ "ĐẢNG BỘ TỈNH BẮC NINH" / "TỈNH ỦY", signed "T/M BAN THƯỜNG VỤ"."""
    head = _header(
        "web",
        ["ĐẢNG BỘ TỈNH BẮC NINH", "TỈNH ỦY", "*"],
        PARTY_MOTTO,
        "Số 87-KH/TU",
        "Bắc Ninh, ngày 28 tháng 2 năm 2023",
    )
    text = (
        head
        + "\n**KẾ HOẠCH**\n\nthực hiện Kết luận số 44-KL/TW\n\nI. MỤC ĐÍCH\n\n1. Quán triệt.\n\n"
    )
    d = _parse(text + SIGNATURE.format(sign="**T/M BAN THƯỜNG VỤ**\nPHÓ BÍ THƯ\nNguyễn Văn Bình"))
    assert d.issuer == "Ban Thường vụ Tỉnh ủy Bắc Ninh"
    assert (d.doc_number, d.doc_type, d.place) == ("87-KH/TU", "Kế hoạch", "Bắc Ninh")


@pytest.mark.parametrize(
    ("sign", "name"),
    [
        ("**KT. BỘ TRƯỞNG**\nTHỨ TRƯỞNG\nThượng tướng Võ Minh Lương", "Võ Minh Lương"),
        ("**KT. CHỦ TỊCH**\nPHÓ CHỦ TỊCH\n**Trần\nChí Hùng**", "Trần Chí Hùng"),
        ("**KT. CHỦ TỊCH**\nPHÓ CHỦ TỊCH\n**Nguyễn Quỳnh\nThiện**", "Nguyễn Quỳnh Thiện"),
        ("**GIÁM ĐỐC**\n**Cù Ngọc Trang**", "Cù Ngọc Trang"),
    ],
)
def test_signer_names_as_pages_write_them(sign: str, name: str) -> None:
    text = _document(
        "web", ["BỘ QUỐC PHÒNG"], "Số: 5/QĐ-BQP", "Hà Nội, ngày 2 tháng 3 năm 2025", "QUYẾT ĐỊNH"
    )
    text = text.replace(
        "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\nNguyễn Văn An", sign
    )
    # a form in an appendix carries its own "TM." block, after the document's signature
    text += "|\n**PHỤ LỤC**\nMẫu đơn\n**TM. TỔ CHỨC **(3)\n*(Chữ ký, dấu)*\n"
    d = _parse(text)
    assert d.signer is not None and d.signer.name == name
