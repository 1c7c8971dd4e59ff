"""A scripted OpenAI-compatible server on loopback, for the ways real servers misbehave.

`answer(path, body) -> Answer` decides each reply: status, headers, body, and how slowly
to send it (a byte every `trickle` seconds). The server records every request it saw."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    body: str = ""
    headers: dict = field(default_factory=dict)
    trickle: float = 0.0  # seconds between bytes of the body
    delay: float = 0.0  # seconds before anything is sent


def completion(content: str, finish_reason: str = "stop") -> Answer:
    return Answer(200, json.dumps({
        "id": "x", "object": "chat.completion", "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                     "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}}),
        {"Content-Type": "application/json"})


def models(*names: str) -> Answer:
    return Answer(200, json.dumps({"object": "list", "data": [{"id": n, "object": "model"}
                                                              for n in names]}),
                  {"Content-Type": "application/json"})


class ScriptedServer:
    """ThreadingHTTPServer on 127.0.0.1 whose replies come from `answer`; use as a context
    manager. `seen` lists (path, parsed JSON body or None, monotonic time, headers)."""

    def __init__(self, answer, model: str = "m"):
        self.answer, self.model, self.seen = answer, model, []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, body_bytes):
                path = self.path
                body = json.loads(body_bytes) if body_bytes else None
                with server._lock:
                    server.seen.append((path, body, time.monotonic(), dict(self.headers)))
                if path.endswith("/models") and self.command == "GET":
                    answer = server.answer(path, body) if server.answer_models else models(server.model)
                else:
                    answer = server.answer(path, body)
                time.sleep(answer.delay)
                data = answer.body.encode("utf-8")
                try:
                    self.send_response(answer.status)
                    for key, value in answer.headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if answer.trickle:
                        for byte in data:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(answer.trickle)
                    else:
                        self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def do_GET(self):
                self._reply(b"")

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                self._reply(self.rfile.read(length))

        self.answer_models = False
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # a handler still trickling must not hold the exit
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def posts(self) -> list:
        """The chat requests seen, the script's json_schema probe left out: (prompt text,
        monotonic time, headers)."""
        return [(b["messages"][-1]["content"], t, h) for _, b, t, h in self.seen
                if b is not None and not is_probe(b)]


    def __enter__(self) -> "ScriptedServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def is_probe(body: dict) -> bool:
    """The one-token request ServerEngine.open() sends to see if json_schema is accepted."""
    return body.get("response_format", {}).get("json_schema", {}).get("name") == "probe"
