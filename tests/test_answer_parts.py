"""Questions of several parts, lists of bodies, and names as the documents write them."""

from __future__ import annotations

from assistant.answering.answer import answer
from assistant.answering.engine import Engine
from assistant.types import Answer
from tests.test_answer import assert_grounded


def ask(engine: Engine, question: str) -> Answer:
    return answer(question, engine=engine, llm=False)


def test_signer_and_date_both_answered(engine: Engine) -> None:
    a = ask(engine, "Công văn 1416 do ai ký và ký ngày nào?")
    assert not a.abstained
    assert "Bùi Thị Tuyết Mai" in a.text and "06/3/2023" in a.text
    assert len(a.citations) == 2
    assert_grounded(engine, a)


def test_metadata_facts_show_the_source_words(engine: Engine) -> None:
    a = ask(engine, "Kế hoạch 164 của UBND thành phố Hà Nội ban hành ngày nào?")
    assert "05/6/2023" in a.text
    assert "“Hà Nội, ngày 05 tháng 6 năm 2023”" in a.text
    assert_grounded(engine, a)


def test_the_trich_yeu_is_quoted_from_the_header(engine: Engine) -> None:
    """NĐ 30/2020/NĐ-CP's trích yếu ("V/v …" of a công văn, the title line of a kế hoạch)."""
    a = ask(engine, "Trích yếu của Công văn 1416 là gì?")
    assert not a.abstained and "V/v thực hiện Kết luận số 44-KL/TW" in a.text
    assert len(a.citations) == 1 and a.citations[0].doc_id == "1416-CV-QU"
    assert_grounded(engine, a)
    a = ask(engine, "tieu de cua ke hoach 17 la gi")
    assert "Thực hiện Kết luận số 44-KL/TW" in a.text
    assert_grounded(engine, a)


def test_a_bodys_paragraph_is_quoted_to_its_end(engine: Engine) -> None:
    """What a body is charged with runs from the sentence naming it to the paragraph's end
    (three sentences, 430 characters, in Công văn 1416)."""
    a = ask(engine, "UBND quận Kiến An được giao gì theo CV 1416?")
    assert "Bố trí nguồn lực và điều kiện phù hợp" in a.text
    assert_grounded(engine, a)


def test_assignees_of_a_named_part_of_the_document(engine: Engine) -> None:
    a = ask(engine, "Kết luận 44 giao nhiệm vụ cho những tổ chức nào trong phần tổ chức thực hiện?")
    assert "tại phần “tổ chức thực hiện”" in a.text
    assert "Ban Dân vận Trung ương (đoạn 5 khoản 5)" in a.text
    assert "Chính phủ (đoạn 1 khoản 2)" not in a.text  # khoản 2 is another part
    assert_grounded(engine, a)


def test_a_body_another_works_with_is_told_so(engine: Engine) -> None:
    """ "Phối hợp với Sở Lao động - Thương binh và Xã hội hướng dẫn …" under Sở Nội vụ's
    heading: listed for Sở Lao động, marked as its part in another body's duty."""
    a = ask(
        engine,
        "Sở Lao động - Thương binh và Xã hội Hà Nội được giao nhiệm vụ gì trong Kế hoạch 164?",
    )
    assert "khoản 2 Mục III:" in a.text  # its own clause, unmarked
    assert "gạch đầu dòng thứ hai khoản 4 Mục III (vai trò phối hợp)" in a.text
    assert "Kế hoạch bồi dưỡng, tập huấn" in a.text
    assert_grounded(engine, a)
    # named only as a partner there, it is not found by that alone
    b = ask(engine, "Hội Chữ thập đỏ quận Kiến An cần làm gì theo Công văn 1416?")
    assert "Hội Chữ thập đỏ các cấp phát huy vai trò nòng cốt" in b.text


def test_documents_compared_by_their_date(engine: Engine) -> None:
    a = ask(engine, "Trong các văn bản, văn bản nào ban hành sớm nhất và văn bản nào muộn nhất?")
    assert "Kết luận số 44-KL/TW, ngày 14/11/2022" in a.text
    assert "Kế hoạch số 164/KH-UBND, ngày 05/6/2023" in a.text
    assert_grounded(engine, a)
    # the kind asked narrows the comparison; a kind the corpus lacks is not answered
    assert "Kế hoạch số 17-KH/TU" in ask(engine, "Kế hoạch nào ban hành trước nhất?").text
    assert ask(engine, "Nghị định nào mới nhất?").abstained


def test_the_copy_names_its_signer(engine: Engine) -> None:
    a = ask(engine, "Ai ký bản sao lục Kết luận 44-KL/TW?")
    assert "Đinh Xuân Tùng" in a.text and "Võ Văn Thưởng" not in a.text
    assert_grounded(engine, a)


def test_signer_and_copy_signer(engine: Engine) -> None:
    a = ask(engine, "Kết luận 44 do ai ký, còn bản sao lục do ai ký?")
    assert "Võ Văn Thưởng" in a.text and "Đinh Xuân Tùng" in a.text
    assert_grounded(engine, a)


