"""Word coverage of a question by a clause (``answering/relevance.py``): a plain word and
the official terms for it are one concept; money is a number written with "đồng"."""

from __future__ import annotations

from assistant.answering.asked import Focus
from assistant.answering.relevance import concepts, covered, enough


def test_a_plain_word_and_its_official_terms_count_once() -> None:
    asked = concepts("tiền tài trợ cho Hội phải quản lý ra sao?", [])
    money = next(c for c in asked if "tien" in c)
    assert {"kinh", "phi"} <= money  # "tiền" is asked as "kinh phí" too, as one concept
    assert not any("kinh" in c for c in asked if c is not money)
    clause = "quản lý tài chính, phân bổ nguồn lực tài trợ, bảo đảm kinh phí"
    assert covered(asked, clause) == len([c for c in asked if c & {"tien", "tro", "quan", "ly"}])
    assert enough(covered(asked, clause), asked)


def test_a_generic_word_is_asked_by_its_official_terms_alone() -> None:
    asked = concepts("Văn bản nào đặt chỉ tiêu về hiến máu?", [])
    assert any({"phan", "dau"} <= c for c in asked)  # "chỉ tiêu" as "phấn đấu đạt tỷ lệ"
    assert not any("chi" in c and "tieu" in c and len(c) == 2 for c in asked)


def test_money_is_a_number_and_dong_with_its_tone_marks() -> None:
    money = Focus(any_of=("tien",))
    assert money.found_in("số dư quỹ cấp cơ sở từ 20 triệu đồng trở lên")
    assert money.found_in("Phạt tiền từ 200.000 đồng đến 500.000 đồng")
    # "huy động" folds to the letters of "đồng": no amount of money
    assert not money.found_in("Huy động và sử dụng hiệu quả các nguồn lực ngân sách")


def test_a_bound_on_the_figure_asked_is_no_subject_word() -> None:
    asked = concepts("Quỹ cấp cơ sở phải có số dư ít nhất bao nhiêu tiền?", [])
    assert not any(c & {"it", "nhat"} for c in asked)
    assert any("quy" in c for c in asked)
