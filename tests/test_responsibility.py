"""Who must do what, read from the layout of any document, not from one file's wording."""

from __future__ import annotations

import pytest

from assistant.answering.premise import diverges
from assistant.answering.responsibility import ResponsibilityIndex
from assistant.documents.parser import parse_text
from assistant.search.bodies import body_key

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
