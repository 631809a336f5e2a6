"""The ``assistant eval`` report: eval.md (tables, definitions, failures), eval.json, eval.png."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.evaluation import metrics as m
from assistant.evaluation.scoring import (
    ANSWER_METRICS,
    DOCUMENT_METRICS,
    LATENCY_METRICS,
    RETRIEVAL_METRICS,
    EvalRun,
    Failure,
    ItemScores,
    by_category,
)
from assistant.evaluation.systems import SEARCH_K, SYSTEM_NAMES, TEXTBOOK_CITED

DEFINITIONS = f"""\
- **Recall@k** (retrieval, by clause): share of an item's gold clauses matched by some result
  in the top k. For our index a result matches a gold clause when it is that clause's chunk;
  for the full system the ranked list is its citations in order (one per chunk); for the
  textbook pipeline a window matches when its character span overlaps the gold chunk's span
  in the same source file. Items without gold clauses (most metadata questions, all unanswerable ones) are
  left out.
- **MRR**: 1 / rank of the first matching result (0 if none in the top {SEARCH_K}).
- **nDCG@5**: binary gain for a result that matches a gold clause not matched higher up,
  discounted by log2(rank + 1), divided by the ideal value for min(gold clauses, 5).
- **Document@3**: a top-3 result comes from a document holding a gold clause.
- **Source@3**: a top-3 result (for the full system: its first three cited clauses) comes
  from a file holding the item's evidence; every answerable item counts, metadata included.
- **Article hit**: some citation (for the search systems: one of the top 3 chunks) is of the
  gold document and its label names the gold clause's Điều (in an administrative document,
  its Mục) and, when the gold clause names one, its khoản ("2.2" lies in khoản 2). The
  textbook pipeline's windows have no labels: it hits when one of its top 3 windows contains
  an evidence quote of the item. Items whose gold clauses name no Điều or Mục are left
  out.
- **Citation recall** (ALCE): share of fact statements supported by their cited quotes.
  A statement's claim is its text between “ ”, or, when it quotes nothing, the whole
  statement minus [n] markers, list dash and its citations' labels. The claim is
  supported when its normalised text (each piece around “…”) occurs in the normalised
  union of the cited quotes (NFC, one tone placement, lower case, markup removed, one
  space, dates as d/m/yyyy); otherwise when at least {m.LEXICAL_SUPPORT:.0%} of its content words (function
  words such as “và”, “của”, “các” left out) occur among the quotes' words.
- **Citation precision** (ALCE): share of citations that are needed: the statement is
  supported and the citation supports it alone or removing it leaves the statement
  unsupported. Citations of unsupported statements are not needed.
- **Quote verification**: share of citations whose quote is exactly the source text at
  [start, end). Must be 100%.
- **Fact recall**: share of an answerable item's gold facts whose normalised form occurs in
  the normalised answer text.
- **Abstention** precision / recall / F1: abstaining is the positive class, the truth is
  the item being unanswerable.
