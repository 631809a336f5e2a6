"""Vietnamese typed in the TCVN3 (ABC) font encoding, as older office files still are.

Before Unicode, offices typed Vietnamese with ".VnTime"-style fonts: the file stores
Latin-1 characters that the font draws as Vietnamese letters, so a reader gets
"Céng hoµ x· héi chñ nghÜa ViÖt Nam" for "Cộng hoà xã hội chủ nghĩa Việt Nam". Such a
line is turned into Unicode here; its text is then the document's text like any other.

A line is converted when it holds at least two characters that Vietnamese Unicode text
never uses ("µ", "¸", "¶", "×", "Ö", …) and no letter that only Unicode Vietnamese has
("ộ", "ư", "đ", …), so a document mixing Unicode and TCVN3 paragraphs keeps its Unicode
ones; in a document typed mostly in TCVN3, so is a shorter line ("§iÒu 1").

The capital-letter fonts (".VnTimeH") draw the lower-case codes as capitals. A .docx
names each run's font, so its TCVN3 runs are converted exactly, capitals included
(``DocxFonts``); from a .doc or PDF's text alone they cannot be told apart, and those
lines come out in lower case.
"""

from __future__ import annotations

import re

from docx.oxml.xmlchemy import BaseOxmlElement

# TCVN3 code (as the Latin-1 character a reader sees) → the Vietnamese letter it draws.
_TCVN3 = dict(
    zip(
        "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢§£¤¥¦",
        "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂĐÊÔƠƯ",
        strict=True,
    )
)
_TABLE = str.maketrans(_TCVN3)
# Codes that are not letters of Vietnamese Unicode text (É, Ê, Ô … are, so they prove nothing).
_ONLY_TCVN3 = frozenset("µ¸¶·¹¨»¾¼½Æ©ÇË®ÎÏÑªÖ×ØÜÞßä«åæçëîïñö÷øûüþ¡¢§£¤¥¦\xad")
# â, ê, ô are TCVN3 codes too (for õ, ờ, ụ); these letters are not.
_UNICODE_ONLY_RE = re.compile(r"[ăđơưĂĐƠƯ\u1ea0-\u1ef9]")
_MIN_MARKERS = 2


_ONLY_CLASS = re.escape("".join(sorted(_ONLY_TCVN3)))
# A code inside a word ("hoµ", "ViÖt"); "×" between numbers is a multiplication sign.
_IN_WORD_RE = re.compile(rf"(?<=[A-Za-z{_ONLY_CLASS}])[{_ONLY_CLASS}]|[{_ONLY_CLASS}](?=[A-Za-z])")


def looks_tcvn3(line: str) -> bool:
    """True when ``line`` reads as TCVN3 codes rather than Unicode Vietnamese."""
    markers = len(_IN_WORD_RE.findall(line))
    return markers >= _MIN_MARKERS and _UNICODE_ONLY_RE.search(line) is None


def tcvn3_to_unicode(text: str) -> str:
    """Convert every line of ``text`` that reads as TCVN3 (see module doc); keep the others.

    In a document typed mostly in TCVN3, a line with fewer marks ("§iÒu 1", "VÒ") is
    converted too, unless it holds a letter only Unicode has.
    """
    if not any(c in _ONLY_TCVN3 for c in text):
        return text
    lines = text.split("\n")
    strong = [looks_tcvn3(line) for line in lines]
    accented = sum(any(ord(c) > 127 for c in line) for line in lines)
    mostly = sum(strong) >= 3 and sum(strong) >= 0.5 * accented
    return "\n".join(
        line.translate(_TABLE)
        if is_tcvn3
        or (mostly and _UNICODE_ONLY_RE.search(line) is None and any(c in _TCVN3 for c in line))
        else line
        for line, is_tcvn3 in zip(lines, strong, strict=True)
    )


# --- .docx: the font says it ----------------------------------------------------------

_VN_FONT_RE = re.compile(r"^\.?Vn", re.IGNORECASE)  # ".VnTime", ".VnArial", "VnTimeH"


class DocxFonts:
    """Which runs of a .docx are typed in a TCVN3 font, and in its capitals-only form.

    The font of a run is its own w:rFonts, else its paragraph style's (through w:basedOn),
    else the document default; a TCVN3 font's text is converted whatever it looks like,
    and an "…H" font (".VnTimeH") draws capitals.
    """

    def __init__(self, styles: BaseOxmlElement | None) -> None:
        self._style_font: dict[str, str | None] = {}
        self._based_on: dict[str, str] = {}
        self._default_style: str | None = None
        self._default_font: str | None = None
        if styles is None:
            return
        defaults = styles.find(f"{_W}docDefaults/{_W}rPrDefault/{_W}rPr")
        self._default_font = _font_of(defaults)
        for style in styles.findall(f"{_W}style"):
            style_id = style.get(f"{_W}styleId")
            based_on = style.find(f"{_W}basedOn")
            if based_on is not None:
                self._based_on[style_id] = based_on.get(f"{_W}val")
            if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true"):
                self._default_style = style_id
            self._style_font[style_id] = _font_of(style.find(f"{_W}rPr"))

    def text(self, run: BaseOxmlElement, paragraph_style: str | None, text: str) -> str:
        font = _font_of(run.find(f"{_W}rPr")) or self._style(paragraph_style)
        if not font or not _VN_FONT_RE.match(font):
            return text
        unicode = text.translate(_TABLE)
        return unicode.upper() if font.rstrip().endswith("H") else unicode

    def _style(self, style_id: str | None) -> str | None:
        style_id = style_id or self._default_style
        seen: set[str] = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            font = self._style_font.get(style_id)
            if font:
                return font
            style_id = self._based_on.get(style_id)
        return self._default_font


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _font_of(rpr: BaseOxmlElement | None) -> str | None:
    fonts = rpr.find(f"{_W}rFonts") if rpr is not None else None
    if fonts is None:
        return None
    return fonts.get(f"{_W}hAnsi") or fonts.get(f"{_W}ascii")
