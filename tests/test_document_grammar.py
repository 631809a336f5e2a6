"""The document grammar on generated variants and on the real documents of ../shared.

Generated documents vary what the regulations leave free — line wraps, blank lines,
markup, Party or State numbering — so that no rule depends on one file. The real
documents check that every numbered unit's label is written in the text at the
unit's start: a label that does not exist in the source is the worst citation error.
"""

from __future__ import annotations

import json
import os
import re
import textwrap
from pathlib import Path

import pytest

from assistant.documents.parser import parse_text
from assistant.documents.readers import read_source
from assistant.types import Clause, ParsedDocument
from tests.shared_data import shared


def _clauses(parsed: ParsedDocument) -> list[Clause]:
    return [c for top in parsed.outline for c in top.walk()]


def _labels(parsed: ParsedDocument) -> set[str]:
    return {c.label for c in _clauses(parsed)}


# --- generated variants -----------------------------------------------------------------

LAW_UNITS = [
    ("Chương I", "NHỮNG QUY ĐỊNH CHUNG"),
    ("Điều 1.", "Phạm vi điều chỉnh"),
    (
        "",
        "Luật này quy định về hoạt động bảo vệ quỹ, trách nhiệm của cơ quan, tổ chức và cá nhân có liên quan trong việc quản lý quỹ xã hội.",
    ),
    ("Điều 2.", "Trách nhiệm của các cơ quan"),
    (
        "1.",
        "Bộ Y tế có trách nhiệm chủ trì, phối hợp với các bộ, ngành có liên quan hướng dẫn việc tiêm chủng cho trẻ em trên phạm vi cả nước.",
    ),
    ("2.", "Ủy ban nhân dân cấp tỉnh có trách nhiệm sau đây:"),
    (
        "a)",
        "Bố trí kinh phí cho hoạt động phòng, chống dịch bệnh tại địa phương theo quy định của pháp luật về ngân sách nhà nước;",
    ),
    ("b)", "Kiểm tra, thanh tra việc thực hiện các quy định tại Luật này."),
    ("Chương II", "ĐIỀU KHOẢN THI HÀNH"),
    ("Điều 3.", "Hiệu lực thi hành"),
    ("1.", "Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2026."),
    ("2.", "Luật số 11/2008/QH12 hết hiệu lực kể từ ngày Luật này có hiệu lực thi hành."),
]
LAW_LABELS = {
    "Chương I",
    "Điều 1",
    "Điều 2",
    "khoản 1 Điều 2",
    "khoản 2 Điều 2",
    "điểm a khoản 2 Điều 2",
    "điểm b khoản 2 Điều 2",
    "Chương II",
    "Điều 3",
    "khoản 1 Điều 3",
    "khoản 2 Điều 3",
}
HEADER = "QUỐC HỘI\nLuật số: 99/2026/QH15\nHà Nội, ngày 12 tháng 6 năm 2026\nLUẬT\nQUỸ XÃ HỘI\n"
SIGNATURE = "\nCHỦ TỊCH QUỐC HỘI\nNguyễn Văn A\n"


def _one_line_each(units: list[tuple[str, str]]) -> str:
    return "\n".join(f"{m} {t}".strip() for m, t in units)


def _web_markdown(units: list[tuple[str, str]], width: int) -> str:
    """Web pages converted to Markdown: bold headings, a blank line between paragraphs,
    every paragraph wrapped at ``width`` — even between a number and its words."""
    out = []
    for marker, words in units:
        heading = marker.startswith(("Chương", "Điều"))
        text = (
            f"{marker}\n{words}"
            if marker and len(marker) <= 3 and heading
            else f"{marker} {words}".strip()
        )
        wrapped = "\n".join("\n".join(textwrap.wrap(part, width)) for part in text.split("\n"))
        out.append(f"**{wrapped}**" if heading else wrapped)
    return "\n\n".join(out)


def _pdf_text(units: list[tuple[str, str]], width: int) -> str:
    """A PDF text layer: lines cut at a width, no blank lines between paragraphs."""
    return "\n".join(line for m, t in units for line in textwrap.wrap(f"{m} {t}".strip(), width))


@pytest.mark.parametrize(
    "body",
    [
        _one_line_each(LAW_UNITS),
        _web_markdown(LAW_UNITS, 60),
        _web_markdown(LAW_UNITS, 75),
        _pdf_text(LAW_UNITS, 70),
        _pdf_text(LAW_UNITS, 85),
    ],
    ids=["one-line", "markdown-60", "markdown-75", "pdf-70", "pdf-85"],
)
def test_law_numbering_survives_any_line_breaks(body: str) -> None:
    parsed = parse_text("luat.md", HEADER + "\n" + body + "\n" + SIGNATURE)
    labels = _labels(parsed)
    assert labels >= LAW_LABELS, sorted(LAW_LABELS - labels)
    assert not any(re.search(r"\bMục\b", label) for label in labels), labels
    duty = next(c for c in parsed.chunks if c.clause_label == "khoản 1 Điều 2")
    assert "Bộ Y tế có trách nhiệm" in duty.clean_text
    assert parsed.document.text[duty.start : duty.end] == duty.text


