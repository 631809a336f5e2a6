"""The Streamlit app driven through its real script with the offline hashing embedder."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from assistant.answering.engine import Engine
from assistant.documents.textnorm import folded_key
from assistant.types import Citation, Document, DocumentRef
from assistant.ui.bodies import GROUP, body_kind, body_name, clause_text
from assistant.ui.format import (
    conversation_markdown,
    highlighted_clause,
    matches_body,
    relations,
    vn_date,
)
from tests.conftest import ROOT
from tests.shared_data import shared

APP = str(ROOT / "app.py")


def dev_documents() -> Path:
    """../shared/documents/dev; a missing folder fails in CI and skips elsewhere."""
    return shared("documents", "dev")


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("app") / "index"


@pytest.fixture(scope="module")
def feedback_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("feedback") / "bao-sai.jsonl"


@pytest.fixture
def app(index_dir: Path, feedback_file: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """A fresh session; the engine is shared by the module through the resource cache."""
    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", "hashing")
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("ASSISTANT_FEEDBACK_FILE", str(feedback_file))
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input(key="question").set_value(question).run()
    assert not at.exception, at.exception
    return at


def open_page(at: AppTest, url_path: str) -> AppTest:
    """Switch to a page of ``st.navigation`` (function pages are known by their url_path)."""
    at._page_hash = calc_hash(url_path)
    at.run()
    assert not at.exception, at.exception
    return at


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(t.value for t in at.table if column in t.value.columns)


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_answer_with_citation_card(app: AppTest) -> None:
    ask(app, "Sở Y tế phải làm gì?")
    text = markdown(app)
    assert "Sở Y tế được giao nhiệm vụ" in text
    assert "khoản 6 Mục III Kế hoạch số 164/KH-UBND" in text
    assert "Chủ trì phối hợp với Hội Chữ thập đỏ Thành phố" in text
    assert any("UBND thành phố Hà Nội" in c.value and "05/06/2023" in c.value for c in app.caption)
    assert [e.label for e in app.expander if e.label == "Xem toàn bộ khoản"]
    assert "<mark>Chủ trì phối hợp" in text
    assert not app.warning


def test_follow_up_uses_history(app: AppTest) -> None:
    ask(app, "Sở Y tế phải làm gì?")
    ask(app, "Còn Sở Tài chính thì sao?")
    text = markdown(app)
    assert "khoản 5 Mục III Kế hoạch số 164/KH-UBND" in text
    assert "Sở Tài chính tổng hợp báo cáo" in text
    assert len(app.session_state["turns"]) == 2
    assert [m.name for m in app.chat_message] == ["user", "assistant"] * 2


def test_abstention_is_a_warning(app: AppTest) -> None:
    ask(app, "Sở Xây dựng phải làm gì?")
    assert any("Sở Xây dựng" in w.value for w in app.warning)
    assert "Có thể liên quan" in markdown(app)


@pytest.mark.parametrize("question", ["   ", "Sở Y tế " * 300])
def test_bad_questions_are_refused_politely(app: AppTest, question: str) -> None:
    ask(app, question)
    assert app.info, "a refusal is shown as information"
    assert any("câu hỏi" in i.value.lower() for i in app.info)
    assert not app.error


def test_example_button_asks_it(app: AppTest) -> None:
    app.button(key="example_1").click().run()
    assert not app.exception
    assert "Võ Văn Thưởng" in markdown(app)


def test_document_filter_restricts_answers(app: AppTest) -> None:
    app.sidebar.multiselect(key="filter_documents").set_value(["17-KH-TU"]).run()
    ask(app, "Hội Chữ thập đỏ phải làm gì?")
    labels = [m.value for m in app.markdown if m.value.startswith("**\\[")]
    assert labels
    assert all("17-KH/TU" in label for label in labels), labels


def test_clear_and_download(app: AppTest) -> None:
    ask(app, "Sở Y tế phải làm gì?")
    app.sidebar.button(key="clear").click().run()
    assert app.session_state["turns"] == []
    assert not app.chat_message


def test_pages_render(app: AppTest) -> None:
    open_page(app, "van-ban")
    documents = table_with(app, "Số hiệu")
    assert {"164/KH-UBND", "1416-CV/QU", "17-KH/TU", "44-KL/TW"} <= set(documents["Số hiệu"])
    relations = table_with(app, "Thực hiện văn bản")
    edges = set(zip(relations["Văn bản"], relations["Thực hiện văn bản"], strict=True))
    assert {("140-KH/TU", "44-KL/TW"), ("164/KH-UBND", "140-KH/TU")} <= edges
    assert "Sở Y tế" in markdown(app)  # outline heading
    open_page(app, "ai-lam-gi")
    app.text_input(key="body_search").set_value("so y te").run()
    assert not app.exception
    table = app.dataframe(key="bodies_table").value
    assert list(table["Cơ quan"]) == ["Sở Y tế"]
    assert list(table["Nơi"]) == ["Hà Nội"]
    assert "164/KH-UBND: khoản 6 Mục III" in table["Được giao tại"].iloc[0]
    assert "Chủ trì phối hợp với Hội Chữ thập đỏ Thành phố" in markdown(app)
    assert "6. Sở Y tế" in [c.value for c in app.caption]  # the heading, apart from the text


def assert_rows_are_named_bodies(app: AppTest) -> list[tuple[str, str, str]]:
    """Every row's name is written in each clause it lists; returns (name, place, kind)."""
    open_page(app, "ai-lam-gi")
    labels = app.selectbox(key="body_selected").options
    rows: list[tuple[str, str, str]] = []
    for key, kind in (("bodies_table", "cơ quan"), ("groups_table", GROUP)):
        frame = app.dataframe(key=key).value
        title = "Cơ quan" if kind == "cơ quan" else "Nhóm"
        rows += [(n, p, kind) for n, p in zip(frame[title], frame["Nơi"], strict=True)]
    assert len(rows) == len(labels)
    for label in labels:
        app.selectbox(key="body_selected").set_value(label).run()
        assert not app.exception
    return rows


