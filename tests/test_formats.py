"""A real directive rebuilt as .docx and .pdf parses to the same document and clauses."""

from __future__ import annotations

import functools
import os
import re
import shutil
import textwrap
from pathlib import Path

import docx
import matplotlib
import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader, PdfWriter

from assistant.documents.corpus import load_corpus, parse_source
from assistant.documents.noise import noise_spans, without_noise
from assistant.documents.readers import SourceText, read_corpus_files, read_source
from assistant.documents.readers_legacy import looks_tcvn3, tcvn3_to_unicode
from assistant.documents.readers_tools import ocr_available
from assistant.errors import ReadError
from assistant.types import ParsedDocument, SkippedFile
from tests.builders import make_docx, make_pdf
from tests.conftest import CORPUS_DIR

SOURCES = ["002_0c09ccc583a5c28d.txt", "004_97737e9f94bc6ec3.txt"]


def _signature(parsed: ParsedDocument) -> tuple[object, ...]:
    d = parsed.document
    return (
        d.doc_number,
        d.doc_type,
        d.issuer,
        d.date,
        d.signer.name if d.signer else None,
        d.implements,
        tuple((c.clause_label, " ".join(c.clean_text.split())) for c in parsed.chunks),
    )


@pytest.mark.parametrize("name", SOURCES)
@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_rebuilt_document_parses_the_same(tmp_path: Path, name: str, fmt: str) -> None:
    original = parse_source(read_source(CORPUS_DIR / name))
    lines = original.document.text.split("\n")
    path = tmp_path / f"{Path(name).stem}.{fmt}"
    (make_docx if fmt == "docx" else make_pdf)(lines, path)
    rebuilt = parse_source(read_source(path))
    assert rebuilt.document.format == fmt
    assert _signature(rebuilt) == _signature(original)
    for chunk in rebuilt.chunks:
        assert rebuilt.document.text[chunk.start : chunk.end] == chunk.text


def test_broken_files_are_skipped_and_the_rest_load(tmp_path: Path) -> None:
    for name in SOURCES:
        (tmp_path / name).write_bytes((CORPUS_DIR / name).read_bytes())
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.4 garbage")
    (tmp_path / "bad.docx").write_bytes(b"not a zip")
    (tmp_path / "latin1.txt").write_bytes(b"Quy\xe9t \xf0inh")
    corpus = load_corpus(tmp_path)
    assert [p.document.source for p in corpus.documents] == SOURCES
    reasons = {s.source: s.reason for s in corpus.skipped}
    assert set(reasons) == {"empty.txt", "junk.pdf", "bad.docx", "latin1.txt"}
    assert all(reasons.values())


# --- formats offices have: scanned PDF (OCR) and old Word .doc ------------------------


