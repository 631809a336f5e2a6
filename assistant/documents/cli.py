"""`assistant corpus …`: list the documents, show one's outline, check the folder."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

from assistant.cli_shared import CorpusOpt, JsonOpt, console, fail, load_folder, print_json
from assistant.documents.corpus import Corpus, check
from assistant.documents.structure import INFERRED_NOTE
from assistant.errors import AssistantError
from assistant.schema import chunk_json, clause_json, document_json
from assistant.types import Clause, ParsedDocument

corpus_app = typer.Typer(help="Kho văn bản: liệt kê, xem cấu trúc, kiểm tra.", no_args_is_help=True)


@corpus_app.command("list")
def corpus_list(corpus: CorpusOpt = None, as_json: JsonOpt = False) -> None:
    """Liệt kê các văn bản với số hiệu, loại, cơ quan ban hành, ngày và người ký."""
    try:
        loaded = load_folder(corpus)
    except AssistantError as exc:
        fail(str(exc))
    if as_json:
        print_json([document_json(p.document) for p in loaded.documents])
        return
    table = Table(title=f"{len(loaded.documents)} văn bản")
    for column in ("Số hiệu", "Loại", "Cơ quan ban hành", "Ngày", "Người ký", "Tệp"):
        table.add_column(column)
    for parsed in loaded.documents:
        d = parsed.document
        signer = d.signer.name if d.signer and d.signer.name else "—"
        table.add_row(
            d.doc_number or "—",
            d.doc_type,
            d.issuer or "—",
            d.date.strftime("%d/%m/%Y") if d.date else "—",
            signer,
            d.source,
        )
    console.print(table)
    for skipped in loaded.skipped:
        console.print(f"[yellow]Bỏ qua[/yellow] {escape(skipped.source)}: {escape(skipped.reason)}")


def _outline_tree(tree: Tree, clauses: tuple[Clause, ...], text: str) -> None:
    for clause in clauses:
        heading = clause.heading or " ".join(text[clause.start : clause.end].split())[:70]
        note = f" [dim]({INFERRED_NOTE})[/dim]" if clause.inferred else ""
        branch = tree.add(f"[bold]{clause.label}[/bold]{note} — {heading}")
        _outline_tree(branch, clause.children, text)


def _find(loaded: Corpus, doc: str) -> ParsedDocument:
    parsed = loaded.find(doc)
    if parsed is None:
        names = ", ".join(p.document.doc_number or p.document.source for p in loaded.documents)
        fail(f"Không tìm thấy văn bản “{doc}”. Có: {names}")
    assert parsed is not None
    return parsed


@corpus_app.command("show")
def corpus_show(
    doc: Annotated[
        str, typer.Argument(help="Số hiệu, tên tệp hoặc mã văn bản, ví dụ 164/KH-UBND.")
    ],
    corpus: CorpusOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Xem dàn ý của một văn bản: nhãn khoản, điểm, đoạn và đề mục."""
    try:
        loaded = load_folder(corpus)
    except AssistantError as exc:
        fail(str(exc))
    parsed = _find(loaded, doc)
    if as_json:
        data = document_json(parsed.document)
        data["outline"] = [clause_json(c) for c in parsed.outline]
        data["chunks"] = [chunk_json(c) for c in parsed.chunks]
        print_json(data)
        return
    d = parsed.document
    tree = Tree(f"[bold]{d.citation_name}[/bold]")
    _outline_tree(tree, parsed.outline, d.text)
    console.print(tree)
    console.print(f"{len(parsed.chunks)} đoạn trích dẫn được.")


@corpus_app.command("check")
def corpus_check(corpus: CorpusOpt = None) -> None:
    """Kiểm tra kho văn bản; thoát với mã khác 0 nếu có vấn đề."""
    try:
        loaded = load_folder(corpus)
    except AssistantError as exc:
        fail(str(exc))
    problems = check(loaded)
    n_chunks = len(loaded.chunks)
    if problems:
        for problem in problems:
            console.print(f"[red]•[/red] {escape(problem)}")
        console.print(f"{len(problems)} vấn đề; {len(loaded.documents)} văn bản, {n_chunks} đoạn.")
        raise typer.Exit(code=1)
    console.print(
        f"[green]Ổn[/green]: {len(loaded.documents)} văn bản, {n_chunks} đoạn trích dẫn được."
    )