def test_bodies_page_rows_are_real_bodies(app: AppTest) -> None:
    rows = assert_rows_are_named_bodies(app)
    names = {(n, p) for n, p, _ in rows}
    assert {("Ban Dân vận Thành ủy", "Hà Nội"), ("Ban Dân vận Thành ủy", "Từ Sơn")} <= names
    assert ("Sở Tài chính", "Hà Nội") in names
    groups = {n for n, _, k in rows if k == GROUP}
    assert {"Các sở, ngành", "Các phòng, ban, ngành"} <= groups
    assert not {n for n, _ in names} & {"UBND", "Thành uỷ", "Các phòng", "Ban, ngành"}
    assert not [n for n, _ in names if "Trên cơ sở" in n]


def test_body_names_are_written_in_their_clauses(engine: Engine) -> None:
    from assistant.ui.responsibilities import rows_of

    for row in rows_of(engine):
        for chunks in row.clauses.values():
            for chunk in chunks:
                assert folded_key(row.body) in folded_key(clause_text(chunk)), (row.body, chunk.id)


def test_bodies_page_on_the_dev_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seeds and the dev documents together: every row a body named in its clauses."""
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    for f in dev_documents().iterdir():
        if f.is_file():
            shutil.copy(f, corpus / f.name)
    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", "hashing")
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    at = AppTest.from_file(APP, default_timeout=600)
    at.run()
    assert not at.exception, at.exception
    open_page(at, "ai-lam-gi")
    from assistant.settings import Settings
    from assistant.ui.loader import start
    from assistant.ui.responsibilities import rows_of

    engine = start(Settings()).engine
    assert engine is not None
    found = rows_of(engine)
    assert len({(r.key, r.place) for r in found}) == len(found)
    for row in found:
        assert body_name(row.body) is not None or row.kind == GROUP, row.body
        for chunks in row.clauses.values():
            for chunk in chunks:
                assert folded_key(row.body) in folded_key(clause_text(chunk)), (row.body, chunk.id)
    names = {(r.body, r.place) for r in found}
    assert {("Ban Dân vận Thành ủy", "Hà Nội"), ("Ban Dân vận Thành ủy", "Từ Sơn")} <= names
    assert {("Sở Xây dựng", "Đắk Lắk"), ("Bộ Công an", "Trung ương")} <= names
    assert not [n for n, _ in names if re.match(r"(?i)ban hành|phòng,? chống|phòng ngừa", n)]
    frame = at.dataframe(key="bodies_table").value
    assert len(frame) == len([r for r in found if r.kind != GROUP])


def test_body_names() -> None:
    assert body_name("Sở Tài chính Trên cơ sở đề xuất của Hội Chữ thập đỏ") == "Sở Tài chính"
    assert body_name("Bộ Công an chịu trách nhiệm trước Chính phủ") == "Bộ Công an"
    assert body_name("Ban hành và") is None
    assert body_name("Phòng, chống tệ nạn xã hội") is None
    assert body_name("UBND") is None
    assert body_name("Thành uỷ") is None
    assert body_name("Chính phủ") == "Chính phủ"
    assert body_kind("Sở Văn hóa, Thể thao và Du lịch") != GROUP
    assert body_kind("Các sở, ngành") == GROUP
    assert body_kind("UBND các xã, phường") == GROUP
    assert body_kind("Ban Quản lý các Khu công nghiệp tỉnh") != GROUP


def test_each_quote_is_shown_once(app: AppTest) -> None:
    for question in (
        "Sở Y tế phải làm gì?",
        "Kiến An và Từ Sơn giao Hội Chữ thập đỏ những việc gì?",
    ):
        ask(app, question)
    plain = [m.value for m in app.markdown if not m.value.startswith("<div")]
    for turn in app.session_state["turns"]:
        for citation in turn.answer.citations:
            quote = " ".join(citation.quote.split())
            shown = sum(" ".join(m.replace("\\", "").split()).count(quote) for m in plain)
            assert shown <= 1, (citation.label, shown)


def test_report_button_writes_a_line(app: AppTest, feedback_file: Path) -> None:
    ask(app, "Sở Y tế phải làm gì?")
    before = feedback_file.read_text().count("\n") if feedback_file.exists() else 0
    app.text_area(key="report_0_comment").set_value("Thiếu khoản 3")
    app.button(key="report_0_send").click().run()
    assert not app.exception
    lines = feedback_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == before + 1
    line = json.loads(lines[-1])
    assert line["question"] == "Sở Y tế phải làm gì?"
    assert line["comment"] == "Thiếu khoản 3"
    assert "Sở Y tế được giao nhiệm vụ" in line["answer"]
    assert line["citations"][0]["label"].startswith("khoản 6 Mục III Kế hoạch số 164/KH-UBND")
    assert any("Đã ghi nhận báo sai" in c.value for c in app.caption)


# Pure helpers


def test_relations_drop_edges_a_chain_explains() -> None:
    ref = DocumentRef("140-KH/TU", implements=("44-KL/TW",))
    docs = [
        Document("a", "a.txt", "", "164/KH-UBND", "Kế hoạch", None, None, None, None,
                 implements=("140-KH/TU", "44-KL/TW"), references=(ref,)),
    ]  # fmt: skip
    found = {(r.document, r.implemented) for r in relations(docs)}
    assert found == {("164/KH-UBND", "140-KH/TU"), ("140-KH/TU", "44-KL/TW")}


def test_highlight_escapes_source_html() -> None:
    text = "1. Sở <b>A</b> & B phải làm việc X.\nThêm."
    doc = Document("d", "d.txt", text, None, "Văn bản", None, None, None, None)
    start = text.index("phải")
    cite = Citation(1, "khoản 1", "khoản 1", ("1",), "d", None, "Văn bản", None, None,
                    text[start:], "d.txt", start, len(text), 0, len(text))  # fmt: skip
    out = highlighted_clause(doc, cite)
    assert "&lt;b&gt;A&lt;/b&gt; &amp; B" in out
    assert "<mark>phải làm việc X.<br>Thêm.</mark>" in out


def test_small_helpers() -> None:
    import datetime as dt

    assert vn_date(dt.date(2023, 6, 5)) == "05/06/2023"
    assert vn_date(None) == "—"
    assert matches_body("Sở Y tế", "SO Y TE")
    assert not matches_body("Sở Tài chính", "y tế")
    assert conversation_markdown([]).startswith("# Hội thoại")


def test_a_quote_from_a_scanned_document_carries_a_warning(engine: Engine) -> None:
    import dataclasses

    from assistant.ui.format import OCR_NOTE, ocr_note

    typed = engine.index.documents[0]
    assert ocr_note(typed) is None
    assert ocr_note(dataclasses.replace(typed, ocr=True)) == OCR_NOTE
    assert "OCR" in OCR_NOTE and "đối chiếu bản gốc" in OCR_NOTE


def test_download_holds_labels_and_quotes(app: AppTest) -> None:
    ask(app, "Sở Y tế phải làm gì?")
    exported = conversation_markdown(app.session_state["turns"])
    assert "## Câu hỏi 1: Sở Y tế phải làm gì?" in exported
    assert "[1] khoản 6 Mục III Kế hoạch số 164/KH-UBND ngày 05/6/2023" in exported
    assert "“Chủ trì phối hợp với Hội Chữ thập đỏ Thành phố" in exported


def test_issuer_filter_excludes_other_documents(app: AppTest) -> None:
    app.sidebar.multiselect(key="filter_issuers").set_value(["Ban Bí thư"]).run()
    ask(app, "Sở Y tế phải làm gì?")
    assert [w.value for w in app.warning] == ["Các văn bản không giao nhiệm vụ cho Sở Y tế."]
    assert not any("164/KH-UBND" in m.value for m in app.markdown if m.value.startswith("**\\["))


NEW_PLAN = """UỶ BAN NHÂN DÂN
QUẬN THỬ NGHIỆM
Số: 99/KH-UBND
Thử Nghiệm, ngày 01 tháng 3 năm 2024

