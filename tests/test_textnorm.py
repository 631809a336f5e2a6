from __future__ import annotations

import unicodedata

import pytest

from assistant.documents.textnorm import (
    canonical_tones,
    fold,
    folded_key,
    key,
    strip_markup,
    title_case_vn,
)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("hoà", "hòa"),
        ("khoá X", "khóa X"),
        ("Uỷ ban", "Ủy ban"),
        ("thuỷ", "thủy"),
        ("tuỳ", "tùy"),
        ("khoẻ", "khỏe"),
    ],
)
def test_one_tone_placement(written: str, canonical: str) -> None:
    assert canonical_tones(written) == canonical
    assert key(written) == key(canonical)


@pytest.mark.parametrize("word", ["quý", "hoàn", "khoảng", "thuyền", "hòa"])
def test_placement_left_alone_where_it_is_not_ambiguous(word: str) -> None:
    assert canonical_tones(word) == word


def test_nfd_input_gives_the_same_keys() -> None:
    text = "Ủy ban nhân dân thành phố Hà Nội"
    nfd = unicodedata.normalize("NFD", text)
    assert key(nfd) == key(text)
    assert folded_key(nfd) == folded_key(text) == "uy ban nhan dan thanh pho ha noi"


def test_fold_keeps_digits_and_codes() -> None:
    assert fold("Số 164/KH-UBND, đạt 2,5% trước 20/11") == "so 164/kh-ubnd, dat 2,5% truoc 20/11"


def test_strip_markup() -> None:
    assert strip_markup("### **III. NHIỆM VỤ, GIẢI PHÁP**") == "III. NHIỆM VỤ, GIẢI PHÁP"
    assert strip_markup("Số: 164/KH-UBND |") == "Số: 164/KH-UBND"
    assert strip_markup("\\*  ") == ""
    assert strip_markup("gương “*Người tốt*”") == "gương “Người tốt”"


def test_title_case_follows_the_document() -> None:
    body = "Ban Thường vụ Quận ủy yêu cầu. Kiến An, ngày 06 tháng 3. Văn phòng Quận ủy theo dõi."
    assert title_case_vn("QUẬN ỦY KIẾN AN", body) == "Quận ủy Kiến An"
    assert title_case_vn("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI") == "Ủy ban nhân dân thành phố Hà Nội"
    assert title_case_vn("ĐẢNG ỦY KHỐI CÁC CƠ QUAN TW") == "Đảng ủy Khối các cơ quan TW"
    reference = "Theo Kết luận số 44-KL/TW của Ban Bí thư khóa X về công tác."
    assert title_case_vn("KẾT LUẬN SỐ 44-KL/TW CỦA BAN BÍ THƯ KHÓA X", reference) == (
        "Kết luận số 44-KL/TW của Ban Bí thư khóa X"
    )
