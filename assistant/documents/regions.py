"""A document's three regions: header, body, tail, and the web page around them.

Nghị định 30/2020/NĐ-CP Phụ lục I, Hướng dẫn 36-HD/VPTW and the Law on legal normative
documents fix the order: the header table (issuing body and motto, số hiệu, place and
date), the type line and trích yếu (or "V/v"), "Kính gửi"; the body; then "Nơi nhận" and
the signature block. A web library adds its chrome and metadata block above the header
and its related-document lists below the tail; a site's summary of the document may sit
between its metadata block and the header. These rules find where each region starts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.documents.layout import (
    NOISE_LINE_RE,
    PLACE_DATE_RE,
    PORTAL_RE,
    SIGN_AUTHORITY_RE,
    SO_HIEU_RE,
    STRUCTURE_MARKER_RE,
    TYPE_NAMES,
    WEB_META_RE,
    Layout,
    Line,
    is_motto,
    is_upper_line,
    split_lines,
    type_name_of,
)
from assistant.documents.textnorm import strip_markup

# Lines a web library wraps a document in: banners, loading notices, its metadata table.
CHROME_RE = re.compile(
    r"^(?:Đang tải văn bản|Bản dịch này thuộc|THƯ VIỆN PHÁP LUẬT|Click vào|Các nội dung của VB"
    r"|CÁC NỘI DUNG ĐƯỢC SỬA ĐỔI|Văn bản này chưa cập nhật|hủy bỏ$|: Sửa đổi|X$|#$|Xem (?:thêm )?chi tiết"
    r"|(?:Ngày công báo|Số công báo|Ngày hiệu lực|Tình trạng)\s*:)",
)
# Where a web library's page goes on after the document: its "no English version" note,
# its related-document list, its comparison and login panels.
TRAILING_CHROME_RE = re.compile(
    r"^(?:Văn bản này chưa cập nhật|#*\s*Văn bản liên quan\b|Đang tải văn bản|Bản dịch này thuộc"
    r"|NỘI DUNG SỬA ĐỔI, HƯỚNG DẪN|Rà chuột vào|Cảm ơn đã dùng)"
)
# The page's own title for the document, written just above that chrome:
# "Công văn 5348/CT-CS năm 2025 hướng dẫn góp vốn điều lệ do Cục Thuế ban hành".
_PAGE_TITLE_RE = re.compile(r"^\S+(?:\s\S+){0,3}\s\d{1,6}/[\w/.-]+\s")
MOTTO_RE = re.compile(
    r"CỘNG H[ÒO]A XÃ HỘI|H[ÒO]A XÃ HỘI CHỦ NGHĨA|ĐẢNG CỘNG SẢN VIỆT NAM|Độc lập\s*[-–]\s*Tự do"
)
# A line that opens the body: the legal bases, the proposal, a first article or chapter.
BODY_OPENING_RE = re.compile(
    r"^[-–]?\s*(?:Căn cứ|Theo đề nghị|Xét đề nghị|Trên cơ sở|Điều\s+1\b|Chương\s+I\b|Phần\s+I\b)"
)
# "*Hà Nội, ngày 20" / "tháng 11 năm 2025*": a place and date broken over two lines.
DATE_PIECE_RE = re.compile(
    r"^(?:[^\W\d_][^,\d]{0,40},\s*)?ngày(?:\s+\d{1,2})?(?:\s+tháng(?:\s+\d{1,2})?)?\s*$"
    r"|^(?:(?:ngày\s+)?(?:\d{1,2}\s+)?(?:tháng\s+)?\d{1,2}\s+)?năm\s+\d{4}\b",
    re.IGNORECASE,
)
# The labels of a web library's metadata table ("Số hiệu:", "Loại văn bản:" …).
WEB_LABEL_RE = re.compile(
    r"^(?:Số hiệu|Loại văn bản|Nơi ban hành|Cơ quan ban hành|Người ký|Ngày ban hành"
    r"|Ngày hiệu lực|Tình trạng|Ngày công báo|Số công báo)\s*:?",
    re.IGNORECASE,
)


def _document_start(lines: tuple[Line, ...]) -> int:
    """The first line of the document itself: after the web chrome above its header."""
    motto = next((k for k, ln in enumerate(lines[:400]) if MOTTO_RE.search(ln.clean)), None)
    if motto is None:
        return 0
    start = 0
    for k in range(motto):
        clean = lines[k].clean
        label = WEB_LABEL_RE.match(clean)
        if CHROME_RE.match(clean) or NOISE_LINE_RE.match(clean) or label:
            start = k + 1
            if label and not clean[label.end() :].strip():
                # the value follows on the next line that is not a table border
                nxt = next((j for j in range(k + 1, motto) if not lines[j].blank), None)
                if nxt is not None and not is_upper_line(lines[nxt].clean):
                    start = nxt + 1
    # Walking up from the motto over the header table, prose (a site's summary of the
    # document) marks where the page ends and the document begins.
    k = motto - 1
    while k >= start and _header_like(lines[k]):
        k -= 1
    if k >= start and (len(lines[k].clean) > 80 or lines[k].clean.endswith((".", ";", ":"))):
        start = k + 1
    while start < motto and lines[start].blank:
        start += 1
    return start


def _header_like(line: Line) -> bool:
    clean = line.clean
    return (
        line.blank
        or (is_upper_line(clean) and len(clean) <= 80 and not re.search(r"\d", clean))
        or (clean.startswith("Số") and len(clean) <= 40)
    )


def _header_end(lines: tuple[Line, ...], start: int = 0) -> tuple[int, list[str], Line | None]:
    """Index of the first body line, the parts of the trích yếu, and the type line."""
    i = start
    title: list[str] = []
    column_title: list[str] = []
    type_line: Line | None = None
    n = len(lines)

    def paragraph_from(j: int) -> int:
        # A title block ends at a blank line, or at a line that reads as body prose
        # (PDF text extraction loses blank lines) or opens the body ("Căn cứ …").
        while (
            j < n
            and not lines[j].blank
            and not _reads_as_body(lines[j])
            and not BODY_OPENING_RE.match(lines[j].clean)
            and not STRUCTURE_MARKER_RE.match(lines[j].clean)
        ):
            j += 1
        return j

    # Everything above the type line ("KẾT LUẬN") is header when no prose precedes it,
    # even where lost tabs have merged a stamp's columns into mixed-case lines.
    window = lines[start : start + 60]
    type_at = next(
        (
            start + k
            for k, ln in enumerate(window)
            if type_name_of(ln.clean) or _split_type(lines, start + k)
        ),
        None,
    )
    if type_at is not None and any(
        _reads_as_body(ln) or BODY_OPENING_RE.match(ln.clean) for ln in lines[start:type_at]
    ):
        type_at = None

    while i < n:
        line = lines[i]
        clean = line.clean
        if line.blank or is_motto(clean) or SO_HIEU_RE.match(clean):
            i += 1  # a số hiệu on its own line ("Số:" / "43-CT/TW") is no Party "43-" unit
        elif STRUCTURE_MARKER_RE.match(clean):
            break  # "I. MỤC TIÊU" or "1. …": the body has begun
        elif type_line is None and (type_name_of(clean) or _split_type(lines, i)):
            type_line = _split_type(lines, i) or line
            i += 1 if type_line is line else 2
            while i < n and lines[i].blank:
                i += 1
            j = paragraph_from(i)
            # The trích yếu follows the type line; "CỦA BAN BÍ THƯ" names the issuer, not
            # the subject, and may stand in a paragraph of its own above the subject.
            issuer_only = all(_names_issuer(ln) for ln in lines[i:j])
            if i < j and issuer_only:
                i = j
                while i < n and lines[i].blank:
                    i += 1
                j = paragraph_from(i)
            title.extend(ln.clean for ln in lines[i:j] if not _names_issuer(ln))
            i = j
        elif re.match(r"^V/v\b", clean, re.IGNORECASE):
            j = paragraph_from(i)
            title.extend(ln.clean for ln in lines[i:j])
            i = j
        elif re.match(r"^[-–•]?\s*Kính gửi", clean):
            i += 1
            while i < n and (lines[i].blank or re.match(r"^[-–•+]", lines[i].clean)):
                i += 1
        elif (
            (is_upper_line(clean) and not BODY_OPENING_RE.match(clean))
            or re.match(r"^(?:Số\b|\S+\s+số\s*:)", clean)
            or PLACE_DATE_RE.search(clean)
            or DATE_PIECE_RE.match(clean)
            or _date_starts(lines, i)
            or "\t" in line.raw
            or ("|" in line.raw and type_line is None)
            or (line.raw.strip().startswith("**") and line.raw.strip().endswith("**"))
            or (type_at is not None and i < type_at)
        ):
            if is_upper_line(clean) and len(clean) > 60 and not title:
                title.append(clean)  # an all-caps trích yếu when the type line was lost
            # Scans laid out in columns can put the start of the trích yếu ("về …") in a
            # cell beside a stamp: "Số và ký hiệu HS: về tiếp tục thực hiện …".
            for cell in re.split(r"\t|\|", line.raw):
                m = re.match(r"^(?:[^:]{1,30}:\s*)?(về\s.+)$", strip_markup(cell))
                if m:
                    column_title.append(m.group(1))
            i += 1
        else:
            break
    return i, column_title + title, type_line


def _date_starts(lines: tuple[Line, ...], i: int) -> bool:
    """ "*Hà" / "Nội, ngày 25 tháng 11 năm 2025*": a place and date cut before its comma."""
    if len(lines[i].clean) > 30 or re.search(r"[\d:/.;]", lines[i].clean):
        return False
    joined = " ".join(ln.clean for ln in lines[i : i + 3])
    m = PLACE_DATE_RE.match(joined)
    return m is not None


def _names_issuer(line: Line) -> bool:
    """ "CỦA BAN BÍ THƯ" under the type line: whose document, not what about."""
    return is_upper_line(line.clean) and re.match(r"^C[ỦU]A\s", line.clean) is not None


def _split_type(lines: tuple[Line, ...], i: int) -> Line | None:
    """ "**QUYẾT" / "ĐỊNH**": a type line a web page broke in two, as one line."""
    if i + 1 >= len(lines) or not is_upper_line(lines[i].clean) or len(lines[i].clean) > 12:
        return None
    a, b = lines[i], lines[i + 1]
    joined = Line(a.start, b.end, f"{a.raw} {b.raw}", f"{a.clean} {b.clean}")
    return joined if type_name_of(joined.clean) else None


def _reads_as_body(line: Line) -> bool:
    raw = line.raw.strip()
    bold = raw.startswith("**") and raw.endswith("**")
    return len(line.clean) > 120 and not bold and not is_upper_line(line.clean)


# The title of a signer who signs in his own name: "CHỦ TỊCH QUỐC HỘI", "BỘ TRƯỞNG".
SIGN_TITLE_RE = re.compile(
    r"^(?:PHÓ\s+)?(?:CHỦ TỊCH|BỘ TRƯỞNG|THỦ TƯỚNG|GIÁM ĐỐC|TỔNG GIÁM ĐỐC|CHÁNH VĂN PHÒNG"
    r"|CHÁNH ÁN|VIỆN TRƯỞNG|TỔNG KIỂM TOÁN|THỐNG ĐỐC|TỔNG THƯ KÝ|CỤC TRƯỞNG|VỤ TRƯỞNG"
    r"|TRƯỞNG BAN|BÍ THƯ|CHỦ NHIỆM|TRƯỞNG)\b"
)
PERSON_RE = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,5}$")


def _signs_here(lines: tuple[Line, ...], i: int) -> bool:
    """A bare title line followed within a few lines by a person's name."""
    clean = lines[i].clean
    if not (SIGN_TITLE_RE.match(clean) and is_upper_line(clean) and len(clean) <= 70):
        return False
    following = [ln.clean for ln in lines[i + 1 : i + 9] if not ln.blank]
    return any(PERSON_RE.match(c) for c in following[:3])