KẾ HOẠCH
Về việc kiểm thử thêm văn bản từ ứng dụng

I. MỤC ĐÍCH
1. Kiểm tra việc thêm văn bản vào kho từ trang Văn bản.
II. NHIỆM VỤ
1. Phòng Văn hóa và Thông tin quận
Chủ trì tuyên truyền kế hoạch này đến các phường trước ngày 15/4/2024.
"""


def test_add_and_remove_a_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", "hashing")
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    at = AppTest.from_file(APP, default_timeout=300)
    at.run()
    open_page(at, "van-ban")
    seed = next(corpus.iterdir())
    at.file_uploader(key="upload_0").set_value(
        [
            ("ke-hoach-99.txt", NEW_PLAN.encode(), "text/plain"),
            ("ban-sao.txt", seed.read_bytes(), "text/plain"),
            ("rong.txt", b"   ", "text/plain"),
        ]
    ).run()
    at.button(key="upload_add").click().run()
    assert not at.exception, at.exception
    assert (corpus / "ke-hoach-99.txt").exists()
    assert not (corpus / "ban-sao.txt").exists()
    assert any(
        "ke-hoach-99.txt" in s.value and "đã lập chỉ mục" in s.value and "99/KH-UBND" in s.value
        for s in at.success
    ), [s.value for s in at.success]
    warnings = " ".join(w.value for w in at.warning)
    assert f"trùng nội dung với tệp {seed.name}" in warnings
    assert "rong.txt: không thêm được — không có nội dung chữ" in warnings
    assert "99/KH-UBND" in set(table_with(at, "Số hiệu")["Số hiệu"])
    status = table_with(at, "Trạng thái")
    assert "đã lập chỉ mục" in status.loc[status["Tệp"] == "ke-hoach-99.txt", "Trạng thái"].iloc[0]
    # Every session answers from the new index.
    other = AppTest.from_file(APP, default_timeout=300)
    other.run()
    ask(other, "Phòng Văn hóa và Thông tin quận phải làm gì?")
    assert "99/KH-UBND" in markdown(other)

    at.selectbox(key="remove_source").set_value("ke-hoach-99.txt").run()
    at.button(key="remove_button").click().run()
    assert not at.exception, at.exception
    assert not (corpus / "ke-hoach-99.txt").exists()
    assert any("ke-hoach-99.txt: đã xóa khỏi kho" in i.value for i in at.info)
    assert "99/KH-UBND" not in set(table_with(at, "Số hiệu")["Số hiệu"])


def test_add_file_checks_like_the_corpus_folder(tmp_path: Path) -> None:
    from assistant.ui.upload import add_file, remove_file

    folder = tmp_path / "corpus"
    folder.mkdir()
    refused = add_file(folder, "anh.png", b"\x89PNG", [], max_bytes=1000)
    assert not refused.added and refused.message.startswith("định dạng không hỗ trợ")
    big = add_file(folder, "lon.txt", b"x" * 2000, [], max_bytes=1000)
    assert not big.added and big.message.startswith("tệp quá lớn") and "(" not in big.message
    hidden = add_file(folder, "../../.bashrc", b"x", [], max_bytes=1000)
    assert not hidden.added
    added = add_file(folder, "../ke-hoach.txt", NEW_PLAN.encode(), [], max_bytes=10_000)
    assert added.added and (folder / "ke-hoach.txt").exists()
    again = add_file(folder, "ke-hoach.txt", NEW_PLAN.encode(), [], max_bytes=10_000)
    assert not again.added and "cùng tên" in again.message
    assert remove_file(folder, "ke-hoach.txt") and not (folder / "ke-hoach.txt").exists()
    assert not remove_file(folder, "../corpus")
