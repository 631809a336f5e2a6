"""Bodies (cơ quan, tổ chức) named in questions and in clauses.

A question such as "Sở Y tế phải làm gì?" names a body; the clauses that answer it are
headed by that body ("6. Sở Y tế") or make it the subject of a duty ("Ban Dân vận Quận
ủy chủ trì …"). Matching works on folded, abbreviation-expanded keys, so "so y te",
"UBND quận" and "Ủy ban nhân dân quận" all match.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.lexical import ABBREVIATIONS, abbreviation_re
from assistant.textnorm import canonical_tones, folded_key

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
    "tại", "khi", "còn", "sao", "nào", "với", "và", "hay", "hoặc", "cho", "lo", "ra",
)  # fmt: skip
# Folded stop words that are also common syllables of names ("tài" in Sở Tài chính) are
# not used for unaccented questions.
_AMBIGUOUS_FOLDED = frozenset(
    {"tai", "co", "con", "o", "ve", "da", "dang", "cho", "lo", "ra", "va"}
)


MAX_NAME_WORDS = 14
MAX_BODIES = 6  # a question names a few bodies; a pasted page must not cost a match per word


def _alternation(words: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    return re.compile(
        r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b"
    )


_HEAD_RE = _alternation(_HEADS)
_STOP_RE = _alternation(_STOP)
_FOLDED_HEAD_RE = _alternation([folded_key(h) for h in _HEADS])
_FOLDED_STOP_RE = _alternation(
    [folded_key(w) for w in _STOP if folded_key(w) not in _AMBIGUOUS_FOLDED]
)


@lru_cache(maxsize=1)
def _expansions() -> list[tuple[re.Pattern[str], str]]:
    return [(abbreviation_re(abbr), longs[0]) for abbr, longs in ABBREVIATIONS.items()]


def expand(text: str) -> str:
    """Abbreviations spelled out, tones canonical, lower case: "UBND quận" → "ủy ban nhân dân quận"."""
    out = canonical_tones(text)
    for pattern, long in _expansions():
        out = pattern.sub(long, out)
    return " ".join(re.sub(r"[^\w\s/-]", " ", out.lower()).split())


def body_key(text: str) -> str:
    """Folded, expanded key for matching: "UBND quận" → "uy ban nhan dan quan"."""
    return folded_key(expand(text))


def bodies_in_question(question: str) -> list[str]:
    """Body names a question asks about, as keys: "Sở Y tế phải làm gì?" → ["so y te"]."""
    accented = folded_key(question) != " ".join(question.lower().split())
    text = expand(question) if accented else folded_key(expand(question))
    head_re, stop_re = (_HEAD_RE, _STOP_RE) if accented else (_FOLDED_HEAD_RE, _FOLDED_STOP_RE)
    out: list[str] = []
    position = 0
    for head in head_re.finditer(text):
        if head.start() < position:
            continue
        stop = stop_re.search(text, head.end())
        end = stop.start() if stop else len(text)
        # The longest official names run to about a dozen words ("Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Hà Nội").
        name = " ".join(text[head.start() : end].strip(" ,.?").split()[:MAX_NAME_WORDS])
        position = end
        key = folded_key(name)
        if (len(name.split()) >= 2 or name in ("báo", "đài", "bao", "dai")) and key not in out:
            out.append(key)
            if len(out) == MAX_BODIES:
                break
    return out


def match_strength(body: str, heading_key: str, text_key: str) -> float:
    """How strongly a clause concerns ``body``: 1.0 when its heading names it, 0.8 when a
    sentence of it starts with it (the body is the subject of a duty), else the share of
    the name's leading words found there ("ban dan van" of "ban dan van thanh uy tu son")."""
    words = body.split()
    best = 0.0
    for n in range(len(words), 1, -1):
        prefix = " ".join(words[:n])
        share = n / len(words)
        if re.search(rf"\b{re.escape(prefix)}\b", heading_key):
            best = max(best, share)
        elif re.search(rf"(?:^|[.;:]\s|^\d+ |^- |^de nghi ){re.escape(prefix)}\b", text_key):
            best = max(best, 0.8 * share)
        if best:
            break
    return best
