"""Who must do what, read from the layout of any document, not from one file's wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.answer import answer
from assistant.answering.engine import open_engine
from assistant.answering.premise import diverges
from assistant.answering.responsibility import ResponsibilityIndex
from assistant.documents.parser import parse_text
from assistant.search.bodies import body_key
from assistant.settings import Settings

LAW = (
    "CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
    "Số: 999/2030/NĐ-CP\n\nNGHỊ ĐỊNH\nVỀ QUỸ THỬ NGHIỆM\n\n"
    "Điều 24. {title}\n"
    "1. Chủ trì xây dựng cơ chế tài chính cho Quỹ.\n"
    "2. Kiểm tra, đánh giá tình hình hoạt động của Quỹ.\n"
    "Điều 25. Trách nhiệm của các cơ quan khác\n"
    "1. Trách nhiệm của Ủy ban nhân dân cấp tỉnh:\n"
    "a) Bố trí quỹ đất;\n"
    "b) Báo cáo Chính phủ.\n"
    "2. Trách nhiệm của Ủy ban nhân dân cấp xã:\n"
    "a) Tuyên truyền, phổ biến chính sách;\n"
    "b) Thực hiện các nhiệm vụ khác.\n"
)


@pytest.mark.parametrize(
    "title",
    ["Trách nhiệm của Bộ Tài chính", "Nhiệm vụ, quyền hạn của Bộ Tài chính", "Bộ Tài chính"],
)
def test_an_article_titled_with_a_body_assigns_it_every_unit_below(title: str) -> None:
    parsed = parse_text("nd.txt", LAW.format(title=title))
    index = ResponsibilityIndex(parsed.chunks)
    by_id = {c.id: c for c in parsed.chunks}
    found = {by_id[a.chunk_id].clause_label for a in index.lookup(body_key("Bộ Tài chính"))}
    assert found == {"khoản 1 Điều 24", "khoản 2 Điều 24"}


def test_a_khoan_titled_with_a_body_assigns_it_its_points() -> None:
    parsed = parse_text("nd.txt", LAW.format(title="Trách nhiệm của Bộ Tài chính"))
    index = ResponsibilityIndex(parsed.chunks)
    by_id = {c.id: c for c in parsed.chunks}
    commune = {
        by_id[a.chunk_id].clause_label for a in index.lookup(body_key("Ủy ban nhân dân cấp xã"))
    }
    assert commune == {"điểm a khoản 2 Điều 25", "điểm b khoản 2 Điều 25"}


@pytest.mark.parametrize(
    ("asked", "n", "found", "other"),
    [
        ("uy ban nhan dan cap xa", 5, "uy ban nhan dan cap tinh", True),
        ("ubnd xa", 1, "ubnd tinh dak lak", True),
        ("bo cong thuong", 2, "bo cong an", True),
        ("hoi chu thap do quan kien an", 4, "hoi chu thap do cac cap", False),
        ("ubnd tinh", 1, "ubnd tinh dak lak", False),
    ],
)
def test_a_shorter_name_going_on_otherwise_is_another_body(
    asked: str, n: int, found: str, other: bool
) -> None:
    assert diverges(asked.split(), n, found) is other


DIRECTIVE = (
    "ỦY BAN NHÂN DÂN\nTỈNH THỬ NGHIỆM\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\nSố: 999/CT-UBND\nThử Nghiệm, ngày 01 tháng 02 năm 2030\n\n"
    "CHỈ THỊ\nVề thẩm định dự án đầu tư\n\n"
    "I. NHIỆM VỤ CỤ THỂ\n"
    "1. Sở Xây dựng\n"
    "- Thẩm định sự phù hợp của dự án với quy hoạch xây dựng.\n"
    "- Đánh giá khả năng đấu nối giao thông của dự án.\n"
    "2. Sở Tài chính\n"
    "- Thẩm định nguồn vốn và phương án tài chính của dự án.\n"
    "II. TỔ CHỨC THỰC HIỆN\n"
    "Các sở, ngành nghiêm túc thực hiện Chỉ thị này.\n\n"
    "CHỦ TỊCH\nNguyễn Văn A\n"
)


def test_another_bodys_items_are_no_answer_about_a_body_the_document_omits(
    tmp_path: Path,
) -> None:
    """'Sở Giáo dục … phải thẩm định những nội dung gì?' when the directive gives Sở Giáo dục
    nothing: the items under Sở Xây dựng are offered, never stated as its answer."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "ct.txt").write_text(DIRECTIVE, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", embedding_model="hashing")
    engine = open_engine(settings)
    a = answer(
        "Sở Giáo dục và Đào tạo phải thẩm định những nội dung gì theo Chỉ thị 999/CT-UBND?",
        engine=engine,
        llm=False,
    )
    assert a.abstained
    assert not any(s.kind == "fact" for s in a.statements)
    known = answer(
        "Sở Xây dựng phải thẩm định những nội dung gì theo Chỉ thị 999/CT-UBND?",
        engine=engine,
        llm=False,
    )
    assert not known.abstained
    assert "đấu nối giao thông" in known.text


@pytest.mark.parametrize(
    ("question", "bodies"),
    [
        ("Quận Kiến An muốn cán bộ, đảng viên làm gì?", []),
        ("Hải Phòng 10 năm qua làm nhân đạo được bao nhiêu tiền?", []),
        ("Kiến An và Từ Sơn giao Hội Chữ thập đỏ những việc gì?", ["hoi chu thap do"]),
        ("Giao Bộ Công an chủ trì việc gì?", ["bo cong an"]),
        # A head that makes a word with the syllable after it is that word, not a body.
        ("Công văn 5363/CT-CS do cơ quan nào ban hành?", []),
        ("Theo Quy chế ban hành kèm Quyết định 26, Sở Xây dựng chủ trì gì?", ["so xay dung"]),
        ("Hội nghị Trung ương giao gì?", []),
        ("bộ tư pháp phải làm gì", ["bo tu phap"]),  # "tư pháp" is the word: "Bộ …"
        # A name runs to a negation: "UBND tỉnh chưa ban hành …".
        ("Nếu UBND tỉnh chưa ban hành bảng giá thì sao?", ["uy ban nhan dan tinh"]),
    ],
)
def test_a_head_syllable_inside_a_word_opens_no_body(question: str, bodies: list[str]) -> None:
    """'cán bộ', 'Hải Phòng' are words of the Vietnamese word list, not 'Bộ …', 'Phòng …'; a
    capitalised name after a verb ('giao Hội …') still is a body."""
    from assistant.search.bodies import bodies_in_question

    assert bodies_in_question(question) == bodies
