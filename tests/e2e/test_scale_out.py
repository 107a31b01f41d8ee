"""The scaled set-up (spine_assistant/serving/scaled.py): two Rasa servers behind nginx sharing
a PostgreSQL tracker store and a Redis lock store, driven concurrently over HTTP.

Installs postgresql, redis-server and nginx through scripts/install_debian_packages.sh
when missing, runs everything on free loopback ports in a temporary folder, and
removes processes and folder afterwards. Select or skip with `-m scale` / `-m "not scale"`.

Guarantee under test: every conversation's tracker holds exactly its own turns, each
complete (user message, the bot's answer, back to listening) and never interleaved
with another turn of the same conversation, whichever server took which turn. When a
server dies, turns it had not started go to the other server (nginx), a turn it was
running fails (502) and the client sends it again, as it does after a 504 or an empty
reply: the tracker then holds it once, or twice in a row when the dead server had
already stored it (never half of it). docs/scaling.md explains these guarantees.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import redis.asyncio

from evaluation.load import CONVERSATION
from spine_assistant.serving.scaled import ENDPOINTS as SCALED_ENDPOINTS
from spine_assistant.serving.scaled import (
    REDIS_DB,
    ScaledStack,
    rasa_environment,
    running_scaled_stack,
)
from tests.e2e.socket_visitor import SocketVisitor
from tests.unit.test_review_cli import run_review

pytestmark = [pytest.mark.model, pytest.mark.e2e, pytest.mark.scale]

CONVERSATIONS = 20
# Turns sent while a server holds the lock of the previous turn of the conversation
# (seen in Redis within LOCK_WAIT_S), so they queue behind it.
OVERLAPPED_TURNS = (3, 6)
LOCK_WAIT_S = 5
# A lock left by a killed server blocks its conversation this long (Rasa's default: 60 s),
# in the test that kills one. It must exceed the slowest turn under load: a turn waiting
# behind one that outlives the waiting turn's own ticket waits until Sanic's 60 s
# response timeout (a 503; Rasa's lock store never serves an expired ticket).
KILLED_LOCK_LIFETIME_S = "20"
REQUEST_TIMEOUT_S = 120
# More than Rasa's 1 s lock polling: a re-sent turn waiting behind the lock of a turn
# its dead server never released must find that lock expired before its own expires.
RETRY_PAUSE_S = 2
MAX_SENDS = 5


@dataclass
class Turn:
    message: str
    upstreams: list[str] = field(default_factory=list)  # nginx's X-Upstream per send
    answer: list[str] = field(default_factory=list)
    failed_sends: int = 0
    overlapped: bool = False
    first_sent_at: float = 0.0

    @property
    def server(self) -> str:
        """The Rasa server that answered (nginx lists every one it tried)."""
        return self.upstreams[-1].split(", ")[-1]


@dataclass
class Chat:
    sender: str
    turns: list[Turn]


def new_chats() -> list[Chat]:
    """Each conversation asks the load generator's 8 questions, in its own order."""
    return [
        Chat(
            sender=f"scale-{index}",
            turns=[Turn(message) for message in CONVERSATION[index:] + CONVERSATION[:index]],
        )
        for index in range(CONVERSATIONS)
    ]


@contextmanager
def scaled_stack(model: Path, lock_lifetime_s: str | None = None) -> Iterator[ScaledStack]:
    # Not pytest's tmp_path: /tmp/pytest-of-root is private, and PostgreSQL runs as
    # the postgres OS user, which must reach its folder.
    folder = Path(tempfile.mkdtemp(prefix="spine-scale-"))
    try:
        extra_env = {"TICKET_LOCK_LIFETIME": lock_lifetime_s} if lock_lifetime_s else {}
        with running_scaled_stack(model, folder, rasa_servers=2, extra_env=extra_env) as stack:
            yield stack
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def stack(trained_model: Path) -> Iterator[ScaledStack]:
    with scaled_stack(trained_model) as running:
        yield running


async def send(session: aiohttp.ClientSession, url: str, sender: str, turn: Turn) -> None:
    """POST one turn through nginx, and send it again when it failed: 502 (its server
    died), 504 (nginx gave up waiting), or an empty reply (Rasa's REST channel answers
    200 with no messages when the turn raised, e.g. its lock could not be had). Every
    message of this assistant gets an answer, so an empty reply is always a failure."""
    turn.first_sent_at = time.monotonic()
    for _ in range(MAX_SENDS):
        async with session.post(url, json={"sender": sender, "message": turn.message}) as reply:
            turn.upstreams.append(reply.headers.get("X-Upstream", ""))
            assert reply.status in (200, 502, 504), f"{reply.status}: {await reply.text()}"
            if reply.status == 200:
                turn.answer = [m["text"] for m in await reply.json() if m.get("text")]
                if turn.answer:
                    return
            turn.failed_sends += 1
        await asyncio.sleep(RETRY_PAUSE_S)
    raise AssertionError(f"{turn.message!r} failed {MAX_SENDS} times")


