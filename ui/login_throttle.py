"""Failed logins slowed per client: FREE_FAILURES mistyped passwords in a row cost nothing (a
person mistyping once logs in at once); after the n-th failure beyond them a client must wait
BASE_DELAY · 2^(n-1) seconds (at most MAX_DELAY) before the next attempt is even checked; an
attempt made sooner gets 429 with the wait in `Retry-After`. Every failure is logged with the
client address. A successful login clears the client's count.

Pure ASGI middleware in front of Gradio's `POST /login`; every other request passes untouched.
The client is the connection's address: behind a reverse proxy every client shares one address,
so the proxy should throttle too (the README says to put one in front when serving a network).
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

log = logging.getLogger("ui.login")

FREE_FAILURES = 2
BASE_DELAY = 1.0
MAX_DELAY = 300.0
MAX_CLIENTS = 10_000  # remembered clients (oldest forgotten first): bounded memory


@dataclass
class _Client:
    failures: int = 0
    next_allowed: float = 0.0


class LoginThrottle:
    def __init__(self, app, clock=time.monotonic) -> None:
        self.app = app
        self.clock = clock
        self.clients: OrderedDict[str, _Client] = OrderedDict()
        self.lock = threading.Lock()

    def delay(self, failures: int) -> float:
        beyond = failures - FREE_FAILURES
        return min(MAX_DELAY, BASE_DELAY * 2 ** (beyond - 1)) if beyond > 0 else 0.0

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if scope["type"] != "http" or scope.get("method") != "POST" or not path.rstrip("/").endswith("/login"):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?", 0))[0]
        now = self.clock()
        with self.lock:
            state = self.clients.get(client)
            wait = state.next_allowed - now if state else 0.0
        if wait > 0:
            await _too_many(send, wait)
            return
        status: dict = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        self._record(client, status.get("code", 0))

    def _record(self, client: str, code: int) -> None:
        with self.lock:
            if 200 <= code < 300:
                self.clients.pop(client, None)
                return
            if code not in (400, 401, 403):
                return
            state = self.clients.pop(client, None) or _Client()
            state.failures += 1
            wait = self.delay(state.failures)
            state.next_allowed = self.clock() + wait
            self.clients[client] = state
            while len(self.clients) > MAX_CLIENTS:
                self.clients.popitem(last=False)
        log.warning("failed login from %s (%d in a row); next attempt accepted in %.0f s", client, state.failures, wait)


async def _too_many(send, wait: float) -> None:
    seconds = max(1, int(wait + 0.999))
    body = json.dumps({"detail": f"Đăng nhập sai quá nhiều lần; hãy thử lại sau {seconds} giây."},
                      ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"retry-after", str(seconds).encode()), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
