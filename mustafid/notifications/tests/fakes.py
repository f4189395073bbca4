"""Real local servers standing in for the providers: they record what arrives and answer as told.

* `FakeHTTPServer` — a threaded HTTP server on 127.0.0.1 (a free port). Every request is kept as a
  `Received` (method, path, query, headers, raw body, and the body parsed as a form or as JSON).
  Answers are queued with `reply(status, json=…/body=…, delay=…)` and used in order; when none is
  queued, `default` answers. A `delay` longer than the client's timeout makes a timeout.
* `FakeSMTPServer` — an `aiosmtpd` server on 127.0.0.1 that keeps every message it accepts
  (envelope and the parsed e-mail), optionally requires a login, and can refuse recipients.
* `refused_url()` — an address where nothing listens: the connection is refused.

Nothing here mocks our code: the transports open real sockets to these servers.
"""

import json
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    method: str
    path: str
    query: dict
    headers: dict  # lower-cased names
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8")

    @property
    def form(self):
        """The body as application/x-www-form-urlencoded (UTF-8), one value per name."""
        return {name: values[-1] for name, values in urllib.parse.parse_qs(self.text, keep_blank_values=True).items()}

    @property
    def json(self):
        return json.loads(self.text)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    delay: float = 0.0


@dataclass
class FakeHTTPServer:
    default: Reply = field(default_factory=lambda: Reply(200, b"{}"))
    requests: list = field(default_factory=list)

    def __post_init__(self):
        self._replies = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-http", daemon=True
        )

    @property
    def url(self):
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def reply(self, status=200, *, json=None, body=None, content_type=None, delay=0.0):
        """Queue the next answer: `json` (encoded UTF-8) or raw `body` (str or bytes)."""
        if json is not None:
            body = _json_bytes(json)
        elif isinstance(body, str):
            body = body.encode("utf-8")
        reply = Reply(status, body or b"", content_type or "application/json; charset=utf-8", delay)
        with self._lock:
            self._replies.append(reply)
        return reply

    @property
    def last(self):
        return self.requests[-1]

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def _next_reply(self):
        with self._lock:
            return self._replies.pop(0) if self._replies else self.default


def _json_bytes(payload):
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def _handler_for(fake):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self._answer()

        def do_GET(self):
            self._answer()

        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parsed = urllib.parse.urlsplit(self.path)
            fake.requests.append(
                Received(
                    method=self.command,
                    path=parsed.path,
                    query=dict(urllib.parse.parse_qsl(parsed.query)),
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=body,
                )
            )
            reply = fake._next_reply()
            if reply.delay and fake._stopping.wait(reply.delay):
                return  # the test is over: drop the connection without an answer
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout) before the answer

        def log_message(self, format, *args):  # quiet in test output
            pass

    return Handler


def refused_url():
    """An http:// address on 127.0.0.1 where nothing listens (a port just released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list
    raw: bytes

    @property
    def message(self):
        """The e-mail parsed with the modern policy: headers decoded (RFC 2047), parts walkable."""
        return message_from_bytes(self.raw, policy=policy.default)

    def part(self, content_type):
        """The decoded text of the first part of that type, line ends as written (SMTP carries CRLF)."""
        for part in self.message.walk():
            if part.get_content_type() == content_type:
                return part.get_content().replace("\r\n", "\n")
        return None


class FakeSMTPServer:
    """`login` = (user, password) to require AUTH; `refuse_recipients` = "550 …" to refuse every RCPT."""

    def __init__(self, *, login=None, refuse_recipients=None):
        self.messages = []
        self.logins = []
        self.refuse_recipients = refuse_recipients
        self._login = login
        self.port = free_port()
        kwargs = {}
        if login is not None:
            # Plain-text AUTH on a local test server; Django logs in whenever a user and password are set.
            kwargs = {"authenticator": self._authenticate, "auth_require_tls": False}
        self._controller = Controller(_SMTPHandler(self), hostname="127.0.0.1", port=self.port, **kwargs)

    @property
    def last(self):
        return self.messages[-1]

    def start(self):
        self._controller.start()
        return self

    def stop(self):
        self._controller.stop()

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append(user)
        return AuthResult(success=(user, password) == self._login, handled=False)


class _SMTPHandler:
    """aiosmtpd's handler hooks (a separate object: aiosmtpd inspects every attribute of its handler)."""

    def __init__(self, fake):
        self.fake = fake

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.fake.refuse_recipients:
            return self.fake.refuse_recipients
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.fake.messages.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


def wait_until(condition, timeout=2.0):
    """Poll `condition` (servers answer on their own threads)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()
