"""The "Ai làm gì" page: which body, in which place, each document assigns which clauses."""

from __future__ import annotations

import streamlit as st

from assistant.answering.engine import Engine
from assistant.ui.bodies import GROUP, BodyRow, body_rows
from assistant.ui.format import (
    escape_markdown,
    heading_and_text,
    matches_body,
    wrapped_row_height,
)

CHOSEN = "body_selected"


def rows_of(engine: Engine) -> list[BodyRow]:
    chunks = engine.index.chunks_by_id  # read on demand, not a dict of every chunk
    documents = {d.doc_id: d for d in engine.index.documents}
    assignments = [a for items in engine.composer.responsibilities.by_key.values() for a in items]
    return body_rows(assignments, chunks, documents)


def _where(engine: Engine, row: BodyRow) -> str:
    by_id = {d.doc_id: d for d in engine.index.documents}
    # Up to two clause labels per document; more are counted (the cards below list them).
    return "; ".join(
        f"{by_id[doc_id].doc_number or by_id[doc_id].short_name}: "
        + (
            ", ".join(c.clause_label for c in chunks)
            if len(chunks) <= 2
            else f"{len(chunks)} khoản"
        )
        for doc_id, chunks in row.clauses.items()
    )


def _pick(table: str, labels: list[str]) -> None:
    """A row chosen in a table opens its clauses below (the select box follows it)."""
    rows = st.session_state[table].selection.rows
    if rows:
        st.session_state[CHOSEN] = labels[rows[0]]


def _table(engine: Engine, rows: list[BodyRow], title: str, key: str) -> None:
    labels = [r.label for r in rows]
    table = [{title: r.body, "Nơi": r.place, "Được giao tại": _where(engine, r)} for r in rows]
    row_height = wrapped_row_height(table)  # tall enough to wrap every cell in full
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        row_height=row_height,
        height=min(40 + (row_height or 35) * len(rows), 700),
        column_config={
            title: st.column_config.TextColumn(width="medium"),
            "Nơi": st.column_config.TextColumn(width="small"),
            "Được giao tại": st.column_config.TextColumn(width="large"),
        },
        on_select=lambda: _pick(key, labels),
        selection_mode="single-row",
        key=key,
    )


def render(engine: Engine) -> None:
    st.subheader("Ai làm gì: cơ quan × văn bản")
    query = st.text_input(
        "Tìm cơ quan (gõ có dấu hoặc không dấu)", placeholder="Ví dụ: so y te", key="body_search"
    )
    rows = [r for r in rows_of(engine) if matches_body(r.body, query)]
    if not rows:
        st.info("Không có cơ quan nào khớp với từ khóa này.")
        return
    bodies = [r for r in rows if r.kind != GROUP]
    groups = [r for r in rows if r.kind == GROUP]
    st.caption("Chọn một dòng để xem các khoản giao việc cho cơ quan đó.")
    if bodies:
        _table(engine, bodies, "Cơ quan", "bodies_table")
    if groups:
        st.markdown("##### Nhóm cơ quan (giao chung cho nhiều cơ quan)")
        _table(engine, groups, "Nhóm", "groups_table")
    labels = [r.label for r in rows]
    if st.session_state.get(CHOSEN) not in labels:
        st.session_state.pop(CHOSEN, None)
    chosen = st.selectbox("Xem nhiệm vụ của", labels, key=CHOSEN)
    row = rows[labels.index(chosen)] if chosen in labels else rows[0]
    by_id = {d.doc_id: d for d in engine.index.documents}
    for doc_id, chunks in row.clauses.items():
        st.markdown(f"##### {escape_markdown(by_id[doc_id].citation_name)}")
        for chunk in chunks:
            heading, text = heading_and_text(chunk)
            with st.container(border=True):
                st.markdown(f"**{escape_markdown(chunk.clause_label)}**")
                if heading:
                    st.caption(escape_markdown(heading))
                st.markdown(escape_markdown(" ".join(text.split())))
