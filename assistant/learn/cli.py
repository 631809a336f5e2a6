"""``assistant learn overview|timeline|glossary|quiz``: the Học views in the terminal.

Commands only translate: they call ``assistant.learn`` and render the result.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assistant.answering.answer_builder import display_quote
from assistant.documents.corpus import load_corpus
from assistant.errors import AssistantError
from assistant.learn.glossary import glossary
from assistant.learn.library import Library
from assistant.learn.overview import SECTIONS, overview
from assistant.learn.quiz import QuizItem, letter, make_quiz, score
from assistant.learn.timeline import timeline
from assistant.schema import citation_json
from assistant.settings import Settings

learn_app = typer.Typer(
    help="Học: tổng quan văn bản, dòng thời gian, thuật ngữ, trắc nghiệm.", no_args_is_help=True
)
console = Console(highlight=False)
CorpusOpt = Annotated[
    Path | None, typer.Option("--corpus", help="Thư mục văn bản (mặc định: corpus/).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="In JSON.")]


def _fail(message: str) -> None:
    console.print(f"[red]Lỗi:[/red] {escape(message)}", markup=True)
    raise typer.Exit(code=1)


def _library(corpus_dir: Path | None) -> Library:
    settings = Settings()
    folder = corpus_dir or settings.corpus_dir
    if not folder.is_dir():
        _fail(f"Không tìm thấy thư mục văn bản: {folder}")
    try:
        return Library.from_corpus(
            load_corpus(
                folder, max_bytes=settings.max_file_bytes, allowed_dirs=settings.allowed_dirs
            )
        )
    except AssistantError as exc:
        _fail(str(exc))
    raise AssertionError("unreachable")


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


@learn_app.command("overview")
def overview_command(
    doc: Annotated[str, typer.Argument(help="Số hiệu hoặc tên văn bản, ví dụ 164/KH-UBND.")],
    corpus: CorpusOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Tổng quan một văn bản: thông tin, bố cục, chỉ tiêu, thời hạn, cơ quan được giao việc."""
    library = _library(corpus)
    parsed = library.find(doc)
    if parsed is None:
        names = ", ".join(p.document.doc_number or p.document.source for p in library.documents)
        _fail(f"Không tìm thấy văn bản “{doc}”. Có: {names}")
    assert parsed is not None
    found = overview(library, parsed)
    if as_json:
        _print_json(
            {
                "document": parsed.document.citation_name,
                "lines": [
                    {
                        "kind": line.kind,
                        "label": line.label,
                        "text": line.text,
                        "citations": [citation_json(c) for c in line.citations],
                    }
                    for line in found.lines
                ],
            }
        )
        return
    console.print(f"[bold]{escape(parsed.document.citation_name)}[/bold]")
    for kind, title in SECTIONS:
        lines = found.section(kind)
        if not lines:
            continue
        console.print(f"\n[bold underline]{title}[/bold underline]")
        for line in lines:
            indent = "  " * (line.depth + 1)
            console.print(f"{indent}• {line.label}: {line.text}", markup=False)
            console.print(f"{indent}  [dim]↳ {escape(line.citation.label)}[/dim]")


@learn_app.command("timeline")
def timeline_command(corpus: CorpusOpt = None, as_json: JsonOpt = False) -> None:
    """Dòng thời gian: Trung ương → tỉnh, thành phố → quận, huyện; văn bản nào thực hiện văn bản nào."""
    nodes = timeline(_library(corpus))
    if as_json:
        _print_json(
            [
                {
                    "number": n.number,
                    "name": n.name,
                    "level": n.level_name,
                    "date": n.date.isoformat() if n.date else None,
                    "in_corpus": n.in_corpus,
                    "implements": list(n.implements),
                    "citation": citation_json(n.citation) if n.citation else None,
                }
                for n in nodes
            ]
        )
        return
    table = Table(title="Dòng thời gian và cấp ban hành")
    for column in ("Cấp", "Ngày", "Văn bản", "Thực hiện", "Trong kho"):
        table.add_column(column)
    for n in nodes:
        table.add_row(
            n.level_name,
            n.date.strftime("%d/%m/%Y") if n.date else "—",
            n.name,
            ", ".join(n.implements) or "—",
            "có" if n.in_corpus else "không có trong kho",
        )
    console.print(table)


