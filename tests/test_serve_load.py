"""`factsheet serve` under load and faults, on loopback only, with bounded loops.

Several client threads send 2,000 requests while claims.yaml is rewritten over
and over (in place, which a build may catch half-written, and by rename): no
answer is a 5xx, and no page is partial. Clients that drop the connection in
the middle of a request or of an answer leave the server serving.
"""

from __future__ import annotations

import http.client
import os
import socket
import struct
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from builder.pipeline.preview import inject_script
from tests.conftest import copy_example
from tests.test_serve import Served, start, stop

CLIENTS = 8
REQUESTS = 2_000
PATHS = (
    "/",
    "/claims/dprk-killed/",
    "/claims/dprk-troops-total/",
    "/discrepancies/",
    "/about/",
    "/sources/eutoday-support-amid-ukraine-war/",
    "/static/style.css",
    "/claims.json",
    "/no/such/page/",
    "/claims/dprk-killed",
    "/extra/",
)
EXTRA = "---\ntitle: A page that comes and goes\n---\n\nNow you see it.\n"


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "desk")


def _rewrite(root: Path, stop_at: threading.Event, saves: list[str]) -> None:
    """Save claims.yaml again and again, alternating figures and two ways of saving, and add and remove a page
    (so that files the server is reading go away); at most 200 saves."""
    path = root / "claims.yaml"
    original = path.read_text()
    assert "value: about 400\n" in original
    for index in range(200):
        if stop_at.is_set():
            break
        text = original.replace("value: about 400\n", f"value: about {400 + index % 7}\n", 1)
        if index % 2:
            with path.open("r+") as stream:  # in place: a build may read it half-written
                stream.write(text)
                stream.truncate()
        else:
            temporary = root / ".claims.yaml.swp"
            temporary.write_text(text)
            os.replace(temporary, path)
        if index % 3 == 0:
            extra = root / "content" / "extra.md"
            extra.unlink() if extra.exists() else extra.write_text(EXTRA)
        saves.append(text)
        time.sleep(0.03)
    path.write_text(original)


def _client(served: Served, count: int, offset: int, outcomes: list[tuple[str, int, bool]]) -> None:
    for index in range(count):
        path = PATHS[(offset + index) % len(PATHS)]
        connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
        try:
            connection.request("GET", path, headers={"Host": f"127.0.0.1:{served.port}"})
            response = connection.getresponse()
            body = response.read()
            kind = response.getheader("Content-Type", "")
            page = kind.startswith("text/html") and response.status in (200, 404)
            complete = not page or body.rstrip().endswith(b"</html>")
            outcomes.append((path, response.status, complete))
        finally:
            connection.close()


def test_two_thousand_requests_while_the_data_is_rewritten(desk: Path) -> None:
    served = start(desk)
    outcomes: list[tuple[str, int, bool]] = []
    saves: list[str] = []
    stop_at = threading.Event()
    writer = threading.Thread(target=_rewrite, args=(desk, stop_at, saves))
    clients = [
        threading.Thread(target=_client, args=(served, REQUESTS // CLIENTS, n, outcomes)) for n in range(CLIENTS)
    ]
    started = time.monotonic()
    try:
        writer.start()
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=120)
        took = time.monotonic() - started
        stop_at.set()
        writer.join(timeout=30)
        assert served.process.poll() is None, served.output()
    finally:
        stop(served)
    statuses = Counter(status for _, status, _ in outcomes)
    print(
        f"{len(outcomes)} requests from {CLIENTS} threads in {took:.1f} s during {len(saves)} saves "
        f"and {len(served.rebuilds())} rebuilds: {dict(sorted(statuses.items()))}"
    )
    assert len(outcomes) == REQUESTS
    assert len(saves) >= 10 and served.rebuilds(), "the data was not rewritten while the requests ran"
    assert not [o for o in outcomes if o[1] >= 500], f"5xx answers: {statuses}"
    assert not [o for o in outcomes if not o[2]], "a partial page was served"
    assert set(statuses) <= {200, 301, 302, 404}, statuses
    assert "Traceback" not in served.output()


def _drop(port: int, request: bytes, read: int) -> None:
    """Send `request`, read `read` bytes of the answer, then reset the connection (no orderly close)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        if request:
            connection.sendall(request)
        if read:
            connection.recv(read)


def test_clients_that_disconnect_mid_request_or_mid_answer_leave_it_serving(desk: Path) -> None:
    served = start(desk)
    try:
        host = f"Host: 127.0.0.1:{served.port}\r\n".encode()
        whole = b"GET /claims.json HTTP/1.1\r\n" + host + b"\r\n"
        cases = [
            (whole, 16),  # the largest answer, dropped after its first bytes
            (b"GET /claims/dprk-killed/ HTTP/1.1\r\n" + host + b"\r\n", 1),
            (whole[:20], 0),  # half a request line
            (b"GET / HTTP/1.1\r\n" + host, 0),  # headers never finished
            (b"", 0),  # connected, said nothing
            (b"GET /livereload HTTP/1.1\r\n" + host + b"Upgrade: websocket\r\nConnection: Upgrade\r\n", 0),
        ]
        for _ in range(25):
            for request, read in cases:
                _drop(served.port, request, read)
        status, body = served.get("/claims/dprk-killed/")
        assert status == 200 and body.rstrip().endswith("</html>")
        assert served.process.poll() is None
    finally:
        assert stop(served) == 0
    assert "Traceback" not in served.output(), served.output()
    _policy_allows_the_reload_socket(body, desk)


def _policy_allows_the_reload_socket(body: str, desk: Path) -> None:
    """A served page's policy names the reload socket; the built page's names no socket at all."""
    meta = BeautifulSoup(body, "html.parser").find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None
    directives = {d.split()[0]: d.split()[1:] for d in meta["content"].split(";") if d.strip()}
    assert directives["connect-src"] == ["'self'", "ws:"]
    assert directives["script-src"][0] == "'self'", "the reload script is a file of the server: 'self'"
    on_disk = (desk / "site" / "claims" / "dprk-killed" / "index.html").read_text()
    assert "connect-src" not in on_disk, "the built site must not allow any socket"


def test_a_policy_that_names_its_own_sockets_is_left_alone() -> None:
    page = (
        b"<head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; connect-src 'none'\"></head>"
    )
    assert b"connect-src 'none'\"" in inject_script(page, 8000)
    assert inject_script(b"<p>no head</p>", 8000).endswith(b'<script src="/livereload.js?port=8000"></script>')
