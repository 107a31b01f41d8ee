"""Only the configured web page may talk to the assistant from a browser.

The assistant runs as `make run` runs it, allowing one origin (the demo page's): the
REST webhook answers CORS requests from it only, and the socket.io channel refuses to
open a session (WebSocket or polling) for any other origin.
"""

from __future__ import annotations

import pytest
import requests

from tests.e2e.conftest import Website

pytestmark = [pytest.mark.model, pytest.mark.e2e, pytest.mark.safety]

OTHER_ORIGIN = "http://evil.example"


def socketio_handshake(website: Website, origin: str) -> requests.Response:
    return requests.get(
        f"{website.assistant_url}/socket.io/",
        params={"EIO": "4", "transport": "polling"},
        headers={"Origin": origin},
        timeout=10,
    )


def test_socketio_accepts_the_page_origin_with_one_cors_header(website: Website) -> None:
    response = socketio_handshake(website, website.origin)

    assert response.status_code == 200, response.text
    assert '"sid"' in response.text
    assert response.raw.headers.getlist("Access-Control-Allow-Origin") == [website.origin]


def test_socketio_refuses_other_origins(website: Website) -> None:
    response = socketio_handshake(website, OTHER_ORIGIN)

    assert response.status_code == 400
    assert "not an accepted origin" in response.text


async def test_socketio_websocket_refuses_other_origins(website: Website) -> None:
    """Browsers do not apply CORS to WebSockets: the server itself must check the Origin."""
    import websockets

    url = (
        website.assistant_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    )
    async with websockets.connect(url, origin=website.origin) as accepted:  # type: ignore[arg-type]
        assert (await accepted.recv()).startswith("0{")  # engine.io's open packet
    with pytest.raises(websockets.InvalidStatusCode):
        async with websockets.connect(url, origin=OTHER_ORIGIN):  # type: ignore[arg-type]
            pass


def test_rest_webhook_allows_the_page_origin_only(website: Website) -> None:
    def preflight(origin: str) -> requests.Response:
        return requests.options(
            f"{website.assistant_url}/webhooks/rest/webhook",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
            timeout=10,
        )

    assert preflight(website.origin).headers.get("Access-Control-Allow-Origin") == website.origin
    assert "Access-Control-Allow-Origin" not in preflight(OTHER_ORIGIN).headers


def test_socketio_ignores_malformed_events(website: Website) -> None:
    """A session request or message that is not the expected object is dropped, and the
    server keeps answering."""
    import socketio

    client = socketio.Client()
    confirmed: list[str] = []
    client.on("session_confirm", confirmed.append)
    client.connect(
        website.assistant_url, headers={"Origin": website.origin}, transports=["polling"]
    )
    try:
        client.emit("session_request", "not an object")
        client.emit("user_uttered", ["not", "an", "object"])
        client.emit("user_uttered", {"message": "hello", "session_id": 12345})
        client.sleep(1)
    finally:
        client.disconnect()
    assert len(confirmed) == 1 and len(confirmed[0]) == 32
    assert requests.get(website.assistant_url, timeout=10).ok
