"""What a document's own header says: số hiệu, issuing body, place and date, type, addressees.

The header is a two-column table fixed by regulation (NĐ 30/2020/NĐ-CP Phụ lục I for
state bodies, Hướng dẫn 36-HD/VPTW for Party bodies, the Law on legal normative
documents for Luật, Nghị định, Thông tư): on the left the issuing body under its
managing body ("BỘ TÀI CHÍNH" / "CỤC THUẾ"), then "Số: …"; on the right the motto,
then "place, ngày … tháng … năm …"; below them the type ("QUYẾT ĐỊNH") and the trích
yếu. Web pages and PDF text layers flatten the table: cells come one after another,
a name or a date may be cut over two lines, "Số:" may lose its colon or its value may
fall on the next line. Everything here reads the flattened table by those rules.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from assistant.documents.layout import (
    DOC_TYPES,
    SO_HIEU_RE,
    Layout,
    Line,
    is_motto,
    is_upper_line,
    type_name_of,
)
from assistant.documents.textnorm import key, strip_markup, title_case_vn

# A header cell boundary: a tab, a table pipe, a run of rule characters.
_CELL_SPLIT_RE = re.compile(r"\t|\||[_‒–—-]{3,}")
# Bold markers glued between two capitals join two cells ("TRUNG ƯƠNG**ĐẢNG CỘNG SẢN");
# inside a word ("ng**ày") they are only markup.
_GLUED_BOLD_RE = re.compile(r"(?<=\w)\*{2,}(?=\w)")
# "Số: 164/KH-UBND", "Số 43-CT/TW", "Luật số: 24/2018/QH14", "Số:\n73/2025/NQ-HĐND".
_NUMBER_RE = re.compile(
    r"(?:^|(?<=\s))(?:(?:Luật|Bộ luật|Pháp lệnh|Lệnh|Nghị quyết)\s+số|Số(?:\s*hiệu)?)\s*:?[\s*]*"
    r"(?P<n>\d{1,5}[a-z]?(?:\s*[/-]\s*[0-9A-Za-zĐđƠơƯư]+(?:\.[0-9A-Za-zĐđƠơƯư]+)*)+)"
)
_DATE_RE = re.compile(
    r"(?:(?P<place>[^\W\d_][^,\d\n]{0,40}?)\s*,\s*)?ngày\s+(?P<d>\d{1,2})\s*tháng\s*(?P<m>\d{1,2})"
    r"\s*năm\s*(?P<y>\d{4})",
    re.IGNORECASE,
)
# The first half of a place name cut by a line break: "Hà", "Thành phố Hồ Chí".
_PLACE_PIECE_RE = re.compile(r"[A-ZĐÀ-Ỹ][^\W\d_]*(?:\s+[^\W\d_]+){0,4}")
# Words that open the name of a body (a new line starting with one is another body, the
# issuing one under its managing body); any other line continues the name above it.
_ORGAN_HEADS = tuple(
    key(w)
    for w in (
        "Bộ",
        "Sở",
        "Cục",
        "Tổng cục",
        "Chi cục",
        "Vụ",
        "Viện",
        "Ban",
        "Ủy ban",
        "Uỷ ban",
        "UBND",
        "HĐND",
        "Hội đồng",
        "Trung tâm",
        "Văn phòng",
        "Phòng",
        "Đảng ủy",
        "Đảng uỷ",
        "Đảng bộ",
        "Đảng đoàn",
        "Tỉnh ủy",
        "Tỉnh uỷ",
        "Thành ủy",
        "Thành uỷ",
        "Quận ủy",
        "Quận uỷ",
        "Huyện ủy",
        "Huyện uỷ",
        "Thị ủy",
        "Thị uỷ",
        "Chính phủ",
        "Quốc hội",
        "Thủ tướng",
        "Chủ tịch",
        "Công an",
        "Bệnh viện",
        "Trường",
        "Kho bạc",
        "Ngân hàng",
        "Thanh tra",
        "Tòa án",
        "Toà án",
        "Viện kiểm sát",
        "Kiểm toán",
        "Mặt trận",
        "Hội",
        "Liên đoàn",
        "Đoàn",
        "Công ty",
        "Tập đoàn",
        "Bảo hiểm",
        "Bộ Chỉ huy",
        "Bộ Tư lệnh",
        "Học viện",
        "Đại học",
        "Thuế",
        "Hải quan",
        "Đài",
        "Báo",
        "Tổng công ty",
        "Cơ quan",
    )
)
# A line ending so continues onto the next: "BỘ KHOA HỌC VÀ" / "CÔNG NGHỆ".
_OPEN_END_RE = re.compile(r"(?:\bVÀ|\bCỦA|,|-|&)$")
# Lines in a header column that name no body.
_NOT_ORGAN_RE = re.compile(
    r"^(?:VĂN BẢN QUY PHẠM PHÁP LUẬT|VĂN BẢN HỢP NHẤT|VĂN BẢN KHÁC|CÔNG BÁO|HỎA TỐC|HOẢ TỐC"
    r"|THƯỢNG KHẨN|KHẨN|MẬT|TỐI MẬT|DỰ THẢO|BẢN SAO|SAO Y|SAO LỤC|TRÍCH SAO|V/V)\b"
)
# Bodies that carry the place they govern: a bare "ỦY BAN NHÂN DÂN" is a name cut short.
_NEEDS_LOCALITY = frozenset(
    key(w)
    for w in (
        "Ủy ban nhân dân",
        "Uỷ ban nhân dân",
        "UBND",
        "Hội đồng nhân dân",
        "HĐND",
        "Tỉnh ủy",
        "Thành ủy",
        "Quận ủy",
        "Huyện ủy",
        "Thị ủy",
        "Tỉnh uỷ",
        "Thành uỷ",
        "Quận uỷ",
        "Huyện uỷ",
        "Thị uỷ",
        "Đảng ủy",
        "Đảng uỷ",
    )
)


# Types the số hiệu decides even over the title line.
OVERRIDING_TYPES = frozenset({"Văn bản hợp nhất"})


@dataclass(frozen=True)
class HeaderFields:
    number: str | None = None
    doc_type: str | None = None  # from the type line, or "V/v" (công văn)
    organs: tuple[str, ...] = ()  # the authority lines, top down: ("Bộ Tài chính", "Cục Thuế")
    authority: str | None = None  # the promulgating authority under the title: "CHÍNH PHỦ"
    place: str | None = None
    date: dt.date | None = None
    recipients: tuple[str, ...] = ()  # "Kính gửi"

    @property
    def issuer(self) -> str | None:
        """The issuing body: the lowest authority line, else the promulgating authority."""
        return self.organs[-1] if self.organs else self.authority


def _glued_words(raw: str, start: int, end: int) -> bool:
    """Two capitalised words of two cells glued by bold markers, not one word's letters."""
    left = raw[max(0, start - 2) : start]
    return len(left) == 2 and left.isalpha() and left.isupper() and raw[end].isupper()


