"""Safe by default: a desk's templates cannot run code, in any command.

A reviewer runs `factsheet diff` on a contributor's branch, an editor `build`s a desk a colleague sent:
the templates come from them. Each test puts a known Jinja escape (server-side template injection
payloads, as published for Jinja) into the desk's footer and runs the real program in a subprocess;
the payload would create a file if it ran. The file must never appear, and the command must report the
template's `path:line` as an error, never a traceback.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import copy_example
from tests.gitsite import commit, git

PROOF = "PROOF-template-ran-code"
PAYLOADS = {
    "cycler-globals": "{{ cycler.__init__.__globals__.os.system('touch " + PROOF + "') }}",
    "lipsum-globals": "{{ lipsum.__globals__['os'].popen('touch " + PROOF + "').read() }}",
    "subclasses": "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'Popen' %}"
    "{{ c(['touch', '" + PROOF + "']) }}{% endif %}{% endfor %}",
    "template-reference": "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.system('touch "
    + PROOF
    + "') }}",
    "attr-filter": "{{ (cycler|attr('__init__')|attr('__globals__'))['os'].system('touch " + PROOF + "') }}",
    "builtins-of-a-module": "{{ urls.__builtins__ }}{{ urls.slug.__globals__ }}",
    "format-string": "{{ '{0.__init__.__globals__}'.format(cycler) }}",
    # Not code, but the reviewer's files: a path the templates are given would read or write any file.
    "path-of-the-desk": "{{ site.root.joinpath('claims.yaml').write_text('" + PROOF + "') }}"
    "{{ site.root.parent.joinpath('/etc/hostname').read_text() }}",
}


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "builder", *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def _hostile_desk(tmp_path: Path, payload: str) -> Path:
    root = copy_example(tmp_path / "desk")
    (root / "templates" / "footer.html").write_text(f"<p>Built with factsheet.</p>\n{payload}\n", encoding="utf-8")
    return root


def _refused(done: subprocess.CompletedProcess[str], root: Path) -> None:
    output = done.stdout + done.stderr
    assert not list(root.rglob(PROOF)) and not (Path.cwd() / PROOF).exists(), "the template ran code"
    assert PROOF not in (root / "claims.yaml").read_text(encoding="utf-8"), "the template wrote a file"
    assert "Traceback" not in output, output
    assert done.returncode == 1, output
    assert "templates/footer.html:2:" in output and "error" in output, output


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_build_refuses_a_template_that_would_run_code(tmp_path: Path, payload: str) -> None:
    root = _hostile_desk(tmp_path, payload)
    done = run(["build", "--root", str(root), "--no-search"], root)
    _refused(done, root)
    assert not (root / "site").exists(), "a failed build writes nothing"


def test_check_never_renders_a_template(tmp_path: Path) -> None:
    """`check` validates the data and writes nothing; it renders no page, so no template of the desk runs."""
    root = _hostile_desk(tmp_path, PAYLOADS["cycler-globals"])
    done = run(["check", "--root", str(root)], root)
    assert not list(root.rglob(PROOF)), "the template ran code"
    assert "Traceback" not in done.stdout + done.stderr


def test_serve_refuses_a_template_saved_while_it_runs(tmp_path: Path) -> None:
    """An editor pastes a payload into the footer while the preview runs: the open page shows the problem at
    the template's line, as for any broken save, and nothing runs."""
    from bs4 import BeautifulSoup

    from tests.test_serve import CLAIM, start, stop

    root = copy_example(tmp_path / "desk")
    served = start(root)
    try:
        served.wait_for(lambda: served.get("/" + CLAIM)[0] == 200, "the first build")
        footer = root / "templates" / "footer.html"
        footer.write_text(f"<p>Built with factsheet.</p>\n{PAYLOADS['lipsum-globals']}\n", encoding="utf-8")

        def problems() -> list[str]:
            _, body = served.get("/" + CLAIM)
            return [li.get_text() for li in BeautifulSoup(body, "html.parser").select("ol.problems li")]

        served.wait_for(lambda: bool(problems()), "the error page")
        errors = [p for p in problems() if ": error: " in p]
        assert errors and errors[0].startswith("templates/footer.html:2:"), problems()
        assert not list(root.rglob(PROOF)), "the template ran code"
        assert "Traceback" not in served.output()
    finally:
        stop(served)


