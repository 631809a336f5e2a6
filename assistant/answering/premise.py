"""What a question takes for granted, checked against the evidence before it is answered.

A question can carry a claim of its own: "Sở Y tế nộp 1 tỷ đồng thì phải làm gì?", "Kế hoạch
164 quy định phạt 1 tỷ đồng ở khoản nào?", "Hội đồng quản trị công ty lừa đảo phải làm gì?".
Answering it with a clause would present the user's words as what the documents say. Two
checks, both on the text of the clauses found, never on the question alone:

- **figures**: an amount of money or a percentage the question states must be in the
  clauses, compared by value ("1 tỷ đồng" is "1.000.000.000 đồng", "2.5%" is "2,5%");
- **the rest of a body's name**: when the body asked for is found under a shorter name
  ("Sở Y tế" for "Sở Y tế nộp 1 tỷ đồng"), the words left over must be places, levels
  ("các cấp", "thành phố") or words of the clauses found; a bare head word ("Hội đồng" of
  "Hội đồng quản trị") names no body.

The user's words are shown only inside quotation marks, cut short, and only when they are
written in one script: the answer names what is missing, it never asserts it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from assistant.documents.textnorm import folded_key

# Money: "1 tỷ đồng", "500 triệu", "20.000.000 đồng", "1,5 tỷ"; percentages: "2,5%", "80 phần trăm".
_NUMBER = r"\d+(?:[.,]\d+)*"
_MONEY_RE = re.compile(
    rf"(?<![\w/.,-])(?P<value>{_NUMBER})\s*"
    r"(?:(?P<scale>ty|trieu|nghin|ngan)(?:\s+(?:dong|vnd))?|(?:dong|vnd)\b)(?!\w)"
)
_PERCENT_RE = re.compile(rf"(?<![\w/.,-])(?P<value>{_NUMBER})\s*(?:%|phan tram\b)")
_SCALES = {"ty": 1e9, "trieu": 1e6, "nghin": 1e3, "ngan": 1e3, None: 1.0}

# Words that narrow a body to a level or a place without naming another body.
_QUALIFIERS = frozenset(
    "cac cap cap tinh thanh pho quan huyen xa phuong thi tran trung uong dia phuong co so "
    "toan noi cua o tai tren dia ban hien nay nam nay".split()
)
# The tiers of local government (Luật Tổ chức chính quyền địa phương): a body of one tier is
# not the body of another of the same name. ("thành phố", "thị" are of more than one tier.)
_TIER = {
    "trung": "0",
    "tinh": "1",
    "huyen": "2",
    "quan": "2",
    "xa": "3",
    "phuong": "3",
}
MAX_ECHO = 60


def _value(number: str) -> float | None:
    """Vietnamese digits: "." groups thousands, "," is the decimal mark ("1.000.000", "2,5");
    a lone "." before one or two digits is read as a decimal mark too ("2.5")."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", number):
        number = number.replace(".", "").replace(",", ".")
    elif "," in number:
        number = number.replace(".", "").replace(",", ".", 1)
    try:
        return float(number)
    except ValueError:
        return None


def _figures(folded: str) -> list[tuple[str, float, str]]:
    """(kind, value, words as written) of each amount of money and percentage in ``folded``."""
    out = []
    for m in _MONEY_RE.finditer(folded):
        value = _value(m["value"])
        if value is not None:
            out.append(("money", value * _SCALES[m["scale"]], m.group(0)))
    for m in _PERCENT_RE.finditer(folded):
        value = _value(m["value"])
        if value is not None:
            out.append(("percent", value, m.group(0)))
    return out


def missing_figures(question: str, evidence: Iterable[str]) -> list[str]:
    """The question's amounts and percentages that none of the evidence texts states, as the
    question writes them."""
    folded_question = folded_key(question)
    asked = _figures(folded_question)
    if not asked:
        return []
    held = {
        (kind, round(value, 6))
        for text in evidence
        for kind, value, _ in _figures(folded_key(text))
    }
    missing = []
    for kind, value, words in asked:
        if (kind, round(value, 6)) not in held:
            start = folded_question.find(words)
            missing.append(_as_written(question, folded_question, start, len(words)))
    return list(dict.fromkeys(missing))


