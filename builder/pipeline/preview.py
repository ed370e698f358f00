"""The preview's web server: the site's files (each page with the live-reload script), the script and its
socket, guarded so that only this machine's pages reach them (the Host and the Origin checked)."""

from __future__ import annotations

import ipaddress
import json
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from tornado import httputil, web, websocket

from builder.pipeline.build import Session
from builder.problems import Problem
from builder.render.localised import localised

SCRIPT_PATH = "/livereload.js"


SOCKET_PATH = "/livereload"


PROTOCOL = "http://livereload.com/protocols/official-7"


@dataclass
class Preview:
    """What the server shows: the output folder, and the problems of the last build if it failed."""

    root: Path
    out: Path
    port: int
    session: Session
    problems: list[Problem] | None = None
    sockets: set[ReloadSocket] = field(default_factory=set)
    log: Callable[[str], None] = print

    def host_allowed(self, host: str) -> bool:
        """Only IP addresses and `localhost` on our port: a DNS name may be a rebinding attack. A browser
        leaves the port out of `Host` when it is the scheme's default, 80 (or 443 behind a TLS proxy)."""
        name, port = split_host(host)
        if port != str(self.port) and not (port is None and self.port in (80, 443)):
            return False
        if name == "localhost":
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    def reload(self, path: str) -> None:
        message = json.dumps({"command": "reload", "path": path, "liveCSS": True, "liveImg": True})
        for socket_ in list(self.sockets):
            try:
                socket_.write_message(message)
            except websocket.WebSocketClosedError:
                self.sockets.discard(socket_)


def split_host(host: str) -> tuple[str, str | None]:
    """A `Host` header's name (lower case, an IPv6 address without its brackets) and port (None when absent)."""
    if host.startswith("["):
        address, _, rest = host[1:].partition("]")
        return address.lower(), rest[1:] if rest.startswith(":") else None
    name, colon, port = host.rpartition(":")
    if not colon:
        return host.lower(), None
    return name.lower(), port


class _HostGuard:
    """Refuses requests that name another host (a page elsewhere reaching us through DNS rebinding)."""

    preview: Preview
    request: httputil.HTTPServerRequest

    def initialize(self, preview: Preview) -> None:
        self.preview = preview

    def prepare(self) -> None:
        if not self.preview.host_allowed(self.request.host):
            raise web.HTTPError(403, "unknown host")


class _Guarded(_HostGuard, web.RequestHandler):
    """A page request: guarded, and nothing cached."""

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def write_error(self, status_code: int, **kwargs: object) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")


class ScriptHandler(_Guarded):
    """livereload's own browser script, unchanged."""

    def get(self) -> None:
        script = resources.files("livereload").joinpath("vendors", "livereload.js").read_bytes()
        self.set_header("Content-Type", "application/javascript; charset=utf-8")
        self.finish(script)


class SiteHandler(_Guarded):
    """Files under the output folder only; a folder's URL serves its index.html; no listings."""

    def head(self, path: str) -> None:
        self.get(path, include_body=False)

    def get(self, path: str, include_body: bool = True) -> None:
        preview = self.preview
        target = resolve(preview.out, path)
        is_page = path == "" or path.endswith(("/", ".html")) or "." not in path.rsplit("/", 1)[-1]
        if preview.problems is not None and is_page:
            last = preview.session.analysis  # the last good build's: a failed one may not say its language
            language = last.site.settings.language if last is not None else "en"
            return self._html(error_page(preview.problems, language), 200, include_body)
        if target is None:
            if path and not path.endswith("/") and resolve(preview.out, path + "/"):
                return self.redirect("/" + path + "/")
            missing = resolve(preview.out, "404.html")
            body = missing.read_bytes() if missing else b"<!doctype html><title>Not found</title><h1>Not found</h1>"
            return self._html(body, 404, include_body)
        try:
            data = target.read_bytes()
        except OSError:  # removed by a rebuild since it was found
            return self._html(b"<!doctype html><title>Not found</title><h1>Not found</h1>", 404, include_body)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            return self._html(data, 200, include_body)
        self.set_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.set_status(200)
        self.finish(data if include_body else None)

    def _html(self, body: bytes, status: int, include_body: bool) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(inject_script(body, self.preview.port) if include_body else None)


