"""A conversation in the terminal: the engine is loaded once and every question after the
first costs only what answering costs (the CLI's warm path).

Why a long-lived process and not a local server: an office that runs the CLI runs it on
one desk; keeping the engine in the process the user is already typing into needs no
port, no authentication and nothing left running after it ends. Follow-up questions
("Còn Sở Tài chính thì sao?") resolve against the turns so far, as in the app.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.markup import escape

from assistant.answering.answer import answer
from assistant.answering.conversation import Turn
from assistant.answering.engine import Engine
from assistant.batch import check_argument
from assistant.errors import AssistantError
from assistant.ui.format import ocr_note

PROMPT = "Câu hỏi (Enter trống để thoát): "
MAX_TURNS = 20  # the conversation kept for follow-ups


def converse(engine: Engine, console: Console, read: Callable[[str], str] = input) -> int:
    """Ask until an empty line or end of input; returns the number of questions answered."""
    engine.searcher.warm_up()
    history: list[Turn] = []
    answered = 0
    while True:
        try:
            question = read(PROMPT).strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            break
        if not question:
            break
        try:
            check_argument(question)
            result = answer(question, history, engine=engine)
        except AssistantError as exc:
            console.print(str(exc), markup=False, highlight=False)
            continue
        console.print(result.text, markup=False, highlight=False)
        for c in result.citations:
            console.print(f"[dim]\\[{c.number}] {escape(c.label)}[/dim]", highlight=False)
            try:
                note = ocr_note(engine.index.document(c.doc_id))
            except KeyError:
                note = None
            if note:
                console.print(f"[dim]    {note}[/dim]", highlight=False)
        history = [*history, Turn(question, result)][-MAX_TURNS:]
        answered += 1
    return answered
