"""A directive's lines, and the patterns its layout is read with.

Nghị định 30/2020/NĐ-CP (state bodies) and Hướng dẫn 36-HD/VPTW (Party bodies) fix the
layout: a header (issuing body, national or Party motto, số hiệu, place and date, type
and trích yếu, "Kính gửi"), the body, then the tail (nơi nhận, signature block, copy
stamps). Web pages add a metadata table and site junk after it. Everything here is a
general rule about that layout, never a rule about one file; ``regions`` splits a text
into the three regions.
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
    # A telephone number: nine digits or more, opening with 0, +84 or "(0"; a page's anchor
    # id, a dozen digits or more with nothing between ("2028-2029" and "1.300.000.000",
    # cells of a table, are no such line).
    r"|\S+@\S+\.\S+|(?:https?://|www\.|fb\.com/)\S*|(?=(?:\D*\d){9})[(+0][\d. ()+-]{8,}|\d{12,})$",
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
    suffix: tuple[Line, ...] = ()  # web-page chrome after the document's tail


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


def analyse(text: str, noise: Sequence[tuple[int, int]] = ()) -> Layout:
    """The header, body and tail of ``text``: see ``regions.analyse`` (kept here for callers)."""
    from assistant.documents.regions import analyse as split_regions

    return split_regions(text, noise)
