"""Vietnamese text keys: NFC, one tone-mark placement, diacritic folding, markup removal.

These functions build *keys* for matching and cleaned text for indexing and
display. They never rewrite a quote: quotes are always slices of the source.
"""

from __future__ import annotations

import re
import unicodedata

# Combining tone marks (dấu thanh). Vowel-quality marks (circumflex, breve, horn) are not tones.
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_TONE_RE = re.compile(f"[{_TONES}]")
_WORD_RE = re.compile(r"\w+", re.UNICODE)

# Rhymes "oa", "oe", "uy" with no final consonant: the traditional placement, used in most
# official documents, puts the tone on the first vowel (hòa, khóa, ủy, thủy); the "new"
# placement puts it on the second (hoà, khoá, uỷ). Both occur in the corpus; we key on one.
_OPEN_RHYME_RE = re.compile(r"(?<![qQ])([oOuU])([aAeEyY])(?=$)")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _canonical_syllable(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = _TONE_RE.findall(decomposed)
    if len(tones) != 1:
        return word
    bare = _TONE_RE.sub("", decomposed)
    bare_nfc = unicodedata.normalize("NFC", bare)
    match = _OPEN_RHYME_RE.search(bare_nfc)
    if not match:
        return word
    # Put the tone right after the first vowel of the open rhyme.
    pos = match.start(1) + 1
    rebuilt = bare_nfc[:pos] + tones[0] + bare_nfc[pos:]
    return unicodedata.normalize("NFC", rebuilt)


# The only syllables whose key changes: a tone on a final a/e/y after a plain o/u ("hoà",
# "uỷ"). Matching them first spares a decomposition of every other word (most of the cost).
_MOVABLE_TONE_RE = re.compile(r"\w*[oOuU][àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ](?!\w)")


def canonical_tones(text: str) -> str:
    """NFC text with one tone placement: "hoà" → "hòa", "khoá" → "khóa", "uỷ ban" → "ủy ban"."""
    return _MOVABLE_TONE_RE.sub(lambda m: _canonical_syllable(m.group(0)), nfc(text))


def fold(text: str) -> str:
    """Lower case without any diacritics, for unaccented matching: "Sở Y tế" → "so y te"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def key(text: str) -> str:
    """Accent-preserving match key: NFC, canonical tones, lower case, single spaces."""
    return " ".join(canonical_tones(text).lower().split())


def folded_key(text: str) -> str:
    """Accent-free match key: "Ủy ban nhân dân" and "uy ban nhan dan" give the same key."""
    return " ".join(fold(text).split())


# Markdown and web-extraction noise inside a line: bold/italic stars, escaped stars,
# heading hashes, table pipes. Words are never touched.
_MARKUP_RES = (
    (re.compile(r"\\\*"), ""),
    (re.compile(r"\*+"), ""),
    (re.compile(r"^\s*#{1,6}\s*"), ""),
    (re.compile(r"\s*\|\s*$"), ""),
    (re.compile(r"^\s*\|\s*"), ""),
    (re.compile(r"\s+\|\s+"), " "),
    (re.compile(r"[ \t\u00a0]+"), " "),
)


def strip_markup(line: str) -> str:
    """One line without markdown/table markup: "### **III. NHIỆM VỤ**" → "III. NHIỆM VỤ"."""
    out = line
    for pattern, repl in _MARKUP_RES:
        out = pattern.sub(repl, out)
    return out.strip()


def clean_block(text: str) -> str:
    """A multi-line source block as one readable paragraph: markup removed, lines joined."""
    lines = [strip_markup(line) for line in text.splitlines()]
    return " ".join(line for line in lines if line)


# How official names are usually capitalised; the document's own usage outweighs this.
_OFFICIAL_NAMES = (
    "Ban Thường vụ",
    "Ban Bí thư",
    "Bộ Chính trị",
    "Ban Chấp hành Trung ương",
    "Văn phòng",
    "Chánh Văn phòng",
    "Chủ tịch",
    "Phó Chủ tịch",
    "Bí thư",
    "Phó Bí thư",
    "Thường trực",
    "Mặt trận Tổ quốc Việt Nam",
    "Hội Chữ thập đỏ",
    "Đảng ủy Khối các cơ quan",
    "Thành ủy",
    "Tỉnh ủy",
    "Quận ủy",
    "Huyện ủy",
    "Thị ủy",
    "Ban Dân vận",
    "Trung ương",
    "Ủy ban nhân dân",
    "Hội đồng nhân dân",
    "Đảng bộ",
    "thành phố",
    "tỉnh",
    "quận",
    "huyện",
)
_ABBREVIATION_RE = re.compile(r"[B-DF-HJ-NP-TV-ZĐ]{2,}|UB[A-ZĐ]*")
_ROMAN_RE = re.compile(r"[IVXLC]+")

Counts = dict[tuple[str, ...], list[int]]


def _capital_counts(text: str, *, count_first: bool = False) -> tuple[Counts, Counts]:
    """(bigram counts, mid-sentence unigram counts) of capitalised vs lower-case forms."""
    bigrams: Counts = {}
    unigrams: Counts = {}
    for sentence in re.split(r"(?<=[.:;!?])\s+|\s*\n\s*", text):
        prev = ""
        for i, m in enumerate(_WORD_RE.finditer(sentence)):
            word = m.group(0)
            form = 0 if word[0].isupper() else 1
            if not (word.isupper() and len(word) > 1):
                if prev:
                    bigrams.setdefault((prev, key(word)), [0, 0])[form] += 1
                if i > 0 or count_first:
                    unigrams.setdefault((key(word),), [0, 0])[form] += 1
            prev = key(word)
    return bigrams, unigrams


_LEXICON = _capital_counts("\n".join(_OFFICIAL_NAMES), count_first=True)


def title_case_vn(upper: str, reference_text: str = "") -> str:
    """Turn an all-caps name into the capitalisation the document itself uses.

    "QUẬN ỦY KIẾN AN" → "Quận ủy Kiến An" when the body writes "Quận ủy" and "Kiến An".
    Each word takes the form it has after the same previous word in ``reference_text``,
    else its usual mid-sentence form there, else the form in a short list of official
    names; a word seen nowhere is taken for a proper name and capitalised. The first word
    is capitalised; abbreviations (TW, TP, UBND, HĐND) stay as they are.
    """
    ref_bigrams, ref_unigrams = _capital_counts(reference_text)
    lex_bigrams, lex_unigrams = _LEXICON
    prev = ""
    in_name = False  # inside a proper name seen nowhere else: "HẢI PHÒNG" → "Hải Phòng"
    index = 0

    def recase(m: re.Match[str]) -> str:
        nonlocal prev, in_name, index
        word = m.group(0)
        k = key(word)
        i = index
        index += 1
        prev_key, prev = prev, k
        if i > 0 and (
            _ABBREVIATION_RE.fullmatch(word) or _ROMAN_RE.fullmatch(word) or word.isdigit()
        ):
            in_name = False
            return word
        capital = True
        known = False
        if i > 0:
            for counts, lookup in (
                (ref_bigrams, (prev_key, k)),
                (lex_bigrams, (prev_key, k)),
                (ref_unigrams, (k,)),
                (lex_unigrams, (k,)),
            ):
                if lookup in counts:
                    if in_name and len(lookup) == 1:
                        break  # a bare unigram does not outweigh being inside a name
                    cap, low = counts[lookup]
                    capital = cap > low
                    known = True
                    break
        in_name = i > 0 and not known
        lower = word.lower()
        return lower[:1].upper() + lower[1:] if capital else lower

    return _WORD_RE.sub(recase, " ".join(upper.split()))