PARTY_BODY = """I- QUY ĐỊNH CHUNG
Điều 1. Phạm vi
Quy định này quy định về phông lưu trữ.
II- TRÁCH NHIỆM
Điều 2. Trách nhiệm của cấp ủy
1- Các tỉnh ủy, thành ủy chỉ đạo thực hiện quy định này.
2- Văn phòng Trung ương Đảng có trách nhiệm:
a- Hướng dẫn, kiểm tra việc thực hiện;
b- Tổng hợp, báo cáo Ban Bí thư."""

ADMIN_BODY = """I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Nâng cao hiệu quả công tác thẩm định dự án.
II. NHIỆM VỤ
1. Sở Tài chính
a) Chủ trì tiếp nhận hồ sơ;
b) Tổng hợp báo cáo.
1.1. Trách nhiệm chung
- Đánh giá sự phù hợp của dự án với quy hoạch."""


def test_party_numbering_cites_article_not_part() -> None:
    parsed = parse_text(
        "qd.md", "BAN CHẤP HÀNH TRUNG ƯƠNG\nSố 99-QĐ/TW\nQUY ĐỊNH\nVỀ LƯU TRỮ\n" + PARTY_BODY
    )
    labels = _labels(parsed)
    assert {"Mục I", "Điều 1", "khoản 2 Điều 2", "điểm b khoản 2 Điều 2"} <= labels


def test_administrative_numbering_keeps_parts() -> None:
    parsed = parse_text(
        "kh.txt", "ỦY BAN NHÂN DÂN\nSố: 12/KH-UBND\nKẾ HOẠCH\nVề thẩm định\n" + ADMIN_BODY
    )
    labels = _labels(parsed)
    assert {"khoản 1 Mục I", "khoản 1 Mục II", "điểm a khoản 1 Mục II", "điểm 1.1 Mục II"} <= labels


def test_a_reference_at_a_line_start_is_not_a_new_unit() -> None:
    body = (
        _pdf_text(LAW_UNITS[:8], 60)
        + "\nmức phạt quy định tại\nChương I Nghị định này được áp dụng.\n"
        + _pdf_text(LAW_UNITS[8:], 60)
    )
    parsed = parse_text("luat.pdf", HEADER + body)
    chapters = [c.number for c in _clauses(parsed) if c.kind == "chuong"]
    assert chapters == ["I", "II"]


def test_attached_regulation_is_cited_through_the_decision() -> None:
    text = (
        "ỦY BAN NHÂN DÂN\nTỈNH QUẢNG BÌNH\nSố: 15/2026/QĐ-UBND\nQuảng Bình, ngày 02 tháng 3 năm 2026\n"
        "QUYẾT ĐỊNH\nBan hành Quy chế làm việc\n"
        "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.\n"
        "Điều 2. Quyết định này có hiệu lực từ ngày ký.\n"
        "Nơi nhận:\n- Như Điều 2;\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nTrần Văn B\n"
        "QUY CHẾ\nLàm việc của Ủy ban nhân dân tỉnh\n"
        "(Ban hành kèm theo Quyết định số 15/2026/QĐ-UBND ngày 02/3/2026)\n"
        "Chương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi\n1. Quy chế này quy định nguyên tắc làm việc.\n"
        "2. Sở Nội vụ theo dõi việc thực hiện Quy chế này.\n"
    )
    parsed = parse_text("qd.txt", text)
    chunk = next(c for c in parsed.chunks if "Sở Nội vụ theo dõi" in c.text)
    assert chunk.clause_label == "khoản 2 Điều 1 Quy chế ban hành kèm theo"
    assert chunk.label.startswith(
        "khoản 2 Điều 1 Quy chế ban hành kèm theo Quyết định số 15/2026/QĐ-UBND"
    )


# --- the real documents -----------------------------------------------------------------

