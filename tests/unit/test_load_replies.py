"""The load generator counts an empty reply as an error, unless the bot may stay silent."""

from __future__ import annotations

import asyncio

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from evaluation.load import Conversation, say


async def _say_to_a_silent_bot(may_stay_silent: bool) -> Conversation:
    async def silent(request: web.Request) -> web.Response:
        return web.json_response([])

    app = web.Application()
    app.router.add_post("/webhook", silent)
    conversation = Conversation("visitor", may_stay_silent=may_stay_silent)
    async with TestServer(app) as server, aiohttp.ClientSession() as session:
        await say(session, str(server.make_url("/webhook")), conversation, "thanks")
    return conversation


def test_an_empty_reply_is_an_error_for_this_project() -> None:
    conversation = asyncio.run(_say_to_a_silent_bot(may_stay_silent=False))
    assert conversation.errors == ["200: []"]
    assert conversation.answered == [] and conversation.latencies == []


def test_an_empty_reply_is_an_answered_turn_for_a_bot_that_may_stay_silent() -> None:
    conversation = asyncio.run(_say_to_a_silent_bot(may_stay_silent=True))
    assert conversation.errors == []
    assert conversation.answered == ["thanks"] and len(conversation.latencies) == 1
