"""Bodies (cơ quan, tổ chức) named in questions and in clauses.

A question such as "Sở Y tế phải làm gì?" names a body; the clauses that answer it are
headed by that body ("6. Sở Y tế") or make it the subject of a duty ("Ban Dân vận Quận
ủy chủ trì …"). Matching works on folded, abbreviation-expanded keys, so "so y te",
"UBND quận" and "Ủy ban nhân dân quận" all match.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import islice, pairwise

import numpy as np

from assistant.documents.layout import TYPE_NAMES
from assistant.documents.textnorm import canonical_tones, folded_key
from assistant.search.lexical import ABBREVIATIONS, lexicon

# The words a body's name starts with, and the words that end it in a question
# ("Sở Y tế | phải làm gì"). Accented; their folded forms serve unaccented questions.
_HEADS = (
    "sở", "ban", "hội", "ủy ban", "hội đồng", "mặt trận", "đảng đoàn", "ban cán sự", "văn phòng",
    "báo", "đài", "trung tâm", "thường trực", "đảng ủy", "chính phủ", "quốc hội", "bộ", "phòng",
    "công an", "thành ủy", "tỉnh ủy", "quận ủy", "huyện ủy", "cấp ủy", "đoàn", "công đoàn",
)  # fmt: skip
_STOP = (
    "phải", "làm", "được", "có", "cần", "thì", "theo", "trong", "nhiệm vụ", "trách nhiệm", "giao",
    "gì", "những", "việc", "về", "sẽ", "đã", "đang", "chủ trì", "phối hợp", "thực hiện", "ở",
    "tại", "khi", "còn", "sao", "nào", "với", "và", "hay", "hoặc", "cho", "lo", "ra", "vào",
    "là", "đánh giá", "chưa", "không",
)  # fmt: skip
# Folded stop words that are also common syllables of names ("tài" in Sở Tài chính) are
# not used for unaccented questions.
_AMBIGUOUS_FOLDED = frozenset(
    {"tai", "co", "con", "o", "ve", "da", "dang", "cho", "lo", "ra", "va"}
)


# A head word that begins a document type's name ("bộ" in "Bộ luật", "báo" in "Báo cáo")
# names a document there, never a body.
_DOCUMENT_TYPE_KEYS = tuple(
    key
    for key in (folded_key(name) for name in TYPE_NAMES)
    if " " in key and key.split()[0] in {folded_key(h) for h in _HEADS}
)
MAX_NAME_WORDS = 14
MAX_BODIES = 6  # a question names a few bodies; a pasted page must not cost a match per word


def _alternation(words: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    return re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b"
    )


_HEAD_RE = _alternation(_HEADS)
_HEAD_KEYS = frozenset(folded_key(h) for h in _HEADS)
_STOP_RE = _alternation(_STOP)
_FOLDED_HEAD_RE = _alternation([folded_key(h) for h in _HEADS])
_FOLDED_STOP_RE = _alternation(
    [folded_key(w) for w in _STOP if folded_key(w) not in _AMBIGUOUS_FOLDED]
)


@lru_cache(maxsize=1)
def _expansions() -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation of every abbreviation, with ``abbreviation_re``'s rules (whole word;
    "Đ" may be typed "D"; two letters only in upper case), and the long form of each
    spelling. One pass over a text instead of one per abbreviation: keys are made for
    every chunk."""
    alternatives: list[str] = []
    longs: dict[str, str] = {}
    for abbr, names in ABBREVIATIONS.items():
        forms = sorted({abbr, abbr.replace("Đ", "D")}, key=len, reverse=True)
        spelled = "|".join(re.escape(f) for f in forms)
        alternatives.append(f"(?i:{spelled})" if len(abbr) >= 3 else spelled)
        longs.update({(f.upper() if len(abbr) >= 3 else f): names[0] for f in forms})
    return re.compile(rf"(?<![\w-])(?:{'|'.join(alternatives)})(?![\w-])"), longs


def _long_form(match: re.Match[str]) -> str:
    _, longs = _expansions()
    word = match.group(0)
    return longs.get(word) or longs[word.upper()]