_NUMBERED = ("phan", "chuong", "muc", "tieu_muc_luat", "dieu", "khoan", "tieu_muc", "diem")
# What the documents say of themselves, read by hand: Điều and Chương counts.
EXPECTED_UNITS = {
    "01_luat_24-2018-QH14_an-ninh-mang.docx": (43, ["I", "II", "III", "IV", "V", "VI", "VII"]),
    "03_nghi-dinh_282-2025-ND-CP_xu-phat-vphc-an-ninh-trat-tu_CONGBAO.pdf": (
        71,
        ["I", "II", "III", "IV"],
    ),
    "07_nghi-dinh_302-2025-ND-CP_quy-nha-o-quoc-gia.md": (
        27,
        ["I", "II", "III", "IV", "V", "VI", "VII"],
    ),
    "13_quy-dinh-dang_383-QD-TW_phong-luu-tru-Dang.md": (23, []),
}
# A hand-checked sample: label → the words the unit starts with in the document.
SAMPLE_LABELS = {
    "01_luat_24-2018-QH14_an-ninh-mang.docx": {
        "khoản 5 Điều 2": "5. Cơ sở hạ tầng không gian mạng quốc gia",
        "điểm đ khoản 1 Điều 5": "đ) Ứng phó, khắc phục sự cố an ninh mạng;",
        "khoản 1 Điều 3": "1. Ưu tiên bảo vệ an ninh mạng",
    },
    "07_nghi-dinh_302-2025-ND-CP_quy-nha-o-quoc-gia.md": {
        "khoản 2 Điều 3": "2. Ủy ban nhân dân cấp tỉnh thành lập và quản lý Quỹ nhà ở địa phương.",
        "điểm a khoản 4 Điều 3": "a) Quỹ nhà ở địa phương được thành lập mới",
    },
    "09_chi-thi_010-CT-UBND_DakLak_tham-dinh-du-an-dau-tu.md": {
        "điểm a khoản 1 Mục I": "a) Là đầu mối chủ trì, tiếp",
    },
    "11_nghi-quyet_380-NQ-CP_khac-phuc-hau-qua-thien-tai-mien-Trung.md": {
        "điểm b khoản 2 Mục I": "b) Thời gian hỗ trợ: Từ nay đến hết ngày 31 tháng 12 năm 2025.",
    },
    "13_quy-dinh-dang_383-QD-TW_phong-luu-tru-Dang.md": {
        "khoản 3 Điều 1": "3. Tài liệu của Mặt trận Tổ quốc Việt Nam.",
    },
}


def _parse(path: Path) -> ParsedDocument:
    source = read_source(path)
    return parse_text(path.name, source.text, source.format)


@pytest.fixture(scope="module")
def dev_documents() -> dict[str, ParsedDocument]:
    folder = shared("documents", "dev")
    return {p.name: _parse(p) for p in sorted(folder.iterdir()) if p.is_file()}


def test_every_numbered_label_is_written_at_its_unit(
    dev_documents: dict[str, ParsedDocument],
) -> None:
    for name, parsed in dev_documents.items():
        text = parsed.document.text
        for clause in _clauses(parsed):
            if clause.kind not in _NUMBERED or clause.inferred:
                continue
            opening = re.sub(r"[*_#|\s]+", " ", text[clause.start : clause.start + 60]).strip()
            assert clause.number and clause.number in opening[: len(clause.number) + 12], (
                name,
                clause.label,
                opening,
            )


def test_laws_have_every_article_and_chapter_once(dev_documents: dict[str, ParsedDocument]) -> None:
    for name, (articles, chapters) in EXPECTED_UNITS.items():
        clauses = _clauses(dev_documents[name])
        numbers = [c.number for c in clauses if c.kind == "dieu"]
        assert numbers == [str(n) for n in range(1, articles + 1)], name
        assert [c.number for c in clauses if c.kind == "chuong"] == chapters, name
        # Labels stop at the Điều: nothing above it is named.
        for c in clauses:
            if "Điều" in c.label:
                assert "Chương" not in c.label and "Mục" not in c.label, (name, c.label)


def test_hand_checked_labels(dev_documents: dict[str, ParsedDocument]) -> None:
    for name, expected in SAMPLE_LABELS.items():
        parsed = dev_documents[name]
        by_label = {c.label: c for c in _clauses(parsed)}
        for label, opening in expected.items():
            assert label in by_label, (name, label)
            clause = by_label[label]
            written = " ".join(parsed.document.text[clause.start : clause.end].split())
            assert written.startswith(opening), (name, label, written[:80])


def test_codification_articles_cite_their_source(dev_documents: dict[str, ParsedDocument]) -> None:
    parsed = dev_documents["08_phap-dien_36-4_quy-xa-hoi-quy-tu-thien.md"]
    articles = [c for c in parsed.chunks if "Điều" in c.clause_label]
    assert articles
    cited = [c for c in articles if c.metadata["doc_number"] == "93/2019/NĐ-CP"]
    assert len(cited) > 20
    assert all("36.4" not in c.clause_label for c in articles)
    first = next(c for c in cited if c.clause_label == "Điều 1")
    assert first.label.startswith("Điều 1 Nghị định số 93/2019/NĐ-CP ngày 25/11/2019")
    assert not any(c.text.startswith("(Điều ") for c in parsed.chunks)


