"""Source text → ``ParsedDocument``: metadata, clause tree and citable chunks."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from pathlib import Path

from assistant.documents import metadata as meta
from assistant.documents.attachments import attachment_clauses
from assistant.documents.blocks import paragraphs
from assistant.documents.chunking import make_chunks, slug
from assistant.documents.layout import DATELINE_RE, analyse, is_upper_line, type_name_of
from assistant.documents.structure import parse_clauses
from assistant.documents.textnorm import nfc, title_case_vn
from assistant.types import Document, ParsedDocument, Signer


def parse_text(source: str, text: str, fmt: str = "txt") -> ParsedDocument:
    """Parse one document. ``text`` must be the exact text that spans will index (NFC)."""
    text = nfc(text)
    layout = analyse(text)
    body_text = "\n".join(line.clean for line in layout.body)
    number = meta.find_number(layout.header)
    web = meta.web_metadata(layout.tail)
    if number is None and "Số hiệu" in web:
        found = meta.SO_HIEU_RE.search(web["Số hiệu"])
        number = meta.normalise_so_hieu(found) if found else None

    first_body = next((ln.clean for ln in layout.body if ln.clean), "")
    is_news = number is None and (
        DATELINE_RE.match(first_body) is not None or meta.news_source(layout) is not None
    )
    if layout.type_line is not None:
        doc_type = type_name_of(layout.type_line.clean) or "Văn bản"
    elif number:
        doc_type = meta.doc_type_of_number(number) or "Văn bản"
    else:
        doc_type = "Tin bài" if is_news else "Văn bản"

    place, date = meta.find_place_date(layout.header)
    if date is None and "Ngày ban hành" in web:
        m = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})", web["Ngày ban hành"])
        date = dt.date(int(m[3]), int(m[2]), int(m[1])) if m else None

    # The copy stamp follows the original's signature; split the tail there.
    signer, after_signer = meta.parse_signer(layout.tail, text)
    copy_stamp = meta.parse_copy_stamp(layout.tail[after_signer:], text) if signer else None
    if signer is not None and signer.name is None and web.get("Người ký"):
        signer = dataclasses.replace(signer, name=web["Người ký"])
    elif signer is None and web.get("Người ký"):
        signer = Signer(web["Người ký"])

    preamble = meta.preamble_text(layout)
    organs = meta.header_organs(layout.header, text)
    if is_news:
        issuer = meta.news_source(layout)
    else:
        issuer = meta.find_issuer(preamble, organs) or _issuer_from_signature(signer, organs)

    title = layout.title
    if title and is_upper_line(title):
        title = title_case_vn(title, text)

    references = meta.find_references(body_text + "\n" + (title or ""), number)
    implements = meta.find_implemented(title, preamble, references, number) if number else ()

    body_start = layout.body[0].start if layout.body else 0
    body_end = layout.body[-1].end if layout.body else 0
    document = Document(
        doc_id=slug(number) if number else _doc_key(source, text),
        source=source,
        text=text,
        doc_number=number,
        doc_type=doc_type,
        issuer=issuer,
        date=date,
        place=place,
        title=title,
        signer=signer,
        implements=implements,
        references=tuple(references),
        copy_stamp=copy_stamp,
        format=fmt,
        body_start=body_start,
        body_end=body_end,
    )
    one_line_each = fmt == "docx"  # Word paragraphs are the author's own
    outline = parse_clauses(paragraphs(layout.body, one_line_each=one_line_each))
    outline += attachment_clauses(layout.tail, one_line_each=one_line_each)
    return ParsedDocument(document, outline, make_chunks(document, outline))


def _issuer_from_signature(signer: Signer | None, organs: list[str]) -> str | None:
    """ "T/M BAN THƯỜNG VỤ" under "QUẬN ỦY KIẾN AN" → "Ban Thường vụ Quận ủy Kiến An"."""
    organ = organs[-1] if organs else None
    if signer is None or not signer.on_behalf_of:
        return organ
    if organ is None or organ.lower().startswith(signer.on_behalf_of.lower()):
        return organ or signer.on_behalf_of
    return f"{signer.on_behalf_of} {organ}"


def _doc_key(source: str, text: str) -> str:
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{slug(Path(source).stem)[:40]}-{digest}"