def test_which_departments_a_plan_gives_work_to(engine: Engine) -> None:
    a = ask(engine, "Kế hoạch 164 giao nhiệm vụ cho những sở nào?")
    assert not a.abstained
    for name in ("Sở Y tế", "Sở Tài chính", "Sở Ngoại vụ", "Sở Nội vụ"):
        assert f"- {name} (" in a.text
    assert "Ban Dân vận" not in a.text  # a sở question lists only sở
    assert_grounded(engine, a)


def test_two_figures_of_one_question(engine: Engine) -> None:
    a = ask(
        engine, "Hải Phòng đã trợ giúp bao nhiêu lượt đối tượng và tiếp nhận bao nhiêu đơn vị máu?"
    )
    assert "959.561" in a.text and "291.686" in a.text
    assert_grounded(engine, a)


def test_an_unaccented_name_is_shown_as_written(engine: Engine) -> None:
    a = ask(engine, "bo noi vu phai lam gi")
    assert a.abstained
    assert "Bộ Nội vụ" in a.text and "bo noi vu" not in a.text


def test_another_place_is_not_answered_with_this_one(engine: Engine) -> None:
    a = ask(engine, "Mỗi năm Đà Nẵng phấn đấu tiếp nhận bao nhiêu đơn vị máu?")
    assert a.abstained
    assert "Đà Nẵng" in a.text.splitlines()[0]
    assert all(s.kind != "fact" for s in a.statements)


def test_a_place_the_evidence_names_is_answered(engine: Engine) -> None:
    a = ask(engine, "Kế hoạch 17-KH/TU thực hiện kế hoạch nào của Tỉnh ủy Bắc Ninh?")
    assert not a.abstained and "87-KH/TU" in a.text


def test_each_part_shows_its_features_in_json(engine: Engine) -> None:
    from assistant.schema import answer_json

    a = ask(engine, "Công văn 1416 do ai ký và ký ngày nào?")
    parts = answer_json(a)["parts"]
    assert [p["asked"] for p in parts] == ["signer", "date"]
    assert all(p["answered"] for p in parts)
    assert set(parts[0]["features"]) >= {"coverage", "place_ok", "asked_present"}


def test_figures_are_compared_by_value() -> None:
    from assistant.answering.premise import echo, missing_figures

    assert missing_figures("phạt 1 tỷ đồng?", ["mức phạt 1.000.000.000 đồng"]) == []
    assert missing_figures("đạt 2.5% dân số?", ["đạt 2,5% dân số"]) == []
    assert missing_figures("phạt 1 tỷ đồng?", ["mức phạt 500 triệu đồng"]) == ["1 tỷ đồng"]
    assert missing_figures("năm 2025 có bao nhiêu?", ["không có"]) == []  # a year is no figure
    assert echo("Sở Y t\u0435") == "" and echo("x" * 200).endswith("…")


def test_a_line_wrapped_inside_a_sentence_does_not_end_it() -> None:
    """PDF and web text break lines inside sentences; the quote keeps the whole sentence
    ("… đôn đốc, tổ\nchức thực hiện …"), while an item, an article or a title still starts
    its own. Where each line is a paragraph (Word), a heading stays above its body."""
    from assistant.answering.citations import sentence_spans

    wrapped = (
        "Bộ trưởng Bộ Công an có trách nhiệm hướng dẫn, kiểm tra, đôn đốc, tổ\n"
        "chức thực hiện Nghị định này và báo cáo cấp trên cùng với Chủ tịch\n"
        "UBND tỉnh.\n"
        "a) Điểm mới\n"
        "2. Khoản mới với nội dung được viết dài cho đến lề phải của trang\n"
        "giấy, rồi xuống dòng.\n"
        "Điều 6. Điều mới\n"
        "Các cơ quan, đơn vị có trách nhiệm tổ chức thực hiện nghiêm túc và\n"
        "hiệu quả các nội dung của văn bản này, trong phạm vi được giao.\n"
    )
    quoted = [wrapped[s:e] for s, e in sentence_spans(wrapped, 0, len(wrapped))]
    assert quoted[0].startswith("Bộ trưởng")
    assert quoted[0].endswith("Chủ tịch\nUBND tỉnh.")
    assert "a) Điểm mới" in quoted
    assert not any("Điểm mới\n2" in q or "xuống dòng.\nĐiều" in q for q in quoted)
    lines = "6. Sở Y tế\nChủ trì, phối hợp thực hiện.\n7. Sở Tài chính\nBố trí kinh phí.\n"
    quoted = [lines[s:e] for s, e in sentence_spans(lines, 0, len(lines))]
    assert "Chủ trì, phối hợp thực hiện." in quoted


def test_a_document_the_corpus_does_not_hold_is_said_to_be_absent(engine: Engine) -> None:
    """A question about a numbered document the corpus does not hold is not answered with
    another document's clause; nearby clauses are only offered."""
    a = ask(engine, "Nghị định 93/2021/NĐ-CP quy định gì về vận động quyên góp?")
    assert a.abstained
    assert "Kho văn bản không có văn bản số “93/2021/NĐ-CP”" in a.text
    assert not any(s.kind == "fact" for s in a.statements)
    assert_grounded(engine, a)
