"""Web pages (.html, .htm) as text: the main content only, with block structure kept as lines
and a table read row by row."""

from __future__ import annotations

import codecs
import logging
import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.dammit import EncodingDetector

from assistant.documents.readers_text import BINARY_CONTENT
from assistant.errors import ReadError

# Every reader logs under one name, so one logging setting covers them all.
logger = logging.getLogger("assistant.documents.readers")

# --- .html -------------------------------------------------------------------------

_JUNK_TAGS = (
    "script",
    "style",
    "noscript",
    "nav",
    "aside",
    "form",
    "iframe",
    "template",
    "svg",
    "footer",
)
_BLOCK_TAGS = (
    "address", "article", "blockquote", "caption", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre",
    "section", "summary", "table", "tr", "ul",
)  # fmt: skip
_BLOCK = "\x00"  # a block boundary; NUL never survives into the text (binary check)
_HTML_SPACE = re.compile(r"[ \t\n\r\f\xa0]+")


def read_html(data: bytes, name: str) -> str:
    """The main content's text: chrome removed, one line a block, a table row's cells " | " apart."""
    text = _decode_html(data, name)
    if "\x00" in text:
        raise ReadError(name, BINARY_CONTENT)
    soup = BeautifulSoup(text, "lxml")
    root = _main_content(soup)
    for tag in root.find_all(_JUNK_TAGS):
        if not tag.decomposed:
            tag.decompose()
    for tag in root.find_all("header"):
        # A page header is chrome; an article's own header holds its title and date.
        if not tag.decomposed and tag.find_parent("article") is None:
            tag.decompose()
    # HTML collapses source whitespace; &nbsp; is used as a plain space for layout.
    for string in root.find_all(string=True):
        if type(string) is NavigableString and string.find_parent("pre") is None:
            string.replace_with(_HTML_SPACE.sub(" ", string))
    for br in root.find_all("br"):
        br.replace_with("\n")
    for row in reversed(root.find_all("tr")):  # a nested table's rows before its cell's row
        _read_row(row)
    # get_text(separator="\n") would also split at inline tags ("Theo <b>Kế hoạch</b>"), so
    # newlines go only at block boundaries, and nested blocks make one newline, not several.
    for tag in root.find_all(_BLOCK_TAGS):
        tag.insert_before(_BLOCK)
        tag.insert_after(_BLOCK)
    raw = re.sub(rf"\s*{_BLOCK}[\s{_BLOCK}]*", "\n", root.get_text())
    lines = "\n".join(line.strip() for line in raw.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", lines).strip("\n")


def _read_row(row: Tag) -> None:
    """A table row as the line(s) a reader sees: "1 | Bệnh bại liệt | Vắc xin bại liệt | …".

    Cells follow one another on a line, " | " apart, while each is one line; a cell of
    several lines (a header block beside the motto, the Nơi nhận list beside the signature)
    keeps its lines, and the next cell starts after a line holding "|", so a line of text
    never mixes two blocks.
    """
    cells = row.find_all(["td", "th"], recursive=False)
    if not cells:
        return
    out = ""
    previous: list[str] | None = None
    for cell in cells:
        for tag in cell.find_all(_BLOCK_TAGS):
            tag.insert_before(_BLOCK)
            tag.insert_after(_BLOCK)
        text = re.sub(rf"\s*{_BLOCK}[\s{_BLOCK}]*", "\n", cell.get_text())
        lines = [" ".join(line.split()) for line in text.split("\n")]
        lines = [line for line in lines if line]
        if previous is not None:
            out += " | " if len(previous) <= 1 else "\n|\n"
        out += "\n".join(lines)
        previous = lines
    row.clear()
    row.append(out)


def _decode_html(data: bytes, name: str) -> str:
    body, encoding = EncodingDetector.strip_byte_order_mark(data)
    if encoding is None:
        encoding = EncodingDetector.find_declared_encoding(body, is_html=True) or "utf-8"
        # A page that declares UTF-16 without a BOM is UTF-8 in practice (WHATWG).
        if encoding.lower().replace("-", "").startswith(("utf16", "utf32")):
            encoding = "utf-8"
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        logger.info("%s: không biết bảng mã %r, dùng UTF-8", name, encoding)
        codec = encoding = "utf-8"
    try:
        return body.decode(codec)
    except UnicodeDecodeError as exc:
        if codec == "utf-8":
            raise ReadError(
                name, f"không giải mã được UTF-8 (not valid UTF-8 at byte {exc.start})"
            ) from exc
        raise ReadError(
            name, f"không giải mã được theo bảng mã {encoding} (not valid {encoding})"
        ) from exc


def _main_content(soup: BeautifulSoup) -> Tag:
    """The <main> element, else the longest <article>, else <body>."""
    main = soup.find("main") or soup.find(True, {"role": "main"})
    if isinstance(main, Tag):
        return main
    articles = soup.find_all("article")
    if articles:
        return max(articles, key=lambda a: len(a.get_text()))
    body = soup.find("body")
    return body if isinstance(body, Tag) else soup
