"""Question analysis on the real corpus: parts, what each asks, and the constraints."""

from __future__ import annotations

import pytest

from assistant.answering.analyse import analyse, asked_in
from assistant.documents.corpus import Corpus
from assistant.types import Document


@pytest.fixture(scope="module")
def documents(corpus: Corpus) -> list[Document]:
    return [p.document for p in corpus.documents]


def numbers(documents: list[Document], doc_ids: frozenset[str]) -> set[str | None]:
    return {d.doc_number for d in documents if d.doc_id in doc_ids}


def test_two_metadata_parts_share_the_document(documents: list[Document]) -> None:
    a = analyse("Công văn 1416 do ai ký và ký ngày nào?", documents)
    assert [p.asked for p in a.parts] == ["signer", "date"]
    assert all(numbers(documents, p.constraints.documents) == {"1416-CV/QU"} for p in a.parts)
    assert a.parts[1].text == "Công văn 1416 ký ngày nào?"


def test_date_and_implemented_plan(documents: list[Document]) -> None:
    a = analyse(
        "Kế hoạch 17-KH/TU ban hành ngày nào và thực hiện kế hoạch nào của Tỉnh ủy Bắc Ninh?",
        documents,
    )
    assert [p.asked for p in a.parts] == ["date", "implements"]
    # Bắc Ninh is named, but no document of the corpus is from there.
    assert a.parts[1].constraints.other_places == ("bac ninh",)


def test_one_copy_stamp_answers_both_parts(documents: list[Document]) -> None:
    a = analyse("Bản sao lục Kết luận 44 có số hiệu gì và do ai ký?", documents)
    assert [p.asked for p in a.parts] == ["copy_stamp"]


def test_signer_and_copy_signer(documents: list[Document]) -> None:
    a = analyse("Kết luận 44 do ai ký, còn bản sao lục do ai ký?", documents)
    assert [p.asked for p in a.parts] == ["signer", "copy_stamp"]


def test_two_figures_each_a_part(documents: list[Document]) -> None:
    a = analyse(
        "Hải Phòng đã trợ giúp bao nhiêu lượt đối tượng và tiếp nhận bao nhiêu đơn vị máu?",
        documents,
    )
    assert [p.asked for p in a.parts] == ["figure", "figure"]
    assert a.parts[1].text == "Hải Phòng tiếp nhận bao nhiêu đơn vị máu?"


def test_a_piece_without_a_cue_asks_for_content(documents: list[Document]) -> None:
    a = analyse("Kết luận 44 do cơ quan nào ban hành và được phổ biến đến đâu?", documents)
    # A piece with no cue of its own after a header fact is a question of the text.
    assert [p.asked for p in a.parts] == ["issuer", "content"]
    a = analyse(
        "Hải Phòng đã thành lập bao nhiêu câu lạc bộ hiến máu tình nguyện, điểm hiến máu cố "
        "định đặt ở đâu?",
        documents,
    )
    assert [p.asked for p in a.parts] == ["figure", "content"]
    assert a.parts[1].text == "Hải Phòng điểm hiến máu cố định đặt ở đâu?"


def test_the_copy_stamp_answers_its_own_date(documents: list[Document]) -> None:
    a = analyse("Bản Kết luận 44 là bản sao lục của cơ quan nào, số mấy, ngày nào?", documents)
    assert [p.asked for p in a.parts] == ["copy_stamp"]


def test_comparison_asks_each_document_in_the_order_named(documents: list[Document]) -> None:
    a = analyse(
        "So sánh cơ quan được giao giám sát việc thực hiện chính sách, pháp luật về hoạt động "
        "chữ thập đỏ ở Kiến An và trong Kết luận 44.",
        documents,
    )
    assert a.comparison
    assert [numbers(documents, p.constraints.documents) for p in a.parts] == [
        {"1416-CV/QU"},
        {"44-KL/TW"},
    ]
    assert not a.parts[0].text.startswith("So sánh")


