"""Readers turn each supported format into NFC text, and reject broken files with a reason."""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from pypdf import PasswordType, PdfReader, PdfWriter
from pypdf.errors import DependencyError
from reportlab.pdfgen import canvas

from assistant.documents.readers import (
    SUPPORTED_SUFFIXES,
    SourceText,
    read_corpus_files,
    read_source,
)
from assistant.errors import ReadError
from assistant.types import SkippedFile
from tests.builders import Heading, make_docx, make_pdf

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SEED_FILES = sorted(CORPUS.glob("*.txt"))


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def collapse_spaces(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


# --- plain text ---------------------------------------------------------------------


def test_supported_suffixes() -> None:
    assert {".txt", ".md", ".docx", ".doc", ".pdf", ".html", ".htm"} == SUPPORTED_SUFFIXES


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_seed_files_read_as_their_exact_decoded_text(path: Path) -> None:
    source = read_source(path)
    assert source == SourceText(
        source=path.name, text=path.read_bytes().decode("utf-8"), format="txt"
    )


def test_there_are_five_seed_files() -> None:
    assert len(SEED_FILES) == 5


def test_text_keeps_spacing_unifies_newlines_drops_bom_and_composes(tmp_path: Path) -> None:
    raw = "\ufeff  " + nfd("Kính gửi:") + "\r\n- Sở Y tế  \r\rHà Nội\t|\n\n"
    (tmp_path / "a.md").write_bytes(raw.encode("utf-8"))

    source = read_source(tmp_path / "a.md")

    assert source.text == "  Kính gửi:\n- Sở Y tế  \n\nHà Nội\t|\n\n"
    assert unicodedata.is_normalized("NFC", source.text)
    assert source.format == "md"


# --- .docx -------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    path = make_docx(
        [
            Heading("KẾ HOẠCH"),
            nfd("Thực hiện Kết luận số 44-KL/TW"),
            "",
            "1. Sở Y tế",
            "- Chủ trì phối hợp với các sở, ngành liên quan…",
            [["STT", "Nội dung", "Cơ quan chủ trì"], ["1", "Tuyên truyền", "Sở Y tế"]],
            "2. Sở Tài chính",
            "\tBố trí kinh phí",
        ],
        tmp_path / "ke_hoach.docx",
    )
    document = docx.Document(str(path))  # headers and footers are not body text
    document.sections[0].header.paragraphs[0].text = "ỦY BAN NHÂN DÂN (đầu trang)"
    document.sections[0].footer.paragraphs[0].text = "Trang 1"
    document.save(str(path))

    source = read_source(path)

    assert source.format == "docx"
    assert source.text == "\n".join(
        [
            "KẾ HOẠCH",
            "Thực hiện Kết luận số 44-KL/TW",
            "",
            "1. Sở Y tế",
            "- Chủ trì phối hợp với các sở, ngành liên quan…",
            "STT | Nội dung | Cơ quan chủ trì",
            "1 | Tuyên truyền | Sở Y tế",
            "2. Sở Tài chính",
            "\tBố trí kinh phí",
        ]
    )
    assert unicodedata.is_normalized("NFC", source.text)