def cells_of(line: Line) -> list[str]:
    """A header line split into the cells of the flattened table, markup removed."""
    raw = _GLUED_BOLD_RE.sub(
        lambda m: "\t" if _glued_words(m.string, m.start(), m.end()) else "",
        line.raw,
    )
    return [c for c in (strip_markup(c) for c in _CELL_SPLIT_RE.split(raw)) if c]


def _cells(lines: Iterable[Line]) -> Iterator[str]:
    for line in lines:
        yield from cells_of(line)


def _parse_date(d: str, m: str, y: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def find_number(lines: Iterable[Line]) -> str | None:
    """The số hiệu after "Số"/"Số:"/"Luật số:", in its cell or the next one."""
    blob = "\n".join(_cells(lines))
    for m in _NUMBER_RE.finditer(blob):
        number = re.sub(r"\s+", "", m["n"]).rstrip("/-")
        if re.search(r"[A-ZĐ]", number):
            found = SO_HIEU_RE.fullmatch(number)
            if found and found["year"] is None:  # "17 -KH/TU" → "17-KH/TU", as before
                return f"{found['num']}{found['sep1']}{found['code']}{found['sep2']}{found['org']}"
            return number
    return None


def find_place_date(lines: Iterable[Line]) -> tuple[str | None, dt.date | None]:
    """ "Hà Nội, ngày 19" / "tháng 11 năm 2025": the first place and date, across lines."""
    blob = "\n".join(_cells(lines))
    m = _DATE_RE.search(blob)
    if not m:
        return None, None
    place = " ".join(m["place"].split()) if m["place"] else None
    cut = (
        m["place"] is not None
        and " " not in m["place"].strip()
        and blob[: m.start()].endswith("\n")
    )
    before = blob[: m.start() - 1].rsplit("\n", 1)[-1] if cut else ""
    if before and _PLACE_PIECE_RE.fullmatch(before) and not is_upper_line(before):
        place = f"{before} {place}"  # "Hà" / "Nội, ngày …": a place cut over two lines
    if place and (place.lower().startswith(("số", "v/v")) or is_upper_line(place)):
        place = None
    return place, _parse_date(m["d"], m["m"], m["y"])


def _motto_cell(cell: str) -> bool:
    """A piece of the motto; one word alone ("HỘI") may open a body's name instead."""
    return is_motto(cell) and (len(cell.split()) >= 2 or key(cell) == "cộng")


def _organ_cell(cell: str) -> bool:
    return (
        is_upper_line(cell)
        and not re.search(r"\d", cell)
        and len(cell) <= 80
        and not type_name_of(cell)
        and not _motto_cell(cell)
        and not _NOT_ORGAN_RE.match(cell)
        and not re.match(r"^(?:Số|SỐ)\b", cell)
    )


def _starts_organ(cell: str) -> bool:
    k = key(cell)
    return any(k == h or k.startswith(h + " ") for h in _ORGAN_HEADS)


def _cut_head(name: str) -> bool:
    """ "ỦY" alone: the first word of "ỦY BAN …", cut by a line break."""
    k = key(name)
    return k not in _ORGAN_HEADS and any(h.startswith(k + " ") for h in _ORGAN_HEADS)


def header_organs(lines: Iterable[Line], reference: str) -> list[str]:
    """The issuing-body column, top down, each name joined over its lines and re-cased.

    "ỦY BAN NHÂN DÂN" / "TỈNH QUẢNG BÌNH" is one name (the second line opens no body);
    "BỘ TÀI CHÍNH" / "CỤC THUẾ" are two, the lower one the issuer. The column ends where
    the motto's column begins: a motto line of its own, or the row holding the number or
    the date (a Word table's rows pair the left cell with the motto's pieces).
    """
    names: list[str] = []
    for line in lines:
        cells = cells_of(line)
        ends_row = len(cells) > 1 and any(
            _DATE_RE.search(c) or re.match(r"^(?:Số|SỐ)\b", c) for c in cells[1:]
        )
        for position, cell in enumerate(cells):
            stop = _motto_cell(cell) or re.match(r"^(?:Số|SỐ)\b", cell) or not _organ_cell(cell)
            if stop:
                if names and position == 0:
                    return _recased(names, reference)
                continue
            if names and (
                _OPEN_END_RE.search(names[-1]) or not _starts_organ(cell) or _cut_head(names[-1])
            ):
                names[-1] = f"{names[-1]} {cell}"
            elif not names or key(cell) != key(names[-1]):
                names.append(cell)
        if ends_row and names:
            break
    return _recased(names, reference)


def _recased(names: list[str], reference: str) -> list[str]:
    return [title_case_vn(" ".join(n.split()), reference) for n in names]


def needs_locality(organ: str) -> bool:
    """ "Ủy ban nhân dân" alone: the header lost the line naming its province."""
    return key(organ) in _NEEDS_LOCALITY


def authority_line(layout: Layout, reference: str) -> str | None:
    """The promulgating authority written under the title ("ỦY BAN THƯỜNG VỤ QUỐC HỘI")."""
    if layout.type_line is None:
        return None
    after = [ln for ln in layout.header if ln.start > layout.type_line.start]
    for line in after:
        for cell in cells_of(line):
            if _organ_cell(cell) and _starts_organ(cell) and len(cell) <= 60:
                return title_case_vn(cell, reference)
    return None


def recipients(lines: Sequence[Line]) -> tuple[str, ...]:
    """The addressees after "Kính gửi:", on its line or as a dashed list below it."""
    out: list[str] = []
    for i, line in enumerate(lines):
        m = re.match(r"^[-–•]?\s*Kính gửi\s*:?\s*(.*)$", line.clean)
        if not m:
            continue
        if m[1].strip():
            out.append(m[1].strip(" ;,."))
        for nxt in lines[i + 1 :]:
            if nxt.blank:
                continue
            item = re.match(r"^[-–•+]\s*(.+)$", nxt.clean)
            if not item:
                break
            out.append(item[1].strip(" ;,."))
        break
    return tuple(o for o in out if o)


def header_fields(layout: Layout, reference: str) -> HeaderFields:
    """Everything the document's own header says (never the web page around it)."""
    above = layout.header
    if layout.type_line is not None:
        above = tuple(ln for ln in layout.header if ln.start < layout.type_line.start)
    number = find_number(above) or find_number(layout.header)
    place, date = find_place_date(above)
    if date is None:
        place, date = find_place_date(layout.header)
    doc_type = type_name_of(layout.type_line.clean) if layout.type_line else None
    if doc_type is None and any(re.match(r"^V/v\b", ln.clean, re.I) for ln in layout.header):
        doc_type = "Công văn"  # NĐ 30/2020: a công văn has "V/v" and no type line
    if number and doc_type_of_number(number) in OVERRIDING_TYPES:
        # a consolidated text repeats the type line of the document it consolidates
        doc_type = doc_type_of_number(number)
    return HeaderFields(
        number=number,
        doc_type=doc_type,
        organs=tuple(header_organs(above, reference)),
        authority=authority_line(layout, reference),
        place=place,
        date=date,
        recipients=recipients(layout.header),
    )


def doc_type_of_number(number: str) -> str | None:
    m = SO_HIEU_RE.fullmatch(number)
    return DOC_TYPES.get(m["code"]) if m else None