def test_places_with_and_without_diacritics(documents: list[Document]) -> None:
    accented = analyse("Chỉ tiêu tỷ lệ … ở Từ Sơn là bao nhiêu?", documents).first.constraints
    assert accented.places == ("tu son",) and not accented.other_places
    plain = analyse("ty le co to chuc hoi o Tu Son la bao nhieu", documents).first.constraints
    assert plain.places == ("tu son",) and not plain.other_places
    elsewhere = analyse("Đà Nẵng triển khai Kết luận 44 như thế nào?", documents).first
    assert elsewhere.constraints.other_places == ("da nang",)


def test_documents_named_without_diacritics(documents: list[Document]) -> None:
    a = analyse("ke hoach 17 ban hanh ngay nao", documents)
    assert a.first.asked == "date"
    assert numbers(documents, a.first.constraints.documents) == {"17-KH/TU"}


def test_a_document_the_corpus_does_not_hold(documents: list[Document]) -> None:
    a = analyse("Nghị định 93/2021/NĐ-CP quy định gì về vận động quyên góp?", documents)
    assert a.first.constraints.unknown_documents
    assert not a.first.constraints.documents


def test_a_bare_body_asks_for_its_duties(documents: list[Document]) -> None:
    a = analyse("Còn Sở Tài chính?", documents)
    assert a.first.asked == "duty" and not a.first.explicit
    assert a.first.constraints.bodies == ("so tai chinh",)


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Ai ký bản sao lục Kết luận 44-KL/TW?", "copy_stamp"),
        ("Kết luận 44-KL/TW do cơ quan nào ban hành?", "issuer"),
        ("Kế hoạch 17 là văn bản của cơ quan nào?", "issuer"),
        # "cơ quan nào" asks for the issuer only with "ban hành" or as "của cơ quan nào".
        ("Những cơ quan nào là cơ quan đăng ký đầu tư theo Chỉ thị 010?", None),
        ("Cơ quan nào chủ trì tổ chức Tháng nhân đạo?", "duty"),
        # "xe máy" (a motorbike) folds to the letters of "mấy" (how many): no figure asked.
        ("Bảng giá ô tô, xe máy áp dụng bảng giá nào?", None),
        ("Có mấy nhân viên?", "figure"),
        ("Tỷ lệ dân số tham gia hiến máu là bao nhiêu?", "figure"),
        ("báo cáo trước ngày nào", "deadline"),
        ("Đoàn kiểm tra làm việc vào ngày nào?", "when"),
        ("Ai là Chủ tịch Hội Chữ thập đỏ thành phố Hải Phòng?", "person"),
        ("so tai chinh phai lam gi", "duty"),
        ("Mục đích của Kế hoạch 164 là gì?", None),
    ],
)
def test_what_is_asked(question: str, asked: str | None) -> None:
    found = asked_in(question)
    assert (found[0] if found else None) == asked


def _cong_van(number: str, issuer: str, place: str) -> Document:
    from assistant.documents.parser import parse_text

    text = (
        f"{issuer.upper()}\n-------\nSố: {number}\nV/v hướng dẫn thực hiện\n"
        f"{place}, ngày 21 tháng 11 năm 2025\nKính gửi: Các đơn vị.\n"
        "Đề nghị các đơn vị thực hiện.\nNơi nhận:\n- Như trên.\nKT. CỤC TRƯỞNG\nPHÓ CỤC TRƯỞNG\n"
        "Đào Thu Hương\n"
    )
    return parse_text(f"{number.replace('/', '-')}.txt", text).document


def test_a_cong_van_is_named_by_its_type_and_number() -> None:
    """A Công văn's code names its issuer ("37413/CHQ-NVTHQ"), not its type: "Công văn
    37413" names it, and is no document the corpus lacks."""
    from assistant.answering.analyse import unknown_numbers
    from assistant.search.retrieval import analyse_query

    held = [_cong_van("37413/CHQ-NVTHQ", "Cục Hải quan", "Hà Nội")]
    assert held[0].doc_type == "Công văn"
    assert unknown_numbers("Công văn 37413/CHQ-NVTHQ do ai ký?", held) == ()
    assert "§cv999" in unknown_numbers("Công văn 999/CHQ-NVTHQ do ai ký?", held)
    assert analyse_query("Công văn 37413 do ai ký?", tuple(held)).documents == {held[0].doc_id}
