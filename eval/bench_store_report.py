"""The markdown of ``eval/bench_store.py``'s results (eval/reports/bench-store.md).

Anything written by hand below the ``NOTES`` marker of an existing report is kept when
the report is written again, so findings survive a re-run; the numbers above it are
always the run's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

NOTES = "<!-- notes written by hand: kept when the bench rewrites this file -->"


def _pair(stage: dict[str, Any], signal: str) -> str:
    if signal not in stage:
        return "–"
    return f"{stage[signal]['p50_ms']} / {stage[signal]['p95_ms']}"


def _load(stage: dict[str, Any]) -> str:
    load = stage.get("load_1_5_15") or stage.get("load_at_start")
    if not load:
        return "–"
    return (
        " → ".join(f"{x:.1f}" for x in (load[0], load[3])) if len(load) == 6 else f"{load[0]:.1f}"
    )


def markdown(results: dict[str, Any], previous: Path | None = None) -> str:
    lines = [
        f"# Store bench: model {results['model']}, {results['questions']} questions",
        "",
        f"On {results['cpus']} CPUs shared with other work (1-minute load average at the "
        "start → end of each stage in the last column; latencies are pessimistic when it "
        "is high). Commands:",
        "",
        *(f"- `{r['command']}` (started {r['started']})" for r in results["runs"]),
        "",
        "Synthetic chunks: the seeds' chunks, then noisy copies of them (a tenth of the "
        "lexical terms dropped at random, vectors perturbed by noise of norm 0.3 and "
        "re-normalised). Dense: top 50 by HNSW; lexical: BM25 top 50 (PostgreSQL: pruned, "
        "see below; exact = every posting); hybrid: the app's whole `HybridSearcher.search` "
        "(both signals, fusion, boosts), top 5, with the question's vector made beforehand; "
        "embedding the question with the model is timed apart (last but one column) — add "
        "it for what a user waits.",
        "",
        "| chunks | store | build (s) | disk (MB) | dense p50/p95 (ms) | lexical p50/p95 (ms) "
        "| lexical exact p50/p95 (ms) | hybrid p50/p95 (ms) | embed query p50/p95 (ms) | load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    agreements = []
    unfinished = []
    for size in results["sizes"].values():
        for name in ("postgresql", "embedded"):
            stage = size.get(name)
            if not stage:
                continue
            if stage.get("build_finished") is False:
                unfinished.append((size["chunks"], stage))
                continue
            disk = f"{stage['disk_mb']}"
            if "database_mb" in stage:
                disk += f" (database {stage['database_mb']})"
            cells = [
                f"{size['chunks']:,}", name, f"{stage['build_s']}", disk,
                _pair(stage, "dense"), _pair(stage, "lexical"), _pair(stage, "lexical_exact"),
                _pair(stage, "hybrid"), _pair(stage, "embed_query"), _load(stage),
            ]  # fmt: skip
            lines.append("| " + " | ".join(cells) + " |")
            if "lexical_agreement" in stage:
                agreements.append((f"{size['chunks']:,} synthetic chunks", stage))
    for chunks, stage in unfinished:
        lines += ["", f"**{chunks:,} chunks in PostgreSQL: the build did not finish** within "
                  f"{stage['limit_s'] / 60:.0f} min (cancelled after {stage['elapsed_s']} s; "
                  f"load at the start {_load(stage)}). Progress seen by the server:", ""]  # fmt: skip
        lines += [f"- {_progress(p)}" for p in stage["progress"][-6:]]
    recall = results.get("recall")
    if recall:
        lines += [
            "",
            f"## HNSW recall@{recall['k']} on real vectors",
            "",
            f"{recall['chunks']:,} chunks of `{recall['corpus']}` embedded with "
            f"{recall['model']} (embedding {recall['embed_s']} s, 0 = cached vectors; loading "
            f"into PostgreSQL with its indexes {recall['load_s']} s); {recall['queries']} "
            "queries: the dev gold questions, then chunk texts with a third of their words "
            "dropped. Exact = numpy inner product over every chunk; the index is forced "
            f"(enable_seqscan off). Graph: m = {recall.get('m')}, ef_construction = "
            f"{recall.get('ef_construction')}.",
            "",
            f"| ef_search | recall@{recall['k']} | questions | chunk texts | queries < 0.9 "
            "| p50 / p95 (ms) |",
            "|---|---|---|---|---|---|",
        ]
        for row in recall["sweep"]:
            mark = " (chosen)" if row["ef_search"] == recall["chosen_ef_search"] else ""
            value = row[f"recall@{recall['k']}"]
            lines.append(
                f"| {row['ef_search']}{mark} | {value} | {row.get('questions')} | "
                f"{row.get('chunk_texts')} | "
                f"{row['queries_below_0.9']} | {row['p50_ms']} / {row['p95_ms']} |"
            )
        agreements.append((f"{recall['chunks']:,} real chunks (bulk)", recall))
    if agreements:
        lines += [
            "",
            "## Pruned BM25 against exact BM25 (PostgreSQL)",
            "",
            "| corpus | queries | top 5 identical | top 5 same scores | top 50 overlap |",
            "|---|---|---|---|---|",
        ]
        for name, stage in agreements:
            a = stage["lexical_agreement"]
            lines.append(
                f"| {name} | {a['queries']} | {a['top5_identical']} | {a['top5_same_scores']} "
                f"| {a['top50_overlap']} |"
            )
    notes = _kept_notes(previous)
    return "\n".join([*lines, "", NOTES, *notes]) + "\n"


def _progress(snapshot: dict[str, Any]) -> str:
    parts = [f"{snapshot['elapsed_s']} s:"]
    parts += [f"COPY {rel} {rows:,} rows" for rel, rows in snapshot["copy"]]
    for rel, index, phase, bdone, btotal, tdone, ttotal in snapshot["create_index"]:
        parts.append(f"index {index} on {rel}: {phase}, blocks {bdone}/{btotal}, "
                     f"tuples {tdone}/{ttotal}")  # fmt: skip
    return " ".join(parts) if len(parts) > 1 else parts[0] + " (between steps)"


def _kept_notes(previous: Path | None) -> list[str]:
    if previous is None or not previous.exists():
        return []
    text = previous.read_text(encoding="utf-8")
    return text.split(NOTES, 1)[1].strip("\n").splitlines() if NOTES in text else []
