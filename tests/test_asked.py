"""What a question asks for: the role, the date's precision, the quantity counted."""

from __future__ import annotations

import pytest

from assistant.answering.asked import Role, figure_focus, holds_what_is_asked, role_asked


@pytest.mark.parametrize(
    ("question", "phrase", "body"),
    [
        ("Ai là Chủ tịch Hội Chữ thập đỏ thành phố Hải Phòng?", "chu tich hoi", "hoi chu"),
        ("Ai là Chủ tịch UBND quận Kiến An?", "chu tich uy", "uy ban"),
        ("Ai là Trưởng đoàn kiểm tra làm việc với Thành ủy Hải Phòng?", "truong doan", "doan kiem"),
        ("Trưởng Ban Dân vận Thành ủy là ai?", "truong ban", "ban dan"),
        ("Ai là thành viên của Ban Chỉ đạo?", "thanh vien ban", "ban chi"),
    ],
)
def test_role_asked(question: str, phrase: str, body: str) -> None:
    assert role_asked(question) == Role(phrase, body)


@pytest.mark.parametrize(
    "question", ["Ai là người ký Kế hoạch 164?", "Sở Y tế phải làm gì?", "AI là gì?"]
)
def test_no_role_asked(question: str) -> None:
    assert role_asked(question) is None


def test_a_person_question_needs_the_role_in_the_text() -> None:
    q = "Ai là Chủ tịch Hội Chữ thập đỏ thành phố Hải Phòng?"
    assert holds_what_is_asked(q, "Đồng chí Cao Thị Phượng, Chủ tịch Hội Chữ thập đỏ thành phố")
    assert not holds_what_is_asked(q, "Hội Chữ thập đỏ thành phố báo cáo tại cuộc làm việc")
    assert not holds_what_is_asked(q, "Đồng chí B, Chủ tịch Hội Nông dân quận phát biểu")


@pytest.mark.parametrize(
    ("question", "text", "holds"),
    [
        ("Đoàn làm việc vào năm nào?", "Chiều 3/12, Đoàn kiểm tra làm việc", False),
        ("Đoàn làm việc vào năm nào?", "Năm 2022, Đoàn kiểm tra làm việc", True),
        ("Đoàn làm việc vào ngày nào?", "Chiều 3/12, Đoàn kiểm tra làm việc", True),
        ("Đoàn làm việc vào ngày nào?", "Đoàn kiểm tra làm việc với Thành ủy", False),
        ("Đoàn kiểm tra làm gì?", "Đoàn kiểm tra làm việc với Thành ủy", True),
    ],
)
def test_a_date_question_needs_a_date_of_that_precision(
    question: str, text: str, holds: bool
) -> None:
    assert holds_what_is_asked(question, text) is holds


def test_figure_focus() -> None:
    # The noun before the copula: "phí thẩm định là bao nhiêu" counts a fee for appraisal.
    fee = figure_focus("Mức phí thẩm định là bao nhiêu?", ["phi", "tham", "dinh"])
    assert fee.all_of == ("tham", "dinh")
    people = figure_focus("đặt chỉ tiêu bao nhiêu người đăng ký hiến mô?", ["nguoi", "dang", "ky"])
    assert people.any_of == ("nguoi", "dang")
    assert not people.found_in("mỗi năm tiếp nhận được từ 800 - 1.400 đơn vị máu")
    assert people.found_in("phấn đấu 100 người đăng ký hiến mô, tạng")
    allowance = figure_focus("được hưởng phụ cấp bao nhiêu?", ["huong", "phu", "cap"])
    assert allowance.all_of == ("phu", "cap")
    assert not allowance.found_in("cấp thành phố bố trí từ 2-3 cán bộ chuyên trách")
    money = figure_focus("quỹ phải còn ít nhất bao nhiêu tiền?", ["quy", "tien"])
    assert money.found_in("số dư quỹ từ 20 triệu đồng trở lên")  # money is counted in đồng
    assert figure_focus("Từ Sơn phải đạt bao nhiêu?", ["son"]).all_of == ()  # a verb stops it
    assert figure_focus("Tỷ lệ là mấy phần trăm?", ["ty"]).found_in("anything")
