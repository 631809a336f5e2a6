"""What documents say about each other: replaced, repealed, amended — and the note an
answer citing the older one carries."""

from __future__ import annotations

from assistant.documents.parser import parse_text
from assistant.documents.relations import find_relations, validity_notes

OLD = """ỦY BAN NHÂN DÂN
TỈNH NGHỆ AN
Số: 26/2019/QĐ-UBND
Nghệ An, ngày 05 tháng 3 năm 2019
QUYẾT ĐỊNH
Về mức hỗ trợ
Điều 1. Mức hỗ trợ là 2 triệu đồng mỗi người.
Điều 2. Quyết định này có hiệu lực từ ngày ký.
"""
NEW = """ỦY BAN NHÂN DÂN
TỈNH NGHỆ AN
Số: 88/2025/QĐ-UBND
Nghệ An, ngày 21 tháng 11 năm 2025
QUYẾT ĐỊNH
Về mức hỗ trợ
Căn cứ Quyết định số 12/2020/QĐ-UBND ngày 01/01/2020 bãi bỏ một số quy định;
Điều 1. Mức hỗ trợ là 3 triệu đồng mỗi người.
Điều 2. Quyết định này có hiệu lực kể từ ngày 01 tháng 12 năm 2025 và thay thế Quyết định số 26/2019/QĐ-UBND ngày 05 tháng 3 năm 2019 của Ủy ban nhân dân tỉnh.
"""


def test_replacement_is_found_with_its_clause_and_noted() -> None:
    docs = [parse_text("old.txt", OLD), parse_text("new.txt", NEW)]
    relations = find_relations([d.document for d in docs], [c for d in docs for c in d.chunks])
    assert len(relations) == 1
    rel = relations[0]
    assert (rel.kind, rel.older, rel.older_type) == ("thay thế", "26/2019/QĐ-UBND", "Quyết định")
    assert rel.label.startswith("Điều 2 Quyết định số 88/2025/QĐ-UBND")
    notes = validity_notes(["26/2019/QĐ-UBND", "88/2025/QĐ-UBND"], relations)
    assert [n.text for n in notes] == [
        "Lưu ý: Quyết định số 26/2019/QĐ-UBND đã được thay thế theo " + rel.label + "."
    ]
    assert validity_notes(["88/2025/QĐ-UBND"], relations) == ()


def test_a_base_that_amends_a_third_document_is_not_a_relation() -> None:
    doc = parse_text(
        "new.txt",
        NEW.replace("và thay thế", "và không thay đổi").replace(
            "Quyết định số 26/2019/QĐ-UBND", "một văn bản khác"
        ),
    )
    assert find_relations([doc.document], doc.chunks) == ()


def test_two_versions_of_one_number_are_noted() -> None:
    first = parse_text("a.txt", OLD)
    second = parse_text("b.txt", OLD.replace("2 triệu", "5 triệu"))
    from assistant.documents.corpus import versions

    found = versions([first.document, second.document])
    assert list(found) == ["26/2019/QĐ-UBND"]
    notes = validity_notes(["26/2019/QĐ-UBND"], (), found)
    assert len(notes) == 1 and "a.txt" in notes[0].text and "b.txt" in notes[0].text
