"""A smoke run of the ALQAC benchmark: the adapter reads every article as its law's Điều,
and every system is scored in one run (hashing embedder; the real run is a script)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.evaluation import alqac
from assistant.settings import Settings
from tests.shared_data import shared


def test_alqac_smoke(tmp_path: Path) -> None:
    data = shared("benchmarks", "alqac2022")
    articles = alqac.read_jsonl(data / "articles.jsonl")[:150]
    kept = {(str(a["law_id"]), str(a["article_id"])) for a in articles}
    questions = [
        q
        for q in alqac.read_jsonl(data / "questions.jsonl")
        if {(str(r["law_id"]), str(r["article_id"])) for r in q["relevant"]} <= kept  # type: ignore[union-attr]
    ][:15]
    assert questions
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(a) for a in articles), encoding="utf-8")
    (tmp_path / "q.jsonl").write_text("\n".join(json.dumps(q) for q in questions), encoding="utf-8")
    settings = Settings(embedding_model="hashing", index_dir=tmp_path / "index")
    result = alqac.run(tmp_path / "a.jsonl", tmp_path / "q.jsonl", tmp_path / "work", settings)
    assert result["n_questions"] == len(questions)
    assert result["n_articles"] == len(articles)  # every article is one Điều of its law
    systems = result["systems"]
    assert isinstance(systems, dict) and set(systems) == set(alqac.SYSTEMS)
    for scores in systems.values():
        assert set(scores) == {"R@1", "R@5", "R@10", "MRR"}
    assert systems["bm25"]["R@10"] > 0.5
    assert "| bm25 |" in alqac.markdown(result, "assistant benchmark alqac …")
    # --systems: only the systems named are run (the index is reused), an unknown one refused.
    files = (tmp_path / "a.jsonl", tmp_path / "q.jsonl")
    some = alqac.run(*files, tmp_path / "work", settings, systems=("hybrid", "bm25"))
    assert list(some["systems"]) == ["bm25", "hybrid"]  # type: ignore[call-overload]
    assert some["systems"] == {s: systems[s] for s in ("bm25", "hybrid")}
    with pytest.raises(ValueError, match="systems"):
        alqac.run(*files, tmp_path / "w2", settings, systems=("x",))