def needs_tools(*tools: str) -> None:
    """Skip on a desk without the Debian tools; in CI (where `make test` installs them) fail."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if tools and "tesseract" in tools and not missing and not ocr_available():
        missing.append("tesseract-ocr-vie")
    if missing:
        message = f"cần cài: {', '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


SCAN_LINES = [
    "CHÍNH PHỦ",
    "Số: 12/2025/NĐ-CP",
    "NGHỊ ĐỊNH",
    "Điều 1. Phạm vi điều chỉnh",
    "Nghị định này quy định xử phạt vi phạm hành chính",
    "trong lĩnh vực an ninh, trật tự, an toàn xã hội.",
]


def make_scanned_pdf(lines: list[str], path: Path) -> Path:
    """A page photo: the lines drawn into a grey image, saved as a PDF with no text layer."""
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    font = ImageFont.truetype(str(ttf), 40)
    image = Image.new("L", (2480, 200 + 80 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((150, 100 + 80 * i), line, font=font, fill=0)
    image.save(path, "PDF", resolution=300)
    return path


def test_scanned_pdf_is_read_by_ocr_and_marked(tmp_path: Path) -> None:
    needs_tools("tesseract", "pdftoppm")
    path = make_scanned_pdf(SCAN_LINES, tmp_path / "scan.pdf")
    assert not "".join(p.extract_text() for p in PdfReader(path).pages).strip()

    source = read_source(path)

    assert source.ocr and source.format == "pdf"
    words = " ".join(source.text.split())
    for key in ("NGHỊ ĐỊNH", "Điều 1. Phạm vi điều chỉnh", "xử phạt vi phạm hành chính"):
        assert key in words
    parsed = parse_source(source)
    assert parsed.document.ocr
    assert parsed.document.doc_number == "12/2025/NĐ-CP"
    for chunk in parsed.chunks:  # quotes index the OCR text like any other text
        assert parsed.document.text[chunk.start : chunk.end] == chunk.text


def test_a_scanned_a4_page_of_a_directive_parses_to_its_metadata(tmp_path: Path) -> None:
    """A full page at 300 dpi, slightly skewed as scanners leave it: OCR gives the same header."""
    needs_tools("tesseract", "pdftoppm")
    original = parse_source(read_source(CORPUS_DIR / "002_0c09ccc583a5c28d.txt"))
    lines = [
        part
        for line in original.document.text.split("\n")[:60]
        for part in (textwrap.wrap(line, 80) or [""])
    ][:55]
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSerif.ttf"
    font = ImageFont.truetype(str(ttf), 38)  # 9 pt at 300 dpi
    page = Image.new("L", (2480, 3508), 255)  # A4
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((200, 200 + 58 * i), line, font=font, fill=0)
    page.rotate(0.7, fillcolor=255).save(tmp_path / "scan.pdf", "PDF", resolution=300)

    scanned = parse_source(read_source(tmp_path / "scan.pdf")).document

    assert scanned.ocr
    for field in ("doc_number", "doc_type", "issuer", "date", "place"):
        assert getattr(scanned, field) == getattr(original.document, field), field


def test_scanned_page_among_text_pages_is_read_in_place(tmp_path: Path) -> None:
    needs_tools("tesseract", "pdftoppm")
    writer = PdfWriter()
    writer.append(make_pdf(["Trang một: Ủy ban nhân dân tỉnh"], tmp_path / "text.pdf"))
    writer.append(make_scanned_pdf(SCAN_LINES[3:5], tmp_path / "scan.pdf"))
    writer.write(tmp_path / "mixed.pdf")

    source = read_source(tmp_path / "mixed.pdf")

    assert source.ocr
    first, second = source.text.split("\n", 1)
    assert "Ủy ban nhân dân tỉnh" in first
    assert "Phạm vi điều chỉnh" in second


def test_text_pdf_is_not_marked_ocr(tmp_path: Path) -> None:
    source = read_source(make_pdf(["Điều 1. Phạm vi điều chỉnh"], tmp_path / "a.pdf"))
    assert not source.ocr
    assert not parse_source(source).document.ocr


_NO_ANTIWORD = "cần cài gói antiword để đọc tệp Word cũ (.doc) (missing Debian package antiword)"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def test_doc_without_antiword_names_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("assistant.documents.readers_tools.shutil.which", lambda _: None)
    (tmp_path / "cu.doc").write_bytes(_OLE + bytes(4096))
    with pytest.raises(ReadError) as info:
        read_source(tmp_path / "cu.doc")
    assert info.value.reason == _NO_ANTIWORD
    # The corpus loader skips it with that reason and loads the rest.
    (tmp_path / "a.txt").write_text("Điều 1. Phạm vi điều chỉnh", encoding="utf-8")
    texts, skipped = read_corpus_files(tmp_path)
    assert [t.source for t in texts] == ["a.txt"]
    assert skipped == [SkippedFile("cu.doc", _NO_ANTIWORD)]


DOC_CASES = [
    ("hong.doc", _OLE + bytes(4096), "tệp .doc bị hỏng hoặc không phải tệp Word (corrupted .doc: "),
    ("rac.doc", bytes(range(1, 256)) * 8, "tệp .doc bị hỏng (corrupted .doc: not a Word 97-2003 file)"),
    ("rtf.doc", rb"{\rtf1\ansi Ke hoach}", "tệp .doc thực chất là RTF, hãy lưu lại dạng .docx"),
    ("mht.doc", b"MIME-Version: 1.0\r\n", "tệp .doc thực chất là trang web MHT"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "reason"), DOC_CASES, ids=[c[0] for c in DOC_CASES])
def test_doc_that_cannot_be_read_says_why(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    if name == "hong.doc":
        needs_tools("antiword")
    (tmp_path / name).write_bytes(data)
    with pytest.raises(ReadError) as info:
        read_source(tmp_path / name)
    assert info.value.reason.startswith(reason)


# Made once with LibreOffice (soffice --headless --convert-to doc:"MS Word 97") from a
# python-docx file of DOC_LINES and a two-row table; nothing in the tests writes .doc.
DOC_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "ke_hoach.doc"
DOC_LINES = [
    "ỦY BAN NHÂN DÂN",
    "TỈNH QUẢNG BÌNH",
    "Số: 15/KH-UBND",
    "KẾ HOẠCH",
    "Triển khai công tác phòng, chống thiên tai năm 2025",
    "1. Sở Nông nghiệp và Môi trường chủ trì, phối hợp với các sở, ngành.",
    "a) Kiểm tra, đôn đốc việc thực hiện.",
    "STT | Nội dung",
    "1 | Tuyên truyền, phổ biến",
    "2. Ủy ban nhân dân các huyện báo cáo kết quả trước ngày 15 tháng 12 năm 2025.",
]


def test_word_97_doc_is_read_through_antiword(tmp_path: Path) -> None:
    needs_tools("antiword")
    source = read_source(DOC_FIXTURE)
    assert source.format == "doc" and not source.ocr
    assert [line for line in source.text.split("\n") if line] == DOC_LINES
    document = parse_source(source).document
    assert (document.doc_number, document.doc_type) == ("15/KH-UBND", "Kế hoạch")
    # An old .doc saved under the new extension is read all the same.
    (tmp_path / "cu.docx").write_bytes(DOC_FIXTURE.read_bytes())
    assert read_source(tmp_path / "cu.docx").text == source.text


def test_doc_that_is_really_a_docx_or_a_web_page_is_read_as_such(tmp_path: Path) -> None:
    make_docx(["KẾ HOẠCH", "1. Sở Y tế"], tmp_path / "moi.docx").rename(tmp_path / "moi.doc")
    (tmp_path / "web.doc").write_text(
        "<html><body><p>KẾ HOẠCH</p><p>1. Sở Y tế</p></body></html>", encoding="utf-8"
    )
    for name in ("moi.doc", "web.doc"):
        source = read_source(tmp_path / name)
        assert source.format == "doc"
        assert source.text == "KẾ HOẠCH\n1. Sở Y tế"


# --- the real documents in ../shared (read, never copied) -----------------------------

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "documents"


def shared(*parts: str) -> Path:
    """A path under ../shared/documents; skipped when absent, except in CI where it must be."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing")
        pytest.skip(f"{path} not beside the checkout")
    return path


