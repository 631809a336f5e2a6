"""``assistant benchmark …``: public benchmarks run as commands (thin: parse, call, print)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress

from assistant.errors import AssistantError
from assistant.evaluation import alqac

benchmark_app = typer.Typer(help="Đo trên bộ dữ liệu công khai.", no_args_is_help=True)
REPORTS = Path(__file__).resolve().parents[2] / "eval" / "reports"


@benchmark_app.command("alqac")
def alqac_command(
    articles: Annotated[
        Path, typer.Argument(help="articles.jsonl (law_id, article_id, title, text)")
    ],
    questions: Annotated[Path, typer.Argument(help="questions.jsonl (qid, question, relevant)")],
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Ghi kết quả JSON vào tệp này.")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Chỉ dùng N câu hỏi đầu.")] = None,
    work: Annotated[
        Path | None, typer.Option("--work", help="Thư mục làm việc (kho, chỉ mục).")
    ] = None,
    report: Annotated[Path | None, typer.Option("--report", help="Ghi báo cáo Markdown.")] = None,
    systems: Annotated[
        str,
        typer.Option(
            "--systems", help="Các hệ thống cần đo, cách nhau bằng dấu phẩy (mặc định: tất cả)."
        ),
    ] = ",".join(alqac.SYSTEMS),
) -> None:
    """ALQAC: R@1/5/10 và MRR theo điều luật cho BM25, dense, hybrid, hệ thống đầy đủ và pipeline sách giáo khoa."""
    console = Console(stderr=True)
    for path in (articles, questions):
        if not path.is_file():
            console.print(f"Không tìm thấy tệp {path}.")
            raise typer.Exit(1)
    folder = work or Path(tempfile.mkdtemp(prefix="alqac-"))
    try:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("Câu hỏi", total=None)
            result = alqac.run(
                articles,
                questions,
                folder,
                limit=limit,
                systems=[s.strip() for s in systems.split(",") if s.strip()],
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    except (AssistantError, OSError, ValueError, KeyError) as exc:
        console.print(f"Không chạy được benchmark: {exc}")
        raise typer.Exit(1) from exc
    text = json.dumps(result, ensure_ascii=False, indent=2, allow_nan=False)
    if json_out:
        json_out.write_text(text + "\n", encoding="utf-8")
    if report:
        command = " ".join(["assistant", *sys.argv[1:]])
        report.write_text(alqac.markdown(result, command), encoding="utf-8")
    typer.echo(text)