def test_diff_of_a_contributors_branch_never_runs_its_templates(tmp_path: Path) -> None:
    """The review of a pull request: the contributor's commit holds the payload; `diff` reads it from git and
    renders it, and reports that revision as invalid at the template's line."""
    root = copy_example(tmp_path / "desk")
    git(root, "init", "-q", "-b", "main")
    commit(root, "The example", "2025-01-01T12:00:00Z")
    footer = root / "templates" / "footer.html"
    footer.write_text(f"<p>Built with factsheet.</p>\n{PAYLOADS['cycler-globals']}\n", encoding="utf-8")
    commit(root, "A friendlier footer", "2025-01-02T12:00:00Z")
    done = run(["diff", "HEAD~1", "HEAD", "--format", "markdown"], root)
    _refused(done, root)


def test_a_template_cannot_change_the_data_it_is_given(tmp_path: Path) -> None:
    """The pages are rendered in parallel from one analysis: a template that appended to a list it is given
    would change what the next page shows. The sandbox refuses it."""
    root = _hostile_desk(tmp_path, "{% set seen = [] %}{{ seen.append(1) }}{{ analysis.claims[0].variants.__len__() }}")
    done = run(["build", "--root", str(root), "--no-search"], root)
    _refused(done, root)


def test_no_module_is_reachable_from_a_template(tmp_path: Path) -> None:
    """A value given to the templates that holds a module (as `urls` would if it imported `os`) does not hand
    the module over: the sandbox alone allows a module's public functions, `os.system` among them."""
    import os
    import types

    from jinja2.exceptions import SecurityError

    from builder.render.pages import environment

    environment.cache_clear()
    try:
        template = environment(tmp_path, "a fingerprint").from_string("{{ holder.os.getcwd() }}")
        with pytest.raises(SecurityError):
            template.render(holder=types.SimpleNamespace(os=os))
    finally:
        environment.cache_clear()


# -- nothing lost that factsheet did not write ------------------------------------------------------


def _publishing_files(site: Path) -> dict[str, bytes]:
    """What a GitHub Pages user keeps in the output folder: a custom domain, no Jekyll, the branch's git folder."""
    files = {
        "CNAME": b"facts.example.org\n",
        ".nojekyll": b"",
        ".git/HEAD": b"ref: refs/heads/gh-pages\n",
        ".git/objects/ab/cdef": b"a git object",
        "claims/dprk-killed/notes-by-hand.txt": b"the user's note beside a page",
    }
    for relative, data in files.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_bytes(data)
    return files


def _still_there(site: Path, files: dict[str, bytes]) -> None:
    for relative, data in files.items():
        assert (site / relative).is_file(), f"{relative} was deleted"
        assert (site / relative).read_bytes() == data, f"{relative} was changed"


@pytest.mark.parametrize("search", [True, False], ids=["build", "build --no-search"])
def test_the_users_files_in_the_output_survive_a_build(tmp_path: Path, search: bool) -> None:
    root = copy_example(tmp_path / "desk")
    flags = [] if search else ["--no-search"]
    assert run(["build", "--root", str(root), *flags], root).returncode == 0
    site = root / "site"
    files = _publishing_files(site)
    claims = root / "claims.yaml"
    claims.write_text(claims.read_text().replace("value: about 400\n", "value: about 470\n", 1))
    done = run(["build", "--root", str(root), *flags], root)
    assert done.returncode == 0, done.stderr
    _still_there(site, files)
    assert "about 470" in (site / "claims" / "dprk-killed" / "index.html").read_text()
    assert "kept 4 files factsheet did not write: .git/, .nojekyll, CNAME, claims/dprk-killed/notes-by-hand.txt" in (
        done.stdout
    )
    # A claim removed: its page goes, the user's note beside it stays (and so does its folder).
    claims.write_text(claims.read_text().replace("value: about 470\n", "value: about 480\n", 1))
    assert run(["build", "--root", str(root), *flags], root).returncode == 0
    _still_there(site, files)


