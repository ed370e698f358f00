"""`factsheet serve` as an editor uses it: a real server process, real files, real HTTP and websocket on 127.0.0.1."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from tornado.httpclient import HTTPClientError, HTTPRequest
from tornado.websocket import websocket_connect

from builder import progress
from tests.conftest import copy_example
from tests.test_cli import read_terminal

WAIT = 60.0
"""Seconds: the bound on every wait for the server to react. Each wait ends as soon as what it waits for
happens; the bound is generous so that a busy two-core machine never turns a test red."""
CLAIM = "claims/dprk-killed/"
UNRELATED = "claims/russian-drone-attacks-may-2024/index.html"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    root: Path
    port: int
    process: subprocess.Popen[str]
    lines: list[str]

    def get(self, path: str, host: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.putrequest("GET", path, skip_host=True)
            connection.putheader("Host", host or f"127.0.0.1:{self.port}")
            connection.endheaders()
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def figure(self) -> str:
        status, body = self.get("/" + CLAIM)
        assert status == 200
        soup = BeautifulSoup(body, "html.parser")
        headline = soup.select_one(".headline-figure")
        return headline.get_text(strip=True) if headline else soup.h1.get_text(strip=True)

    def wait_for(self, condition: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if condition():
                return
            time.sleep(0.05)
        pytest.fail(f"gave up after {WAIT} s waiting for {what}; server said: {self.output()}")

    def output(self) -> str:
        return "".join(self.lines)

    def rebuilds(self) -> list[str]:
        return [line for line in self.lines if line.startswith("changed ")]


def _read(process: subprocess.Popen[str], lines: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)


def launch(root: Path, *args: str, stderr: int = subprocess.STDOUT) -> Served:
    """`factsheet serve` started, its output read as it comes; it may not be serving yet."""
    import threading

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "builder", "serve", "--root", str(root), "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []
    threading.Thread(target=_read, args=(process, lines), daemon=True).start()
    return Served(root, port, process, lines)


def start(root: Path, *args: str, stderr: int = subprocess.STDOUT, wait: float = WAIT) -> Served:
    """`factsheet serve` started and serving (on the port it said), within `wait` seconds."""
    served = launch(root, *args, stderr=stderr)
    process = served.process
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        match = re.search(r"Serving .* at http://[^:]+:(\d+)/", served.output())
        if match:
            served.port = int(match[1])
            return served
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}: {served.output()}")
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"serve did not start: {served.output()}")


def stop(served: Served) -> int:
    if served.process.poll() is None:
        served.process.send_signal(signal.SIGINT)
        try:
            served.process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            served.process.kill()
            pytest.fail("serve did not stop on SIGINT")
    return served.process.returncode


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    return copy_example(tmp_path / "desk")


@pytest.fixture
def served(desk: Path) -> Iterator[Served]:
    server = start(desk)
    yield server
    stop(server)


def edit(root: Path, old: str, new: str, how: str = "in place") -> None:
    path = root / "claims.yaml"
    text = path.read_text()
    assert old in text
    text = text.replace(old, new, 1)
    if how == "in place":
        with path.open("r+") as stream:
            stream.write(text)
            stream.truncate()
    elif how == "rename":  # vim, VS Code, JetBrains: write a temporary file, then rename it over
        temporary = root / ".claims.yaml.swp"
        temporary.write_text(text)
        os.replace(temporary, path)
    elif how == "delete and create":
        path.unlink()
        time.sleep(0.01)  # some editors do this, within a millisecond; well inside one step
        path.write_text(text)


@pytest.mark.parametrize("how", ["in place", "rename", "delete and create"])
def test_every_kind_of_save_updates_the_page_once(served: Served, how: str) -> None:
    assert served.figure() == "about 400 killed"
    untouched = served.root / "site" / UNRELATED
    before = untouched.stat().st_mtime_ns
    edit(served.root, "value: about 400\n", "value: about 450\n", how)
    served.wait_for(lambda: served.figure() == "about 450 killed", "the new figure")
    # The page is written first, the rebuild's line comes after it: wait for that line, not for a time.
    served.wait_for(lambda: bool(served.rebuilds()), "the rebuild's line")
    time.sleep(0.5)  # room for a second, unwanted rebuild (a loop on our own output) to show
    assert len(served.rebuilds()) == 1, served.output()
    assert "claims.yaml" in served.rebuilds()[0]
    assert untouched.stat().st_mtime_ns == before, "a page that shows nothing of the edit was rewritten"
    # One claim's figure changed: its page was written before the whole rebuild.
    assert any(line.startswith(f"wrote {CLAIM}index.html first") for line in served.lines), served.output()


def test_many_files_at_once_is_one_rebuild(served: Served) -> None:
    about = served.root / "content" / "about.md"
    methodology = served.root / "content" / "methodology.md"
    about.write_text(about.read_text().replace("This is an example site", "This is a demonstration site"))
    methodology.write_text(methodology.read_text() + "\nOne more line.\n")
    edit(served.root, "value: about 400\n", "value: about 460\n")
    served.wait_for(lambda: served.figure() == "about 460 killed", "the new figure")
    served.wait_for(lambda: bool(served.rebuilds()), "the rebuild's line")
    time.sleep(0.5)  # room for a second, unwanted rebuild to show
    assert len(served.rebuilds()) == 1, served.output()
    assert all(name in served.rebuilds()[0] for name in ("about.md", "methodology.md", "claims.yaml"))


def test_broken_file_shows_the_problems_and_fixing_brings_the_site_back(served: Served) -> None:
    original = (served.root / "claims.yaml").read_text()
    edit(served.root, "value: about 400\n", "value: about 400 or so\n")
    line = original.split("value: about 400\n")[0].count("\n") + 1

    def error_shown() -> bool:
        status, body = served.get("/" + CLAIM)
        return status == 200 and "could not be built" in body

    served.wait_for(error_shown, "the error page")
    problems = [li.get_text() for li in BeautifulSoup(served.get("/")[1], "html.parser").select("ol.problems li")]
    assert len(problems) == 1
    assert problems[0].startswith(f"claims.yaml:{line}:")
    assert "'about 400 or so' is not a figure" in problems[0]
    assert (served.root / "site" / CLAIM / "index.html").read_text().count("about 400 killed") >= 1
    edit(served.root, "value: about 400 or so\n", "value: about 470\n")
    served.wait_for(lambda: served.figure() == "about 470 killed", "the site to come back")


def test_a_site_that_cannot_be_written_is_shown_as_a_failed_build_not_a_404(desk: Path) -> None:
    (desk / "site").write_text("not a folder\n")  # as a full disk would, the write fails
    served = start(desk)
    try:
        status, body = served.get("/")
        assert status == 200
        problems = [li.get_text() for li in BeautifulSoup(body, "html.parser").select("ol.problems li")]
        assert len(problems) == 1 and problems[0].startswith("site:1:1: error: ") and "is not a folder" in problems[0]
        served.wait_for(lambda: "the build failed" in served.output(), "the failed build's line")
        (desk / "site").unlink()
        edit(desk, "value: about 400\n", "value: about 500\n")
        served.wait_for(lambda: served.figure() == "about 500 killed", "the site, once it can be written")
    finally:
        stop(served)


def test_error_page_escapes_what_the_editor_wrote(served: Served) -> None:
    edit(served.root, "value: about 400\n", "value: <script>alert(1)</script>\n")
    served.wait_for(lambda: "could not be built" in served.get("/")[1], "the error page")
    soup = BeautifulSoup(served.get("/")[1], "html.parser")
    assert [s.get("src") for s in soup.find_all("script")] == [f"/livereload.js?port={served.port}"]
    assert "<script>alert(1)</script>" in soup.select_one("ol.problems").get_text()


@pytest.mark.parametrize(
    "path",
    [
        "/../claims.yaml",
        "/%2e%2e/claims.yaml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/%252e%252e/claims.yaml",
        "/..%5cclaims.yaml",
        "/..\\claims.yaml",
        "/static/../../claims.yaml",
        "/claims/..%2f..%2fclaims.yaml",
        "//etc/passwd",
        "/claims.yaml",
        "/content/about.md",
        "/forcereload",
        "/claims/",
    ],
)
def test_nothing_but_the_output_is_served(served: Served, path: str) -> None:
    status, body = served.get(path)
    assert status == 404, f"{path} answered {status}"
    assert "site:" not in body and "root:" not in body


def test_symlink_leading_outside_is_not_followed(served: Served) -> None:
    secret = served.root.parent / "secret.txt"
    secret.write_text("not for the browser")
    (served.root / "site" / "leak.txt").symlink_to(secret)
    status, body = served.get("/leak.txt")
    assert status == 404 and "not for the browser" not in body


def test_folder_urls_serve_index_and_pages_carry_the_reload_script(served: Served) -> None:
    status, body = served.get("/claims/dprk-killed")
    assert status == 302 or status == 301
    status, body = served.get("/" + CLAIM)
    reload_script = f"/livereload.js?port={served.port}"
    served_scripts = [s.get("src") for s in BeautifulSoup(body, "html.parser").find_all("script")]
    assert served_scripts.count(reload_script) == 1
    on_disk = BeautifulSoup((served.root / "site" / CLAIM / "index.html").read_text(), "html.parser")
    written_scripts = [s.get("src") for s in on_disk.find_all("script")]
    assert all("livereload" not in (src or "") for src in written_scripts), "build output must not carry it"
    assert [s for s in served_scripts if s != reload_script] == written_scripts
    status, script = served.get("/livereload.js")
    assert status == 200 and "LiveReload" in script


@pytest.mark.parametrize("host", ["evil.example", "rebind.attacker.test", "127.0.0.1:1", "localhost.evil.example"])
def test_requests_for_another_host_are_refused(served: Served, host: str) -> None:
    name = host if ":" in host else f"{host}:{served.port}"
    assert served.get("/", host=name)[0] == 403


def test_localhost_and_loopback_names_are_served(served: Served) -> None:
    for host in (f"localhost:{served.port}", f"127.0.0.1:{served.port}"):
        assert served.get("/", host=host)[0] == 200


async def _socket(served: Served, origin: str):  # type: ignore[no-untyped-def]
    request = HTTPRequest(f"ws://127.0.0.1:{served.port}/livereload", headers={"Origin": origin})
    return await websocket_connect(request)


def test_reload_socket_speaks_livereload_and_reloads_on_every_save(served: Served) -> None:
    async def scenario() -> list[dict]:
        connection = await _socket(served, f"http://127.0.0.1:{served.port}")
        await connection.write_message(json.dumps({"command": "hello", "protocols": []}))
        hello = json.loads(await asyncio.wait_for(connection.read_message(), WAIT))
        assert hello["command"] == "hello"
        await connection.write_message(json.dumps({"command": "info", "url": "http://127.0.0.1/"}))
        await asyncio.sleep(0.2)
        messages = []
        # Two saves a second apart: livereload's own server drops a reload within 3 s of the last.
        for value in ("about 410", "about 420"):
            edit(served.root, "value: about 4" + ("00" if value == "about 410" else "10") + "\n", f"value: {value}\n")
            messages.append(json.loads(await asyncio.wait_for(connection.read_message(), WAIT)))
            await asyncio.sleep(1.0)
        connection.close()
        return messages

    messages = asyncio.run(scenario())
    assert [m["command"] for m in messages] == ["reload", "reload"]
    assert served.figure() == "about 420 killed"


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "https://127.0.0.1:{port}",  # another scheme on the same host and port
        "ws://127.0.0.1:{port}",
        "http://127.0.0.1:{other}",  # another port
        "http://localhost:{port}",  # another name than the page's own
        "http://127.0.0.1:{port}/",
        "null",  # a page opened from disk, or a sandboxed frame
        "file://",
    ],
)
def test_reload_socket_refuses_pages_from_elsewhere(served: Served, origin: str) -> None:
    """Only an Origin that is the page's own address to the letter (scheme, host and port) may listen."""

    async def attempt() -> int:
        try:
            connection = await _socket(served, origin.format(port=served.port, other=served.port + 1))
        except HTTPClientError as error:
            return error.code
        connection.close()
        return 101

    assert asyncio.run(attempt()) == 403