- **Length**: characters of the answer text; number of fact statements.
- **Latency** p50 / p95: wall clock per question (search call, or the whole `answer()`).
- The textbook pipeline answers with its top {TEXTBOOK_CITED} windows as cited quotes, so its
  citations support themselves by construction: its citation recall/precision are not
  reported."""

_LABELS = {
    "recall_at_1": "R@1",
    "recall_at_3": "R@3",
    "recall_at_5": "R@5",
    "mrr": "MRR",
    "ndcg_at_5": "nDCG@5",
    "document_at_3": "Doc@3",
    "source_at_3": "Src@3",
    "article_hit": "article hit",
    "fact_recall": "fact recall",
    "citation_recall": "cit. recall",
    "citation_precision": "cit. precision",
    "quote_verification": "quotes verified",
    "abstention_precision": "abst. P",
    "abstention_recall": "abst. R",
    "abstention_f1": "abst. F1",
    "answer_chars": "mean chars",
    "answer_chars_median": "median chars",
    "answer_statements": "statements",
    "latency_p50_ms": "p50 ms",
    "latency_p95_ms": "p95 ms",
    "items": "n",
}


def _cell(name: str, value: float | None) -> str:
    if value is None:
        return "—"
    if name in ("answer_chars", "answer_chars_median", "latency_p50_ms", "latency_p95_ms", "items"):
        return f"{value:.0f}" if value >= 10 or name == "items" else f"{value:.1f}"
    if name == "answer_statements":
        return f"{value:.1f}"
    return f"{value:.3f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(r) + " |" for r in rows),
    ]


def render_markdown(run: EvalRun, thresholds_note: str = "") -> str:
    """The report: settings, tables per system and category, definitions, failures."""
    summary = run.summary
    meta = run.meta
    lines = [
        "# Evaluation",
        "",
        f"Command: `{meta['command']}`  ",
        f"Gold set: `{meta['gold_set']}` · model: `{meta['model_id']}` · corpus hash: "
        f"`{meta['corpus_hash']}` · {meta['created']}  ",
        "Settings: " + ", ".join(f"{k}={v}" for k, v in meta["settings"].items()) + "  ",
    ]
    if "machine" in meta:
        lines.append(f"Machine: {meta['machine']}  ")
    if "predictions" in meta:
        lines.append(f"Predictions: `{meta['predictions']}` ({meta['matched']} items matched)")
    systems = list(run.rows)
    retrieval = [s for s in systems if summary[s].get("recall_at_5") is not None]
    if retrieval:
        names: tuple[str, ...] = ("items", *RETRIEVAL_METRICS, *LATENCY_METRICS)
        lines += ["", "## Retrieval by clause", ""]
        lines += _table(
            ["system", *(_LABELS[n] for n in names)],
            [
                [SYSTEM_NAMES.get(s, s), *(_cell(n, summary[s].get(n)) for n in names)]
                for s in retrieval
            ],
        )
        lines.append("")
        lines.append(
            "`n` counts every question; retrieval scores average over the questions with gold clauses."
        )
    located = [s for s in systems if summary[s].get("source_at_3") is not None]
    if located:
        lines += ["", "## Right document, right article", ""]
        lines += _table(
            ["system", *(f"{_LABELS[n]} (n)" for n in DOCUMENT_METRICS)],
            [
                [
                    SYSTEM_NAMES.get(s, s),
                    *(
                        f"{_cell(n, summary[s].get(n))} ({_scored(run.rows[s], n)})"
                        for n in DOCUMENT_METRICS
                    ),
                ]
                for s in located
            ],
        )
        lines += [
            "",
            "(n): questions the measure applies to. Article hit of the textbook pipeline: a "
            "top-3 window contains an evidence quote (its windows carry no clause labels).",
        ]
    answers = [s for s in systems if summary[s].get("fact_recall") is not None]
    if answers:
        names = (*ANSWER_METRICS, *LATENCY_METRICS)
        lines += ["", "## Answers and citations", ""]
        lines += _table(
            ["system", *(_LABELS[n] for n in names)],
            [
                [SYSTEM_NAMES.get(s, s), *(_cell(n, summary[s].get(n)) for n in names)]
                for s in answers
            ],
        )
    lines += ["", "## By category", ""]
    categories = {s: by_category(run.rows[s]) for s in systems}
    any_system = categories[systems[0]]
    columns: list[tuple[str, str]] = [(s, "recall_at_5") for s in retrieval]
    columns += [(s, "fact_recall") for s in answers]
    columns += [(s, "citation_recall") for s in answers if "citation_recall" in summary[s]]
    columns += [(s, "abstained") for s in answers]
    header = ["category", "n"] + [
        f"{_LABELS.get(n, n)} · {s}" if n != "abstained" else f"abstained · {s}" for s, n in columns
    ]
    rows = []
    for category in any_system:
        row = [category, _cell("items", any_system[category].get("items"))]
        for s, n in columns:
            if n == "abstained":
                share = m.mean(
                    [
                        float(r.counts.get("abstained", 0))
                        for r in run.rows[s]
                        if r.category == category
                    ]
                )
                row.append(_cell(n, share))
            else:
                row.append(_cell(n, categories[s][category].get(n)))
        rows.append(row)
    lines += _table(header, rows)
    if located:
        lines += ["", "Right document and article, by category:", ""]
        pairs = [(s, n) for n in DOCUMENT_METRICS for s in located]
        lines += _table(
            ["category", "n", *(f"{_LABELS[n]} · {s}" for s, n in pairs)],
            [
                [
                    category,
                    _cell("items", any_system[category].get("items")),
                    *(_cell(n, categories[s][category].get(n)) for s, n in pairs),
                ]
                for category in any_system
            ],
        )
    if run.failures:
        lines += ["", "## Unsupported statements (examples)", ""]
        for f in _examples(run.failures, 6):
            quotes = " ¦ ".join(_one_line(q, 160) for q in f.quotes) or "(no citation)"
            lines += [
                f"- `{f.item_id}` ({f.category}): {_one_line(f.statement, 220)}",
                f"  - claim tested: {_one_line(f.claim, 220)}",
                f"  - cited quotes: {quotes}",
            ]
        lines.append(
            f"\n{len(run.failures)} unsupported statements in all; every one is in eval.json."
        )
    lines += ["", "## Definitions", "", DEFINITIONS]
    if thresholds_note:
        lines += ["", "## Gate", "", thresholds_note]
    return "\n".join(lines) + "\n"


def _scored(rows: Sequence[ItemScores], name: str) -> int:
    return sum(1 for r in rows if r.scores.get(name) is not None)


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _examples(failures: Sequence[Failure], n: int) -> list[Failure]:
    """Up to ``n`` failures, taken in turn from each category so one kind does not fill the list."""
    queues: dict[str, list[Failure]] = {}
    for f in failures:
        queues.setdefault(f.category, []).append(f)
    out: list[Failure] = []
    while len(out) < n and any(queues.values()):
        for queue in queues.values():
            if queue and len(out) < n:
                out.append(queue.pop(0))
    return out


def render_chart(run: EvalRun, path: Path) -> None:
    """Grouped bars of the headline metrics per system (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary = run.summary
    names = [
        n
        for n in (
            *RETRIEVAL_METRICS,
            *DOCUMENT_METRICS,
            "fact_recall",
            "citation_recall",
            "citation_precision",
        )
        if any(summary[s].get(n) is not None for s in summary)
    ]
    systems = list(summary)
    fig, ax = plt.subplots(figsize=(max(8, 1.2 * len(names) + 2), 5))
    width = 0.8 / max(1, len(systems))
    x = np.arange(len(names))
    for i, system in enumerate(systems):
        values = [summary[system].get(n) or 0.0 for n in names]
        ax.bar(
            x + i * width - 0.4 + width / 2, values, width, label=SYSTEM_NAMES.get(system, system)
        )
    ax.set_xticks(x, [_LABELS[n] for n in names], rotation=20)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("score")
    ax.set_title(f"{run.meta['gold_set']} · {run.meta['model_id'] or 'predictions'}")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=min(len(systems), 5))
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


THRESHOLDS_NOTE = (
    "`assistant eval --gate` fails when a metric in `eval/thresholds.json` falls below its "
    "minimum. The minimums sit a little below the numbers measured with the real model "
    "(quote verification exactly 1.0) and are only ever raised, never lowered to let a "
    "change through."
)


def write_report(run: EvalRun, out_dir: Path, stem: str = "eval") -> list[Path]:
    """``stem``.md, .json and .png in ``out_dir`` (eval-documents.* for documents.jsonl)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    md, js, png = (out_dir / f"{stem}{ext}" for ext in (".md", ".json", ".png"))
    md.write_text(render_markdown(run, THRESHOLDS_NOTE), encoding="utf-8")
    payload = run.as_json()
    payload["failures"] = [
        {
            "id": f.item_id,
            "category": f.category,
            "statement": f.statement,
            "claim": f.claim,
            "quotes": list(f.quotes),
        }
        for f in run.failures
    ]
    js.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    render_chart(run, png)
    return [md, js, png]