class ReloadSocket(_HostGuard, websocket.WebSocketHandler):
    """livereload's protocol: the page says hello, we say hello, then we send reloads."""

    def prepare(self) -> None:
        super().prepare()
        # Checked here, before tornado's own check: since tornado 6.6 that lets through any Origin whose host
        # and port are the request's, whatever its scheme (an https page on the same host and port).
        origin = self.request.headers.get("Origin")
        if origin is not None and not self.check_origin(origin):
            raise web.HTTPError(403, "cross-origin reload socket")

    def check_origin(self, origin: str) -> bool:
        """Only the preview's own pages may listen, never a page from elsewhere: the same scheme (http), host
        and port as the page's own address, to the letter."""
        parts = urlsplit(origin)
        return (
            parts.scheme == "http"
            and origin == f"http://{self.request.host}"
            and self.preview.host_allowed(self.request.host)
        )

    def on_message(self, message: str | bytes) -> None:
        try:
            command = json.loads(message).get("command")
        except (ValueError, AttributeError):
            return
        if command == "hello":
            self.write_message(json.dumps({"command": "hello", "protocols": [PROTOCOL], "serverName": "factsheet"}))
        elif command == "info":
            self.preview.sockets.add(self)

    def on_close(self) -> None:
        self.preview.sockets.discard(self)


def resolve(out: Path, path: str) -> Path | None:
    """The file a URL path names inside `out`, or None; never anything outside it."""
    if "\\" in path or "\0" in path or path.startswith("/") or ".." in path.split("/"):
        return None
    candidate = out / path
    if path == "" or path.endswith("/"):
        candidate = candidate / "index.html"
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(out.resolve()) or not real.is_file():
        return None
    return real


def inject_script(body: bytes, port: int) -> bytes:
    """The reload script goes into pages only as they are served; `build` never writes it.

    The page's Content-Security-Policy lets the script load ('self'); the reload
    socket is allowed by name too, for browsers whose 'self' does not reach ws:.
    """
    tag = f'<script src="{SCRIPT_PATH}?port={port}"></script>'.encode()
    head_end = body.find(b"</head>")
    body = body[:head_end] + tag + body[head_end:] if head_end >= 0 else body + tag
    return _POLICY.sub(_with_reload_socket, body, count=1)


_POLICY = re.compile(rb'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")', re.IGNORECASE)


def _with_reload_socket(match: re.Match[bytes]) -> bytes:
    if b"connect-src" in match[2]:
        return match[0]
    return match[1] + match[2].rstrip(b"; ") + b"; connect-src 'self' ws:" + match[3]


def error_page(problems: list[Problem], language: str = "en") -> bytes:
    """The problems of the last build, as `factsheet check` prints them (in English, as the command line
    says them), around words in the site's `language`."""
    speech = localised(language)
    # Each message outside the f-string: the extraction of the catalog does not look inside one.
    title = speech.gettext("Build failed")
    heading = speech.gettext("The site could not be built")
    kept = speech.gettext("The last good version is kept. Fix these and save: this page reloads by itself.")
    items = "".join(f"<li><code dir=ltr>{escape(str(problem))}</code></li>" for problem in problems)
    return (
        f'<!doctype html><html lang="{escape(language)}" dir={speech.direction}><head><meta charset=utf-8>'
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)} · factsheet</title>"
        "<style>body{font:1rem/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}"
        "h1{color:#a3161a}li{margin:.5rem 0}code{white-space:pre-wrap}</style></head><body>"
        f"<h1>{escape(heading)}</h1>"
        f"<p>{escape(kept)}</p>"
        f"<ol class=problems>{items}</ol></body></html>"
    ).encode()