@pytest.mark.parametrize("port", [80, 443])
def test_a_host_without_its_port_is_the_schemes_default(tmp_path: Path, port: int) -> None:
    """A browser leaves the port out of `Host` for port 80 (443 behind a TLS proxy): `serve --port 80` must
    serve it, and still refuse another host or another port."""
    from builder.pipeline.build import Session
    from builder.pipeline.preview import Preview

    preview = Preview(tmp_path, tmp_path / "site", port, Session(tmp_path, tmp_path / "site"))
    for host in ("127.0.0.1", "localhost", "[::1]", f"127.0.0.1:{port}", f"[::1]:{port}"):
        assert preview.host_allowed(host), host
    for host in ("evil.example", "127.0.0.1:8000", "[::1]:8000", "evil.example:80", "127.0.0.1:"):
        assert not preview.host_allowed(host), host
    elsewhere = Preview(tmp_path, tmp_path / "site", 8000, Session(tmp_path, tmp_path / "site"))
    assert not elsewhere.host_allowed("127.0.0.1") and elsewhere.host_allowed("127.0.0.1:8000")


def test_ctrl_c_stops_cleanly_and_frees_the_port(desk: Path) -> None:
    server = start(desk)
    assert server.get("/")[0] == 200
    assert stop(server) == 0
    assert "Traceback" not in server.output()
    assert "Stopped." in server.output()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", server.port))


