"""What the fake model servers share: HTTP plumbing, reply scripts, failure modes.

The servers are stdlib ``ThreadingHTTPServer``s on ``127.0.0.1`` port 0, one thread
per connection, speaking HTTP/1.1 with chunked streaming bodies as real model
servers do. Chunked encoding matters: it is what lets a client tell a stream that
was cut (no terminating chunk) from one that ended, so "die mid-stream" surfaces
as the same ``RemoteProtocolError`` a crashed server causes.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HANG_S = 30.0
"""How long "never answer" and "stall" hold a connection; closing the server ends it early."""

_WORD = re.compile(r"\s*\S+")


def tokens(text: str) -> list[str]:
    """Split text the way a model streams it: one word per token, spaces in front."""
    return _WORD.findall(text)


@dataclass
class ToolCall:
    name: str
    arguments: dict[str, Any]
    id: str | None = None


@dataclass
class Reply:
    """What the model answers to one request, and how the server misbehaves doing it.

    Failure positions count the chunks already sent: ``die_after=3`` sends three
    chunks, then closes the connection without the final record.
    """

    tokens: list[str] = field(default_factory=lambda: tokens("Hello from the fake model."))
    thinking: list[str] = field(default_factory=list)
    tool_calls: list[ToolCall] = field(default_factory=list)
    token_delay: float = 0.0
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str | None = None
    die_after: int | None = None
    malformed_after: int | None = None
    error_after: int | None = None
    error_message: str = "model runner has unexpectedly stopped"
    stall_after: int | None = None
    hang: bool = False
    http_error: tuple[int, Any] | None = None

    @property
    def text(self) -> str:
        return "".join(self.tokens)


Script = Reply | Callable[[dict[str, Any]], Reply]
"""A fixed reply, or a function of the request body (so an agent loop can be scripted)."""


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    reply: Reply | None = None
    usage: tuple[int, int] | None = None
    """(prompt tokens, completion tokens) as the server reported them."""


def prompt_token_count(body: dict[str, Any]) -> int:
    """A deterministic stand-in for tokenizing the prompt: words plus 4 per message."""
    count = 0
    for message in body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, list):
            content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
        count += 4 + len(str(content or "").split())
    return count


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Handler threads of idle keep-alive connections wait for the client; close()
    # shuts their sockets instead of joining them.
    block_on_close = False

    def __init__(self, owner: FakeServer, handler: type[BaseHTTPRequestHandler]) -> None:
        self.owner = owner
        super().__init__(("127.0.0.1", 0), handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gives up (timeout, cancel) mid-answer is a normal event here.
        pass


class FakeHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    routes: dict[tuple[str, str], str] = {}

    def log_message(self, format: str, *args: Any) -> None:
        pass

    @property
    def fake(self) -> FakeServer:
        return self.server.owner

    def setup(self) -> None:
        super().setup()
        self.fake.connections.add(self.connection)

    def finish(self) -> None:
        self.fake.connections.discard(self.connection)
        super().finish()

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def _dispatch(self, method: str) -> None:
        path = self.path.split("?", 1)[0]
        body = self._read_body()
        record = RecordedRequest(
            method=method,
            path=path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        self.fake.requests.append(record)
        name = self.routes.get((method, path))
        try:
            if name is None:
                self.not_found(record)
            else:
                getattr(self, name)(record)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _read_body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if not length:
            return None
        raw = self.rfile.read(length)
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode("utf-8", "replace")

    def not_found(self, record: RecordedRequest) -> None:
        self.send_text(404, "404 page not found")

    # -- responses ---------------------------------------------------------------------

    def send_text(
        self, status: int, text: str, content_type: str = "text/plain; charset=utf-8"
    ) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_json(
        self, status: int, payload: Any, content_type: str = "application/json; charset=utf-8"
    ) -> None:
        self.send_text(status, json.dumps(payload), content_type)

    def start_stream(self, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()

    def send_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_stream(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def drop_connection(self) -> None:
        """Close the socket with the response unfinished, as a crashed server does."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)

    def scripted_reply(self, body: dict[str, Any], record: RecordedRequest) -> Reply | None:
        """The reply the test scripted for this request, or ``None`` when the script
        already dealt with it (an HTTP error sent, or a server that never answers)."""
        reply = self.fake.reply_for(body)
        record.reply = reply
        if reply.http_error is not None:
            status, payload = reply.http_error
            self.send_json(status, payload)
            return None
        if reply.hang:
            self.hang()
            return None
        return reply

    def hang(self) -> None:
        """Accept the request and never answer, until the test's server closes."""
        self.fake.stopping.wait(HANG_S)
        self.drop_connection()

    def play(
        self,
        reply: Reply,
        chunks: list[bytes],
        final: Iterable[bytes],
        *,
        malformed: bytes,
        error: bytes,
    ) -> None:
        """Send the streamed chunks with the reply's failure, if any, then the final records."""
        for index in range(len(chunks) + 1):
            if reply.die_after == index:
                self.drop_connection()
                return
            if reply.malformed_after == index:
                # Real corruption does not stop the stream; the client must notice it.
                self.send_chunk(malformed)
            if reply.error_after == index:
                self.send_chunk(error)
                self.end_stream()
                return
            if reply.stall_after == index:
                self.hang()
                return
            if index == len(chunks):
                break
            if reply.token_delay:
                self.fake.stopping.wait(reply.token_delay)
            self.send_chunk(chunks[index])
        for record in final:
            self.send_chunk(record)
        self.end_stream()


class FakeServer:
    """A fake model server running in a background thread until ``close()``."""

    handler_class: type[FakeHandler] = FakeHandler

    def __init__(self, script: Script | None = None) -> None:
        self.script: Script = script if script is not None else Reply()
        self.requests: list[RecordedRequest] = []
        self.connections: set[socket.socket] = set()
        self.stopping = threading.Event()
        self._ids = itertools.count(1)
        self._httpd = _Server(self, self.handler_class)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}:{self.port}",
            daemon=True,
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def reply_for(self, body: dict[str, Any]) -> Reply:
        script = self.script
        return script(body) if callable(script) else script

    def calls(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    def next_id(self) -> str:
        """A fresh id for a completion or a tool call (handlers run on many threads)."""
        return f"{next(self._ids):08x}"

    def close(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        for connection in list(self.connections):
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=2)

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
