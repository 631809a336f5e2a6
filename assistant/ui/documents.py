"""The "Văn bản" page: add and remove files, metadata of every document, how they relate,
and each outline."""

from __future__ import annotations

import streamlit as st

from assistant.answering.engine import Engine
from assistant.documents.corpus import versions, versions_message
from assistant.documents.readers import SUPPORTED_SUFFIXES, outside_corpus
from assistant.types import Chunk, Document
from assistant.ui.format import escape_markdown, relations, relations_dot, vn_date
from assistant.ui.learn import get_library
from assistant.ui.loader import Loading, reopen
from assistant.ui.upload import Added, add_file, remove_file, vietnamese

UPLOADS = "upload_results"
UPLOADER = "upload_round"  # a new key empties the uploader after its files were added


def render(engine: Engine, loading: Loading) -> None:
    engine = manage(engine, loading)
    documents = engine.index.documents
    st.subheader(f"{len(documents)} văn bản trong kho")
    st.table(
        [
            {
                "Số hiệu": d.doc_number or "—",
                "Loại": d.doc_type,
                "Cơ quan ban hành": d.issuer or "—",
                "Ngày": vn_date(d.date),
                "Người ký": (d.signer.name if d.signer else None) or "—",
                "Trích yếu": d.title or "",
            }
            for d in documents
        ],
        hide_index=True,
    )
    # Links out of the corpus folder are found again on every load (the skipped list is
    # only the last build's), so the refusal stays visible while the link is there.
    shown = {s.source for s in engine.skipped}
    settings = engine.settings
    refused = [
        s
        for s in outside_corpus(settings.corpus_dir, settings.allowed_dirs)
        if s.source not in shown
    ]
    for skipped in (*engine.skipped, *refused):
        st.warning(f"Bỏ qua tệp {skipped.source}: {vietnamese(skipped.reason)}")
    for doc_number, texts in versions(documents).items():
        st.warning(versions_message(doc_number, texts))

    st.subheader("Quan hệ giữa các văn bản")
    found = relations(documents)
    in_corpus = {d.doc_number for d in documents if d.doc_number}
    if found:
        st.table(
            [
                {
                    "Văn bản": r.document,
                    "Thực hiện văn bản": r.implemented,
                    "Có trong kho": "có"
                    if r.document in in_corpus
                    else "không (chỉ được nhắc đến)",
                }
                for r in found
            ],
            hide_index=True,
        )
        st.graphviz_chart(relations_dot(found, in_corpus))
        st.caption(
            "Mũi tên đi từ văn bản được thực hiện đến văn bản thực hiện nó; khung nét đứt: văn bản không có trong kho."
        )
    else:
        st.info("Các văn bản trong kho không nêu quan hệ thực hiện nào.")

    st.subheader("Dàn ý từng văn bản")
    for document in documents:
        with st.expander(document.citation_name):
            # One document's chunks at a time (the index reads them from disk on demand).
            chunks = engine.index.chunks_of(document.doc_id)
            outline(document, sorted(chunks, key=lambda c: c.start))


def outline(document: Document, chunks: list[Chunk]) -> None:
    """Headings indented by depth, each citable clause with its label and full text."""
    if document.signer and document.signer.name:
        st.caption(
            f"Người ký: {document.signer.display_title or ''} {document.signer.name}".strip()
        )
    shown: tuple[str, ...] = ()
    for chunk in chunks:
        for depth, heading in enumerate(chunk.breadcrumb):
            if shown[: depth + 1] != chunk.breadcrumb[: depth + 1]:
                level = "#" * min(depth + 4, 6)
                st.markdown(f"{level} {escape_markdown(heading)}")
        shown = chunk.breadcrumb
        text = chunk.clean_text
        if chunk.breadcrumb and text.startswith(chunk.breadcrumb[-1]):
            text = text[len(chunk.breadcrumb[-1]) :].lstrip()  # the heading is shown above
        st.markdown(f"**{escape_markdown(chunk.clause_label)}**  \n{escape_markdown(text)}")


def _changed(loading: Loading, engine: Engine) -> Engine:
    """The engine re-opened on the changed folder (the Học page re-reads it too)."""
    get_library.clear()
    return reopen(loading, engine.settings) or engine


