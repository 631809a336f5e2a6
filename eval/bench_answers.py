"""Benchmark: answer() latency per question after loading, as `assistant ask --jsonl` runs it.

Usage: .venv/bin/python eval/bench_answers.py [--set eval/gold/dev.jsonl] [--rounds 2] [--out eval/reports]
Prints numbers and writes bench-answers.md / .json. Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answering.answer import answer  # noqa: E402
from assistant.answering.engine import open_engine  # noqa: E402
from assistant.evaluation.gold import load_gold  # noqa: E402
from assistant.settings import Settings  # noqa: E402

TARGET_MS = 150.0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default=str(ROOT / "eval" / "gold" / "dev.jsonl"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--model", default=None, help="embedding model (default: settings)")
    parser.add_argument("--out", default=str(ROOT / "eval" / "reports"))
    args = parser.parse_args()

    settings = Settings(embedding_model=args.model) if args.model else Settings()
    started = time.perf_counter()
    engine = open_engine(settings)
    engine.searcher.warm_up()
    load_s = time.perf_counter() - started
    questions = [item.question for item in load_gold(Path(args.set))]

    per_question: list[float] = []
    by_intent: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        for q in questions:
            t = time.perf_counter()
            result = answer(q, engine=engine)
            ms = (time.perf_counter() - t) * 1000
            per_question.append(ms)
            by_intent.setdefault(result.intent, []).append(ms)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = {
        "questions": len(questions),
        "rounds": args.rounds,
        "model": engine.index.manifest.model_id,
        "load_seconds": round(load_s, 2),
        "mean_ms": round(statistics.mean(per_question), 1),
        "p50_ms": round(percentile(per_question, 0.5), 1),
        "p95_ms": round(percentile(per_question, 0.95), 1),
        "max_ms": round(max(per_question), 1),
        "target_mean_ms": TARGET_MS,
        "target_met": statistics.mean(per_question) <= TARGET_MS,
        "by_intent_p50_ms": {k: round(percentile(v, 0.5), 1) for k, v in sorted(by_intent.items())},
        "peak_rss_mb": round(peak_mb, 1),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d"),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench-answers.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    lines = [
        "# Answer latency (after loading)",
        "",
        f"Command: `.venv/bin/python eval/bench_answers.py --rounds {args.rounds}` on {summary['date']}, "
        f"{summary['cpus']} CPUs, model `{summary['model']}`, {summary['questions']} dev questions × {args.rounds}.",
        "",
        "| measure | value |",
        "| --- | --- |",
        f"| load (model + index, warm) | {summary['load_seconds']} s |",
        f"| mean per question | {summary['mean_ms']} ms (target ≤ {TARGET_MS:.0f} ms: {'met' if summary['target_met'] else 'missed'}) |",
        f"| p50 / p95 / max | {summary['p50_ms']} / {summary['p95_ms']} / {summary['max_ms']} ms |",
        f"| peak RSS | {summary['peak_rss_mb']} MB |",
        "",
        "p50 by intent: "
        + ", ".join(f"{k} {v} ms" for k, v in summary["by_intent_p50_ms"].items()),
        "",
    ]
    (out / "bench-answers.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
