"""Split a directive's text into lines, paragraphs and the three regions of its layout.

Nghị định 30/2020/NĐ-CP (state bodies) and Hướng dẫn 36-HD/VPTW (Party bodies) fix the
layout: a header (issuing body, national or Party motto, số hiệu, place and date, type
and trích yếu, "Kính gửi"), the body, then the tail (nơi nhận, signature block, copy
stamps). Web pages add a metadata table and site junk after it. Everything here is a
general rule about that layout, never a rule about one file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.documents.noise import without_noise
from assistant.documents.textnorm import key, strip_markup

DOC_TYPES: dict[str, str] = {
    # type code in a số hiệu → loại văn bản (NĐ 30/2020 Phụ lục III; HD 36-HD/VPTW)
    "KH": "Kế hoạch",
    "CV": "Công văn",
    "KL": "Kết luận",
    "CT": "Chỉ thị",
    "NQ": "Nghị quyết",
    "NQLT": "Nghị quyết liên tịch",
    "QĐ": "Quyết định",
    "QyĐ": "Quy định",
    "TB": "Thông báo",
    "TC": "Thông cáo",
    "BC": "Báo cáo",
    "HD": "Hướng dẫn",
    "TTr": "Tờ trình",
    "TT": "Thông tư",
    "TTLT": "Thông tư liên tịch",
    "NĐ": "Nghị định",
    "CTr": "Chương trình",
    "QC": "Quy chế",
    "CĐ": "Công điện",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "PA": "Phương án",
    "GM": "Giấy mời",
    "SL": "Bản sao lục",
    "BB": "Biên bản",
    "HĐ": "Hợp đồng",
    "L": "Lệnh",
    "VBHN": "Văn bản hợp nhất",
}
# Types named by the title line (NĐ 30/2020 Phụ lục I: the 29 administrative types; the
# Law on legal normative documents; Party types of HD 36-HD/VPTW) that no code above names.
TITLE_ONLY_TYPES = (
    "Luật",
    "Bộ luật",
    "Pháp lệnh",
    "Hiến pháp",
    "Lệnh",
    "Bản ghi nhớ",
    "Bản thỏa thuận",
    "Bản thoả thuận",
    "Giấy ủy quyền",
    "Giấy uỷ quyền",
    "Giấy giới thiệu",
    "Giấy nghỉ phép",
    "Phiếu gửi",
    "Phiếu chuyển",
    "Phiếu báo",
    "Thư công",
    "Thông tri",
    "Điều lệ",
    "Quy chế",
    "Công văn",
)
TYPE_NAMES = tuple(sorted(set(DOC_TYPES.values()) | set(TITLE_ONLY_TYPES), key=len, reverse=True))

# "164/KH-UBND", "44-KL/TW", "17 -KH/TU", "07/2014/TT-BGDĐT", "06-TTr/BCĐTW", "46-SL/ĐUK".
SO_HIEU_RE = re.compile(
    r"(?<![\w/.-])(?P<num>\d{1,4})(?:/(?P<year>(?:19|20)\d\d))?\s*(?P<sep1>[-/])\s*"
    r"(?P<code>[A-ZĐ][A-Za-zĐđ]{0,3})\s*(?P<sep2>[-/])\s*(?P<org>[A-ZĐ][A-ZĐa-z]{0,9}(?:-[A-ZĐ]{1,8})?)"
    r"(?![\w])"
)
PLACE_DATE_RE = re.compile(
    r"(?P<place>[^\W\d_][^,\d]{1,40}?)\s*,\s*ngày\s+(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})\s*năm\s*(?P<y>\d{4})",
    re.IGNORECASE,
)
SIGN_AUTHORITY_RE = re.compile(
    r"^(?P<auth>T/M|TM\.?|KT\.?|K/T|TL\.?|T/L|TUQ\.?|Q\.)\s+(?P<rest>\S.*)$"
)
# Web-page and portal noise that is never part of a directive.
NOISE_LINE_RE = re.compile(
    r"^(?:image advertisement|Thống kê truy cập|Văn bản đang xem|Chưa có Video|Liên hệ"
    r"|[•·]?\s*(?:Đang online|Hôm nay|Trong tuần|Tất cả)\s*:.*"
    r"|(?:Cơ quan quản lý|Trưởng Ban biên tập|Địa chỉ|Điện thoại|Email)\s*:.*"
    r"|\S+@\S+\.\S+|(?:https?://|www\.|fb\.com/)\S*|[\d. ()+-]{9,})$",
    re.IGNORECASE,
)
WEB_META_RE = re.compile(
    r"^(?P<field>Số hiệu|Loại văn bản|Nơi ban hành|Người ký|Ngày ban hành|Ngày hiệu lực|Tình trạng)\s*:\s*\|?\s*(?P<value>.*?)\s*\|?\s*$"
)
PORTAL_RE = re.compile(
    r"^(?:Cổng [Tt]hông tin điện tử|Trang thông tin điện tử|Báo điện tử)\s+\S.*$"
)
DATELINE_RE = re.compile(r"^\((?P<site>[\w-]+(?:\.[\w-]+)*\.(?:vn|com|org|net))\)\s*[-–—]")
CLOSING_RE = re.compile(
    r"^(?:Trên đây là|(?:Kết luận|Chỉ thị|Nghị quyết|Công văn|Kế hoạch|Thông báo|Quy định) này (?:được )?phổ biến)",
    re.IGNORECASE,
)
COPY_KIND_RE = re.compile(r"^(SAO LỤC|SAO Y(?: BẢN CHÍNH)?|TRÍCH SAO)$")
RULE_RE = re.compile(r"^(?:[-_=*]{3,}|\*|\\\*)$")


@dataclass(frozen=True)
class Line:
    start: int
    end: int  # exclusive, before the newline
    raw: str
    clean: str  # without markup

    @property
    def blank(self) -> bool:
        return (
            not self.clean or RULE_RE.match(self.clean) is not None or set(self.clean) <= {"|", " "}
        )


@dataclass(frozen=True)
class Layout:
    lines: tuple[Line, ...]
    header: tuple[Line, ...]
    body: tuple[Line, ...]
    tail: tuple[Line, ...]
    title: str | None  # the trích yếu (or a news headline), markup removed
    type_line: Line | None
    prefix: tuple[Line, ...] = ()  # web-page chrome above the document's own header


def split_lines(text: str, noise: Sequence[tuple[int, int]] = ()) -> tuple[Line, ...]:
    """Lines with their spans; ``noise`` (see ``noise.noise_spans``) is left out of each
    line's clean text only, so a gazette page header reads as a blank line."""
    lines = []
    pos = 0
    spans = list(noise)
    for raw in text.split("\n"):
        end = pos + len(raw)
        words = without_noise(text, spans, pos, end) if spans else raw
        lines.append(Line(pos, end, raw, strip_markup(words.replace("\t", " "))))
        pos = end + 1
    return tuple(lines)