def manage(engine: Engine, loading: Loading) -> Engine:
    """Add files (the checks of the corpus folder), see each file's status, remove one."""
    settings = engine.settings
    st.subheader("Thêm, xóa văn bản")
    round_ = st.session_state.setdefault(UPLOADER, 0)
    kinds = " ".join(sorted(SUPPORTED_SUFFIXES))
    limit = settings.max_file_bytes // (1024 * 1024)
    # Streamlit writes the drop zone's words in English; these rules show them in Vietnamese.
    st.html(
        "<style>"
        "[data-testid='stFileUploaderDropzoneInstructions'] span,"
        "[data-testid='stFileUploaderDropzoneInstructions'] small {display: none;}"
        "[data-testid='stFileUploaderDropzoneInstructions'] > div::after {"
        f"content: 'Kéo thả tệp vào đây ({kinds}; tối đa {limit} MB mỗi tệp)';"
        "font-size: 0.9rem;}"
        "[data-testid='stFileUploaderDropzone'] button * {display: none;}"
        "[data-testid='stFileUploaderDropzone'] button::after {"
        "content: 'Chọn tệp'; font-size: 0.9rem;}"
        "</style>"
    )
    files = st.file_uploader(
        f"Thêm tệp vào kho (mỗi tệp tối đa {settings.max_file_bytes // (1024 * 1024)} MB)",
        type=sorted(s.lstrip(".") for s in SUPPORTED_SUFFIXES),
        accept_multiple_files=True,
        key=f"upload_{round_}",
    )
    if files and st.button("Thêm vào kho và cập nhật chỉ mục", key="upload_add", type="primary"):
        results = [
            add_file(
                settings.corpus_dir,
                f.name,
                f.getvalue(),
                engine.index.documents,
                max_bytes=settings.max_file_bytes,
            )
            for f in files
        ]
        if any(r.added for r in results):
            engine = _changed(loading, engine)
        st.session_state[UPLOADS] = results
        st.session_state[UPLOADER] = round_ + 1
        st.rerun()
    _show_results(engine, st.session_state.get(UPLOADS, []))
    _file_status(engine)
    sources = [d.source for d in engine.index.documents]
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    chosen = left.selectbox(
        "Xóa một văn bản khỏi kho", sources, index=None, key="remove_source", placeholder="Chọn tệp"
    )
    if right.button("Xóa khỏi kho", key="remove_button", disabled=chosen is None) and chosen:
        if remove_file(settings.corpus_dir, chosen):
            engine = _changed(loading, engine)
            st.session_state[UPLOADS] = [Added(chosen, False, "đã xóa khỏi kho")]
        else:
            st.session_state[UPLOADS] = [Added(chosen, False, "không xóa được tệp")]
        st.session_state.pop("remove_source", None)
        st.rerun()
    return engine


def _show_results(engine: Engine, results: list[Added]) -> None:
    indexed = {d.source: d for d in engine.index.documents}
    for r in results:
        if r.added and r.name in indexed:
            st.success(f"{r.name}: {r.message}; đã lập chỉ mục ({indexed[r.name].citation_name}).")
        elif r.added:
            st.warning(f"{r.name}: {r.message}, nhưng chưa vào chỉ mục.")
        elif r.message == "đã xóa khỏi kho":
            st.info(f"{r.name}: {r.message}; chỉ mục đã cập nhật.")
        else:
            st.warning(f"{r.name}: không thêm được — {r.message}.")


def _file_status(engine: Engine) -> None:
    """Every file of the folder: read and indexed (how many passages), or why it was skipped."""
    counts: dict[str, int] = {}
    for chunk in engine.index.chunks:
        counts[chunk.doc_id] = counts.get(chunk.doc_id, 0) + 1
    rows = [
        {"Tệp": d.source, "Trạng thái": f"đã lập chỉ mục: {counts.get(d.doc_id, 0)} đoạn"}
        for d in engine.index.documents
    ] + [{"Tệp": s.source, "Trạng thái": f"bỏ qua: {vietnamese(s.reason)}"} for s in engine.skipped]
    with st.expander(f"Trạng thái {len(rows)} tệp trong thư mục kho"):
        st.table(sorted(rows, key=lambda r: r["Tệp"]), hide_index=True)