@pytest.mark.skipif(os.name != "posix", reason="no pseudo-terminals to test with (not POSIX)")
def test_on_a_terminal_the_first_build_says_its_stages_and_a_rebuild_does_not(desk: Path) -> None:
    import pty
    import threading

    terminal, its_end = pty.openpty()
    said: list[bytes] = []
    served = start(desk, stderr=its_end)
    os.close(its_end)
    reader = threading.Thread(target=lambda: said.append(read_terminal(terminal)), daemon=True)
    reader.start()
    try:
        edit(desk, "value: about 400\n", "value: about 500\n")
        served.wait_for(lambda: bool(served.rebuilds()), "the rebuild after a save")
    finally:
        stop(served)
        reader.join(timeout=WAIT)  # serve has closed its end: the reader has all it wrote
        os.close(terminal)
    stages = re.findall(r"\d s  (.+)\.\.\.", b"".join(said).decode())
    building = [words for stage, words in progress.STAGE_WORDS.items() if stage != "read the site"]
    assert stages == building, stages


def test_serve_started_on_a_current_site_reads_it_and_follows_saves(desk: Path) -> None:
    """After `factsheet build` (or an earlier `serve`), serve starts from the site as it is: it writes
    nothing, serves it, and a save updates the page as ever."""
    built = subprocess.run(
        [sys.executable, "-m", "builder", "build", "--root", str(desk)], capture_output=True, text=True, timeout=120
    )
    assert built.returncode == 0, built.stderr
    untouched = desk / "site" / UNRELATED
    before = untouched.stat().st_mtime_ns
    served = start(desk)
    try:
        files = sum(1 for p in (desk / "site").rglob("*") if p.is_file()) - 1  # all but the marker
        assert f"initial build: the site is current ({files} files)" in served.output()
        assert served.figure() == "about 400 killed"
        edit(desk, "value: about 400\n", "value: about 450\n")
        served.wait_for(lambda: served.figure() == "about 450 killed", "the new figure")
        assert untouched.stat().st_mtime_ns == before, "a page that shows nothing of the edit was rewritten"
    finally:
        stop(served)