def spell_out(text: str) -> str:
    """Abbreviations spelled out, tones canonical, case and punctuation kept:
    "HĐND quận, UBND" → "hội đồng nhân dân quận, ủy ban nhân dân"."""
    pattern, _ = _expansions()
    return pattern.sub(_long_form, canonical_tones(text))


def _expanded_cased(text: str) -> str:
    """``expand`` without lower-casing: capitals tell a name ("Hội", "Phòng") from a word."""
    pattern, _ = _expansions()
    out = pattern.sub(_long_form, canonical_tones(text))
    return " ".join(re.sub(r"[^\w\s/-]", " ", out).split())


def expand(text: str) -> str:
    """Abbreviations spelled out, tones canonical, lower case: "UBND quận" → "ủy ban nhân dân quận"."""
    pattern, _ = _expansions()
    out = pattern.sub(_long_form, canonical_tones(text))
    return " ".join(re.sub(r"[^\w\s/-]", " ", out.lower()).split())


def bare_head(key: str) -> bool:
    """A key that is only a head word ("hoi dong", "uy ban", "ban can su"): it names a kind of
    body, not a body; "Hội đồng" of "Hội đồng quản trị" must not find "Hội đồng nhân dân"."""
    return key in _HEAD_KEYS and key not in _SINGLE_BODIES


# Heads that are the name of one body of the State (the Constitution's Quốc hội and Chính
# phủ), not a kind of body: "Chính phủ phải làm gì?" asks about that body.
_SINGLE_BODIES = frozenset({"chinh phu", "quoc hoi"})


def body_key(text: str) -> str:
    """Folded, expanded key for matching: "UBND quận" → "uy ban nhan dan quan"."""
    return folded_key(expand(text))


def bodies_in_question(question: str) -> list[str]:
    """Body names a question asks about, as keys: "Sở Y tế phải làm gì?" → ["so y te"]."""
    accented = folded_key(question) != " ".join(question.lower().split())
    text = expand(question) if accented else folded_key(expand(question))
    cased = _expanded_cased(question) if accented else text
    if len(cased) != len(text):
        cased = text  # lower-casing changed a length: read without capitals
    head_re, stop_re = (_HEAD_RE, _STOP_RE) if accented else (_FOLDED_HEAD_RE, _FOLDED_STOP_RE)
    out: list[str] = []
    position = 0
    for head in head_re.finditer(text):
        if head.start() < position:
            continue
        if accented and _inside_word(cased, head):
            continue  # "cán bộ", "Hải Phòng", "cơ sở", "xã hội": not "Bộ …", "Phòng …", "Sở …"
        if accented and _opens_word(cased, head):
            continue  # "ban hành", "bộ phận", "hội nghị", "sở hữu": a word, not "Ban …"
        stop = stop_re.search(text, head.end())
        end = stop.start() if stop else len(text)
        # The longest official names run to about a dozen words ("Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Hà Nội").
        name = " ".join(text[head.start() : end].strip(" ,.?").split()[:MAX_NAME_WORDS])
        key = folded_key(name)
        if any(key == k or key.startswith(k + " ") for k in _DOCUMENT_TYPE_KEYS):
            position = head.end()  # "Bộ luật Hình sự", "Báo cáo số …": a document, not a body
            continue
        position = end
        if (len(name.split()) >= 2 or name in ("báo", "đài", "bao", "dai")) and key not in out:
            out.append(key)
            if len(out) == MAX_BODIES:
                break
    return out


def _inside_word(cased: str, head: re.Match[str]) -> bool:
    """The head syllable ends a word with the syllable before it (by the Vietnamese word
    list the lexical index segments with), so it opens no body's name. ``cased``: the text
    ``head`` was found in, with its capitals."""
    before = cased[: head.start()].split()[-1:]
    if not before or not before[0].isalpha():
        return False
    # Names are capitalised: "giao Hội Chữ thập đỏ" is a verb and a name although "giao hội"
    # is a word; "Hải Phòng" is one name.
    if cased[head.start()].isupper() and not before[0][0].isupper():
        return False
    first = canonical_tones(head.group(0).split()[0]).lower()
    return (canonical_tones(before[0]).lower(), first) in lexicon().words


