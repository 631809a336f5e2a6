"""Parse every file of the bulk folder and report what the parser found.

    .venv/bin/python eval/bulk_report.py                       # ../shared/documents/bulk
    .venv/bin/python eval/bulk_report.py --folder DIR --out /tmp/bulk

Writes ``bulk.md`` and ``bulk.json`` into ``--out`` (default ``eval/reports``): how many
documents have a số hiệu, type, issuer, date and signer; clauses per document; exceptions;
seconds per document; the worst documents by a simple sanity rule; a seeded random sample
listed with its metadata for checking by hand; and, where the page carries a web metadata
block, whether its values agree with what the document's own header says.

A script, not a test: it reads real files that are not in the repository.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import statistics
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.documents.header import header_fields
from assistant.documents.parser import parse_text
from assistant.documents.readers import read_source
from assistant.documents.regions import analyse
from assistant.documents.structure import roman_value
from assistant.documents.textnorm import folded_key, nfc
from assistant.documents.webmeta import web_metadata
from assistant.types import Clause, ParsedDocument

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = ROOT.parent / "shared" / "documents" / "bulk"
SAMPLE_SEED = 12
SAMPLE_SIZE = 30
FIELDS = ("doc_number", "doc_type", "issuer", "date", "signer")
# A clause whose text is a header, motto, signature or web-page line was misread.
_HEADER_LINE_RE = re.compile(
    r"^(?:CỘNG HÒA XÃ HỘI|CỘNG HOÀ XÃ HỘI|Độc lập\s*-\s*Tự do|Số\s*:|Nơi nhận|Kính gửi"
    r"|Đang tải văn bản|THƯ VIỆN PHÁP LUẬT|Bản dịch này|Số hiệu\s*:|Loại văn bản\s*:"
    r"|(?:TM|KT|TL|TUQ|T/M|K/T|T/L)\.?\s+[A-ZĐ])",
)


# Web-page chrome that must never reach a chunk.
_CHROME_IN_CHUNK_RE = re.compile(
    r"Văn bản này chưa cập nhật|Hiệu lực: Đã biết|Đang tải văn bản|THƯ VIỆN PHÁP LUẬT"
    r"|Tình trạng: Đã biết|Rà chuột vào"
)


@dataclass
class Row:
    source: str
    seconds: float
    fields: dict[str, Any] = field(default_factory=dict)
    clauses: int = 0
    problems: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    compared: int = 0  # fields given by both the web block and the document
    from_web: list[str] = field(default_factory=list)  # fields only the web block gave
    error: str | None = None


_LETTERS = (  # Vietnamese with and without đ, Latin
    "abcdđeghiklmnopqrstuvxy",
    "abcdeghiklmnopqrstuvxy",
    "abcdđefghijklmnopqrstuvwxyz",
)


def _follows(a: str, b: str) -> bool | None:
    """Whether sibling number ``b`` comes right after ``a`` (None: not comparable)."""
    if a.isdigit() and b.isdigit():
        return int(b) == int(a) + 1
    if re.fullmatch(r"[a-zđ]", a) and re.fullmatch(r"[a-zđ]", b):
        return any(b in seq and seq.find(b) == seq.find(a) + 1 for seq in _LETTERS)
    if re.fullmatch(r"[IVXLC]+", a) and re.fullmatch(r"[IVXLC]+", b):
        return roman_value(b) == roman_value(a) + 1
    return None


def sanity_problems(parsed: ParsedDocument) -> list[str]:
    """No clause, a numbering jump between siblings, a header line read as a clause."""
    problems: list[str] = []
    clauses = [c for top in parsed.outline for c in top.walk()]
    numbered = [c for c in clauses if c.kind not in ("paragraph", "preamble", "closing", "dash")]
    if not numbered:
        problems.append("không có điều khoản nào (no numbered clause)")

    def siblings(children: tuple[Clause, ...]) -> None:
        by_kind: dict[str, list[Clause]] = {}
        for c in children:
            by_kind.setdefault(c.kind, []).append(c)
        for kind, group in by_kind.items():
            for a, b in itertools.pairwise(group):
                if kind != "dash" and _follows(a.number or "", b.number or "") is False:
                    problems.append(f"nhảy số {kind}: {a.number} → {b.number} ({b.label})")
        for c in children:
            siblings(c.children)

    siblings(parsed.outline)
    for chunk in parsed.chunks:
        m = _CHROME_IN_CHUNK_RE.search(chunk.clean_text)
        if m:
            problems.append(f"trang web đọc thành điều khoản: {chunk.clause_label}: {m.group(0)}")
    text = parsed.document.text
    for c in clauses:
        first = text[c.start : c.end].strip().lstrip("*|# ").split("\n")[0]
        if _HEADER_LINE_RE.match(first):
            problems.append(f"dòng đầu/cuối văn bản đọc thành điều khoản: {c.label}: {first[:60]}")
    return problems


def _norm(value: str) -> str:
    return folded_key(re.sub(r"\b(?:ubnd)\b", "uy ban nhan dan", value.lower()))


def compare_web(text: str, parsed: ParsedDocument) -> tuple[int, list[str], list[str]]:
    """Fields given both by the page's web metadata block and by the document itself:
    how many, and those that disagree (header fields; the signer from the signature)."""
    layout = analyse(text)
    web = web_metadata(layout.prefix + layout.tail + layout.suffix)
    own = header_fields(layout, text)
    signer = parsed.document.signer
    signed = signer.name if signer else None
    if signed and signed == web.signer and not _signature_names(layout.tail, signed):
        signed = None  # the name came from the web block itself
    pairs = (
        ("Số hiệu", own.number, web.number),
        ("Ngày ban hành", own.date.strftime("%d/%m/%Y") if own.date else None, web.date_text),
        ("Loại văn bản", own.doc_type, web.doc_type),
        ("Người ký", signed, web.signer),
    )
    compared, out = 0, []
    d = parsed.document
    gaps = (
        ("doc_number", own.number, d.doc_number, web.number),
        ("doc_type", own.doc_type, d.doc_type, web.doc_type),
        ("date", own.date, d.date, web.date),
        ("signer", signed, signer.name if signer else None, web.signer),
    )
    from_web = [f for f, header, value, page in gaps if not header and value and value == page]
    for name, mine, theirs in pairs:
        if mine and theirs:
            compared += 1
            if _norm(mine) != _norm(theirs):
                out.append(f"{name}: văn bản «{mine}» ≠ trang web «{theirs}»")
    return compared, out, from_web


def _signature_names(lines: Any, name: str) -> bool:
    """Whether the tail writes ``name`` (a page may wrap it over two lines)."""
    return name in " ".join(" ".join(line.clean for line in lines).split())


def examine(path: Path) -> Row:
    started = time.perf_counter()
    row = Row(path.name, 0.0)
    try:
        source = read_source(path)
        parsed = parse_text(source.source, source.text, source.format)
        d = parsed.document
        row.fields = {
            "doc_number": d.doc_number,
            "doc_type": d.doc_type if d.doc_type not in ("Văn bản", "Tin bài") else None,
            "issuer": d.issuer,
            "date": d.date.isoformat() if d.date else None,
            "place": d.place,
            "signer": d.signer.name if d.signer else None,
            "signer_title": d.signer.display_title if d.signer else None,
            "effective_date": (
                d.effective_date.isoformat() if getattr(d, "effective_date", None) else None
            ),
            "title": (d.title or "")[:120] or None,
        }
        row.clauses = sum(len(top.walk()) for top in parsed.outline)
        row.problems = sanity_problems(parsed)
        row.compared, row.disagreements, row.from_web = compare_web(nfc(source.text), parsed)
    except Exception as exc:  # the report counts them; it must see every file
        row.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    row.seconds = time.perf_counter() - started
    return row


def _pct(n: int, total: int) -> str:
    return f"{n}/{total} ({100 * n / total:.1f}%)" if total else "0/0"


def write_report(rows: list[Row], out: Path, folder: Path, checked: dict[str, Any]) -> None:
    total = len(rows)
    ok = [r for r in rows if r.error is None]
    have = {f: sum(1 for r in ok if r.fields.get(f)) for f in FIELDS}
    core = sum(1 for r in ok if all(r.fields.get(f) for f in FIELDS[:4]))
    clauses = [r.clauses for r in ok]
    seconds = [r.seconds for r in rows]
    worst = sorted(ok, key=lambda r: (-len(r.problems), r.clauses))[:10]
    sample = random.Random(SAMPLE_SEED).sample(sorted(rows, key=lambda r: r.source), SAMPLE_SIZE)
    disagreeing = [r for r in ok if r.disagreements]
    web_only = {f: sum(1 for r in ok if f in r.from_web) for f in FIELDS if f != "issuer"}
    web_only = {f: n for f, n in web_only.items() if n}
    summary = {
        "folder": str(folder),
        "documents": total,
        "exceptions": total - len(ok),
        "with": have,
        "with_number_type_issuer_date": core,
        "clauses_per_document": {
            "median": statistics.median(clauses) if clauses else 0,
            "min": min(clauses, default=0),
            "max": max(clauses, default=0),
        },
        "seconds_per_document": {
            "mean": statistics.mean(seconds) if seconds else 0,
            "max": max(seconds, default=0),
        },
        "web_block_fields_compared": sum(r.compared for r in ok),
        "web_block_disagreements": sum(len(r.disagreements) for r in ok),
        "values_from_web_block_only": web_only,
        "sample_seed": SAMPLE_SEED,
        "hand_check": checked,
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "bulk.json").write_text(
        json.dumps(
            {"summary": summary, "documents": [r.__dict__ for r in rows]},
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    md = [
        "# Bulk parse report",
        "",
        "`.venv/bin/python eval/bulk_report.py` over "
        f"`{folder.relative_to(ROOT.parent) if folder.is_relative_to(ROOT.parent) else folder}`.",
        "",
        f"- documents: {total}; exceptions: {total - len(ok)}",
        *(f"- with {f}: {_pct(n, total)}" for f, n in have.items()),
        f"- with số hiệu, type, issuer and date together: {_pct(core, total)}",
        f"- clauses per document: median {summary['clauses_per_document']['median']}, "
        f"min {summary['clauses_per_document']['min']}, "
        f"max {summary['clauses_per_document']['max']}",
        f"- seconds per document: mean {summary['seconds_per_document']['mean']:.3f}, "
        f"max {summary['seconds_per_document']['max']:.3f}",
        f"- web metadata block against the document's own header: "
        f"{summary['web_block_fields_compared']} values given by both, "
        f"{summary['web_block_disagreements']} disagree "
        f"(in {len(disagreeing)} documents)",
        "- values taken from the web block because the document lacks them: "
        + (", ".join(f"{f} {n}" for f, n in web_only.items()) or "none"),
        f"- documents with a sanity problem: {sum(1 for r in ok if r.problems)}; "
        f"a header or tail line read as a clause: "
        f"{sum(1 for r in ok if any('dòng đầu/cuối' in p for p in r.problems))}; "
        "web-page chrome in a chunk: "
        f"{sum(1 for r in ok if any('trang web' in p for p in r.problems))}",
        "",
    ]
    if checked:
        md += [
            "## Hand check of the sample",
            "",
            f"{checked.get('right', '?')} of {checked.get('of', SAMPLE_SIZE)} right "
            "(số hiệu, type, issuer, date, signer compared with the file by reading it).",
            "",
            *(f"- {k}: {v}" for k, v in checked.get("notes", {}).items()),
            "",
        ]
    md += ["## Exceptions", ""]
    md += [f"- `{r.source}`: {(r.error or '').splitlines()[0]}" for r in rows if r.error] or [
        "None."
    ]
    md += ["", "## Worst 10 by the sanity rule", ""]
    for r in worst:
        md.append(f"- `{r.source}` ({r.clauses} clauses): " + ("; ".join(r.problems[:4]) or "—"))
    md += ["", "## Web metadata block against the header", ""]
    md += [f"- `{r.source}`: " + "; ".join(r.disagreements) for r in disagreeing] or [
        "Every value given by both agrees."
    ]
    md += [
        "",
        f"## Random sample (seed {SAMPLE_SEED}, {SAMPLE_SIZE} documents)",
        "",
        "| file | số hiệu | loại | cơ quan ban hành | ngày | người ký |",
        "|---|---|---|---|---|---|",
    ]
    for r in sample:
        f = r.fields
        md.append(
            f"| `{r.source}` | {f.get('doc_number') or '—'} | {f.get('doc_type') or '—'} | "
            f"{f.get('issuer') or '—'} | {f.get('date') or '—'} | {f.get('signer') or '—'} |"
        )
    missing = [r for r in ok if not all(r.fields.get(f) for f in FIELDS[:4])]
    md += ["", "## Missing số hiệu, type, issuer or date", ""]
    for r in missing:
        gaps = ", ".join(f for f in FIELDS[:4] if not r.fields.get(f))
        md.append(f"- `{r.source}`: {gaps}")
    (out / "bulk.md").write_text("\n".join(md) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--out", type=Path, default=ROOT / "eval" / "reports")
    parser.add_argument(
        "--checked",
        type=Path,
        default=ROOT / "eval" / "bulk_check.json",
        help="hand-check result of the sample: {'right': n, 'of': 30, 'notes': {...}}",
    )
    args = parser.parse_args()
    files = sorted(p for p in args.folder.iterdir() if p.is_file())
    rows = [examine(p) for p in files]
    checked = json.loads(args.checked.read_text("utf-8")) if args.checked.exists() else {}
    write_report(rows, args.out, args.folder, checked)
    ok = [r for r in rows if r.error is None]
    core = sum(1 for r in ok if all(r.fields.get(f) for f in FIELDS[:4]))
    print(
        f"{len(rows)} documents, {len(rows) - len(ok)} exceptions, "
        + ", ".join(f"{f} {sum(1 for r in ok if r.fields.get(f))}" for f in FIELDS)
        + f", all four {core}; report in {args.out}"
    )


if __name__ == "__main__":
    main()
