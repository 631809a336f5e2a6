"""Answers on real documents of other kinds (../shared/documents/dev: a Luật, Nghị định,
Thông tư, Chỉ thị, Nghị quyết, a Party Quy định, a pháp điển page), behind the hashing fake
embedder: the structure and the metadata decide these answers, not the model."""

from __future__ import annotations

import re

import pytest

from assistant.answering.answer import answer
from assistant.answering.engine import Engine, open_engine
from assistant.settings import Settings
from tests.conftest import ROOT
from tests.shared_data import shared


@pytest.fixture(scope="module")
def real_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    settings = Settings(
        corpus_dir=shared("documents", "dev"),
        index_dir=tmp_path_factory.mktemp("real") / "index",
        models_dir=ROOT / "models",
        embedding_model="hashing",
    )
    return open_engine(settings)


@pytest.mark.parametrize(
    ("question", "label", "date"),
    [
        (
            "Nghị định 282/2025/NĐ-CP có hiệu lực thi hành từ ngày nào?",
            "khoản 1 Điều 69",
            "15 tháng 12 năm 2025",
        ),
        (
            "Nghị định 302/2025/NĐ-CP về Quỹ nhà ở quốc gia có hiệu lực từ ngày nào?",
            "khoản 1 Điều 27",
            "19 tháng 11 năm 2025",
        ),
        (
            "Nghị định 93/2019/NĐ-CP về quỹ xã hội, quỹ từ thiện có hiệu lực từ ngày nào?",
            "Nghị định số 93/2019/NĐ-CP",  # its Điều 49, or the compilation's note on an article
            "15 tháng 01 năm 2020|15/01/2020",
        ),
    ],
)
def test_the_effective_date_is_cited_from_the_clause_that_states_it(
    real_engine: Engine, question: str, label: str, date: str
) -> None:
    a = answer(question, engine=real_engine, llm=False)
    assert not a.abstained, a.text
    assert a.citations and label in a.citations[0].label, a.text
    assert re.search(date, a.citations[0].quote), a.text


def test_what_a_decree_replaces_is_cited_from_its_clause(real_engine: Engine) -> None:
    a = answer("Nghị định 282/2025/NĐ-CP thay thế nghị định nào?", engine=real_engine, llm=False)
    assert not a.abstained, a.text
    assert "144/2021/NĐ-CP" in a.text
    assert a.citations and "khoản 4 Điều 69" in a.citations[0].label, a.text


def test_a_date_wrapped_inside_a_web_pages_header_cell_is_quoted(real_engine: Engine) -> None:
    a = answer(
        "Nghị quyết 380/NQ-CP về khắc phục hậu quả thiên tai miền Trung được ban hành ngày nào?",
        engine=real_engine,
        llm=False,
    )
    assert not a.abstained, a.text
    assert re.fullmatch(r"Hà Nội, ngày 25\s+tháng 11 năm 2025", a.citations[0].quote)


def test_a_ministry_heading_a_list_of_duties_is_found_and_not_taken_for_another(
    real_engine: Engine,
) -> None:
    """ "b. Bộ Công Thương:" heads its duties; "Bộ Công" must never find Bộ Công an."""
    a = answer(
        "Bộ Công Thương có nhiệm vụ gì trong khắc phục hậu quả thiên tai theo Nghị quyết 380/NQ-CP?",
        engine=real_engine,
        llm=False,
    )
    assert not a.abstained, a.text
    assert a.text.startswith("Bộ Công Thương được giao nhiệm vụ")
    assert any("điểm b khoản 3 Mục II" in c.label for c in a.citations), a.text
    b = answer(
        "Bộ Nông nghiệp và Môi trường phải làm gì theo Nghị quyết 380/NQ-CP?", engine=real_engine
    )
    assert b.text.startswith("Bộ Nông nghiệp và Môi trường được giao nhiệm vụ"), b.text
    assert any("khoản 3 Mục III" in c.label for c in b.citations), b.text


def test_the_kind_asked_narrows_a_comparison_by_date(real_engine: Engine) -> None:
    """ "Luật nào …": a one-word kind of the official table, read as the kind asked."""
    a = answer("Trong kho, luật nào ban hành mới nhất?", engine=real_engine, llm=False)
    assert a.text.startswith("Ban hành muộn nhất: Luật An ninh mạng"), a.text
    assert answer("Kế hoạch nào mới nhất?", engine=real_engine, llm=False).abstained


def test_an_item_is_quoted_under_the_lead_it_completes(real_engine: Engine) -> None:
    """Who holds a power is said by the lead of its list ("Chủ tịch Ủy ban nhân dân cấp tỉnh
    có thẩm quyền:"), not by the item the search found ("a) … trong tỉnh;"): the lead is
    quoted above it, once, and cited."""
    a = answer(
        "Ai có thẩm quyền cấp giấy phép thành lập quỹ có phạm vi hoạt động trong tỉnh?",
        engine=real_engine,
        llm=False,
    )
    assert not a.abstained
    assert "Chủ tịch Ủy ban nhân dân cấp tỉnh có thẩm quyền:" in a.text
    lead = a.text.index("Chủ tịch Ủy ban nhân dân cấp tỉnh có thẩm quyền:")
    assert a.text.index("quỹ có phạm vi hoạt động trong tỉnh") > lead
    assert a.text.count("Chủ tịch Ủy ban nhân dân cấp tỉnh có thẩm quyền:") == 1
    assert any(c.quote.startswith("Chủ tịch Ủy ban nhân dân cấp tỉnh") for c in a.citations)
