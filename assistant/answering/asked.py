"""What a question asks for, and whether a text holds it.

The offline answerer quotes; these checks keep it from quoting a clause that shares the
question's words but not what it asks: the role in "Ai là Chủ tịch …", the year in "vào năm
nào", the quantity in "bao nhiêu người đăng ký hiến mô". All work on folded keys.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.documents.textnorm import folded_key
from assistant.search.bodies import bodies_in_question, body_key


def overlap(terms: Sequence[str], text: str) -> float:
    # Folded on purpose: diacritics would keep "nghỉ" from matching "nghị", but would also
    # lose the scanned documents' words whose tone marks OCR got wrong.
    words = set(re.findall(r"\w+", folded_key(text)))
    return float(sum(1 for t in set(terms) if t in words))


# "Ai là Chủ tịch …", "… là ai": the role asked about.
_PERSON_RE = re.compile(r"\bai la (?P<after>.+)|^(?P<before>.+?) la ai\b")
# "vào năm nào", "ngày nào" ask for a date of that precision, which the clause must hold
# ("khi nào", "bao giờ" are deadline questions, answered apart).
_YEAR = r"\b(?:19|20)\d\d\b"
_DAY = r"\bngay \d|\b\d{1,2}/\d{1,2}\b"
_WHEN = (
    (re.compile(r"\bnam nao\b"), re.compile(_YEAR)),
    (re.compile(r"\bngay nao\b"), re.compile(_DAY)),
    (re.compile(r"\bthang nao\b"), re.compile(rf"\bthang \d|{_DAY}")),
    (re.compile(r"\b(?:luc nao|thoi gian nao|thoi diem nao)\b"), re.compile(rf"{_YEAR}|{_DAY}")),
)


_FILLER = frozenset({"cua", "cac", "nhung", "mot"})
_ASKING = frozenset({"gi", "nao", "ai", "sao"})


@dataclass(frozen=True)
class Role:
    """What a clause must hold to say who holds a role: ``phrase`` as written together (the
    title and the first word of the body: "chu tich hoi"), and ``body`` anywhere in it (the
    body's first two words: "hoi chu"), so "Chủ tịch Hội Nông dân" does not answer for the
    Hội Chữ thập đỏ while "… làm Trưởng đoàn" answers for the đoàn kiểm tra it names."""

    phrase: str
    body: str = ""

    def found_in(self, text: str) -> bool:
        key = body_key(text)
        return all(
            re.search(rf"\b{re.escape(words)}\b", key)
            for words in (self.phrase, self.body)
            if words
        )


@lru_cache(maxsize=256)  # asked once per quoted clause while answering one question
def role_asked(question: str) -> Role | None:
    """The role a "who is …" question asks about; None when it asks for no person."""
    m = _PERSON_RE.search(folded_key(question).strip(" ?.!"))
    if not m:
        return None
    words = [w for w in body_key(m.group("after") or m.group("before")).split() if w not in _FILLER]
    if not words or words[0] == "nguoi" or all(w in _ASKING for w in words):
        return None  # "Ai là người ký …": a signer question, answered from the signature
    role = " ".join(words)
    bodies = bodies_in_question(role)
    if bodies and role.find(bodies[0]) > 0:
        title = role[: role.find(bodies[0])].split()
        body = bodies[0].split()
        return Role(" ".join([*title, body[0]]), " ".join(body[:2]) if len(body) > 1 else "")
    return Role(" ".join(words[:2]))


def holds_what_is_asked(question: str, text: str) -> bool:
    """A clause can answer "who is …" only if it names the role, and "which year/day …" only
    if it holds a date; any other question, any clause."""
    role = role_asked(question)
    if role and not role.found_in(text):
        return False
    asked, held = folded_key(question), folded_key(text)
    return all(date.search(held) for when, date in _WHEN if when.search(asked))


# A figure answers "bao nhiêu tiền" when it is an amount of money: a number and "đồng",
# read with its tone marks ("huy động" folds to the same letters as "đồng").
_MONEY = re.compile(r"\d[\d.,]*\s*(?:nghìn|ngàn|triệu|tỷ)?\s*đồng\b", re.IGNORECASE)
_UNIT_PATTERNS = {"tien": _MONEY}


@dataclass(frozen=True)
class Focus:
    """What a "bao nhiêu" question counts: the subject words right after "bao nhiêu" (one
    of them must be in the figure's sentence: "bao nhiêu người đăng ký hiến mô"), or when
    nothing follows, the two right before it (both must be: "phụ cấp bao nhiêu?")."""

    any_of: tuple[str, ...] = ()
    all_of: tuple[str, ...] = ()

    def found_in(self, sentence: str) -> bool:
        def present(word: str) -> bool:
            unit = _UNIT_PATTERNS.get(word)
            return bool(overlap([word], sentence)) or bool(unit and unit.search(sentence))

        return (not self.any_of or any(map(present, self.any_of))) and all(
            map(present, self.all_of)
        )


def figure_focus(question: str, terms: Sequence[str]) -> Focus:
    words = re.findall(r"\w+", folded_key(question))
    at = next((i for i in range(len(words) - 1) if words[i : i + 2] == ["bao", "nhieu"]), None)
    if at is None:
        return Focus()
    after = tuple(w for w in words[at + 2 :] if w in terms)[:2]
    if after:
        return Focus(any_of=after)
    # Only a noun right before "bao nhiêu" ("phụ cấp bao nhiêu"); not past a verb ("phải đạt
    # bao nhiêu": the subject is further back and the topic-word check covers it).
    before: list[str] = []
    # "Giá tiêm vắc xin dịch vụ là bao nhiêu": the noun stands before the copula.
    head = at - 1 if at > 0 and words[at - 1] == "la" else at
    for w in reversed(words[:head]):
        if w not in terms or len(before) == 2:
            break
        before.insert(0, w)
    return Focus(all_of=tuple(before))