def test_the_users_files_survive_the_in_memory_swap(tmp_path: Path) -> None:
    """Where a build holds the site in memory (no staging folder can be made beside the output as it goes)."""
    from builder.write.writer import write_site

    out = tmp_path / "site"
    write_site({"index.html": b"<p>one</p>", "claims/a/index.html": b"a", "claims/b/index.html": b"b"}, out)
    files = _publishing_files(out)
    report = write_site({"index.html": b"<p>two</p>", "claims/a/index.html": b"a"}, out)
    _still_there(out, files)
    assert report.removed == ("claims/b/index.html",)
    assert not (out / "claims" / "b").exists()
    assert report.kept == (".git/", ".nojekyll", "CNAME", "claims/dprk-killed/")
    assert (out / "index.html").read_bytes() == b"<p>two</p>"


def test_the_users_files_survive_serve(tmp_path: Path) -> None:
    from tests.test_serve import CLAIM, edit, start, stop

    root = copy_example(tmp_path / "desk")
    assert run(["build", "--root", str(root), "--no-search"], root).returncode == 0
    files = _publishing_files(root / "site")
    served = start(root)
    try:
        served.wait_for(lambda: served.get("/" + CLAIM)[0] == 200, "the first page")
        edit(root, "value: about 400\n", "value: about 470\n")
        served.wait_for(lambda: served.figure() == "about 470 killed", "the edited page")
        claims = root / "claims.yaml"
        claims.write_text(claims.read_text().replace("zelensky-troops-eliminated", "zelensky-troops-removed"))
        served.wait_for(lambda: (root / "site" / "claims" / "zelensky-troops-removed").is_dir(), "the renamed claim")
    finally:
        stop(served)
    _still_there(root / "site", files)
    assert not (root / "site" / "claims" / "zelensky-troops-eliminated").exists()


def _as_an_ordinary_user(work: Callable[[], None]) -> None:
    """Run `work` in a child process as a user the file permissions bind (root may write anywhere, so a
    test of a folder without write access must not run as root); a failed assertion fails the test."""
    import os
    import traceback

    pid = os.fork()
    if pid == 0:  # the child: report through its exit status only
        status = 0
        try:
            if os.geteuid() == 0:
                os.setegid(65534)
                os.seteuid(65534)
            work()
        except BaseException:
            traceback.print_exc()
            status = 1
        os._exit(status)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, "the check as an ordinary user failed (its traceback is above)"


def test_a_read_only_folder_in_the_old_site_leaves_no_staging_folder_behind() -> None:
    """After the swap, the staging folder holds the previous site; a folder in it that the user made read-only
    (as publishing tools and careful editors do) is made writable so that the staging folder goes entirely."""
    import os
    import shutil
    import tempfile

    from builder.write.writer import STAGING, write_site

    place = Path(tempfile.mkdtemp(prefix="factsheet-permissions-", dir="/tmp"))
    os.chmod(place, 0o777)
    try:

        def work() -> None:
            out = place / "site"
            write_site({"index.html": b"one", "claims/a/index.html": b"a"}, out)
            os.chmod(out / "claims" / "a", 0o555)
            os.chmod(out / "claims", 0o555)
            write_site({"index.html": b"two", "claims/a/index.html": b"a"}, out)
            assert (out / "index.html").read_bytes() == b"two"
            left = [entry.name for entry in place.iterdir() if STAGING in entry.name]
            assert left == [], left

        _as_an_ordinary_user(work)
    finally:
        for folder, folders, _ in os.walk(place):
            for name in folders:
                os.chmod(os.path.join(folder, name), 0o755)
        shutil.rmtree(place)