async def holds_lock(locks: redis.asyncio.Redis, sender: str, request: asyncio.Task[None]) -> bool:
    """Whether a Rasa server took the conversation's ticket lock for REQUEST (within
    LOCK_WAIT_S, before answering it)."""
    deadline = time.monotonic() + LOCK_WAIT_S
    while not request.done() and time.monotonic() < deadline:
        if await locks.exists(f"spine:lock:{sender}"):
            return True
        await asyncio.sleep(0.005)
    return False


async def hold_chat(
    session: aiohttp.ClientSession,
    locks: redis.asyncio.Redis,
    url: str,
    chat: Chat,
    overlapped_turns: tuple[int, ...],
) -> None:
    """Send each turn after the previous one is answered, as a chat widget does,
    except OVERLAPPED_TURNS: sent while a server holds the previous turn's lock."""
    index = 0
    while index < len(chat.turns):
        turn, following = chat.turns[index], index + 1
        if following in overlapped_turns and following < len(chat.turns):
            first = asyncio.create_task(send(session, url, chat.sender, turn))
            if await holds_lock(locks, chat.sender, first):
                chat.turns[following].overlapped = True
            else:
                await first
            await asyncio.gather(first, send(session, url, chat.sender, chat.turns[following]))
            index += 2
        else:
            await send(session, url, chat.sender, turn)
            index += 1


async def hold_chats(
    stack: ScaledStack, chats: list[Chat], overlapped_turns: tuple[int, ...] = ()
) -> None:
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    locks = redis.asyncio.Redis(
        host="127.0.0.1", port=stack.redis_port, db=REDIS_DB, password=stack.passwords.redis
    )
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            await asyncio.gather(
                *(hold_chat(session, locks, stack.webhook, c, overlapped_turns) for c in chats)
            )
    finally:
        await locks.close()


def stored_events(stack: ScaledStack, sender: str) -> list[dict[str, Any]]:
    with stack.postgres_connection() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        return [json.loads(data) for (data,) in cursor.fetchall()]


def stored_turns(stack: ScaledStack, sender: str) -> list[tuple[str, list[dict[str, Any]]]]:
    """The conversation's turns as PostgreSQL holds them: each user message with the
    events stored after it (the first also with the session notice), in the order the
    tracker store wrote them."""
    turns: list[tuple[str, list[dict[str, Any]]]] = []
    session_notice: list[dict[str, Any]] = []  # sent before the first message's answer
    for event in stored_events(stack, sender):
        if event["event"] == "user":
            turns.append((event["text"], [] if turns else session_notice))
        elif turns:
            turns[-1][1].append(event)
        elif event["event"] == "bot":
            session_notice.append(event)
    return turns


def assert_exact_tracker(stack: ScaledStack, chat: Chat) -> None:
    """Each stored turn is whole (answered, then back to listening, nothing of another
    turn inside) and carries the answer the client got; turns are in the order sent;
    only a re-sent turn may appear twice, back to back."""
    starts = [e for e in stored_events(stack, chat.sender) if e["event"] == "session_started"]
    assert len(starts) == 1, chat.sender
    stored = stored_turns(stack, chat.sender)
    for text, events in stored:
        names = [e.get("name") for e in events if e["event"] == "action"]
        assert names.count("action_listen") == 1 and names[-1] == "action_listen", (text, names)
    resent = {turn.message for turn in chat.turns if turn.failed_sends}
    texts = [text for text, _ in stored]
    kept = [i for i, t in enumerate(texts) if not (i and t == texts[i - 1] and t in resent)]
    assert [texts[i] for i in kept] == [turn.message for turn in chat.turns], chat.sender
    stored_answers = {
        stored[i][0]: [e["text"] for e in stored[i][1] if e["event"] == "bot" and e["text"]]
        for i in kept
    }
    for turn in chat.turns:
        if not turn.failed_sends:
            assert stored_answers[turn.message] == turn.answer, (chat.sender, turn.message)


async def test_concurrent_conversations_on_both_servers_keep_exact_trackers(
    stack: ScaledStack,
) -> None:
    chats = new_chats()
    await hold_chats(stack, chats, OVERLAPPED_TURNS)

    assert not [turn for chat in chats for turn in chat.turns if turn.failed_sends]

    servers = {turn.server for chat in chats for turn in chat.turns}
    assert servers == {url.removeprefix("http://") for url in stack.rasa_urls}
    on_both = [chat for chat in chats if len({turn.server for turn in chat.turns}) == 2]
    assert len(on_both) >= CONVERSATIONS // 2, "turns of one conversation should be spread"
    # The lock store at work: a turn that arrived at one server while another server
    # was still answering the previous turn of the same conversation waited for it.
    contended = [
        chat.turns[index]
        for chat in chats
        for index in OVERLAPPED_TURNS
        if chat.turns[index].overlapped and chat.turns[index].server != chat.turns[index - 1].server
    ]
    assert len(contended) >= 5, "too few turns waited for a lock held by the other server"
    for chat in chats:
        assert_exact_tracker(stack, chat)


