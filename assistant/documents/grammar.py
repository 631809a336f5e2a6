"""The numbering of Vietnamese official documents, as a table.

Three regulations fix how a document's body is divided, and each row below is one of
their levels, with its marker, its rank (what may contain what) and the words used
to cite it:

- Luật Ban hành văn bản quy phạm pháp luật and its decree (Luật, Nghị định, Thông tư,
  Quy chế, Quy định, Điều lệ): Phần, Chương, Mục, Tiểu mục, Điều, khoản "1.",
  điểm "a)". An Điều is numbered through the whole document, so a citation stops at
  the Điều: "điểm a khoản 2 Điều 10", never "… Chương II".
- Nghị định 30/2020/NĐ-CP, Phụ lục I (administrative documents): parts "I.", items
  "1.", "1.1.", "a)", dashes and paragraphs: "khoản 6 Mục III", "điểm 3.1 Mục III".
- Hướng dẫn 36-HD/VPTW (Party documents): "I-", "1-", "a-" for the same levels.

Adding a kind of numbering means adding a row. Ranks: a unit closes every open unit
of the same or a lower rank (a larger number).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UPPER_START = r"(?=[\"“(*]*[A-ZĐÀ-Ỹ0-9])"


@dataclass(frozen=True)
class Level:
    kind: str  # Clause.kind
    rank: int
    pattern: re.Pattern[str]  # groups: n (number as written), rest (the words after it)
    label: str  # citation words, "{n}" replaced by the number: "khoản {n}"
    container: bool = False  # holds units; a bare marker takes the next line as its title
    anchor: bool = False  # numbered through the whole document: a citation stops here
    heading_only: bool = False  # its words are always a title, never body text


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


ROMAN = r"[IVXLC]+"
LEVELS: tuple[Level, ...] = (
    Level(
        "phan",
        1,
        _re(rf"^(?:Phần|PHẦN)\s+(?P<n>thứ\s+\w+|THỨ\s+\w+|{ROMAN}|\d+)\b\.?:?\s*(?P<rest>.*)$"),
        "Phần {n}",
        container=True,
        heading_only=True,
    ),
    Level(
        "chuong",
        2,
        _re(rf"^(?:Chương|CHƯƠNG)\s+(?P<n>{ROMAN}|\d+)\b\.?:?\s*(?P<rest>.*)$"),
        "Chương {n}",
        container=True,
        heading_only=True,
    ),
    # Mục of a law (inside a Chương) and the Roman parts of administrative and Party
    # documents share a rank: both hold Điều or khoản.
    Level(
        "muc",
        3,
        _re(r"^(?:Mục|MỤC)\s+(?P<n>\d+|[IVXLC]+)\b\.?:?\s*(?P<rest>.*)$"),
        "Mục {n}",
        container=True,
        heading_only=True,
    ),
    Level(
        "muc",
        3,
        _re(
            rf"^(?P<n>{ROMAN})\s*(?:[.)]\s*|-\s+){_UPPER_START}(?P<rest>.*)$|^(?P<n2>{ROMAN})[.)-]$"
        ),
        "Mục {n}",
        heading_only=True,
    ),
    Level(
        "tieu_muc_luat",
        4,
        _re(r"^(?:Tiểu mục|TIỂU MỤC)\s+(?P<n>\d+)\b\.?:?\s*(?P<rest>.*)$"),
        "Tiểu mục {n}",
        container=True,
        heading_only=True,
    ),
    # "Điều 5.", "Điều 5a.", and the codification's "Điều 36.4.NĐ.1."
    Level(
        "dieu",
        5,
        # The full stop after the number is required: a wrapped line may begin "Điều 85 Luật …".
        _re(r"^(?:Điều|ĐIỀU)\s+(?P<n>\d+[a-zđ]?(?:\.[0-9A-ZĐa-z]+)*)\s*[.:](?:\s+(?P<rest>.*))?$"),
        "Điều {n}",
        anchor=True,
    ),
    Level(
        "tieu_muc",
        7,
        _re(r"^(?P<n>\d{1,2}(?:\.\d{1,2})+)\.?(?:\s+(?P<rest>.*))?$"),
        "điểm {n}",
    ),
    Level(
        "khoan",
        6,
        # Party "1- Tài liệu …" needs the space: "75-TB/VPTW" at a line start is a number.
        _re(rf"^(?P<n>\d{{1,3}})(?:[.)](?=\s|$)|\s*-\s+{_UPPER_START})(?:\s*(?P<rest>.*))?$"),
        "khoản {n}",
    ),
    Level(
        "diem",
        8,
        _re(r"^(?P<n>[a-zđ])(?:\)|\s*-\s+)(?:\s*(?P<rest>.*))?$"),
        "điểm {n}",
    ),
)
RANKS: dict[str, int] = {lv.kind: lv.rank for lv in LEVELS}
# A numbered list restarted inside a khoản ("7. …" then "1. …", "2. …") is cited as its
# điểm: "điểm 1 khoản 7 Mục II". It ranks with the decimal items.
RANKS["khoan_con"] = 7
BY_KIND: dict[str, Level] = {}
for _lv in LEVELS:
    BY_KIND.setdefault(_lv.kind, _lv)
# Units whose marker line may be a heading followed by its body on the next line.
HEADING_KINDS = frozenset(RANKS)

DASH_RE = re.compile(r"^[-–—+•·]\s*(?P<rest>\S.*)$")


@dataclass(frozen=True)
class Marker:
    level: Level
    number: str
    rest: str


def roman(n: int) -> str:
    out = ""
    for value, numeral in (
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out += numeral
            n -= value
    return out


_ROMAN_VALUES = {roman(n): n for n in range(1, 200)}


def roman_value(s: str) -> int | None:
    return _ROMAN_VALUES.get(s)


def _roman_ok(number: str) -> bool:
    return roman_value(number) is not None


def match_marker(clean: str) -> Marker | None:
    """The numbered unit a paragraph opens, if any."""
    text = clean.strip()
    for level in LEVELS:
        m = level.pattern.match(text)
        if not m:
            continue
        groups = m.groupdict()
        number = groups.get("n") or groups.get("n2") or ""
        if level.kind == "muc" and re.fullmatch(ROMAN, number) and not _roman_ok(number):
            continue
        if level.kind == "khoan" and number.isdigit() and int(number) == 0:
            continue
        return Marker(level, number, (groups.get("rest") or "").strip())
    return None


def marker_kind(clean: str) -> str | None:
    """ "dieu", "khoan", … or "dash" for a paragraph that opens a unit; None otherwise."""
    found = match_marker(clean)
    if found is not None:
        return found.level.kind
    return "dash" if DASH_RE.match(clean.strip()) else None


def is_bare_marker(clean: str) -> bool:
    """ "I.", "1.", "Điều 5.", "Chương II": a marker whose words follow on the next line."""
    found = match_marker(clean)
    return found is not None and not found.rest.strip(" *")


def cite(kind: str, number: str) -> str:
    """ "khoản 2", "Điều 10", "Mục III"."""
    return BY_KIND[kind].label.format(n=number)