@functools.cache
def _read_shared(path: Path) -> SourceText:
    return read_source(path)  # the 95-page Công báo takes seconds; read it once


def test_cong_bao_pdf_page_furniture_and_split_syllables_leave_the_searchable_text() -> None:
    path = shared("dev", "03_nghi-dinh_282-2025-ND-CP_xu-phat-vphc-an-ninh-trat-tu_CONGBAO.pdf")
    source = _read_shared(path)
    text = source.text
    assert not source.ocr
    assert text.count("CÔNG BÁO/Số 1583 + 1584") == 94  # one a page, kept in the raw text
    assert "Căn cứ Luật Cảnh v ệ số 13/2017/QH14" in text  # quotes index the raw text

    spans = noise_spans(text, source.format)
    clean = without_noise(text, spans)
    assert "CÔNG BÁO" not in clean and "XUẤT BẢN" not in clean
    assert "Căn cứ Luật Cảnh vệ số 13/2017/QH14" in clean
    assert "Điều 71. Trách nhiệm thi hành" in clean and "Phạm Minh Chính" in clean
    broken = [w for w in ("phạ m", "tr ật", "Ngh ị", "c ủa", "khoả n") if w in clean]
    assert not broken
    assert clean.count("an ninh, trật tự, an toàn xã hội") > text.count(
        "an ninh, trật tự, an toàn xã hội"
    )


def test_luat_docx_keeps_its_header_table_and_every_article() -> None:
    text = read_source(shared("dev", "01_luat_24-2018-QH14_an-ninh-mang.docx")).text
    lines = text.split("\n")
    assert lines[0] == "QUỐC HỘI"
    assert "Luật số: 24/2018/QH14 | Hà Nội, ngày 12 tháng 6 năm 2018" in lines
    articles = [int(m[1]) for line in lines if (m := re.match(r"Điều (\d+)\. ", line))]
    assert articles == list(range(1, 44))
    assert "Chương VII" in lines
    assert "1. An ninh mạng là sự bảo đảm hoạt động trên không gian mạng" in text
    assert "a) Hệ thống truyền dẫn bao gồm hệ thống truyền dẫn quốc" in text


