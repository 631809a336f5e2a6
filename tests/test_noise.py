"""Page furniture and split syllables leave the searchable text; spans keep indexing the raw text."""

from __future__ import annotations

import pytest

from assistant.documents.noise import (
    is_noise_line,
    is_syllable,
    noise_spans,
    searchable,
    split_syllable_spaces,
    within,
    without_noise,
)


def _page(number: int, body: list[str]) -> list[str]:
    return [" ", f"      CÔNG BÁO/Số 1583 + 1584/Ngày 17-11-2025   {number}  ", "  ", *body]


BODY = [
    "Điều 2. Đối tượng áp dụng",
    "1. Cá nhân, tổ chức có hành vi vi phạm hành chính trong lĩnh vực an ninh, tr ật tự,",
    "an toàn xã h ội; phòng, chống tệ nạn xã hội theo quy định của Nghị định này.",
    "2. Công dân Việt Nam thự c hiện hành vi vi phạ m quy định tại các điểm b và c khoản 1.",
    *[f"Dòng nội dung số {i} của văn bản, đủ dài để là một dòng văn bản." for i in range(12)],
]


def _gazette() -> str:
    lines = [*_page(2, ["VĂN BẢN QUY PHẠM PHÁP LUẬT", "CHÍNH PHỦ", *BODY])]
    for number in range(3, 7):
        lines += _page(number, BODY)
    lines += ["TM. CHÍNH PHỦ", "VĂN PHÒNG CHÍNH PHỦ XUẤT BẢN", "Địa chỉ: Số 1, Hoàng Hoa Thám"]
    return "\n".join(lines)


def test_gazette_headers_rubric_and_colophon_leave_the_searchable_text() -> None:
    text = _gazette()
    spans = noise_spans(text, "pdf")
    clean = without_noise(text, spans)
    assert "CÔNG BÁO" not in clean
    assert "VĂN BẢN QUY PHẠM PHÁP LUẬT" not in clean
    assert "XUẤT BẢN" not in clean and "Hoàng Hoa Thám" not in clean
    assert "TM. CHÍNH PHỦ" in clean and "Điều 2. Đối tượng áp dụng" in clean
    # Each header line reads as a blank line: paragraphs join across it as across a gap.
    start = text.index("      CÔNG BÁO")
    assert is_noise_line(spans, start, text.index("\n", start))
    body_line = text.index("Điều 2.")
    assert not is_noise_line(spans, body_line, text.index("\n", body_line))


def test_split_syllables_are_joined_in_the_searchable_text_only() -> None:
    text = _gazette()
    clean = without_noise(text, noise_spans(text, "pdf"))
    assert "an ninh, trật tự," in clean and "an toàn xã hội;" in clean
    assert "thực hiện hành vi vi phạm quy định" in clean
    assert "các điểm b và c khoản 1" in clean  # a letter naming an điểm stays a word
    assert "tr ật tự" in text  # the raw text, which spans index, is unchanged


def test_searchable_offsets_map_a_match_back_to_the_exact_raw_quote() -> None:
    text = _gazette()
    clean, offsets = searchable(text, noise_spans(text, "pdf"))
    assert len(clean) == len(offsets)
    a = clean.index("thực hiện hành vi vi phạm")
    b = a + len("thực hiện hành vi vi phạm")
    quote = text[offsets[a] : offsets[b - 1] + 1]
    assert quote == "thự c hiện hành vi vi phạ m"
    assert all(clean[i] == text[offsets[i]] for i in range(len(clean)))


def test_without_noise_of_a_part_of_the_text() -> None:
    text = "Căn cứ Luật Cảnh v ệ số 13/2017/QH14"
    spans = noise_spans(text, "pdf")
    assert spans == [(text.index(" ệ"), text.index(" ệ") + 1)]
    assert without_noise(text, spans, 7, 26) == "Luật Cảnh vệ số 13"
    assert without_noise(text, spans, 0, 5) == "Căn c"
    part = text[7:26]
    assert without_noise(part, within(spans, 7, 26)) == "Luật Cảnh vệ số 13"
    assert within(spans, 0, 5) == []


@pytest.mark.parametrize(
    ("text", "joined"),
    [
        ("vi phạ m", "vi phạm"),
        ("Ngh ị định", "Nghị định"),
        ("quy ền và quyền", "quyền và quyền"),  # both halves are syllables; the whole is written
        ("c ủa", "của"),
        ("bí m ật nhà nước", "bí mật nhà nước"),  # the lone "m" goes to the syllable it makes
        ("là m ức phạt", "là mức phạt"),
        ("và c ác cơ quan và các", "và các cơ quan và các"),
        ("các điểm a và c khoản 2", "các điểm a và c khoản 2"),
        ("cho ăn uống", "cho ăn uống"),  # two words, though "choăn" is well-formed
        ("và ở nơi", "và ở nơi"),
        ("CỘNG H ÒA", "CỘNG HÒA"),
        ("Hà N ội", "Hà Nội"),
        ("lần 1 0 năm", "lần 1 0 năm"),  # digits are not syllables
    ],
)
def test_split_syllable_rules(text: str, joined: str) -> None:
    assert without_noise(text, split_syllable_spaces(text)) == joined


def test_syllable_shapes() -> None:
    for word in ("phạm", "quyền", "nghiệp", "khuya", "ở", "Đường", "gì", "chuyển", "oanh"):
        assert is_syllable(word), word
    for word in ("tr", "m", "ngh", "vàở", "điểma", "cáccủa"):
        assert not is_syllable(word), word


def test_page_numbers_are_noise_but_headings_and_clauses_are_not() -> None:
    page = ["Nội dung của văn bản, một dòng đủ dài để đọc như văn bản thường."] * 14
    lines: list[str] = []
    for number in range(1, 6):
        lines += [f"Mục {number}", *page, " ", f"- {number} -", " "]
    text = "\n".join(lines)
    clean = without_noise(text, noise_spans(text, "pdf"))
    assert "- 3 -" not in clean
    assert all(f"Mục {n}" in clean for n in range(1, 6))


def test_text_formats_other_than_pdf_keep_everything_but_the_gazette_header() -> None:
    text = "1. Phạt tiền\n\n- 2 -\n\nvi phạ m\n\nCÔNG BÁO/Số 12/Ngày 01-02-2025 3\nĐiều 1."
    spans = noise_spans(text, "md")
    assert without_noise(text, spans) == text.replace("CÔNG BÁO/Số 12/Ngày 01-02-2025 3", "")


@pytest.mark.parametrize(
    ("line", "noise"),
    [
        ("0947 858 709", True),  # a telephone number
        ("(024) 3825 3536", True),
        ("3600400000000000100000200000000000000000", True),  # a web page's anchor id
        ("2028-2029", False),  # a table's cell: the years a plant runs
        ("1.300.000.000", False),  # a table's cell: an amount
    ],
)
def test_a_table_cell_of_numbers_is_no_site_noise(line: str, noise: bool) -> None:
    """A cell on a line of its own ended the annex it was in: the rest of the table of
    Quyết định 2634/QĐ-TTg (../shared/documents/bulk) was in no chunk."""
    from assistant.documents.layout import NOISE_LINE_RE

    assert bool(NOISE_LINE_RE.match(line)) is noise