def _opens_word(cased: str, head: re.Match[str]) -> bool:
    """A one-syllable head makes a word with the syllable after it ("ban hành", "bộ phận",
    "hội nghị"), which does not pair with the one after that ("Bộ tư pháp": "tư pháp" is a
    word, so "bộ tư" is not read); a capital after it starts a name ("Phòng Văn hóa")."""
    if " " in head.group(0):
        return False
    after = cased[head.end() :].split()[:2]
    if not after or not after[0].isalpha() or after[0][0].isupper():
        return False
    words = lexicon().words
    first = canonical_tones(head.group(0)).lower()
    second = canonical_tones(after[0]).lower()
    third = canonical_tones(after[1]).lower().strip(" ,.?;:") if len(after) > 1 else ""
    return (first, second) in words and (second, third) not in words


@lru_cache(maxsize=512)
def _prefix_patterns(body: str) -> tuple[tuple[int, re.Pattern[str], re.Pattern[str]], ...]:
    """For each leading part of ``body`` of two words or more, longest first: its number of
    words, the pattern of a heading naming it, the pattern of a text opening with it."""
    words = body.split()
    out = []
    for n in range(len(words), 1, -1):
        prefix = re.escape(" ".join(words[:n]))
        heading = re.compile(rf"\b{prefix}\b")
        opening = re.compile(rf"(?:^|[.;:]\s|^\d+ |^- |^de nghi ){prefix}\b")
        out.append((n, heading, opening))
    return tuple(out)


def _named_in_heading(body: str, heading_key: str) -> int:
    """Words of the longest leading part of ``body`` the heading names (0: none)."""
    return next((n for n, heading, _ in _prefix_patterns(body) if heading.search(heading_key)), 0)


def _opens_text(body: str, text_key: str) -> int:
    """Words of the longest leading part of ``body`` the text opens with (0: none)."""
    return next((n for n, _, opening in _prefix_patterns(body) if opening.search(text_key)), 0)


def _strength(words: int, in_heading: int, in_text: int) -> float:
    # The longest leading part decides; at equal length the heading counts more.
    if in_text > in_heading:
        return 0.8 * (in_text / words)
    return in_heading / words


def match_strength(body: str, heading_key: str, text_key: str) -> float:
    """How strongly a clause concerns ``body``: 1.0 when its heading names it, 0.8 when its
    text opens with it (the body is the subject of a duty: "Ban Dân vận Quận ủy chủ trì …",
    "Đề nghị Hội đồng nhân dân quận …"), else the share of the name's leading words found
    there ("ban dan van" of "ban dan van thanh uy tu son")."""
    in_heading = _named_in_heading(body, heading_key)
    return _strength(len(body.split()), in_heading, _opens_text(body, text_key))


# Keys lose their punctuation (``expand``), so a text key has no ``[.;:]`` sentence break
# and only its opening can name the subject of a duty: the first characters suffice.
TEXT_KEY_CHARS = 240
OPENING_STEP = 16
_TOKEN_RE = re.compile(r"\w+")
_OPENING_RE = re.compile(r"^(?:\d+ |- |de nghi )|[.;:]\s")
_LEAD_RE = re.compile(r"^(?:\d+ |- |de nghi )")


def _first_two(text: str, pos: int = 0) -> tuple[str, ...]:
    return tuple(m.group(0) for m in islice(_TOKEN_RE.finditer(text, pos), 2))


