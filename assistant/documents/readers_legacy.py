"""Vietnamese typed in the TCVN3 (ABC) font encoding, as older office files still are.

Before Unicode, offices typed Vietnamese with ".VnTime"-style fonts: the file stores
Latin-1 characters that the font draws as Vietnamese letters, so a reader gets
"Céng hoµ x· héi chñ nghÜa ViÖt Nam" for "Cộng hoà xã hội chủ nghĩa Việt Nam". Such a
line is turned into Unicode here; its text is then the document's text like any other.

A line is converted when it holds at least two characters that Vietnamese Unicode text
never uses ("µ", "¸", "¶", "×", "Ö", …) and no letter that only Unicode Vietnamese has
("ộ", "ư", "đ", …), so a document mixing Unicode and TCVN3 paragraphs keeps its Unicode
ones; in a document typed mostly in TCVN3, so is a shorter line ("§iÒu 1"). The capital-letter fonts (".VnTimeH") draw the lower-case codes as capitals;
from text alone they cannot be told apart, so those lines come out in lower case.
"""

from __future__ import annotations

import re

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