def _document_end(lines: tuple[Line, ...], start: int) -> int:
    """The end of the document's tail: the web page's trailing chrome starts there."""
    end = next(
        (i for i in range(start, len(lines)) if TRAILING_CHROME_RE.match(lines[i].clean)), None
    )
    if end is None:
        return len(lines)
    k = end - 1
    while k >= start and lines[k].blank:
        k -= 1
    if k >= start and _PAGE_TITLE_RE.match(lines[k].clean) and not lines[k].clean.endswith("."):
        first_word = lines[k].clean.split()[0].lower()
        if any(name.lower().startswith(first_word) for name in TYPE_NAMES):
            end = k
    return end


def ends_body(clean: str) -> bool:
    """A line no body text reaches: Nơi nhận, a signing authority, site noise, a web block.
    Ends the document's body and each attached document's."""
    return bool(
        re.match(r"^Nơi nhận\s*:?", clean)
        or SIGN_AUTHORITY_RE.match(clean)
        or NOISE_LINE_RE.match(clean)
        or WEB_META_RE.match(clean)
    )


def _body_end(lines: tuple[Line, ...], start: int) -> int:
    for i in range(start, len(lines)):
        clean = lines[i].clean
        if (
            ends_body(clean)
            or PORTAL_RE.match(clean)
            or CHROME_RE.match(clean)
            or _signs_here(lines, i)
        ):
            return i
    return len(lines)