# -- one writer at a time -----------------------------------------------------------------------------


@pytest.mark.parametrize("delay", [0.1, 0.2, 0.3])
@pytest.mark.parametrize("flags", [[], ["--no-search"]], ids=["build", "build --no-search"])
def test_a_build_while_serve_runs_never_leaves_a_stale_page_or_a_missing_index(
    tmp_path: Path, delay: float, flags: list[str]
) -> None:
    """The race of the issue: `factsheet build` started while `serve` runs, and a figure saved a moment later.
    The two never write the site at once (a lock), and serve takes the site the build wrote as a site changed
    behind its back: the page, `claims.json` and the file on disk end with the newest figure, and the search
    index is there."""
    import json
    import time

    from tests.test_serve import CLAIM, edit, start, stop

    root = copy_example(tmp_path / "desk")
    served = start(root)
    try:
        served.wait_for(lambda: served.get("/pagefind/pagefind.js")[0] == 200, "the first build and its index")
        edit(root, "value: about 400\n", "value: about 410\n")
        served.wait_for(lambda: served.figure() == "about 410 killed", "the first save")
        building = subprocess.Popen(
            [sys.executable, "-m", "builder", "build", "--root", str(root), *flags],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        time.sleep(delay)
        edit(root, "value: about 410\n", "value: about 420\n")
        output, _ = building.communicate(timeout=300)
        assert building.returncode == 0, output
        if flags:
            # The build wrote the site without its index, as asked; the next save (which used to delete
            # the index that serve had) brings it back with the newest figure.
            edit(root, "value: about 420\n", "value: about 430\n")
        newest = "about 430" if flags else "about 420"

        def newest_everywhere() -> bool:
            page = (root / "site" / CLAIM / "index.html").read_text(encoding="utf-8")
            status, body = served.get("/claims.json")
            data = json.loads(body) if status == 200 else {"claims": []}
            killed = [c for c in data["claims"] if c["id"] == "dprk-killed"]
            return (
                served.figure() == f"{newest} killed"
                and f"{newest} killed" in page
                and bool(killed)
                and killed[0]["canonical"]["text"] == newest
                and served.get("/pagefind/pagefind.js")[0] == 200
            )

        def state() -> str:
            page = (root / "site" / CLAIM / "index.html").read_text(encoding="utf-8")
            return (
                f"served {served.figure()!r}, on disk {f'{newest} killed' in page}, "
                f"index {served.get('/pagefind/pagefind.js')[0]}; the build said: {output}"
            )

        try:
            served.wait_for(newest_everywhere, "the newest figure everywhere and the index")
        except BaseException:
            print(state())
            raise
    finally:
        stop(served)


# -- the smaller points -------------------------------------------------------------------------------


def test_a_huge_bad_value_is_cut_in_its_message(tmp_path: Path) -> None:
    from tests.sitefactory import CLAIMS, edit, problems, write_site

    huge = "lots " * 200_000  # a megabyte pasted by mistake
    write_site(tmp_path, edit(CLAIMS, "value: 12,000", f"value: {huge.strip()}"))
    [problem] = problems(tmp_path)
    assert len(problem.message) < 2_000, len(problem.message)
    assert "(999,999 characters)" in problem.message and "is not a figure" in problem.message


@pytest.mark.parametrize("blank", [" \t \n\n", "\t", "\n\n\n", "   "])
def test_a_blank_claims_file_is_called_empty(tmp_path: Path, blank: str) -> None:
    from tests.sitefactory import only_problem, write_site

    write_site(tmp_path, blank)
    only_problem(tmp_path, "claims.yaml", 1, 1, "claims.yaml is empty", "'site:'")