def _as_written(question: str, folded: str, start: int, length: int) -> str:
    """The question's own characters for a match in its folded key (one character per
    character when the question is NFC; otherwise the folded words)."""
    if len(folded) == len(question) and start >= 0:
        return question[start : start + length].strip()
    return folded[start : start + length].strip() if start >= 0 else ""


def unsupported_rest(
    asked_key: str, found_keys: Iterable[str], clauses: Sequence[str], places: Iterable[str] = ()
) -> list[str]:
    """The words of a body asked for (``asked_key``, folded) that are not in the names that
    found it (``found_keys``) and are neither qualifiers, nor places, nor words of the clauses
    found."""
    named = {w for key in found_keys for w in key.split()}
    known = {w for p in places for w in folded_key(p).split()}
    text = set(re.findall(r"\w+", folded_key(" ".join(clauses))))
    return [
        w
        for w in asked_key.split()
        if w not in named and w not in _QUALIFIERS and w not in known and w not in text
    ]


def body_missing(bodies: Sequence[str], evidence: Sequence[str]) -> str:
    """The first body asked (folded key) whose name the evidence never writes — its name up
    to the words that only narrow it ("sở giáo dục" of "sở giáo dục tỉnh đắk lắk") — when
    no body asked is written there; "" when one is. Another body's clause is no answer about
    it ("Sở Giáo dục … phải thẩm định gì?" answered with Sở Xây dựng's items)."""
    words_found = re.findall(r"\w+", folded_key(" ".join(evidence)))
    text = f" {' '.join(words_found)} "
    missing = ""
    for body in bodies:
        words = body.split()
        core = next((i for i, w in enumerate(words) if i >= 2 and w in _QUALIFIERS), len(words))
        if f" {' '.join(words[:core])} " in text:
            return ""
        missing = missing or body
    return missing


def diverges(asked: Sequence[str], n: int, found_key: str) -> bool:
    """The name found by the first ``n`` words asked goes on with another word than the next
    one asked ("Bộ Công an" for "Bộ Công Thương"): another body, unless either word only
    narrows the name (a level, "các", a place word such as "quận")."""
    if n >= len(asked):
        return False
    prefix = " ".join(asked[:n])
    key = f" {found_key} "
    at = key.find(f" {prefix} ")
    after = key[at + len(prefix) + 2 :].split() if at >= 0 else []
    nxt = asked[n]
    tiers = (_TIER.get(after[0]) if after else None, _TIER.get(nxt))
    if None not in tiers and tiers[0] != tiers[1]:
        return True  # "Ủy ban nhân dân cấp tỉnh" for "… cấp xã": another level, another body
    return (
        bool(after) and after[0] != nxt and after[0] not in _QUALIFIERS and nxt not in _QUALIFIERS
    )


def echo(words: str) -> str:
    """The user's words fit to show inside quotation marks: one script (Latin with Vietnamese
    letters), no control characters, at most ``MAX_ECHO`` characters; "" when they are not."""
    words = " ".join(words.split()).strip(" ,.;:?!")
    if not words or any(_foreign(ch) for ch in words):
        return ""
    return words if len(words) <= MAX_ECHO else words[: MAX_ECHO - 1].rsplit(" ", 1)[0] + "…"


def _foreign(ch: str) -> bool:
    if ch.isascii():
        return not (ch.isprintable())
    if not ch.isalpha():
        return unicodedata.category(ch)[0] in "CZ" and ch != " "
    return "LATIN" not in unicodedata.name(ch, "")


def quoted(words: str, fallback: str) -> str:
    """“words” when they can be shown, else ``fallback`` (e.g. "cơ quan được hỏi")."""
    shown = echo(words)
    return f"“{shown}”" if shown else fallback