def test_the_review_reads_the_postgresql_store(stack: ScaledStack, tmp_path: Path) -> None:
    """`make review` on the scaled set-up's conversations (after the test above)."""
    ports = {"actions": 0, "postgres": stack.postgres_port, "redis": stack.redis_port}
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    done = run_review(
        "--endpoints", str(SCALED_ENDPOINTS), "report",
        "--since", today, "--until", today, "--out", str(tmp_path),
        env=rasa_environment(ports, stack.passwords, {}),
    )  # fmt: skip
    assert f"{CONVERSATIONS} conversations" in done.stdout, done.stdout
    assert (tmp_path / "review.html").exists()


async def turns_stored(stack: ScaledStack, sender: str, count: int) -> None:
    """Wait until the tracker store holds COUNT answered turns of SENDER."""
    while True:
        turns = stored_turns(stack, sender)
        if len(turns) == count and any(e["event"] == "bot" for e in turns[-1][1]):
            return
        await asyncio.sleep(0.1)


async def test_socketio_session_stays_on_one_server(stack: ScaledStack) -> None:
    """socket.io over HTTP long-polling is many requests of one session, which lives in
    one server's memory: only sticky routing (ip_hash) lets them all find it."""
    messages = ["hello", "what are the symptoms?", "thanks"]
    visitor = SocketVisitor(stack.url, transports=["polling"], reconnection=False)
    # As the widget does: the channel hands out the session id (spine_assistant/channels/).
    session_id = await visitor.connect()
    try:
        for count, message in enumerate(messages, start=1):
            await visitor.client.emit(
                "user_uttered", {"message": message, "session_id": session_id}
            )
            await asyncio.wait_for(turns_stored(stack, session_id, count), REQUEST_TIMEOUT_S)
        await asyncio.wait_for(visitor.replies.get(), REQUEST_TIMEOUT_S)
    finally:
        await visitor.client.disconnect()
    assert [text for text, _ in stored_turns(stack, session_id)] == messages


def unread_requests(port: int) -> int:
    """Connections to PORT on loopback holding bytes its server has not read yet (from
    Linux's /proc/net/tcp: local address, state 01 = established, rx_queue)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        _, local, _, state, queues, *_ = line.split()
        if int(local.split(":")[1], 16) == port and state == "01":
            count += int(queues.split(":")[1], 16) > 0
    return count


async def kill_when(stack: ScaledStack, chats: list[Chat], answered_turns: int) -> float:
    """Once ANSWERED_TURNS turns are answered, freeze the second Rasa server (SIGSTOP)
    until nginx has sent it a turn it cannot read, then SIGKILL it; when. Killing it at
    a random moment sometimes found it idle (the faster server holds few turns), and
    then no turn was in flight: the freeze makes sure one is, beside any it was running."""
    while sum(1 for chat in chats for turn in chat.turns if turn.answer) < answered_turns:
        await asyncio.sleep(0.05)
    stack.processes["rasa-1"].send_signal(signal.SIGSTOP)
    port = int(stack.rasa_urls[1].rsplit(":", 1)[1])
    deadline = time.monotonic() + LOCK_WAIT_S
    while not unread_requests(port) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    stack.kill_rasa_server(1)
    return time.monotonic()


async def test_killing_a_server_mid_run_loses_no_conversation(trained_model: Path) -> None:
    chats = new_chats()
    total_turns = sum(len(chat.turns) for chat in chats)
    with scaled_stack(trained_model, KILLED_LOCK_LIFETIME_S) as stack:
        _, killed_at = await asyncio.gather(
            hold_chats(stack, chats), kill_when(stack, chats, answered_turns=total_turns // 4)
        )
        assert stack.processes["rasa-1"].returncode == -signal.SIGKILL
        in_flight = [t for chat in chats for t in chat.turns if t.failed_sends]
        assert in_flight, "no turn was in flight when the server died"
        assert all(stack.rasa_urls[1].endswith(t.upstreams[0]) for t in in_flight)
        sent_later = [t for chat in chats for t in chat.turns if t.first_sent_at > killed_at]
        assert len(sent_later) > total_turns // 2
        survivor = stack.rasa_urls[0].removeprefix("http://")
        assert {turn.server for turn in sent_later} == {survivor}
        for chat in chats:
            assert_exact_tracker(stack, chat)
