"""One public port in front of several Rasa processes: how the embedded set-up uses
every core without a web server to install.

Usage: python -m spine_assistant.serving.front --port 5005 --backend http://127.0.0.1:P1
       --backend http://127.0.0.1:P2 [--interface 0.0.0.0]

- REST requests (chat webhooks, feedback, the HTTP API) go to whichever Rasa server has
  a free slot (at most IN_FLIGHT at each; the others wait in order of arrival): a
  conversation's state is in the shared SQLite tracker store, and the SQLite lock store
  makes its turns wait for each other whichever server takes them.
- A socket.io session lives in the memory of the server that opened it. A WebSocket-only
  session (this project's widget) is one connection, so it goes to any server. A
  long-polling session (rasa-webchat starts with one) is many requests, each naming the
  session id (`sid`): the front notes which server answered the opening request and
  sends the session's later requests, and its upgrade to a WebSocket, there.
- A server that refuses the connection (stopped, restarting) is skipped; a request
  already sent is never re-sent: the client gets a 502 and may retry, as with nginx in
  the scaled set-up (deploy/nginx.conf.template).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import re
from collections import OrderedDict, deque
from collections.abc import Sequence

import aiohttp
from aiohttp import web

# a request body larger than the chat channels' own limit (1 MB, channels/validation.py)
# still reaches them, so they give their own 413; far larger ones get aiohttp's 413
MAX_BODY_BYTES = 2 * 1024 * 1024
IN_FLIGHT = 4  # REST requests at once per Rasa server (Slots); measured in docs/decisions.md
# a server that refused a connection is passed over this long (a restart takes seconds)
REFUSED_REST_S = 1.0
KNOWN_SESSIONS = 10_000  # socket.io sessions remembered, oldest forgotten first
# long-polling requests wait up to socket.io's ping interval (25 s) for news
UPSTREAM_TIMEOUT = aiohttp.ClientTimeout(total=None, sock_connect=5, sock_read=120)
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
}
_OPENED_SESSION = re.compile(rb'"sid"\s*:\s*"([^"]+)"')


class Router:
    """Which Rasa server gets a socket.io request (pure, so the unit tests check the rules)."""

    def __init__(self, backends: Sequence[str]) -> None:
        if not backends:
            raise ValueError("at least one backend")
        self.backends = list(backends)
        self._turn = itertools.cycle(range(len(self.backends)))
        self._sessions: OrderedDict[str, int] = OrderedDict()

    def order(self, query: dict[str, str]) -> list[int]:
        """The servers to try, in order: a known session's server only, else (a session
        opening) all, starting with the next in turn."""
        sid = query.get("sid")
        if sid:
            if sid in self._sessions:
                self._sessions.move_to_end(sid)
                return [self._sessions[sid]]
            # opened before the front started: every server would refuse it alike
            return [hash(sid) % len(self.backends)]
        first = next(self._turn)
        return [(first + shift) % len(self.backends) for shift in range(len(self.backends))]

    def opened(self, backend: int, body: bytes) -> None:
        """Notes the server of a socket.io session from its opening response."""
        match = _OPENED_SESSION.search(body[:2000])
        if match:
            self._sessions[match.group(1).decode("ascii", "replace")] = backend
            while len(self._sessions) > KNOWN_SESSIONS:
                self._sessions.popitem(last=False)


def _forwarded_headers(request: web.Request) -> dict[str, str]:
    headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
    forwarded_for = request.headers.get("X-Forwarded-For")
    client = request.remote or ""
    headers["X-Forwarded-For"] = f"{forwarded_for}, {client}" if forwarded_for else client
    return headers


def _bad_gateway() -> web.Response:
    return web.json_response(
        {"error": "The assistant is restarting. Please send your message again."}, status=502
    )


class Slots:
    """At most `per_server` REST requests in flight at each Rasa server; the others wait
    here in order of arrival. A Rasa process runs the NLU pipeline inside its event loop,
    so with many requests in flight a turn that waits for the action server resumes only
    after every other request's pipeline has run: the slowest turns took several times
    the median (reports/stock_baseline.md).

    A request goes to the server with the fewest in flight, the first such one on a tie:
    one visitor's turns stay on one process, whose caches are warm, instead of
    alternating (a turn took about 2 ms longer at the median when they alternated,
    docs/decisions.md); concurrent requests still spread over every server. A server
    that refused a connection (stopped, restarting) is passed over for REFUSED_REST_S,
    so the requests go to the others within their limit, not first to it."""

    def __init__(self, servers: int, per_server: int) -> None:
        self._in_flight = [0] * servers
        self._per_server = per_server
        self._resting_until = [0.0] * servers
        self._waiting: deque[asyncio.Future[int]] = deque()

    def _least_busy(self) -> int | None:
        now = asyncio.get_running_loop().time()
        servers = range(len(self._in_flight))
        # all refusing: try them all the same (one may be back)
        up = [server for server in servers if self._resting_until[server] <= now] or servers
        fewest = min(up, key=self._in_flight.__getitem__)
        return fewest if self._in_flight[fewest] < self._per_server else None

    async def take(self) -> int:
        server = None if self._waiting else self._least_busy()
        if server is not None:
            self._in_flight[server] += 1
            return server
        turn: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            return await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.give_back(turn.result())  # handed a slot just as the client left
            raise

    def give_back(self, server: int) -> None:
        self._in_flight[server] -= 1
        while self._waiting:
            turn = self._waiting.popleft()
            if turn.done():  # a client that left while waiting holds no turn
                continue
            chosen = self._least_busy()
            if chosen is None:  # the slot given back is a resting server's
                self._waiting.appendleft(turn)
                return
            self._in_flight[chosen] += 1
            turn.set_result(chosen)
            return

    def refused(self, server: int) -> None:
        self._resting_until[server] = asyncio.get_running_loop().time() + REFUSED_REST_S


class Front:
    def __init__(self, router: Router, in_flight: int) -> None:
        self.router = router
        self.in_flight = in_flight
        self.session: aiohttp.ClientSession | None = None
        self.slots: Slots | None = None

    async def start(self, app: web.Application) -> None:
        self.session = aiohttp.ClientSession(
            timeout=UPSTREAM_TIMEOUT,
            auto_decompress=False,
            connector=aiohttp.TCPConnector(limit=0, keepalive_timeout=30),
        )
        self.slots = Slots(len(self.router.backends), self.in_flight)

    async def stop(self, app: web.Application) -> None:
        if self.session is not None:
            await self.session.close()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.path.startswith("/socket.io"):
            order = self.router.order(dict(request.query))
            if request.headers.get("Upgrade", "").lower() == "websocket":
                return await self._websocket(request, order)
            return await self._first_answer(request, await request.read(), order)
        body = await request.read()
        assert self.slots is not None
        for _ in self.router.backends:
            server = await self.slots.take()
            try:
                response = await self._send(request, body, server)
            finally:
                self.slots.give_back(server)
            if response is not None:
                return response
            self.slots.refused(server)  # nothing was sent: another server may take it
        return _bad_gateway()

    async def _first_answer(
        self, request: web.Request, body: bytes, order: list[int]
    ) -> web.StreamResponse:
        for server in order:
            response = await self._send(request, body, server)
            if response is not None:
                return response
        return _bad_gateway()

    async def _send(self, request: web.Request, body: bytes, server: int) -> web.Response | None:
        """The server's answer; None when it refused the connection (nothing was sent)."""
        assert self.session is not None
        url = self.router.backends[server] + request.path_qs
        try:
            async with self.session.request(
                request.method,
                url,
                headers=_forwarded_headers(request),
                data=body or None,  # no Content-Length on a bodiless preflight
                allow_redirects=False,
            ) as upstream:
                payload = await upstream.read()
                headers = [
                    (k, v) for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP
                ]
        except aiohttp.ClientConnectorError:
            return None
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return _bad_gateway()
        if request.path.startswith("/socket.io") and "sid" not in request.query:
            self.router.opened(server, payload)
        response = web.Response(status=upstream.status, body=payload)
        for name, value in headers:
            response.headers.add(name, value)
        # which server answered (1, 2, …), as nginx's X-Upstream in the scaled set-up
        response.headers["X-Upstream"] = str(server + 1)
        return response

    async def _websocket(self, request: web.Request, order: list[int]) -> web.StreamResponse:
        """Opens the WebSocket to a server first, so a refusal (a page from another
        origin) reaches the client as the server's own status."""
        assert self.session is not None
        headers = {
            k: v
            for k, v in _forwarded_headers(request).items()
            if not k.lower().startswith("sec-websocket")
        }
        for backend in order:
            url = self.router.backends[backend] + request.path_qs
            try:
                upstream = await self.session.ws_connect(url, headers=headers, autoping=False)
            except aiohttp.ClientConnectorError:
                continue
            except aiohttp.WSServerHandshakeError as refused:
                return web.Response(status=refused.status, text=refused.message or "refused")
            except (aiohttp.ClientError, asyncio.TimeoutError):
                return _bad_gateway()
            try:
                client = web.WebSocketResponse(autoping=False, max_msg_size=MAX_BODY_BYTES)
                await client.prepare(request)
                await asyncio.gather(_pump(client, upstream), _pump(upstream, client))
                return client
            finally:
                await upstream.close()
        return _bad_gateway()