def analyse(text: str, noise: Sequence[tuple[int, int]] = ()) -> Layout:
    lines = split_lines(text, noise)
    doc_start = _document_start(lines)
    start, title_parts, type_line = _header_end(lines, doc_start)
    if start == doc_start:
        # No official header: a news page or a plain note. A first line that reads as a
        # headline (one short line, no closing full stop) is its title.
        first = next((i for i in range(doc_start, len(lines)) if not lines[i].blank), None)
        if first is not None:
            head = lines[first]
            nxt = lines[first + 1] if first + 1 < len(lines) else None
            if (
                len(head.clean) <= 250
                and not head.clean.endswith(".")
                and not STRUCTURE_MARKER_RE.match(head.clean)
                and (nxt is None or nxt.blank)
            ):
                title_parts = [head.clean]
                start = first + 1
    doc_end = _document_end(lines, start)
    end = _body_end(lines[:doc_end], start)
    body = lines[start:end]
    # A short line of names right before the site junk is a byline, not body text.
    while body and body[-1].blank:
        body = body[:-1]
    if end < len(lines) and NOISE_LINE_RE.match(lines[end].clean) and body:
        last = body[-1].clean
        if (
            len(last) <= 60
            and not re.search(r"[.;:!?]$", last)
            and re.fullmatch(r"[\w\s,-]+", last)
        ):
            body = body[:-1]
    title = " ".join(" ".join(title_parts).split()) or None
    return Layout(
        lines,
        lines[doc_start:start],
        body,
        lines[end:doc_end],
        title,
        type_line,
        lines[:doc_start],
        lines[doc_end:],
    )
