"""Serves the built web/dist/ folder: the clinic's demo page with the widget, the widget
bundle and the rendered source page. The demo page is the only file with a setting
filled in when served: the assistant's URL, so tests and `make run` can use any port.

`python -m spine_assistant.website.static_server --port 8000 --assistant-url http://localhost:5005`
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from spine_assistant.knowledge.paths import PROJECT_ROOT

WEB_DIST = PROJECT_ROOT / "web" / "dist"
DEMO_PAGE = "index.html"
ASSISTANT_URL_PLACEHOLDER = "__ASSISTANT_URL__"


class WebHandler(SimpleHTTPRequestHandler):
    assistant_url = ""

    def do_GET(self) -> None:
        if self.path.split("?", 1)[0] in ("/", f"/{DEMO_PAGE}"):
            self._send_demo_page()
        else:
            super().do_GET()

    def _send_demo_page(self) -> None:
        page = (Path(self.directory) / DEMO_PAGE).read_text(encoding="utf-8")
        body = page.replace(ASSISTANT_URL_PLACEHOLDER, self.assistant_url).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the assistant's own logs are the ones worth reading."""


def make_server(host: str, port: int, assistant_url: str, directory: Path) -> ThreadingHTTPServer:
    if not (directory / DEMO_PAGE).exists():
        raise FileNotFoundError(f"{directory / DEMO_PAGE} is missing: run `make web`")
    handler = type("ConfiguredWebHandler", (WebHandler,), {"assistant_url": assistant_url})
    return ThreadingHTTPServer((host, port), partial(handler, directory=str(directory)))


@contextmanager
def serving_web(
    port: int, assistant_url: str, directory: Path = WEB_DIST, host: str = "127.0.0.1"
) -> Iterator[str]:
    """Serves in a background thread; yields the page's URL."""
    server = make_server(host, port, assistant_url, directory)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="localhost")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--assistant-url", default="http://localhost:5005")
    args = parser.parse_args()
    server = make_server(args.host, args.port, args.assistant_url, WEB_DIST)
    print(f"Open http://{args.host}:{args.port}/ (Ctrl-C stops).", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
