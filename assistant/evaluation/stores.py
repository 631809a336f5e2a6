"""``assistant eval --store postgresql://…``: the gold set answered from the embedded
index and from a PostgreSQL server in the same run, with the clauses each answer cites.

Both engines share one embedder and the same corpus; only the store differs. HNSW is
approximate and the server's BM25 is pruned, so a few answers may cite other clauses:
the issue's bar is ≥ 95% of the gold questions citing the same clauses, and every
difference is listed.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.answering.answer import answer
from assistant.answering.engine import Engine, open_engine
from assistant.evaluation.articles import CitedClause, article_hit
from assistant.evaluation.gold import GoldItem, load_gold
from assistant.evaluation.scoring import Prediction
from assistant.schema import answer_json
from assistant.search.embedder import get_embedder
from assistant.settings import Settings

AGREEMENT_TARGET = 0.95


@dataclass(frozen=True)
class StoreAnswer:
    """One store's answer to one gold question, reduced to what is compared."""

    abstained: bool
    clauses: tuple[str, ...]  # "file › label" of each cited clause, sorted
    article_hit: float | None
    latency_ms: float


@dataclass(frozen=True)
class Difference:
    item_id: str
    question: str
    embedded: StoreAnswer
    server: StoreAnswer


@dataclass(frozen=True)
class StoreSummary:
    where: str
    answered: int
    article_hit: float | None
    latency_p50_ms: float


@dataclass(frozen=True)
class StoreComparison:
    gold_set: str
    questions: int
    same: int
    embedded: StoreSummary
    server: StoreSummary
    differences: tuple[Difference, ...]
    command: str = ""

    @property
    def agreement(self) -> float:
        return self.same / self.questions if self.questions else 1.0

    @property
    def passed(self) -> bool:
        return self.agreement >= AGREEMENT_TARGET


def _ask(engine: Engine, item: GoldItem) -> StoreAnswer:
    started = time.perf_counter()
    result = answer(item.question, [], engine=engine)
    ms = (time.perf_counter() - started) * 1000
    prediction = Prediction.from_json(answer_json(result, item.id))
    clauses = {
        f"{c.source} › {c.labels[0] if c.labels else c.chunk_id}" for c in prediction.citations
    }
    cited = [CitedClause(c.source, c.doc_number, c.labels) for c in prediction.citations]
    return StoreAnswer(prediction.abstained, tuple(sorted(clauses)), article_hit(item, cited), ms)


def _summary(where: str, answers: list[StoreAnswer]) -> StoreSummary:
    hits = [a.article_hit for a in answers if a.article_hit is not None]
    return StoreSummary(
        where=where,
        answered=sum(not a.abstained for a in answers),
        article_hit=round(statistics.mean(hits), 3) if hits else None,
        latency_p50_ms=round(statistics.median(a.latency_ms for a in answers), 1)
        if answers
        else 0.0,
    )


def compare_stores(
    settings: Settings,
    store: str,
    gold_path: Path,
    *,
    notify: Callable[[str], None] | None = None,
    command: str = "",
) -> StoreComparison:
    """Answer every gold question from the embedded index and from ``store``."""
    say = notify or (lambda _m: None)
    items = load_gold(gold_path)
    embedder = get_embedder(settings.embedding_model, settings.models_dir)
    say("Mở chỉ mục nhúng (embedded)…")
    local = open_engine(settings.model_copy(update={"store": ""}), embedder=embedder)
    say(f"Mở chỉ mục trên máy chủ {store.split('@')[-1]}…")
    remote = open_engine(settings.model_copy(update={"store": store}), embedder=embedder)
    left: list[StoreAnswer] = []
    right: list[StoreAnswer] = []
    differences = []
    for number, item in enumerate(items, start=1):
        if number % 20 == 0:
            say(f"{number}/{len(items)} câu hỏi")
        a, b = _ask(local, item), _ask(remote, item)
        left.append(a)
        right.append(b)
        if (a.abstained, a.clauses) != (b.abstained, b.clauses):
            differences.append(Difference(item.id, item.question, a, b))
    return StoreComparison(
        gold_set=gold_path.name,
        questions=len(items),
        same=len(items) - len(differences),
        embedded=_summary(local.index.store.describe(), left),
        server=_summary(remote.index.store.describe(), right),
        differences=tuple(differences),
        command=command,
    )


def render(comparison: StoreComparison) -> str:
    c = comparison
    verdict = "đạt" if c.passed else "KHÔNG đạt"
    lines = [
        f"# Hai nơi lưu chỉ mục, cùng bộ câu hỏi {c.gold_set} ({c.questions} câu)",
        "",
        *([f"`{c.command}`", ""] if c.command else []),
        "| nơi lưu | trả lời | article hit | p50 answer() (ms) |",
        "|---|---|---|---|",
    ]
    for name, s in (("nhúng (embedded)", c.embedded), ("PostgreSQL", c.server)):
        lines.append(f"| {name}: `{s.where}` | {s.answered} | {s.article_hit} | "
                     f"{s.latency_p50_ms} |")  # fmt: skip
    lines += [
        "",
        f"Trích dẫn cùng các khoản: {c.same}/{c.questions} = {c.agreement:.3f} "
        f"(ngưỡng {AGREEMENT_TARGET:.2f}: {verdict}).",
    ]
    if c.differences:
        lines += ["", "## Khác nhau", ""]
    for d in c.differences:
        lines.append(f"- {d.item_id}: {d.question}")
        for name, a in (("nhúng", d.embedded), ("PostgreSQL", d.server)):
            cited = "; ".join(a.clauses) or "(không trích dẫn)"
            lines.append(f"  - {name}{' (từ chối)' if a.abstained else ''}: {cited}")
    return "\n".join(lines) + "\n"


def write(comparison: StoreComparison, out: Path) -> list[Path]:
    """eval-stores.md and eval-stores.json in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    md, js = out / "eval-stores.md", out / "eval-stores.json"
    md.write_text(render(comparison), encoding="utf-8")
    data = {**asdict(comparison), "agreement": comparison.agreement}
    js.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return [md, js]