def test_an_archived_text_kept_outside_content_is_followed(desk: Path) -> None:
    """A source's `text:` may name any file in the desk, of any name: a save of it rebuilds the source's page."""
    text = desk / "archive" / "sent-3000-more-soldiers.txt"
    text.parent.mkdir()
    (desk / "content" / "sources" / "sent-3000-more-soldiers.md").rename(text)
    claims = desk / "claims.yaml"
    named = "text: content/sources/sent-3000-more-soldiers.md"
    claims.write_text(claims.read_text().replace(named, "text: archive/sent-3000-more-soldiers.txt"))
    added = "A paragraph added to the archive."

    def shown() -> bool:
        status, body = served.get("/sources/sent-3000-more-soldiers/")
        return status == 200 and added in BeautifulSoup(body, "html.parser").get_text()

    served = start(desk)
    try:
        assert not shown()
        text.write_text(text.read_text() + f"\n{added}\n")
        served.wait_for(shown, "the archived text as saved")
        served.wait_for(lambda: bool(served.rebuilds()), "the rebuild's line")  # it comes after the page
        assert "archive/sent-3000-more-soldiers.txt" in served.rebuilds()[0], served.output()
    finally:
        stop(served)


def test_busy_port_moves_to_the_next_one_and_says_so(desk: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", "--root", str(desk), "--port", str(taken)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: list[str] = []
        import threading

        threading.Thread(target=_read, args=(process, lines), daemon=True).start()
        server = Served(desk, port, process, lines)
        server.wait_for(lambda: "Serving" in server.output(), "the server to start")
        assert f"Port {taken} is busy." in server.output()
        match = re.search(r"at http://127.0.0.1:(\d+)/", server.output())
        assert match and int(match[1]) > taken
        server.port = int(match[1])
        assert server.get("/")[0] == 200
        assert stop(server) == 0


def test_other_hosts_only_when_asked_and_with_a_warning(desk: Path) -> None:
    server = start(desk, "--host", "0.0.0.0")
    try:
        assert "warning: serving on 0.0.0.0" in server.output()
        assert server.get("/")[0] == 200
    finally:
        stop(server)


def test_a_save_during_the_initial_build_is_shown(tmp_path: Path) -> None:
    # The first build runs before the watcher starts (so that it renders on both cores): a save while
    # it runs must still reach the page, from the build itself or from one right after it.
    from tests.benchmarks.generate import generate

    root = tmp_path / "desk"
    generate(root, 1000)  # a few seconds of initial build
    claims = root / "claims.yaml"
    # Without the images: drawing 1,000 claims' cards would make the initial build minutes long, not seconds.
    served = launch(root, "--no-cards")
    try:
        # Past the reading of claims.yaml (the imports and reading take well under a second here),
        # before the pages are all rendered.
        time.sleep(1.2)
        text = claims.read_text()
        claims.write_text(text.replace("      value: about ", "      value: about 4", 1))  # claim-0's canonical
        served.wait_for(lambda: "Serving" in served.output(), "the server to start")

        def shown() -> bool:
            status, body = served.get("/claims/claim-0/")
            headline = BeautifulSoup(body, "html.parser").select_one(".headline-figure")
            return status == 200 and headline is not None and headline.get_text(strip=True).startswith("about 4")

        served.wait_for(shown, "the saved figure on claim-0's page")
        print(served.output(), file=sys.stderr)  # which path showed it: the initial build, or the one after it
    finally:
        stop(served)