class BodyIndex:
    """``match_strength`` of a body with every clause, without comparing it with every clause.

    A match needs the name's first two words next to each other in the heading, or at an
    opening of the text; so each clause is filed under the word pairs of its heading and
    the first pair of each opening, and only the clauses filed under the name's first pair
    are compared. Headings repeat ("Sở Y tế" in every plan) and only a text's opening
    counts, so each distinct heading and opening is compared once per question, and the
    rest is array arithmetic. Same result as ``match_strength`` on every clause; at
    100,000 clauses milliseconds, not seconds.
    """

    def __init__(self, headings: Iterable[str], texts: Iterable[str]) -> None:
        keyed = lru_cache(maxsize=None)(body_key)  # headings repeat across clauses
        self._index(map(keyed, headings), (body_key(t[:TEXT_KEY_CHARS]) for t in texts))

    @classmethod
    def from_keys(cls, heading_keys: Iterable[str], text_keys: Iterable[str]) -> BodyIndex:
        """From keys made beforehand: ``body_key`` of each clause's last heading and of its
        text's first ``TEXT_KEY_CHARS`` characters (one pass over chunks read from disk)."""
        index = cls.__new__(cls)
        index._index(heading_keys, text_keys)
        return index

    def _index(self, heading_keys: Iterable[str], text_keys: Iterable[str]) -> None:
        heading_ids: dict[str, int] = {}
        self._chunk_heading = np.fromiter(
            (heading_ids.setdefault(k, len(heading_ids)) for k in heading_keys), dtype=np.int64
        )
        self._headings = list(heading_ids)
        self._texts = list(text_keys)
        self._leads = [m.end() if (m := _LEAD_RE.match(t)) else 0 for t in self._texts]
        self._openings: dict[int, tuple[np.ndarray, list[str]]] = {}
        self._has_break = any(_OPENING_RE.search(t, 1) for t in self._texts)
        for length in range(OPENING_STEP, 4 * OPENING_STEP + 1, OPENING_STEP):
            self._opening_keys("x" * (length - 1))  # the usual name lengths, built up front
        postings: defaultdict[tuple[str, ...], set[int]] = defaultdict(set)
        for i, text in enumerate(self._texts):
            words = _TOKEN_RE.findall(self._headings[self._chunk_heading[i]])
            for pair in pairwise(words):
                postings[pair].add(i)
            postings[_first_two(text)].add(i)
            for m in _OPENING_RE.finditer(text):
                postings[_first_two(text, m.end())].add(i)
        self._postings = {
            pair: np.array(sorted(ids), dtype=np.int64) for pair, ids in postings.items()
        }

    def _opening_keys(self, body: str) -> tuple[np.ndarray, list[str]] | None:
        """Each clause's opening as an opening match of ``body`` can see it: the lead ("6 ",
        "de nghi "), a name as long as ``body`` and one character more (the word boundary),
        as ids of distinct strings. Lengths go in steps, so a few tables serve every
        question. None when keys kept sentence breaks: then the whole key is compared."""
        if self._has_break:
            return None
        length = -(-(len(body) + 1) // OPENING_STEP) * OPENING_STEP
        if length not in self._openings:  # threads racing here build the same table
            ids: dict[str, int] = {}
            table = [
                ids.setdefault(text[: lead + length], len(ids))
                for text, lead in zip(self._texts, self._leads, strict=True)
            ]
            self._openings[length] = (np.array(table, dtype=np.int64), list(ids))
        return self._openings[length]

    def candidates(self, body: str) -> np.ndarray | None:
        """Clause positions that may match ``body``; None when any may (an odd name)."""
        pair = _first_two(body)
        if len(pair) < 2:
            return None
        return self._postings.get(pair, np.empty(0, dtype=np.int64))

    def matches(self, bodies: Sequence[str], allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions (ascending) of the allowed clauses some of ``bodies`` matches, and
        the strongest ``match_strength`` of each."""
        best = np.zeros(len(self._texts))
        for body in bodies:
            found = self.candidates(body)
            positions = np.flatnonzero(allowed) if found is None else found[allowed[found]]
            if not len(positions):
                continue
            in_heading = self._per_key(
                body, self._chunk_heading[positions], self._headings, _named_in_heading
            )
            openings = self._opening_keys(body)
            if openings is None:
                in_text = np.array([_opens_text(body, self._texts[i]) for i in positions.tolist()])
            else:
                in_text = self._per_key(body, openings[0][positions], openings[1], _opens_text)
            words = len(body.split())
            strength = np.where(in_text > in_heading, 0.8 * (in_text / words), in_heading / words)
            best[positions] = np.maximum(best[positions], strength)
        found_any = np.flatnonzero(best)
        return found_any, best[found_any]

    @staticmethod
    def _per_key(
        body: str, ids: np.ndarray, keys: list[str], measure: Callable[[str, str], int]
    ) -> np.ndarray:
        """``measure(body, key)`` for each id, computed once per distinct key."""
        distinct, inverse = np.unique(ids, return_inverse=True)
        values = np.array([measure(body, keys[k]) for k in distinct.tolist()], dtype=np.int64)
        return values[inverse]