def test_a_list_restarted_inside_a_provision_is_not_a_second_khoan_1() -> None:
    body = (
        "I. NHIỆM VỤ\n1. Sở Tài chính\nTổng hợp kinh phí.\n2. Sở Nội vụ thực hiện các việc sau:\n"
        "1. Đối với trường hợp cấp mới: thẩm định hồ sơ.\n2. Đối với trường hợp cấp lại: kiểm tra.\n"
        "3. Sở Y tế\nChủ trì khám chữa bệnh.\n"
    )
    parsed = parse_text(
        "kh.txt", "ỦY BAN NHÂN DÂN\nSố: 12/KH-UBND\nKẾ HOẠCH\nVề thẩm định\n" + body
    )
    labels = [c.label for c in _clauses(parsed)]
    assert len(labels) == len(set(labels)), labels
    assert {"điểm 1 khoản 2 Mục I", "điểm 2 khoản 2 Mục I", "khoản 3 Mục I"} <= set(labels)


def test_one_label_names_one_unit(dev_documents: dict[str, ParsedDocument]) -> None:
    for name, parsed in dev_documents.items():
        labels = [c.label for c in parsed.chunks]
        repeated = sorted({label for label in labels if labels.count(label) > 1})
        assert not repeated, (name, repeated[:5])


def test_a_codification_page_is_named_and_starts_at_its_first_unit(
    dev_documents: dict[str, ParsedDocument],
) -> None:
    parsed = dev_documents["08_phap-dien_36-4_quy-xa-hoi-quy-tu-thien.md"]
    assert parsed.document.doc_type == "Đề mục pháp điển"
    assert parsed.document.title == "Tổ chức, hoạt động của quỹ xã hội, quỹ từ thiện"
    assert parsed.outline[0].label == "Chương I"  # the site's information table is no clause


GOLDEN_DEV = Path(__file__).resolve().parent / "golden" / "dev"


def _label_outline(clauses: tuple[Clause, ...]) -> list[object]:
    return [
        [c.kind, c.label, _label_outline(c.children)] if c.children else [c.kind, c.label]
        for c in clauses
    ]


def test_dev_outlines_match_golden_files(dev_documents: dict[str, ParsedDocument]) -> None:
    """Each dev document's clause tree (kinds and labels, no text: the documents stay in
    ../shared) reads as recorded; UPDATE_GOLDEN=1 rewrites the files after a reviewed change."""
    GOLDEN_DEV.mkdir(parents=True, exist_ok=True)
    for name, parsed in dev_documents.items():
        path = GOLDEN_DEV / (Path(name).stem + ".labels.json")
        snapshot = _label_outline(parsed.outline)
        if os.environ.get("UPDATE_GOLDEN"):
            path.write_text(json.dumps(snapshot, ensure_ascii=False) + "\n", encoding="utf-8")
        assert json.loads(path.read_text(encoding="utf-8")) == snapshot, path.name


def test_inline_table_rows_are_cited_by_their_number() -> None:
    body = (
        "Điều 1. Danh mục\n"
        "TT | Bệnh | Đối tượng | Lịch tiêm\n"
        "1 | Bệnh lao | Trẻ em | - Tiêm một lần sau khi sinh.\n"
        "- Tiêm bù trước 12 tháng tuổi.\n"
        "2 | Bệnh uốn ván | Phụ nữ có thai | 1. Chưa tiêm đủ 3 lần:\n"
        "- Tiêm lần 1 sớm khi có thai.\n"
        "2. Đã tiêm đủ 3 lần:\n"
        "- Tiêm một lần.\n"
        "3 | Bệnh sởi | Trẻ em | - Tiêm khi trẻ đủ 9 tháng tuổi.\n"
        "Điều 2. Hiệu lực\n"
        "1. Thông tư này có hiệu lực từ ngày 15 tháng 02 năm 2026.\n"
    )
    parsed = parse_text("tt.html", HEADER.replace("LUẬT", "THÔNG TƯ") + body, "html")
    labels = {c.label: c for c in _clauses(parsed)}
    assert {"số thứ tự 1 của bảng tại Điều 1", "số thứ tự 3 của bảng tại Điều 1"} <= set(labels)
    assert "khoản 2 Điều 1" not in labels  # "2. Đã tiêm đủ 3 lần" is inside row 2's cell
    assert "khoản 1 Điều 2" in labels
    row2 = labels["số thứ tự 2 của bảng tại Điều 1"]
    assert "Đã tiêm đủ 3 lần" in parsed.document.text[row2.start : row2.end]
