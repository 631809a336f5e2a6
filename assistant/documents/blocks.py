"""Body lines → paragraphs, whatever the source did to the line breaks.

Three kinds of line breaks reach us:
- one line per paragraph (Word paragraphs, the seed files): a line is a paragraph;
- hard-wrapped text (web pages converted to Markdown, PDF text layers): a paragraph is
  cut every 60–90 characters, the cut falling anywhere, even between a number and its
  heading ("**I.\\nTrách nhiệm …**", "Điều 3. Hình thức … hậu\\nquả");
- page breaks inside a paragraph (PDF, scans), with a running head in between.

The rules below decide when a line continues the paragraph before it. They use only
what the layout regulations fix — a unit starts with its marker (see ``grammar``), a
sentence ends with punctuation — and typography (an open ``**`` has not ended). A
document counts as hard-wrapped when many of its lines run on into a next line that
starts in lower case, something that never happens with one line per paragraph.
Spans are never changed: a paragraph is the lines it joins.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from assistant.documents.grammar import HEADING_KINDS, is_bare_marker, marker_kind, match_marker
from assistant.documents.layout import NOISE_LINE_RE, Line, is_upper_line
from assistant.documents.textnorm import strip_markup

_OPEN_END_WORDS = frozenset(
    "của và với các những cho trong để là được về theo tại từ đến nhằm gắn hoặc cùng như"
    " hay mà thì do bởi khi nếu trên dưới vào ra qua số ngày tháng".split()
)
_CLOSED_END_RE = re.compile(r"[.;:!?…”\")\]»]\s*$")
# Share of lines continued by a lower-case line above which a text is hard-wrapped.
HARD_WRAP_SHARE = 0.08


@dataclass(frozen=True)
class Paragraph:
    """Consecutive source lines read as one paragraph (wraps and page breaks joined)."""

    lines: tuple[Line, ...]
    table_row: bool = False  # a row of a table: cells separated by "|" lines
    table: int = 0  # which table of the text the row belongs to (1, 2, …)

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end

    @property
    def clean(self) -> str:
        if self.table_row:
            return " | ".join(_cells(self.lines))
        return " ".join(line.clean for line in self.lines if line.clean)


def _is_pipe(line: Line) -> bool:
    return line.raw.strip() == "|"


def _cells(lines: tuple[Line, ...] | list[Line]) -> list[str]:
    if not any(_is_pipe(line) for line in lines):
        # Cells written on one line ("1 | Bệnh lao phổi | …"); a cell's further lines follow.
        return [" ".join(" | ".join(_inline_cells(ln)) or ln.clean for ln in lines if not ln.blank)]
    cells: list[str] = []
    current: list[str] = []
    for line in lines:
        if _is_pipe(line):
            if current:
                cells.append(" ".join(current))
            current = []
        elif not line.blank:
            current.append(line.clean)
    if current:
        cells.append(" ".join(current))
    return cells


# Web pages turned into text write a table one cell per line, a "|" line after each
# cell. Numbers inside a cell ("1. Trực tiếp") are the cell's, not the document's.
_TABLE_MIN_PIPES = 4
_CELL_MAX_LINES = 60
_ROW_NUMBER_RE = re.compile(r"^\*{0,2}(\d{1,3})\.?\*{0,2}$")


def _inline_cells(line: Line) -> list[str]:
    if " | " not in line.raw:
        return []
    cells = [strip_markup(c).strip() for c in line.raw.strip().strip("|").split(" | ")]
    return [c for c in cells if c]


_ITEM_KINDS = frozenset({"khoan", "tieu_muc", "diem"})
_UNIT_KINDS = frozenset({"phan", "chuong", "muc", "tieu_muc_luat", "dieu"})


def _breaks_table(row: Line, between: tuple[Line, ...]) -> bool:
    """Lines between two rows that end a table: a Điều, Chương or part, or a numbered
    item that does not go on with a list opened inside the row's last cell
    ("… | Phụ nữ có thai | 1. Đối với …" then "2. Đối với …")."""
    found = [m for ln in between if (m := match_marker(ln.clean)) is not None]
    if any(m.level.kind in _UNIT_KINDS for m in found):
        return True
    cells = _inline_cells(row)
    opened = match_marker(cells[-1]) if cells else None
    expected = int(opened.number) + 1 if opened and opened.number.isdigit() else None
    for m in found:
        if expected is None or opened is None or m.level is not opened.level:
            return True
        if m.number != str(expected):
            return True
        expected += 1
    return False


def _inline_table_regions(lines: tuple[Line, ...]) -> list[tuple[int, int]]:
    """Tables whose rows are written "cell | cell | cell" (HTML and Word readers): a run of
    at least three such lines; a cell's further lines run on until a blank line or a
    numbered unit of the document."""
    rows = [i for i, ln in enumerate(lines) if len(_inline_cells(ln)) >= 2]
    out: list[tuple[int, int]] = []
    run: list[int] = []
    for i in [*rows, None]:
        if i is not None and (
            not run
            or (
                i - run[-1] <= _CELL_MAX_LINES
                and not _breaks_table(lines[run[-1]], lines[run[-1] + 1 : i])
            )
        ):
            run.append(i)
            continue
        if len(run) >= 3:
            end = run[-1] + 1
            while (
                end < len(lines) and not lines[end].blank and match_marker(lines[end].clean) is None
            ):
                end += 1
            out.append((run[0], end))
        run = [i] if i is not None else []
    return out


def _table_regions(lines: tuple[Line, ...]) -> list[tuple[int, int]]:
    """[start, end) of each run of lines laid out as a table."""
    pipes = [i for i, ln in enumerate(lines) if _is_pipe(ln)]
    regions: list[tuple[int, int]] = []
    run: list[int] = []
    for i in pipes:
        if run and i - run[-1] - 1 > _CELL_MAX_LINES:
            regions.append((run[0], run[-1]))
            run = []
        run.append(i)
    if run:
        regions.append((run[0], run[-1]))
    out = []
    for first, last in regions:
        if sum(1 for i in pipes if first <= i <= last) < _TABLE_MIN_PIPES:
            continue
        start = first
        while start > 0 and not lines[start - 1].blank and not _is_pipe(lines[start - 1]):
            start -= 1  # the table's first cell stands before its first "|"
        out.append((start, last + 1))
    taken = [range(a, b) for a, b in out]
    out += [r for r in _inline_table_regions(lines) if not any(r[0] in t for t in taken)]
    return sorted(out)


def _table_rows(lines: tuple[Line, ...], table: int) -> list[Paragraph]:
    """Rows of one table: a row starts at a cell holding the next số thứ tự (1, 2, 3 …);
    the cells before the first are the header row."""
    groups: list[list[Line]] = [[]]
    expected = 1
    cell_start = True
    for line in lines:
        m = _ROW_NUMBER_RE.match(line.clean) if cell_start and not line.blank else None
        inline = _inline_cells(line)
        if inline and not _is_pipe(line):
            m = _ROW_NUMBER_RE.match(inline[0])
        if m and int(m[1]) == expected:
            groups.append([])
            expected += 1
        groups[-1].append(line)
        cell_start = _is_pipe(line) or (cell_start and line.blank)
    return [
        Paragraph(tuple(g), table_row=True, table=table)
        for g in groups
        if any(not ln.blank and not _is_pipe(ln) for ln in g)
    ]


def _starts_lower(clean: str) -> bool:
    first = next((c for c in clean if c.isalnum()), "")
    return first.islower()


def wrap_mode(lines: tuple[Line, ...] | list[Line]) -> str:
    """ "lines" (a line is a paragraph), "blocks" (hard-wrapped, paragraphs separated by
    blank lines: Markdown from web pages) or "wrapped" (hard-wrapped, no blank lines
    between paragraphs: PDF text layers)."""
    content = [ln for ln in lines if not ln.blank]
    if len(content) < 8:
        return "lines"
    runs_on = sum(
        1
        for a, b in itertools.pairwise(lines)
        if not a.blank
        and not b.blank
        and _starts_lower(b.clean)
        and not _CLOSED_END_RE.search(a.clean)
    )
    if runs_on < HARD_WRAP_SHARE * len(content):
        return "lines"
    # Where a sentence ends at a line end, does a blank line follow? Markdown from web
    # pages: nearly always; PDF text: almost never.
    ends = gaps = 0
    for a, b in itertools.pairwise(lines):
        if not a.blank and _CLOSED_END_RE.search(a.clean) and not is_bare_marker(a.clean):
            ends += 1
            gaps += b.blank
    return "blocks" if ends and gaps >= 0.6 * ends else "wrapped"


def _open_bold(prev: Paragraph) -> bool:
    return "\n".join(ln.raw for ln in prev.lines).count("**") % 2 == 1


def _continues(prev: Paragraph, line: Line, mode: str, blank_before: bool, width: int = 0) -> bool:
    """True when ``line`` continues ``prev``. ``width``: the text's wrap width (wrapped
    mode), so a numbered line that ran to the margin is known to go on."""
    text = prev.clean
    if not text:
        return False
    if not blank_before and (is_bare_marker(text) or _open_bold(prev)):
        # "I." / "1." / "Điều 5." alone, or "**Điều 1. Phông lưu trữ Đảng Cộng" … "sản**".
        return True
    if marker_kind(line.clean) is not None:
        return False
    last_word = text.split()[-1].lower()
    open_end = text.endswith((",", "-", "–")) or last_word in _OPEN_END_WORDS
    if mode == "blocks":
        # A blank line ends a paragraph, unless the words before it cannot end one
        # ("… theo quy định tại" / "Nghị định số 31/2021/NĐ-CP …").
        return not blank_before or (open_end and not _CLOSED_END_RE.search(text))
    closed = _CLOSED_END_RE.search(text) is not None and not text.endswith("..")
    if closed and not (mode == "wrapped" and _starts_lower(line.clean)):
        return False  # in wrapped text a lower-case line goes on even after "…; " or "."
    kind = marker_kind(text)
    if kind in HEADING_KINDS:
        # A heading ("Điều 3. Hình thức xử phạt", "6. Sở Y tế") goes on only when cut
        # mid-phrase; an upper-case next line is the start of its body.
        last = prev.lines[-1]
        bold_heading = last.raw.strip().endswith("**")
        if bold_heading or is_upper_line(last.clean):
            return False
        # In wrapped text a numbered item long enough to have reached the margin was cut
        # by the wrap ("6. Về việc lồng ghép các kiến nghị của tỉnh Điện" / "Biên vào …");
        # a short title ("1. Mục đích") was not.
        cut = mode == "wrapped" and kind in _ITEM_KINDS and width and len(last.clean) >= width // 2
        return bool(cut) or _starts_lower(line.clean) or open_end
    if mode == "wrapped" and not blank_before:
        return True
    # One line per paragraph: only a page break splits one (lower-case or open end).
    return _starts_lower(line.clean) or open_end


def paragraphs(lines: tuple[Line, ...], *, one_line_each: bool = False) -> list[Paragraph]:
    """Group body lines into paragraphs. ``one_line_each`` for sources whose lines are
    the author's own paragraphs (Word)."""
    mode = "lines" if one_line_each else wrap_mode(lines)
    lengths = sorted(len(ln.clean) for ln in lines if not ln.blank)
    width = lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0  # the wrap margin
    out: list[Paragraph] = []
    tables = dict(_table_regions(lines))
    tables_seen: list[int] = []
    blank_before = False
    skip_to = 0
    for i, line in enumerate(lines):
        if i < skip_to:
            continue
        if i in tables:
            out.extend(_table_rows(lines[i : tables[i]], len(tables_seen) + 1))
            tables_seen.append(i)
            skip_to = tables[i]
            blank_before = True
            continue
        if line.blank or NOISE_LINE_RE.match(line.clean):
            blank_before = blank_before or line.blank
            continue
        if out and _continues(out[-1], line, mode, blank_before, width):
            out[-1] = Paragraph((*out[-1].lines, line))
        else:
            out.append(Paragraph((line,)))
        blank_before = False
    return out
