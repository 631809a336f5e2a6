"""The LLM writer against a fake OpenAI-compatible server on 127.0.0.1: markers mapped back
to clauses, invented markers and unmarked sentences dropped, every failure a None."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from assistant.answering.citations import verify
from assistant.answering.engine import Engine
from assistant.answering.llm import LLM_CANNOT_ANSWER, LLMConfig, generate
from assistant.search.retrieval import SearchHit

QUESTION = "Sở Y tế phải làm gì?"


@dataclass
class FakeChatServer:
    """Answers every POST with the status and body the test chose, after an optional delay,
    and records what it was sent."""

    url: str
    status: int = 200
    body: bytes = b""
    delay_s: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def reply(self, content: str) -> None:
        completion = {
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
        }
        self.status, self.body = 200, json.dumps(completion, ensure_ascii=False).encode()


def _handler(fake: FakeChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            fake.requests.append(
                {
                    "path": self.path,
                    "headers": dict(self.headers),
                    "json": json.loads(self.rfile.read(length)),
                }
            )
            if fake.delay_s:
                fake.release.wait(fake.delay_s)  # set at teardown, so no thread outlives the test
            try:
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(fake.body)))
                self.end_headers()
                self.wfile.write(fake.body)
            except OSError:
                pass  # the client gave up (timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeChatServer]:
    for name in (
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ):
        monkeypatch.delenv(name, raising=False)  # the request must go straight to 127.0.0.1
    fake = FakeChatServer(url="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def hits(engine: Engine) -> list[SearchHit]:
    found = engine.searcher.search(QUESTION, k=5)
    assert len(found) >= 3
    return found


def config_for(fake: FakeChatServer, **overrides: Any) -> LLMConfig:
    return LLMConfig(base_url=fake.url, model="qwen2.5:7b-instruct", **overrides)


def test_good_reply_cites_the_clauses_and_survives_verification(
    fake_server: FakeChatServer, hits: list[SearchHit], engine: Engine
) -> None:
    fake_server.reply(
        "Sở Y tế chủ trì, phối hợp với Hội Chữ thập đỏ Thành phố chăm sóc sức khỏe ban đầu "
        "cho Nhân dân [1].\n"
        "- Vận động hiến máu, hiến mô, tạng theo quy định.[1][3]\n"
        "- Triển khai hợp tác quốc tế về công tác nhân đạo [2]."
    )
    answer = generate(QUESTION, hits, config_for(fake_server))
    assert answer is not None
    assert answer.intent == "llm" and not answer.abstained
    assert [s.citations for s in answer.statements] == [(1,), (1, 2), (3,)]
    assert answer.statements[0].text.endswith("cho Nhân dân.")
    assert answer.statements[1].text == "Vận động hiến máu, hiến mô, tạng theo quy định."
    assert all("[" not in s.text and s.kind == "fact" for s in answer.statements)
    # Citation numbers follow first use; each points at the clause the model was shown.
    assert [c.number for c in answer.citations] == [1, 2, 3]
    assert [c.chunk_id for c in answer.citations] == [
        hits[0].chunk.id,
        hits[2].chunk.id,
        hits[1].chunk.id,
    ]
    assert answer.citations[0].label == hits[0].chunk.label

    documents = {d.doc_id: d for d in engine.index.documents}
    checked = verify(answer, documents)
    assert checked.statements == answer.statements
    assert len(checked.citations) == 3
    for c in checked.citations:
        assert c.quote and documents[c.doc_id].text[c.start : c.end] == c.quote
    assert "[1]" in checked.text and "[3]" in checked.text


def test_invented_markers_are_stripped_and_their_sentences_dropped(
    fake_server: FakeChatServer, hits: list[SearchHit]
) -> None:
    fake_server.reply(
        "Sở Y tế chủ trì công tác chăm sóc sức khỏe ban đầu [1][9]. "
        "Sở Y tế được cấp 500 tỷ đồng theo Quyết định số 99/QĐ-UBND [9]."
    )
    answer = generate(QUESTION, hits, config_for(fake_server))
    assert answer is not None
    assert [(s.text, s.citations) for s in answer.statements] == [
        ("Sở Y tế chủ trì công tác chăm sóc sức khỏe ban đầu.", (1,))
    ]
    assert len(answer.citations) == 1
    assert "[9]" not in answer.text and "99/QĐ-UBND" not in answer.text


def test_a_sentence_without_markers_is_dropped(
    fake_server: FakeChatServer, hits: list[SearchHit]
) -> None:
    fake_server.reply(
        "Theo kế hoạch, Sở Y tế có nhiều nhiệm vụ quan trọng. "
        "Sở Y tế triển khai hợp tác quốc tế về công tác nhân đạo [2]. "
        "Đây là nhiệm vụ thường xuyên của ngành y tế."
    )
    answer = generate(QUESTION, hits, config_for(fake_server))
    assert answer is not None
    assert [s.text for s in answer.statements] == [
        "Sở Y tế triển khai hợp tác quốc tế về công tác nhân đạo."
    ]
    assert [c.chunk_id for c in answer.citations] == [hits[1].chunk.id]


def test_abbreviations_do_not_split_a_sentence(
    fake_server: FakeChatServer, hits: list[SearchHit]
) -> None:
    fake_server.reply("UBND TP. Hà Nội giao Sở Y tế chủ trì chăm sóc sức khỏe ban đầu [1].")
    answer = generate(QUESTION, hits, config_for(fake_server))
    assert answer is not None
    assert [s.text for s in answer.statements] == [
        "UBND TP. Hà Nội giao Sở Y tế chủ trì chăm sóc sức khỏe ban đầu."
    ]


def test_list_markers_bold_and_numbered_items(
    fake_server: FakeChatServer, hits: list[SearchHit]
) -> None:
    fake_server.reply(
        "Sở Y tế có các nhiệm vụ sau:\n"
        "1. **Chủ trì** chăm sóc sức khỏe ban đầu cho Nhân dân [1, 3].\n"
        "2. Hợp tác quốc tế về công tác nhân đạo [2]."
    )
    answer = generate(QUESTION, hits, config_for(fake_server))
    assert answer is not None
    assert [(s.text, s.citations) for s in answer.statements] == [
        ("Chủ trì chăm sóc sức khỏe ban đầu cho Nhân dân.", (1, 2)),
        ("Hợp tác quốc tế về công tác nhân đạo.", (3,)),
    ]


def test_a_reply_citing_nothing_falls_back(
    fake_server: FakeChatServer, hits: list[SearchHit]
) -> None:
    fake_server.reply("Sở Y tế phải làm nhiều việc. Xem thêm [7].")
    assert generate(QUESTION, hits, config_for(fake_server)) is None


@pytest.mark.parametrize(
    "reply",
    [
        LLM_CANNOT_ANSWER,
        f"“{LLM_CANNOT_ANSWER}”",
        f"<think>Không thấy.</think>\n{LLM_CANNOT_ANSWER}",
    ],
)
def test_the_abstention_phrase_abstains(
    fake_server: FakeChatServer, hits: list[SearchHit], reply: str
) -> None:
    fake_server.reply(reply)
    answer = generate(QUESTION, hits, config_for(fake_server))
    assert answer is not None
    assert answer.abstained and answer.intent == "llm"
    assert [(s.text, s.kind, s.citations) for s in answer.statements] == [
        (LLM_CANNOT_ANSWER, "note", ())
    ]
    assert answer.citations == ()


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, b'{"error": "model crashed"}'),
        (404, b"not found"),
        (200, b"{not json"),
        (200, b'{"choices": []}'),
        (200, b'{"choices": [{"message": {"content": null}}]}'),
        (200, b'{"choices": [{"message": {"content": "   "}}]}'),
        (200, b"\xff\xfe"),
    ],
)
def test_errors_and_garbled_replies_return_none(
    fake_server: FakeChatServer, hits: list[SearchHit], status: int, body: bytes
) -> None:
    fake_server.status, fake_server.body = status, body
    assert generate(QUESTION, hits, config_for(fake_server)) is None
    assert len(fake_server.requests) == 1


def test_a_slow_server_times_out_to_none(
    fake_server: FakeChatServer, hits: list[SearchHit]
) -> None:
    fake_server.reply("Sở Y tế chủ trì [1].")
    fake_server.delay_s = 3.0
    started = time.monotonic()
    assert generate(QUESTION, hits, config_for(fake_server, timeout_s=0.5)) is None
    assert time.monotonic() - started < 2.5


def test_no_hits_means_no_request(fake_server: FakeChatServer) -> None:
    assert generate(QUESTION, [], config_for(fake_server)) is None
    assert fake_server.requests == []


def test_the_request_carries_the_model_and_the_numbered_clauses(
    fake_server: FakeChatServer, hits: list[SearchHit]
) -> None:
    fake_server.reply(LLM_CANNOT_ANSWER)
    config = config_for(fake_server, api_key="sk-test", max_clauses=3)
    assert generate(QUESTION, hits, config) is not None
    [request] = fake_server.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    payload = request["json"]
    assert payload["model"] == "qwen2.5:7b-instruct" and payload["temperature"] == 0
    system, user = payload["messages"]
    assert (system["role"], user["role"]) == ("system", "user")
    assert LLM_CANNOT_ANSWER in system["content"] and "[1][3]" in system["content"]
    prompt = user["content"]
    assert QUESTION in prompt
    for number, hit in enumerate(hits[:3], start=1):
        assert f"[{number}] {hit.chunk.label}\n“" in prompt
    assert "[4]" not in prompt  # max_clauses bounds what the model sees
    assert "Chủ trì phối hợp với Hội Chữ thập đỏ Thành phố" in prompt


def test_no_authorization_header_without_a_key(
    fake_server: FakeChatServer, hits: list[SearchHit]
) -> None:
    fake_server.reply(LLM_CANNOT_ANSWER)
    generate(QUESTION, hits, config_for(fake_server))
    assert "Authorization" not in fake_server.requests[0]["headers"]


def test_config_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("BASE_URL", "MODEL", "API_KEY", "TIMEOUT"):
        monkeypatch.delenv(f"ASSISTANT_LLM_{name}", raising=False)
    assert LLMConfig.from_env() is None
    monkeypatch.setenv("ASSISTANT_LLM_BASE_URL", "http://127.0.0.1:11434/v1")
    assert LLMConfig.from_env() is None  # a model is required too
    monkeypatch.setenv("ASSISTANT_LLM_MODEL", "qwen2.5:7b-instruct")
    config = LLMConfig.from_env()
    assert config == LLMConfig("http://127.0.0.1:11434/v1", "qwen2.5:7b-instruct")
    assert config is not None and config.api_key is None and config.timeout_s == 20.0
    monkeypatch.setenv("ASSISTANT_LLM_API_KEY", "sk-secret")
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", "7.5")
    config = LLMConfig.from_env()
    assert config is not None and config.api_key == "sk-secret" and config.timeout_s == 7.5
    assert "sk-secret" not in repr(config)
    monkeypatch.setenv("ASSISTANT_LLM_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="ASSISTANT_LLM_TIMEOUT"):
        LLMConfig.from_env()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"base_url": "file:///etc/passwd"},
        {"timeout_s": 0},
        {"max_clauses": 0},
        {"model": " "},
    ],
)
def test_config_validates(kwargs: dict[str, Any]) -> None:
    values: dict[str, Any] = {"base_url": "http://127.0.0.1:8080/v1", "model": "m"} | kwargs
    with pytest.raises(ValueError):
        LLMConfig(**values)


# Through answer(): the LLM path is used when configured, and the offline answerer takes
# over on any failure or abstention.
def test_answer_uses_the_llm_when_configured(
    fake_server: FakeChatServer, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.answering.answer import answer

    monkeypatch.setenv("ASSISTANT_LLM_BASE_URL", fake_server.url)
    monkeypatch.setenv("ASSISTANT_LLM_MODEL", "fake-model")
    fake_server.reply("Hội Chữ thập đỏ tham gia vận động hiến máu nhân đạo [1]. Câu bịa [7].")
    result = answer("Hoạt động hiến máu nhân đạo được nói thế nào?", engine=engine)
    assert result.intent == "llm"
    assert len(result.statements) == 1 and "bịa" not in result.text
    documents = {d.doc_id: d.text for d in engine.index.documents}
    assert all(documents[c.doc_id][c.start : c.end] == c.quote for c in result.citations)


@pytest.mark.parametrize("reply", [None, LLM_CANNOT_ANSWER])
def test_answer_falls_back_offline(
    fake_server: FakeChatServer, engine: Engine, monkeypatch: pytest.MonkeyPatch, reply: str | None
) -> None:
    from assistant.answering.answer import answer

    monkeypatch.setenv("ASSISTANT_LLM_BASE_URL", fake_server.url)
    monkeypatch.setenv("ASSISTANT_LLM_MODEL", "fake-model")
    if reply is None:
        fake_server.status, fake_server.body = 500, b"{}"
    else:
        fake_server.reply(reply)
    result = answer("Hoạt động hiến máu nhân đạo được nói thế nào?", engine=engine)
    assert result.intent != "llm"
    assert result.citations or result.abstained
