"""The CLI's stable --json shapes and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.answering.engine import Engine
from assistant.cli import app
from tests.conftest import CORPUS_DIR

runner = CliRunner()
DOC_KEYS = {
    "doc_number",
    "doc_type",
    "issuer",
    "date",
    "place",
    "title",
    "signer",
    "signer_title",
    "implements",
    "source",
}
CHUNK_KEYS = {"id", "clause", "label", "heading", "text", "start", "end"}


def test_corpus_list_json() -> None:
    result = runner.invoke(app, ["corpus", "list", "--json", "--corpus", str(CORPUS_DIR)])
    assert result.exit_code == 0, result.output
    docs = json.loads(result.output)
    assert len(docs) == 5
    assert all(set(d) >= DOC_KEYS for d in docs)
    by_number = {d["doc_number"]: d for d in docs}
    assert by_number["17-KH/TU"]["signer"] == "Đỗ Tuấn Sơn"
    assert by_number["44-KL/TW"]["date"] == "2022-11-14"


def test_corpus_list_table() -> None:
    result = runner.invoke(app, ["corpus", "list", "--corpus", str(CORPUS_DIR)])
    assert result.exit_code == 0
    assert "164/KH-UBND" in result.output and "1416-CV/QU" in result.output


def test_corpus_show_json_has_chunks_that_match_the_source() -> None:
    result = runner.invoke(
        app, ["corpus", "show", "164/KH-UBND", "--json", "--corpus", str(CORPUS_DIR)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) >= DOC_KEYS
    text = (CORPUS_DIR / data["source"]).read_text(encoding="utf-8")
    for chunk in data["chunks"]:
        assert set(chunk) >= CHUNK_KEYS
        assert text[chunk["start"] : chunk["end"]] == chunk["text"]
    assert any(c["clause"] == "khoản 6 Mục III" for c in data["chunks"])


def test_corpus_show_finds_loose_names_and_reports_unknown() -> None:
    for name in ("KH 17", "Kết luận 44", "công văn 1416", "000_e30642594b8a9f67.txt"):
        result = runner.invoke(app, ["corpus", "show", name, "--corpus", str(CORPUS_DIR)])
        assert result.exit_code == 0, (name, result.output)
    missing = runner.invoke(app, ["corpus", "show", "999/XYZ", "--corpus", str(CORPUS_DIR)])
    assert missing.exit_code == 1
    assert "Không tìm thấy" in missing.output


def test_corpus_check_passes_on_the_corpus_and_fails_on_a_broken_file(tmp_path: Path) -> None:
    assert runner.invoke(app, ["corpus", "check", "--corpus", str(CORPUS_DIR)]).exit_code == 0
    (tmp_path / "a.txt").write_bytes((CORPUS_DIR / "001_10111d2bd8fff1df.txt").read_bytes())
    (tmp_path / "broken.docx").write_bytes(b"\x00\x01garbage")
    result = runner.invoke(app, ["corpus", "check", "--corpus", str(tmp_path)])
    assert result.exit_code == 1
    assert "broken.docx" in result.output


def test_missing_corpus_folder_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = runner.invoke(app, ["corpus", "list", "--corpus", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "Không tìm thấy thư mục" in result.output
    assert "Traceback" not in result.output


def test_text_with_brackets_is_printed_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rich must not read a document's brackets as markup ("[/b]" would raise)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    source = (CORPUS_DIR / "002_0c09ccc583a5c28d.txt").read_text(encoding="utf-8")
    (corpus / "a.md").write_text(
        source.replace("800 - 1.400 đơn vị máu", "800 - 1.400 [/b] đơn vị máu [xem phụ lục]"),
        encoding="utf-8",
    )
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", "hashing")
    result = runner.invoke(app, ["search", "tiếp nhận đơn vị máu an toàn", "--k", "3"])
    assert result.exit_code == 0, result.output
    assert "[/b] đơn vị máu [xem phụ lục]" in " ".join(result.output.split())


def test_a_corpus_without_citable_text_is_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("ASSISTANT_EMBEDDING_MODEL", "hashing")
    result = runner.invoke(app, ["ask", "Sở Y tế phải làm gì?"])
    assert result.exit_code == 1
    assert "chưa có văn bản nào trích dẫn được" in " ".join(result.output.split())
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_interactive_asks_with_one_engine_and_follow_ups(engine: Engine) -> None:
    from io import StringIO

    from rich.console import Console

    from assistant.ui.terminal import converse

    questions = iter(["Sở Y tế phải làm gì?", "Còn Sở Tài chính thì sao?", ""])
    out = StringIO()
    answered = converse(engine, Console(file=out, width=200), lambda _prompt: next(questions))
    text = out.getvalue()
    assert answered == 2
    assert "khoản 6 Mục III" in text  # Sở Y tế's clause
    assert "Sở Tài chính" in text  # the follow-up resolved against the first question
