"""Học: overview, timeline, glossary and quiz on the real corpus (no embedding model)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash
from typer.testing import CliRunner

from assistant.cli import app as cli_app
from assistant.documents.corpus import Corpus
from assistant.documents.textnorm import folded_key
from assistant.learn.glossary import UNLISTED, abbreviations_in, glossary, terms
from assistant.learn.library import Library
from assistant.learn.overview import overview
from assistant.learn.quiz import KINDS, check, make_quiz, score, unit
from assistant.learn.timeline import timeline
from assistant.search.bodies import body_key
from assistant.types import ParsedDocument
from tests.conftest import CORPUS_DIR, ROOT

runner = CliRunner()


@pytest.fixture(scope="module")
def library(corpus: Corpus) -> Library:
    return Library.from_corpus(corpus)


# -- overview -----------------------------------------------------------------------------
def test_every_overview_line_has_a_verifying_citation(library: Library) -> None:
    for parsed in library.documents:
        lines = overview(library, parsed).lines
        assert lines, parsed.document.source
        for line in lines:
            assert line.citations
            for c in line.citations:
                assert library.checked(c), (line, c)
                assert parsed.document.text[c.start : c.end] == c.quote


def test_overview_of_the_hanoi_plan(library: Library, by_number: dict[str, ParsedDocument]) -> None:
    found = overview(library, by_number["164/KH-UBND"])
    meta = {line.label: line for line in found.section("metadata")}
    assert meta["Số hiệu"].text.startswith("164/KH-UBND")
    assert "Lê Hồng Sơn" in meta["Người ký"].citation.quote
    assert [line.label for line in found.section("implements")] == ["140-KH/TU", "44-KL/TW"]
    assert "không có trong kho" in found.section("implements")[0].text
    parts = {line.label: line.text for line in found.section("part")}
    assert parts["khoản 6 Mục III"] == "Sở Y tế"
    deadlines = " ".join(line.citation.quote for line in found.section("deadline"))
    assert "15/12" in deadlines and "20/11" in deadlines
    bodies = {line.label: line for line in found.section("body")}
    assert bodies["Sở Y tế"].citation.clause == "khoản 6 Mục III"


def test_targets_of_the_tu_son_plan(library: Library, by_number: dict[str, ParsedDocument]) -> None:
    quotes = " ".join(
        line.citation.quote for line in overview(library, by_number["17-KH/TU"]).section("target")
    )
    for figure in ("2-3", "80%", "800 - 1.400", "2,5%", "20 triệu đồng", "1 tỷ đồng"):
        assert figure in quotes


# -- timeline -----------------------------------------------------------------------------
def test_timeline_runs_from_the_conclusion_down(library: Library) -> None:
    nodes = timeline(library)
    order = [n.number for n in nodes]
    held = [n.number for n in nodes if n.in_corpus]
    assert held[0] == "44-KL/TW"
    for n in nodes:  # nothing comes before what it implements
        for up in n.implements:
            assert order.index(up) < order.index(n.number), (up, n.number)
    by = {n.number: n for n in nodes}
    assert not by["43-CT/TW"].in_corpus and not by["140-KH/TU"].in_corpus
    assert by["44-KL/TW"].level_name == "Trung ương"
    assert by["164/KH-UBND"].level == by["140-KH/TU"].level == 1
    assert by["17-KH/TU"].level == by["1416-CV/QU"].level == 2  # Từ Sơn implements Bắc Ninh's plan
    for n in nodes:
        assert n.citation is None or library.checked(n.citation)


# -- glossary -----------------------------------------------------------------------------
def test_glossary_covers_every_abbreviation_in_the_corpus(library: Library) -> None:
    entries = glossary(library)
    listed = {e.term for e in entries}
    forms = {f for t in terms() if t.term in listed for f in t.forms} | listed
    covered = {part for f in forms for part in re.split(r"[-/.]", f) if part} | forms
    in_corpus = set().union(*(abbreviations_in(p.document.text) for p in library.documents))
    assert {"UBND", "HĐND", "MTTQ", "TW", "TU", "QU", "ĐUK", "KL", "KH", "CT", "CV"} <= in_corpus
    assert in_corpus - covered == set()
    by_term = {e.term: e for e in entries}
    for expected in ("CT-XH", "T/M", "TL", "sao lục"):
        assert expected in by_term
    assert by_term["UBND"].expansion == "Ủy ban nhân dân"
    # The source's own spellings are listed, their meaning left open rather than guessed.
    assert by_term["CBND"].expansion == UNLISTED


def test_glossary_places_and_counts(library: Library) -> None:
    terms = {e.term: e for e in glossary(library)}
    raw = sum(len(re.findall(r"(?<!\w)TW(?!\w)", p.document.text)) for p in library.documents)
    assert terms["TW"].count == raw
    assert "Kết luận số 44-KL/TW" in terms["ĐUK"].documents
    ct = terms["CT"].count  # "CT" of "CT-XH" is chính trị, counted under CT-XH
    assert ct == sum(
        len(re.findall(r"(?<!\w)CT(?!\w)(?!-XH)", p.document.text)) for p in library.documents
    )
    for e in terms.values():
        for o in e.occurrences:
            assert o.citation is not None and library.checked(o.citation), (e.term, o)


# -- quiz ---------------------------------------------------------------------------------
def _assigned_keys(library: Library, chunk_id: str | None) -> set[str]:
    return {a.key for a in library.assignments_of(chunk_id or "")}


def test_quiz_items_are_supported_and_distractors_wrong(library: Library) -> None:
    for seed in range(5):
        items = make_quiz(library, n=12, seed=seed)
        assert len(items) == 12
        for item in items:
            assert check(item) == [], item
            assert library.checked(item.citation)
            assert folded_key(item.evidence) in folded_key(item.citation.quote)
            wrong = [o.text for o in item.options if not o.correct]
            assert len(item.options) >= 3
            for text in wrong:
                assert folded_key(text) not in folded_key(item.citation.quote), (item, text)
            if item.kind == "body":
                assigned = _assigned_keys(library, item.citation.chunk_id)
                assert body_key(item.answer_text) in assigned
                assert not {body_key(t) for t in wrong} & assigned


def test_quiz_is_deterministic_without_repeats(library: Library) -> None:
    first = make_quiz(library, n=10, seed=3)
    again = make_quiz(library, n=10, seed=3)
    other = make_quiz(library, n=10, seed=4)
    assert first == again
    assert [i.id for i in first] != [i.id for i in other]
    assert len({i.question for i in first}) == len(first) == 10
    assert set(Counter(i.kind for i in first)) == set(KINDS)


# -- CLI ----------------------------------------------------------------------------------
def _run(*args: str) -> str:
    result = runner.invoke(cli_app, ["learn", *args, "--corpus", str(CORPUS_DIR)])
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_overview_timeline_glossary() -> None:
    text = _run("overview", "164/KH-UBND")
    assert "Sở Y tế" in text and "Lê Hồng Sơn" in text
    data = json.loads(_run("overview", "KH 17", "--json"))
    assert any("2,5%" in c["quote"] for line in data["lines"] for c in line["citations"])
    nodes = json.loads(_run("timeline", "--json"))
    assert nodes[0]["number"] == "43-CT/TW" and nodes[1]["number"] == "44-KL/TW"
    assert "Ủy ban nhân dân" in _run("glossary")


def test_cli_quiz_prints_answers_when_not_interactive() -> None:
    text = _run("quiz", "--n", "3", "--seed", "1")
    assert text.count("Đáp án:") == 3
    items = json.loads(_run("quiz", "--n", "10", "--json"))
    assert len(items) == 10 and all(i["citation"]["quote"] for i in items)


def test_cli_unknown_document_is_a_message() -> None:
    result = runner.invoke(cli_app, ["learn", "overview", "999/XYZ", "--corpus", str(CORPUS_DIR)])
    assert result.exit_code == 1
    assert "Không tìm thấy văn bản" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# -- app ----------------------------------------------------------------------------------
def _learn_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", "hashing")
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    at._page_hash = calc_hash("hoc")  # the Học page of st.navigation
    at.run()
    assert not at.exception, at.exception
    return at


def test_learn_page_takes_a_quiz(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _learn_page(tmp_path, monkeypatch)
    assert "Trắc nghiệm" in [t.label for t in at.tabs]
    assert any("Sở Y tế" in e.label for e in at.expander)  # the overview of the first document
    at.number_input(key="learn_quiz_n").set_value(3).run()
    radios = [r for r in at.radio if r.key and r.key.startswith("learn_quiz_")]
    assert len(radios) == 3
    picked = [radios[0].options[0], radios[1].options[1]]
    radios[0].set_value(picked[0])
    radios[1].set_value(picked[1])  # the third is left unanswered
    at.run()
    at.button(key="learn_quiz_submit").click().run()
    assert not at.exception, at.exception
    assert any("Còn 1 câu chưa trả lời (câu 3)" in w.value for w in at.warning)
    assert not at.success, "nothing is scored before the user confirms"
    at.button(key="learn_quiz_confirm").click().run()
    assert not at.exception, at.exception
    result = next(s.value for s in at.success if "Kết quả:" in s.value)
    assert "/2 câu đã trả lời đúng" in result and "1/3 câu chưa trả lời" in result
    assert sum("Đáp án:" in m.value for m in at.markdown) == 3
    chosen = [m.value for m in at.markdown if "Bạn chọn" in m.value]
    assert len(chosen) == 2
    for option, markdown in zip(picked, chosen, strict=True):
        line = next(x for x in markdown.splitlines() if "Bạn chọn" in x)
        assert line.lstrip("- *").startswith(option[:3]), (option, line)  # "A. …"
    assert any("Chưa trả lời" in m.value for m in at.markdown)
    at.button(key="learn_quiz_again").click().run()
    fresh = [r for r in at.radio if r.key and r.key.startswith("learn_quiz_")]
    assert len(fresh) == 3 and all(r.value is None for r in fresh)


def test_glossary_and_timeline_rows_open_their_clause(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _learn_page(tmp_path, monkeypatch)
    before = sum("<mark>" in m.value for m in at.markdown)
    at.session_state["learn_glossary_row"] = 0
    at.session_state["learn_timeline_row"] = 1
    at.run()
    assert not at.exception, at.exception
    assert sum("<mark>" in m.value for m in at.markdown) >= before + 2


def test_score_counts_answered_questions(library: Library) -> None:
    items = make_quiz(library, n=4, seed=0)
    answers = {items[0].id: items[0].answer, items[1].id: (items[1].answer + 1) % 3}
    result = score(items, answers)
    assert (result.correct, result.answered, result.total) == (1, 2, 4)
    assert result.text == "1/2 câu đã trả lời đúng (2/4 câu chưa trả lời, không tính điểm)"


def test_figure_distractors_share_the_unit(library: Library) -> None:
    assert unit("20 triệu đồng") == unit("1 tỷ đồng") == "đồng"
    assert unit("80%") == unit("2,5%") == "%"
    assert unit("15/12") == "ngày"
    assert unit("07") != unit("80%") != unit("2-3")
    for seed in range(8):
        for item in make_quiz(library, n=20, seed=seed):
            if item.kind in ("figure", "deadline"):
                units = {unit(o.text) for o in item.options}
                assert len(units) == 1 and len(item.options) >= 3, item