def test_docx_merged_cells_appear_once_and_cell_paragraphs_stay_lines(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "ỦY BAN NHÂN DÂN"
    table.cell(0, 0).add_paragraph("THÀNH PHỐ HÀ NỘI")
    table.cell(0, 1).merge(table.cell(0, 2)).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    table.cell(1, 0).text = "Số: 164/KH-UBND"
    table.cell(1, 2).text = "Hà Nội, ngày 05 tháng 6 năm 2023"
    document.save(str(tmp_path / "header.docx"))

    text = read_source(tmp_path / "header.docx").text

    assert text == (
        "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HÀ NỘI | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Số: 164/KH-UBND |  | Hà Nội, ngày 05 tháng 6 năm 2023"
    )


_INLINE = """
<w:p {ns}>
  <w:r><w:t xml:space="preserve">Theo </w:t></w:r>
  <w:hyperlink><w:r><w:t>Kế hoạch số 164/KH-UBND</w:t></w:r></w:hyperlink>
  <w:ins w:id="1" w:author="VP"><w:r><w:t xml:space="preserve"> ngày 05/6/2023</w:t></w:r></w:ins>
  <w:del w:id="2" w:author="VP"><w:r><w:delText> ngày 01/6/2023</w:delText></w:r></w:del>
  <w:r><w:t>, trang </w:t></w:r>
  <w:fldSimple w:instr="PAGE"><w:r><w:t>3</w:t></w:r></w:fldSimple>
  <w:r><w:br/><w:t>dòng sau</w:t></w:r>
</w:p>"""


def test_docx_reads_links_tracked_insertions_and_fields_but_not_deletions(tmp_path: Path) -> None:
    document = docx.Document()
    document.element.body.insert(0, parse_xml(_INLINE.format(ns=nsdecls("w"))))
    document.save(str(tmp_path / "inline.docx"))

    text = read_source(tmp_path / "inline.docx").text

    assert text == "Theo Kế hoạch số 164/KH-UBND ngày 05/6/2023, trang 3\ndòng sau"


_ABSTRACT = """
<w:abstractNum {ns} w:abstractNumId="{id}">
  <w:lvl w:ilvl="0"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%2)"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl>
</w:abstractNum>"""


def _add_list(document: docx.document.Document, abstract_id: int, fmt: str, start: int = 1) -> None:
    numbering = document.part.numbering_part.element
    first_num = numbering.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}num")
    xml = _ABSTRACT.format(ns=nsdecls("w"), id=abstract_id, fmt=fmt, start=start)
    first_num.addprevious(parse_xml(xml))  # the schema puts every abstractNum before the nums


def _add_num(
    document: docx.document.Document, num_id: int, abstract_id: int, restart: bool
) -> None:
    override = (
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>' if restart else ""
    )
    xml = f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{abstract_id}"/>{override}</w:num>'
    document.part.numbering_part.element.append(parse_xml(xml))


def _numbered(document: docx.document.Document, text: str, num_id: int, ilvl: int = 0) -> None:
    num_pr = document.add_paragraph(text)._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = ilvl
    num_pr.get_or_add_numId().val = num_id


