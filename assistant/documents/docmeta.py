"""All the metadata of one document, each field from the best evidence that has it.

The document's own header comes first; then its own text (the preamble naming the
issuing body, "… thông qua ngày …" for a law, the signature block); the web library's
metadata block only where the document says nothing. Nothing here knows a file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from assistant.documents import metadata as meta
from assistant.documents.header import (
    HeaderFields,
    doc_type_of_number,
    header_fields,
    needs_locality,
)
from assistant.documents.layout import DATELINE_RE, Layout, is_upper_line
from assistant.documents.signature import (
    adoption_date,
    distribution,
    effective_date,
    parse_copy_stamp,
    parse_signer,
)
from assistant.documents.textnorm import key, title_case_vn
from assistant.documents.webmeta import WebMeta, web_metadata
from assistant.types import CopyStamp, DocumentRef, Signer, issuer_locality

# Collective bodies that sign "T/M" for the body named in the header: the issuer is the
# collective of that body ("Ban Thường vụ Quận ủy Kiến An"), or the collective itself when
# the header names the whole Central Committee ("Ban Bí thư").
_COLLECTIVES = frozenset(
    key(w)
    for w in (
        "Ban Thường vụ",
        "Ban Bí thư",
        "Bộ Chính trị",
        "Thường trực",
        "Ban Chấp hành",
        "Ban Cán sự đảng",
        "Đảng đoàn",
    )
)
_WHOLE_COMMITTEE = frozenset(key(w) for w in ("Ban Chấp hành Trung ương",))


@dataclass(frozen=True)
class DocMeta:
    number: str | None
    doc_type: str
    issuer: str | None
    date: dt.date | None
    place: str | None
    title: str | None
    signer: Signer | None
    copy_stamp: CopyStamp | None
    references: tuple[DocumentRef, ...]
    implements: tuple[str, ...]
    effective_date: dt.date | None
    recipients: tuple[str, ...]
    copies_to: tuple[str, ...]
    header: HeaderFields
    web: WebMeta


def _with_collective(issuer: str | None, signer: Signer | None) -> str | None:
    """ "T/M BAN THƯỜNG VỤ" under "QUẬN ỦY KIẾN AN" → "Ban Thường vụ Quận ủy Kiến An"."""
    collective = signer.on_behalf_of if signer and signer.authority else None
    if not collective or key(collective) not in _COLLECTIVES:
        return issuer
    if issuer is None or key(issuer) in _WHOLE_COMMITTEE:
        return collective
    if key(issuer).startswith(key(collective)):
        return issuer
    return f"{collective} {issuer}"


def _web_number(web: WebMeta) -> str | None:
    if web.number and re.fullmatch(r"\d[\w/.-]*[/-][\w/.-]+", web.number):
        return web.number
    return None


def read_metadata(layout: Layout, text: str) -> DocMeta:
    head = header_fields(layout, text)
    web = web_metadata(layout.prefix + layout.tail + layout.suffix)
    body_text = "\n".join(line.clean for line in layout.body)
    tail_text = "\n".join(line.clean for line in layout.tail)

    number = head.number or _web_number(web)
    first_body = next((ln.clean for ln in layout.body if ln.clean), "")
    is_news = number is None and (
        DATELINE_RE.match(first_body) is not None or meta.news_source(layout) is not None
    )
    doc_type = (
        head.doc_type
        or web.doc_type
        or (doc_type_of_number(number) if number else None)
        or ("Tin bài" if is_news else "Văn bản")
    )

    place, date = head.place, head.date
    if date is None:
        date = adoption_date(body_text + "\n" + tail_text) or web.date

    # The copy stamp follows the original's signature; split the tail there.
    signer, after_signer = parse_signer(layout.tail, text)
    copy_stamp = parse_copy_stamp(layout.tail[after_signer:], text) if signer else None
    if signer is not None and signer.name is None and web.signer:
        signer = dataclasses.replace(signer, name=web.signer)
    elif signer is None and web.signer:
        signer = Signer(web.signer)

    preamble = meta.preamble_text(layout)
    organs = list(head.organs)
    if is_news:
        issuer = meta.news_source(layout)
    else:
        issuer = head.issuer
        if issuer and needs_locality(issuer) and len(organs) > 1:
            # "ĐẢNG BỘ TỈNH BẮC NINH" / "TỈNH ỦY": the body above names the place
            place_name = issuer_locality(organs[-2])
            issuer = f"{issuer} {place_name}" if place_name else issuer
        if issuer is None or needs_locality(issuer):
            issuer = meta.find_issuer(preamble, organs) or issuer
        issuer = _with_collective(issuer, signer) or web.issuer

    title = layout.title
    if title and is_upper_line(title):
        title = title_case_vn(title, text)
    references = meta.find_references(body_text + "\n" + (title or ""), number)
    implements = meta.find_implemented(title, preamble, references, number) if number else ()
    effective = effective_date(body_text + "\n" + tail_text, date) or web.effective_date
    return DocMeta(
        number=number,
        doc_type=doc_type,
        issuer=issuer,
        date=date,
        place=place,
        title=title,
        signer=signer,
        copy_stamp=copy_stamp,
        references=tuple(references),
        implements=implements,
        effective_date=effective,
        recipients=head.recipients,
        copies_to=distribution(layout.tail),
        header=head,
        web=web,
    )