def is_upper_line(clean: str) -> bool:
    letters = [c for c in clean if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


_MOTTO_WORDS = frozenset(
    "cộng hòa hoà xã hội chủ nghĩa việt nam độc lập tự do hạnh phúc đảng sản".split()
)
# The body begins at its first unit: "I. MỤC TIÊU", "1. …", "Chương I", "Điều 1.", "Phần thứ nhất".
STRUCTURE_MARKER_RE = re.compile(
    r"^(?:(?:[IVXL]+|\d{1,2})[.)]\s+\S|(?:[IVXL]+|\d{1,2})-\s*[A-ZĐ]|(?:Chương|CHƯƠNG|Phần|PHẦN)\s+(?:[IVXLC]+|\d+|thứ|THỨ)\b"
    r"|(?:Điều|ĐIỀU)\s+\d+[a-zđ]?\s*[.:])"
)


def is_motto(clean: str) -> bool:
    """The national or Party motto lines, possibly split: "Độc lập - Tự do - Hạnh phúc"."""
    words = re.findall(r"\w+", clean.lower())
    return bool(words) and all(w in _MOTTO_WORDS for w in words)


_TYPE_KEYS = {key(name): name for name in TYPE_NAMES}


def type_name_of(clean: str) -> str | None:
    """ "KẾ HOẠCH" → "Kế hoạch" when the whole line is a document type."""
    return _TYPE_KEYS.get(key(clean))


# Lines a web library wraps a document in: banners, loading notices, its metadata table.
CHROME_RE = re.compile(
    r"^(?:Đang tải văn bản|Bản dịch này thuộc|THƯ VIỆN PHÁP LUẬT|Click vào|Các nội dung của VB"
    r"|CÁC NỘI DUNG ĐƯỢC SỬA ĐỔI|Văn bản này chưa cập nhật|hủy bỏ$|: Sửa đổi|X$|#$|Xem (?:thêm )?chi tiết"
    r"|(?:Ngày công báo|Số công báo|Ngày hiệu lực|Tình trạng)\s*:)",
)
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


def _body_end(lines: tuple[Line, ...], start: int) -> int:
    for i in range(start, len(lines)):
        clean = lines[i].clean
        if (
            re.match(r"^Nơi nhận\s*:?", clean)
            or SIGN_AUTHORITY_RE.match(clean)
            or NOISE_LINE_RE.match(clean)
            or WEB_META_RE.match(clean)
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
    end = _body_end(lines, start)
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
        lines, lines[doc_start:start], body, lines[end:], title, type_line, lines[:doc_start]
    )