@learn_app.command("glossary")
def glossary_command(corpus: CorpusOpt = None, as_json: JsonOpt = False) -> None:
    """Thuật ngữ, chữ viết tắt và nơi xuất hiện."""
    entries = glossary(_library(corpus))
    if as_json:
        _print_json(
            [
                {
                    "term": e.term,
                    "expansion": e.expansion,
                    "kind": e.kind,
                    "count": e.count,
                    "occurrences": [
                        {"document": o.document, "clause": o.clause, "count": o.count}
                        for o in e.occurrences
                    ],
                }
                for e in entries
            ]
        )
        return
    table = Table(title=f"{len(entries)} thuật ngữ, chữ viết tắt")
    for column in ("Viết tắt", "Nghĩa", "Loại", "Số lần", "Xuất hiện ở"):
        table.add_column(column)
    for e in entries:
        places = "; ".join(f"{o.document}, {o.clause}" for o in e.occurrences[:3])
        more = f" … (+{len(e.occurrences) - 3})" if len(e.occurrences) > 3 else ""
        table.add_row(e.term, e.expansion, e.kind, str(e.count), places + more)
    console.print(table)


def _item_json(number: int, item: QuizItem) -> dict[str, Any]:
    return {
        "number": number,
        "id": item.id,
        "kind": item.kind,
        "question": item.question,
        "options": [o.text for o in item.options],
        "answer": letter(item.answer),
        "explanation": item.explanation,
        "citation": citation_json(item.citation),
    }


def _show_question(number: int, item: QuizItem) -> None:
    console.print(f"\n[bold]Câu {number}.[/bold] {escape(item.question)}", markup=True)
    for i, option in enumerate(item.options):
        console.print(f"   {letter(i)}. {option.text}", markup=False)


def _show_answer(item: QuizItem) -> None:
    console.print(f"   Đáp án: {letter(item.answer)}. {item.answer_text}", markup=False)
    console.print(f"   {item.explanation}", markup=False)
    # Shown without the source's markup; the citation keeps the exact text.
    quote = escape(display_quote(item.citation.quote))
    console.print(f"   [dim]↳ {escape(item.citation.label)}: “{quote}”[/dim]")


@learn_app.command("quiz")
def quiz_command(
    n: Annotated[int, typer.Option("--n", min=1, max=50, help="Số câu hỏi.")] = 10,
    seed: Annotated[int, typer.Option("--seed", help="Hạt giống: cùng số, cùng đề.")] = 0,
    answers: Annotated[
        bool, typer.Option("--answers", help="In câu hỏi kèm đáp án, không hỏi.")
    ] = False,
    corpus: CorpusOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Trắc nghiệm: mỗi đáp án kèm khoản trích dẫn; hỏi từng câu khi chạy trong terminal."""
    items = make_quiz(_library(corpus), n=n, seed=seed)
    if not items:
        _fail("Kho văn bản không đủ nội dung để ra câu hỏi.")
    if as_json:
        _print_json([_item_json(i, item) for i, item in enumerate(items, 1)])
        return
    if answers or not sys.stdin.isatty():
        for i, item in enumerate(items, 1):
            _show_question(i, item)
            _show_answer(item)
        return
    given: dict[str, int | None] = {}
    for i, item in enumerate(items, 1):
        _show_question(i, item)
        letters = "".join(letter(k) for k in range(len(item.options)))
        choice = typer.prompt(f"Chọn ({'/'.join(letters)})", default="", show_default=False)
        choice = choice.strip().upper()[:1]
        given[item.id] = letters.index(choice) if choice and choice in letters else None
        right = given[item.id] == item.answer
        console.print("   [green]Đúng.[/green]" if right else "   [red]Chưa đúng.[/red]")
        _show_answer(item)
    console.print(f"\n[bold]Kết quả: {score(items, given).text}.[/bold]")