def test_thong_tu_html_reads_the_document_and_its_table_row_by_row() -> None:
    name = "06_thong-tu_52-2025-TT-BYT_danh-muc-benh-truyen-nhiem-vac-xin-bat-buoc_VBPL.html"
    lines = read_source(shared("dev", name)).text.split("\n")
    assert lines[0] == "BỘ Y TẾ"
    assert "Số: 52/2025/TT-BYT | Hà Nội, ngày 31 tháng 12 năm 2025" in lines
    assert (
        "2 | Bệnh lao phổi | Vắc xin lao | Trẻ em | "
        "- Tiêm một lần cho trẻ trong vòng 1 tháng sau khi sinh."
    ) in lines
    assert (
        "TT | Bệnh truyền nhiễm | Vắc xin, đối tượng và độ tuổi, lịch tiêm chủng trong "
        + ("Chương trình tiêm chủng mở rộng")
        in lines
    )
    # The signature block stays apart from the Nơi nhận list beside it.
    assert lines[-6:] == [
        "- Lưu: VT, PB, PC.", "|", "KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "(Đã ký)",
        "Nguyễn Thị Liên Hương",
    ]  # fmt: skip


@pytest.mark.parametrize("folder", ["dev", "bulk"])
def test_every_shared_document_reads_without_error(folder: str) -> None:
    for path in sorted(shared(folder).iterdir()):
        source = _read_shared(path)  # raises ReadError, with its reason, on a file it cannot read
        assert source.text.strip()
        for start, end in noise_spans(source.text, source.format):
            assert 0 <= start < end <= len(source.text)


# --- old TCVN3 (.VnTime) font encoding ------------------------------------------------

TCVN3_LINES = [  # as a reader gets them from a file typed with .VnTime fonts
    "Uû ban nh©n d©n",
    "tØnh qu¶ng b×nh",
    "Sè: 15/KH-UBND",
    "KÕ ho¹ch",
    "TriÓn khai c«ng t¸c phßng, chèng thiªn tai n¨m 2025",
    "§iÒu 1",
    "1. Së N«ng nghiÖp vµ M«i tr\xadêng chñ tr×, phèi hîp víi c¸c së, ngµnh.",
]
UNICODE_LINES = [
    "Uỷ ban nhân dân",
    "tỉnh quảng bình",
    "Số: 15/KH-UBND",
    "Kế hoạch",
    "Triển khai công tác phòng, chống thiên tai năm 2025",
    "Điều 1",
    "1. Sở Nông nghiệp và Môi trường chủ trì, phối hợp với các sở, ngành.",
]


def test_tcvn3_office_file_comes_back_in_unicode(tmp_path: Path) -> None:
    source = read_source(make_docx(TCVN3_LINES, tmp_path / "cu.docx"))
    assert source.text.split("\n") == UNICODE_LINES


def test_tcvn3_lines_are_converted_and_unicode_lines_kept() -> None:
    mixed = "\n".join(
        ["Céng hoµ x· héi chñ nghÜa ViÖt Nam", "CÔNG HÒA XÃ HỘI", "Diện tích × 2 × 3", "§iÒu 1"]
    )
    assert tcvn3_to_unicode(mixed).split("\n") == [
        "Cộng hoà xã hội chủ nghĩa Việt Nam",
        "CÔNG HÒA XÃ HỘI",  # Unicode, though Ô and Ò are TCVN3 codes too
        "Diện tích × 2 × 3",  # a multiplication sign is no letter
        "§iÒu 1",  # too few marks in a document that is mostly Unicode
    ]
    assert not looks_tcvn3("© 2025 Cổng thông tin điện tử · Bản quyền")


def test_plain_text_is_never_converted(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("\n".join(TCVN3_LINES), encoding="utf-8")
    assert read_source(tmp_path / "a.txt").text.split("\n") == TCVN3_LINES


def test_tcvn3_docx_runs_are_converted_by_their_font_capitals_included(tmp_path: Path) -> None:
    document = docx.Document()
    document.styles["Normal"].font.name = ".VnTime"  # the whole document's default font
    heading = document.add_paragraph()
    heading.add_run("céng hoµ x· héi chñ nghÜa viÖt nam").font.name = ".VnTimeH"
    document.add_paragraph("§iÒu 1. Ph¹m vi ®iÒu chØnh")  # in the default font
    mixed = document.add_paragraph()
    mixed.add_run("Theo ").font.name = ".VnTime"
    mixed.add_run("Nghị định số 30/2020/NĐ-CP về công tác văn thư").font.name = "Times New Roman"
    document.save(str(tmp_path / "cu.docx"))

    assert read_source(tmp_path / "cu.docx").text.split("\n") == [
        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Điều 1. Phạm vi điều chỉnh",
        "Theo Nghị định số 30/2020/NĐ-CP về công tác văn thư",
    ]
