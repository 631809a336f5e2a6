"""Metadata of the real documents in ../shared/documents/dev, as read from each file by hand.

Each expected value was written from reading the document itself (its header, its
signature block, its "có hiệu lực" article), not from the parser's output. The issuer is
the one the header names ("UBND" and "Ủy ban nhân dân" both fine).
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

import pytest

from assistant.documents.parser import parse_text
from assistant.documents.readers import read_source
from assistant.documents.textnorm import folded_key
from assistant.types import Document
from tests.shared_data import shared

# file prefix → (số hiệu, loại, cơ quan ban hành, ngày ban hành, người ký, nơi, hiệu lực)
EXPECTED: dict[str, tuple[str, str, str, dt.date, str, str, dt.date | None]] = {
    "01_luat_24-2018-QH14": (
        "24/2018/QH14",
        "Luật",
        "Quốc hội",
        dt.date(2018, 6, 12),
        "Nguyễn Thị Kim Ngân",
        "Hà Nội",
        dt.date(2019, 1, 1),
    ),
    "03_nghi-dinh_282-2025-ND-CP": (
        "282/2025/NĐ-CP",
        "Nghị định",
        "Chính phủ",
        dt.date(2025, 10, 30),
        "Phạm Minh Chính",
        "Hà Nội",
        dt.date(2025, 12, 15),
    ),
    "06_thong-tu_52-2025-TT-BYT": (
        "52/2025/TT-BYT",
        "Thông tư",
        "Bộ Y tế",
        dt.date(2025, 12, 31),
        "Nguyễn Thị Liên Hương",
        "Hà Nội",
        dt.date(2026, 2, 15),
    ),
    "07_nghi-dinh_302-2025-ND-CP": (
        "302/2025/NĐ-CP",
        "Nghị định",
        "Chính phủ",
        dt.date(2025, 11, 19),
        "Trần Hồng Hà",
        "Hà Nội",
        dt.date(2025, 11, 19),
    ),
    "09_chi-thi_010-CT-UBND": (
        "010/CT-UBND",
        "Chỉ thị",
        "Ủy ban nhân dân tỉnh Đắk Lắk",
        dt.date(2025, 11, 17),
        "Trương Công Thái",
        "Đắk Lắk",
        None,
    ),
    "11_nghi-quyet_380-NQ-CP": (
        "380/NQ-CP",
        "Nghị quyết",
        "Chính phủ",
        dt.date(2025, 11, 25),
        "Phạm Minh Chính",
        "Hà Nội",
        None,
    ),
    "13_quy-dinh-dang_383-QD-TW": (
        "383-QĐ/TW",
        "Quy định",
        "Ban Bí thư",
        dt.date(2025, 11, 19),
        "Trần Cẩm Tú",
        "Hà Nội",
        dt.date(2025, 11, 19),  # "có hiệu lực thi hành kể từ ngày ký"
    ),
}
# The signature blocks as written: authority, then titles.
SIGNER_TITLES = {
    "03_nghi-dinh_282-2025-ND-CP": "TM. Chính phủ, Thủ tướng",
    "07_nghi-dinh_302-2025-ND-CP": "TM. Chính phủ, KT. Thủ tướng, Phó Thủ tướng",
    "09_chi-thi_010-CT-UBND": "KT. Chủ tịch, Phó Chủ tịch",
    "13_quy-dinh-dang_383-QD-TW": "T/M Ban Bí thư",
}


def _dev_file(prefix: str) -> Path:
    dev = shared("documents", "dev")
    matches = sorted(dev.glob(prefix + "*"))
    assert matches, f"no file {prefix}* in {dev}"
    return matches[0]


@functools.cache
def _parse(prefix: str) -> Document:
    source = read_source(_dev_file(prefix))
    return parse_text(source.source, source.text, source.format).document


def _same_body(a: str | None, b: str) -> bool:
    """ "UBND tỉnh Đắk Lắk" and "Ủy ban nhân dân tỉnh Đắk Lắk" name the same body."""
    norm = (folded_key(x).replace("ubnd", "uy ban nhan dan") for x in (a or "", b))
    return next(norm) == next(norm)


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_dev_document_metadata(prefix: str) -> None:
    number, doc_type, issuer, date, signer, place, effective = EXPECTED[prefix]
    d = _parse(prefix)
    assert d.doc_number == number
    assert d.doc_type == doc_type
    assert _same_body(d.issuer, issuer), d.issuer
    assert d.date == date
    assert d.signer is not None and d.signer.name == signer
    assert d.place == place
    assert d.effective_date == effective


@pytest.mark.parametrize("prefix", sorted(SIGNER_TITLES))
def test_dev_signature_blocks(prefix: str) -> None:
    d = _parse(prefix)
    assert d.signer is not None
    assert folded_key(d.signer.display_title or "") == folded_key(SIGNER_TITLES[prefix])


def test_codification_page_parses_without_a_header() -> None:
    """A pháp điển page has no header of its own: no invented số hiệu, issuer or date."""
    d = _parse("08_phap-dien")
    assert d.issuer is None and d.date is None
