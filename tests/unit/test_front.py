"""The front: one port for several Rasa servers (spine_assistant/serving/front.py),
checked against small stand-in servers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from spine_assistant.serving.front import Router, Slots, application
from spine_assistant.serving.processes import free_port

POLLING = {"EIO": "4", "transport": "polling"}


def test_new_sessions_take_turns() -> None:
    router = Router(["http://a", "http://b"])
    firsts = [router.order(POLLING)[0] for _ in range(4)]
    assert firsts == [0, 1, 0, 1]
    assert sorted(router.order(POLLING)) == [0, 1], "the others as fallback"


def test_a_polling_session_stays_with_the_server_that_opened_it() -> None:
    router = Router(["http://a", "http://b", "http://c"])
    router.order(POLLING)  # move the turn on
    opener = router.order(POLLING)[0]
    router.opened(opener, b'0{"sid":"abc123","upgrades":["websocket"]}')
    for _ in range(5):
        assert router.order({**POLLING, "sid": "abc123"}) == [opener]
        upgrade = {"EIO": "4", "transport": "websocket", "sid": "abc123"}
        assert router.order(upgrade) == [opener]


def test_an_unknown_session_goes_to_one_server_only() -> None:
    router = Router(["http://a", "http://b"])
    assert len(router.order({**POLLING, "sid": "never-seen"})) == 1


def test_it_forgets_the_oldest_sessions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("spine_assistant.serving.front.KNOWN_SESSIONS", 2)
    router = Router(["http://a", "http://b"])
    for sid in ("one", "two", "three"):
        router.opened(1, f'0{{"sid":"{sid}"}}'.encode())
    assert set(router._sessions) == {"two", "three"}


def stand_in(name: str, busy: list[int] | None = None) -> web.Application:
    """A server that says who it is, echoes the body and opens socket.io sessions; with
    `busy`, it appends how many requests it holds at each arrival and takes 50 ms each."""
    holding = 0

    async def echo(request: web.Request) -> web.StreamResponse:
        nonlocal holding
        if busy is not None and request.path == "/slow":
            holding += 1
            busy.append(holding)
            await asyncio.sleep(0.05)
            holding -= 1
        if request.path.startswith("/socket.io") and request.headers.get("Upgrade"):
            if request.headers.get("Origin") != "http://allowed.example":
                return web.Response(status=400, text="origin refused")
            socket = web.WebSocketResponse()
            await socket.prepare(request)
            async for message in socket:
                await socket.send_str(f"{name}:{message.data}")
            return socket
        if request.path.startswith("/socket.io") and "sid" not in request.query:
            return web.Response(text=f'0{{"sid":"session-of-{name}"}}')
        if request.query.get("sid", "").startswith("session-of-") and not request.query[
            "sid"
        ].endswith(name):
            return web.Response(status=400, text="unknown session")
        body = await request.read()
        response = web.Response(body=name.encode() + b":" + body)
        response.headers.add("Access-Control-Allow-Origin", "http://allowed.example")
        return response

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


@pytest.fixture
async def front() -> AsyncIterator[tuple[str, list[TestServer]]]:
    servers = [TestServer(stand_in(name)) for name in ("one", "two")]
    for server in servers:
        await server.start_server()
    backends = [str(server.make_url("")).rstrip("/") for server in servers]
    front_server = TestServer(application(backends))
    await front_server.start_server()
    yield str(front_server.make_url("")).rstrip("/"), servers
    await front_server.close()
    for server in servers:
        await server.close()


async def test_it_forwards_requests_and_answers(front: tuple[str, list[TestServer]]) -> None:
    url, _ = front
    async with aiohttp.ClientSession() as session:
        answers = []
        for n in range(4):
            async with session.post(f"{url}/webhooks/rest/webhook", data=f"m{n}") as response:
                assert response.status == 200
                assert response.headers.getall("Access-Control-Allow-Origin") == [
                    "http://allowed.example"
                ]
                answers.append(await response.text())
    # one request at a time: all to the same (warm) server, not alternating
    assert answers == ["one:m0", "one:m1", "one:m2", "one:m3"]


async def test_concurrent_requests_spread_over_the_servers() -> None:
    slots = Slots(servers=2, per_server=4)
    taken = [await slots.take() for _ in range(4)]
    assert taken == [0, 1, 0, 1], "the least busy server, the first on a tie"
    slots.give_back(0)
    assert await slots.take() == 0


async def test_a_refusing_server_is_passed_over_for_a_while(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("spine_assistant.serving.front.REFUSED_REST_S", 0.05)
    slots = Slots(servers=2, per_server=1)
    server = await slots.take()
    slots.give_back(server)
    slots.refused(server)
    other = await slots.take()
    assert other != server, "the other server, though the refusing one is less busy"
    waiting = asyncio.create_task(slots.take())
    await asyncio.sleep(0)
    assert not waiting.done(), "the only server up is full: wait, not the refusing one"
    await asyncio.sleep(0.06)
    slots.give_back(other)
    assert await asyncio.wait_for(waiting, timeout=1) == server, "back after its rest"


async def test_a_client_that_leaves_while_waiting_holds_no_slot() -> None:
    slots = Slots(servers=1, per_server=1)
    assert await slots.take() == 0
    waiting = asyncio.create_task(slots.take())
    await asyncio.sleep(0)
    waiting.cancel()
    await asyncio.sleep(0)
    slots.give_back(0)
    assert await asyncio.wait_for(slots.take(), timeout=1) == 0


async def test_a_polling_session_reaches_its_server(front: tuple[str, list[TestServer]]) -> None:
    url, _ = front
    async with aiohttp.ClientSession() as session:
        for _ in range(3):
            async with session.get(f"{url}/socket.io/", params=POLLING) as opened:
                sid = (await opened.text()).split('"')[3]
            for _ in range(4):
                params = {**POLLING, "sid": sid}
                async with session.get(f"{url}/socket.io/", params=params) as response:
                    assert response.status == 200, await response.text()


async def test_a_websocket_is_relayed_and_a_refusal_passed_on(
    front: tuple[str, list[TestServer]],
) -> None:
    url, _ = front
    ws_url = f"{url}/socket.io/?EIO=4&transport=websocket"
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(ws_url, origin="http://allowed.example") as socket:
            await socket.send_str("hello")
            assert (await socket.receive_str()).endswith(":hello")
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(ws_url, origin="http://other.example")
    assert refused.value.status == 400


async def test_a_stopped_server_is_skipped(front: tuple[str, list[TestServer]]) -> None:
    url, servers = front
    await servers[0].close()
    async with aiohttp.ClientSession() as session:
        for _ in range(3):
            async with session.post(f"{url}/webhooks/rest/webhook", data="x") as response:
                assert (response.status, await response.text()) == (200, "two:x")
                assert response.headers["X-Upstream"] == "2"


async def test_each_server_holds_at_most_its_slots_the_rest_wait() -> None:
    arrivals: list[int] = []
    servers = [TestServer(stand_in(name, arrivals)) for name in ("one", "two")]
    for server in servers:
        await server.start_server()
    backends = [str(server.make_url("")).rstrip("/") for server in servers]
    front_server = TestServer(application(backends, in_flight=2))
    await front_server.start_server()
    try:
        async with aiohttp.ClientSession() as session:

            async def ask(n: int) -> str:
                async with session.post(front_server.make_url("/slow"), data=str(n)) as answer:
                    return await answer.text()

            answers = await asyncio.gather(*(ask(n) for n in range(20)))
    finally:
        await front_server.close()
        for server in servers:
            await server.close()
    assert sorted(answer.split(":")[1] for answer in answers) == sorted(map(str, range(20)))
    assert max(arrivals) == 2, "never more than 2 at once at one server, and both slots used"


async def test_no_server_at_all_is_a_502_with_a_message() -> None:
    front_server = TestServer(application([f"http://127.0.0.1:{free_port()}"]))
    await front_server.start_server()
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.post(front_server.make_url("/webhooks/rest/webhook")) as response,
        ):
            assert response.status == 502
            assert "send your message again" in (await response.json())["error"]
    finally:
        await front_server.close()


async def test_an_oversized_body_is_refused_with_413(front: tuple[str, list[TestServer]]) -> None:
    url, _ = front
    async with aiohttp.ClientSession() as session:
        body = b"x" * (3 * 1024 * 1024)
        async with session.post(f"{url}/webhooks/rest/webhook", data=body) as response:
            assert response.status == 413