async def _pump(
    source: web.WebSocketResponse | aiohttp.ClientWebSocketResponse,
    target: web.WebSocketResponse | aiohttp.ClientWebSocketResponse,
) -> None:
    """Copies frames one way until either side closes, then closes the other."""
    try:
        async for message in source:
            if message.type == aiohttp.WSMsgType.TEXT:
                await target.send_str(message.data)
            elif message.type == aiohttp.WSMsgType.BINARY:
                await target.send_bytes(message.data)
            elif message.type == aiohttp.WSMsgType.PING:
                await target.ping(message.data)
            elif message.type == aiohttp.WSMsgType.PONG:
                await target.pong(message.data)
    except (ConnectionError, RuntimeError):
        pass
    finally:
        if not target.closed:
            await target.close()


def application(backends: Sequence[str], in_flight: int = IN_FLIGHT) -> web.Application:
    front = Front(Router(backends), in_flight)
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app.on_startup.append(front.start)
    app.on_cleanup.append(front.stop)
    app.router.add_route("*", "/{tail:.*}", front.handle)
    return app


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--interface", default="0.0.0.0")
    parser.add_argument("--backend", action="append", required=True, help="http://host:port")
    parser.add_argument(
        "--in-flight", type=int, default=IN_FLIGHT, help="REST requests at once per server"
    )
    arguments = parser.parse_args(argv)
    if arguments.in_flight < 1:
        parser.error("--in-flight must be at least 1")
    backends = [backend.rstrip("/") for backend in arguments.backend]
    print(f"Front on port {arguments.port} for {', '.join(backends)}", flush=True)
    web.run_app(
        application(backends, arguments.in_flight),
        host=arguments.interface,
        port=arguments.port,
        print=None,
        access_log=None,
    )


if __name__ == "__main__":
    main()