def test_docx_renders_word_automatic_list_numbering(tmp_path: Path) -> None:
    document = docx.Document()
    _add_list(document, 90, "decimal")
    _add_list(document, 92, "upperRoman", start=4)
    _add_num(document, 90, 90, restart=False)
    _add_num(document, 91, 90, restart=True)  # "Restart at 1" makes a new num with startOverride
    _add_num(document, 92, 92, restart=False)
    _numbered(document, "Mục đích", 90)
    _numbered(document, "Tuyên truyền", 90, ilvl=1)
    _numbered(document, "Chủ trì phối hợp", 90, ilvl=2)
    _numbered(document, "Kiểm tra", 90, ilvl=1)
    _numbered(document, "Yêu cầu", 90)
    _numbered(document, "Đồng bộ", 90, ilvl=1)
    document.add_paragraph("Đoạn không đánh số")
    _numbered(document, "Danh sách mới", 91)
    _numbered(document, "Tiếp tục", 90)  # nums of one abstract definition share its counter
    _numbered(document, "TỔ CHỨC THỰC HIỆN", 92)
    document.add_paragraph("Sở Y tế", style="List Number")  # numbering inherited from the style
    document.add_paragraph("Sở Tài chính", style="List Number")
    _numbered(document, "Không đánh số", 0)  # numId 0 switches the style's numbering off
    document.save(str(tmp_path / "lists.docx"))

    lines = read_source(tmp_path / "lists.docx").text.split("\n")

    assert lines == [
        "1. Mục đích",
        "a) Tuyên truyền",
        "- Chủ trì phối hợp",
        "b) Kiểm tra",
        "2. Yêu cầu",
        "a) Đồng bộ",
        "Đoạn không đánh số",
        "1. Danh sách mới",
        "2. Tiếp tục",
        "IV. TỔ CHỨC THỰC HIỆN",
        "1. Sở Y tế",
        "2. Sở Tài chính",
        "Không đánh số",
    ]


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_docx_built_from_a_seed_file_reads_back_exactly(path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    built = make_docx(text.split("\n"), tmp_path / f"{path.stem}.docx")
    assert read_source(built).text == text


# --- .pdf ----------------------------------------------------------------------------

PDF_LINES = [
    "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI",
    "KẾ HOẠCH",
    "Triển khai thực hiện Kết luận số 44-KL/TW ngày 14/11/2022 của Ban Bí thư",
    "1. Sở Y tế",
    "- Chủ trì, phối hợp với Hội Chữ thập đỏ Thành phố tổ chức tuyên truyền.",
    "a) Đẩy mạnh xã hội hóa; cứu trợ khẩn cấp, hỗ trợ nạn nhân thiên tai.",
]


def test_pdf_with_vietnamese_text_layer_reads_back_line_by_line(tmp_path: Path) -> None:
    path = make_pdf([nfd(line) for line in PDF_LINES], tmp_path / "ke_hoach.pdf")

    source = read_source(path)

    assert source.format == "pdf"
    assert collapse_spaces(source.text) == PDF_LINES
    assert unicodedata.is_normalized("NFC", source.text)


def test_pdf_pages_are_joined_in_order(tmp_path: Path) -> None:
    lines = [f"Dòng số {i}: Ủy ban nhân dân" for i in range(120)]  # three A4 pages
    text = read_source(make_pdf(lines, tmp_path / "dai.pdf")).text
    assert collapse_spaces(text) == lines


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name)
def test_pdf_built_from_a_seed_file_reads_back_its_lines(path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    built = make_pdf(text.split("\n"), tmp_path / f"{path.stem}.pdf")
    assert collapse_spaces(read_source(built).text) == collapse_spaces(text)


def _encrypt(path: Path, user_password: str) -> Path:
    writer = PdfWriter(clone_from=str(path))
    writer.encrypt(user_password=user_password, owner_password="chu-so-huu", algorithm="RC4-128")
    out = path.with_name(f"enc_{path.name}")
    writer.write(str(out))
    return out


def test_pdf_locked_by_a_user_password_is_rejected(tmp_path: Path) -> None:
    locked = _encrypt(make_pdf(PDF_LINES, tmp_path / "a.pdf"), user_password="mat-khau")
    with pytest.raises(ReadError) as info:
        read_source(locked)
    assert info.value.reason == "PDF được mã hoá (encrypted PDF)"


def test_pdf_that_needs_a_missing_package_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def needs_cryptography(self: PdfReader, password: str) -> PasswordType:
        raise DependencyError("cryptography>=3.1 is required for AES algorithm")

    monkeypatch.setattr(PdfReader, "decrypt", needs_cryptography)  # as pypdf does for AES
    locked = _encrypt(make_pdf(PDF_LINES, tmp_path / "a.pdf"), user_password="")
    with pytest.raises(ReadError) as info:
        read_source(locked)
    assert info.value.reason == (
        "thiếu thư viện để đọc PDF này "
        "(missing dependency: cryptography>=3.1 is required for AES algorithm)"
    )


def test_pdf_with_only_an_owner_password_opens(tmp_path: Path) -> None:
    restricted = _encrypt(make_pdf(PDF_LINES, tmp_path / "a.pdf"), user_password="")
    assert collapse_spaces(read_source(restricted).text) == PDF_LINES


def test_pdf_without_any_text_even_by_ocr_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf = canvas.Canvas(str(tmp_path / "scan.pdf"))
    pdf.rect(50, 50, 400, 600, fill=1)  # a page image with no words on it
    pdf.save()
    # Without the OCR tools, the reason names the packages to install.
    monkeypatch.setattr("assistant.documents.readers_tools.shutil.which", lambda _: None)
    with pytest.raises(ReadError) as info:
        read_source(tmp_path / "scan.pdf")
    assert info.value.reason == (
        "PDF không có lớp chữ (bản quét): cần cài gói tesseract-ocr và tesseract-ocr-vie "
        "để đọc PDF quét bằng OCR (missing Debian package tesseract-ocr và tesseract-ocr-vie)"
    )
    monkeypatch.undo()
    # With them (tests/test_formats.py covers OCR itself), a page without words has no text.
    monkeypatch.setattr("assistant.documents.readers_office.ocr_pdf_pages", lambda d, n, p: {})
    with pytest.raises(ReadError) as info:
        read_source(tmp_path / "scan.pdf")
    assert info.value.reason == "PDF không có chữ, kể cả khi nhận dạng OCR (no text, even by OCR)"


# --- .html ----------------------------------------------------------------------------

ARTICLE_PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Cổng thông tin điện tử</title>
<style>.tin { color: red }</style><script>var quangCao = "Không được hiện";</script></head>
<body>
<header><div class="logo">CỔNG THÔNG TIN ĐIỆN TỬ HẢI PHÒNG</div>
  <nav><a href="/">Trang chủ</a> <a href="/tin">Tin tức</a></nav></header>
<aside>Tin liên quan</aside>
<main>
  <article>
    <header><h1>Hải Phòng thực hiện Chỉ thị 43-CT/TW</h1><p class="ngay">03/12/2023</p></header>
    <p>Chiều 3/12, Đoàn kiểm tra của <b>Ban Chỉ đạo Trung ương</b>
       làm việc với  Thành ủy <a href="/hp">Hải Phòng</a>.</p>
    <div><div><p>Theo&nbsp;báo cáo:<br>- Tổ chức tuyên truyền;<br/>- Kiểm tra, giám sát.</p></div></div>
    <ul>
      <li>Sở Y tế</li>
      <li>Sở Tài chính</li>
    </ul>
    <table><tr><th>STT</th><th>Nội dung</th></tr><tr><td>1</td><td>Tuyên truyền</td></tr></table>
    <script>theoDoi();</script>
    <form><input value="Tìm kiếm"><button>Gửi</button></form>
    <footer>Chia sẻ: Facebook</footer>
  </article>
</main>
<footer>Bản quyền © 2023 UBND thành phố Hải Phòng</footer>
<noscript>Hãy bật JavaScript</noscript>
<iframe src="https://example.invalid/ads"></iframe>
</body></html>
"""


def test_html_keeps_the_article_text_only(tmp_path: Path) -> None:
    (tmp_path / "tin.html").write_text(nfd(ARTICLE_PAGE), encoding="utf-8")

    source = read_source(tmp_path / "tin.html")

    assert source.format == "html"
    assert source.text == "\n".join(
        [
            "Hải Phòng thực hiện Chỉ thị 43-CT/TW",
            "03/12/2023",
            "Chiều 3/12, Đoàn kiểm tra của Ban Chỉ đạo Trung ương làm việc với Thành ủy Hải Phòng.",
            "Theo báo cáo:",
            "- Tổ chức tuyên truyền;",
            "- Kiểm tra, giám sát.",
            "Sở Y tế",
            "Sở Tài chính",
            "STT | Nội dung",
            "1 | Tuyên truyền",
        ]
    )
    assert unicodedata.is_normalized("NFC", source.text)


def test_html_without_main_uses_body_and_keeps_one_blank_line(tmp_path: Path) -> None:
    page = (
        "<html><body><nav>Menu</nav><div><p>Đoạn một</p></div>\n\n"
        "<div><div><p>Đoạn hai<br><br><br><br>Đoạn ba  </p></div></div></body></html>"
    )
    (tmp_path / "trang.htm").write_text(page, encoding="utf-8")
    assert read_source(tmp_path / "trang.htm").text == "Đoạn một\nĐoạn hai\n\nĐoạn ba"


def _cp1258(text: str) -> bytes:
    """Windows-1258 has â ê ô ă ơ ư đ but writes the five tone marks as combining characters."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        tones = [m for m in marks if m in "\u0300\u0301\u0303\u0309\u0323"]
        shape = [m for m in marks if m not in tones]
        out.append(unicodedata.normalize("NFC", base + "".join(shape)) + "".join(tones))
    return "".join(out).encode("cp1258")


def test_html_is_decoded_with_its_declared_charset(tmp_path: Path) -> None:
    page = (
        '<html><head><meta charset="windows-1258"></head><body><p>Quận ủy Kiến An</p></body></html>'
    )
    (tmp_path / "cu.html").write_bytes(_cp1258(page))
    assert read_source(tmp_path / "cu.html").text == "Quận ủy Kiến An"


# --- broken files ------------------------------------------------------------------------


def _zip_without_document() -> bytes:
    buffer = io.BytesIO()  # a zip archive, but not a Word package
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ghi_chu.txt", "Kế hoạch")
    return buffer.getvalue()


def _excel_renamed() -> bytes:
    buffer = io.BytesIO()  # the package of another Office format, only the content type differs
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Target="xl/workbook.xml" Type='
            '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
            "</Relationships>",
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def _truncated_pdf(tmp_path: Path) -> bytes:
    data = make_pdf(PDF_LINES, tmp_path / "full.pdf").read_bytes()
    return data[: len(data) // 2]


BROKEN = [
    ("rong.txt", lambda _: b"", "tệp rỗng (empty file)"),
    ("nhi_phan.txt", lambda _: bytes(range(256)) * 4, "không phải văn bản: có byte nhị phân (binary content)"),
    ("cp1258.txt", lambda _: _cp1258("Hà Nội"), "không giải mã được UTF-8 (not valid UTF-8 at byte 2)"),
    ("utf16.txt", lambda _: "Hà Nội".encode("utf-16"), "tệp mã hoá UTF-16, hãy lưu lại dạng UTF-8 (UTF-16 text; save as UTF-8)"),
    ("khoang_trang.md", lambda _: b" \n\t\n", "không có nội dung chữ (no text content)"),
    ("rac.docx", lambda _: bytes(range(1, 256)) * 8, "tệp .docx bị hỏng (corrupted .docx: not a zip archive)"),
    ("zip.docx", lambda _: _zip_without_document(), "tệp .docx bị hỏng (corrupted .docx: KeyError: "),
    ("xlsx.docx", lambda _: _excel_renamed(), "tệp .docx bị hỏng (corrupted .docx: ValueError: file is not a Word file"),
    ("cu.docx", lambda _: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "tệp .docx có mật khẩu hoặc là tệp .doc cũ"),
    ("cut.pdf", _truncated_pdf, "tệp .pdf bị hỏng (corrupted .pdf: "),
    ("rac.pdf", lambda _: b"%PDF-1.7\n" + bytes(range(1, 256)) * 8, "tệp .pdf bị hỏng (corrupted .pdf: "),
    ("rong.html", lambda _: b"<html><body><nav>Menu</nav><script>x()</script></body></html>", "không có nội dung chữ (no text content)"),
    ("sai.html", lambda _: _cp1258("<p>Hà Nội</p>"), "không giải mã được UTF-8 (not valid UTF-8 at byte 5)"),
    ("bang.xyz", lambda _: "Kế hoạch".encode(), "định dạng không hỗ trợ (unsupported format .xyz)"),
    ("khong_duoi", lambda _: "Kế hoạch".encode(), "định dạng không hỗ trợ (unsupported format không có đuôi tệp)"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "build", "reason"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_file_is_rejected_with_its_reason(
    name: str, build, reason: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_bytes(build(tmp_path))
    with pytest.raises(ReadError) as info:
        read_source(path)
    assert info.value.source == name
    assert info.value.reason.startswith(reason)
    assert str(info.value) == f"{name}: {info.value.reason}"


def test_oversize_file_is_rejected_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "lon.pdf"
    with path.open("wb") as sparse:  # 25.3 MB on paper, nothing on disk: it must not be read
        sparse.truncate(int(25.3 * 1024 * 1024))
    with pytest.raises(ReadError) as info:
        read_source(path)
    assert info.value.reason == "tệp quá lớn: 25,3 MB > 20 MB (file too large)"


def test_max_bytes_is_configurable(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Kế hoạch số 164/KH-UBND", encoding="utf-8")
    with pytest.raises(ReadError) as info:
        read_source(tmp_path / "a.txt", max_bytes=10)
    assert info.value.reason == "tệp quá lớn: 29 byte > 10 byte (file too large)"


# --- a whole folder --------------------------------------------------------------------------


def test_read_corpus_files_reads_the_good_and_reports_the_bad(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "b_ke_hoach.docx").write_bytes(
        make_docx(["KẾ HOẠCH", "1. Sở Y tế"], tmp_path / "k.docx").read_bytes()
    )
    (folder / "a_cong_van.txt").write_text("Kính gửi: Sở Y tế\n", encoding="utf-8")
    (folder / "c_rong.txt").write_bytes(b"")
    (folder / "d_nhi_phan.txt").write_bytes(bytes(range(256)))
    (folder / "e_sai.txt").write_bytes(_cp1258("Hà Nội"))
    (folder / "f_rac.docx").write_bytes(bytes(range(1, 256)))
    (folder / "g_cut.pdf").write_bytes(_truncated_pdf(tmp_path))
    (folder / "h_lon.md").write_text("x" * 70_000, encoding="utf-8")
    (folder / "i_bang.xyz").write_bytes(b"STT;Noi dung")
    (folder / "j_tin.html").write_text(ARTICLE_PAGE, encoding="utf-8")
    (folder / "k_thu_muc").mkdir()
    (folder / ".DS_Store").write_bytes(bytes(range(256)))  # hidden: ignored silently
    (folder / "~$ke_hoach.docx").write_bytes(b"\x0bNguyen Van A")  # Word's lock file: ignored

    with caplog.at_level(logging.WARNING, logger="assistant.documents.readers"):
        texts, skipped = read_corpus_files(folder, max_bytes=64 * 1024)

    assert [t.source for t in texts] == ["a_cong_van.txt", "b_ke_hoach.docx", "j_tin.html"]
    assert texts[0].text == "Kính gửi: Sở Y tế\n"
    assert texts[1].text == "KẾ HOẠCH\n1. Sở Y tế"
    assert texts[2].text.startswith("Hải Phòng thực hiện Chỉ thị 43-CT/TW\n")
    assert [s.source for s in skipped] == [
        "c_rong.txt",
        "d_nhi_phan.txt",
        "e_sai.txt",
        "f_rac.docx",
        "g_cut.pdf",
        "h_lon.md",
        "i_bang.xyz",
        "k_thu_muc",
    ]
    assert all(isinstance(s, SkippedFile) and re.search(r"\(.+\)", s.reason) for s in skipped)
    assert skipped[0].reason == "tệp rỗng (empty file)"
    assert skipped[5].reason == "tệp quá lớn: 68,4 KB > 64 KB (file too large)"
    assert skipped[6].reason == "định dạng không hỗ trợ (unsupported format .xyz)"
    logged = [r.getMessage() for r in caplog.records if r.name == "assistant.documents.readers"]
    assert len(logged) == len(skipped)
    assert all(s.source in message for s, message in zip(skipped, logged, strict=True))


def test_read_corpus_files_of_the_seed_corpus_skips_nothing() -> None:
    texts, skipped = read_corpus_files(CORPUS)
    assert skipped == []
    assert [t.source for t in texts] == [p.name for p in SEED_FILES]
