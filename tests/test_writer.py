"""Nothing lost: a build swaps in a whole new site or leaves the previous one, whatever stops it.

The kill test runs the real program on a generated site large enough that its
write takes a while, and SIGKILLs it at random moments, most of them while the
staging folder is being filled.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.check.outline import outline
from builder.pipeline.build import build
from builder.problems import Problems
from builder.read.load import load_site
from builder.render import urls
from builder.write.lock import lock_file, output_lock
from builder.write.staging import Staging
from builder.write.uptodate import stamp
from builder.write.writer import MARKER, STAGING, OutputError, write_site
from tests.sitefactory import CLAIMS, edit, tree
from tests.sitefactory import write_site as write_desk
from tests.test_cli import invoke, resource, run, run_with_file_size_limit


def big_claims(count: int, figure: str) -> str:
    """A desk of `count` claims, each with two variants; `figure` is every canonical value."""
    lines = ["site:", "  title: Big desk", "  base_url: https://example.org/big/", "sources:"]
    for i in range(count):
        lines += [f"  s{i}:", f"    outlet: Outlet {i % 20}", f"    title: Article {i}"]
    lines.append("claims:")
    for i in range(count):
        lines += [
            f"  - id: c{i}",
            f"    title: Claim {i}",
            f"    topic: Topic {i % 10}",
            "    unit: soldiers",
            "    canonical:",
            f"      value: {figure}",
            "    variants:",
            f"      - {{source: s{i}, value: about {1000 + i}}}",
            f"      - {{source: s{(i + 1) % count}, value: up to {2000 + i}}}",
        ]
    return "\n".join(lines) + "\n"


def staging_folders(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if STAGING in p.name)


def writing(root: Path, out: Path, first_inode: int) -> bool:
    """Whether a build has begun to write: a staging folder is there, or the first changed file was replaced."""
    try:
        replaced = (out / "claims.csv").stat().st_ino != first_inode
    except OSError:
        replaced = True
    return replaced or bool(staging_folders(root))


def test_killed_build_leaves_the_old_site_or_the_new_one(tmp_path: Path) -> None:
    root, out = tmp_path / "desk", tmp_path / "desk" / "site"
    root.mkdir()
    (root / "claims.yaml").write_text(big_claims(150, "about 1,500"))
    assert build(root, out).ok
    old = tree(out)
    pristine = tmp_path / "pristine"
    shutil.copytree(out, pristine)
    (root / "claims.yaml").write_text(big_claims(150, "about 1,600"))
    reference = build(root, tmp_path / "reference")
    assert reference.ok
    new = tree(tmp_path / "reference")
    assert old != new and MARKER in old and MARKER in new
    window = reference.timings.stages["write"] / 1000
    rng = random.Random(20250327)
    # Two moments anywhere in the run, then four after the write has begun.
    moments = [("start", rng.uniform(0.2, 2.0)) for _ in range(2)]
    moments += [("write", rng.uniform(0, window)) for _ in range(4)]
    seen: list[str] = []
    mid_write = 0
    for anchor, delay in moments:
        first_inode = (out / "claims.csv").stat().st_ino
        process = subprocess.Popen(
            [sys.executable, "-m", "builder", "build"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            if anchor == "write":
                deadline = time.monotonic() + 60
                while not writing(root, out, first_inode) and process.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.001)
            time.sleep(delay)
            begun = writing(root, out, first_inode)
            process.send_signal(signal.SIGKILL)
        finally:
            process.wait(timeout=60)
        mid_write += begun and process.returncode == -signal.SIGKILL
        now = tree(out)
        mixed = sorted(path for path in old.keys() | new.keys() if now.get(path) not in (old.get(path), new.get(path)))
        whole = now in (old, new)
        assert whole, f"a build killed {delay:.3f} s after {anchor} began left a mixed site: {mixed[:5]} ..."
        seen.append("old" if now == old else "new")
        if now == new:
            shutil.rmtree(out)
            shutil.copytree(pristine, out)
    assert mid_write >= 2, f"too few kills landed while the site was being written ({seen})"
    done = run(["build"], root)
    assert done.returncode == 0, done.stderr
    assert tree(out) == new
    assert staging_folders(root) == [], "a killed build's staging folder outlived the next build"


def test_a_failure_while_staging_leaves_the_previous_site_whole(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"index.html": b"<p>old</p>", "claims/a/index.html": b"<p>a</p>"}, out)
    before = tree(out)
    # A file and a folder of the same name: the second cannot be written once the first is.
    broken = {"index.html": b"<p>new</p>", "claims": b"x", "claims/b/index.html": b"<p>b</p>"}
    with pytest.raises(OutputError, match="cannot write the site"):
        write_site(broken, out)
    assert tree(out) == before
    assert staging_folders(tmp_path) == []


def test_unchanged_files_are_linked_into_the_new_site_not_rewritten(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"index.html": b"<p>index</p>", "claims/a/index.html": b"<p>a</p>"}, out)
    kept = out / "claims" / "a" / "index.html"
    before = kept.stat()
    report = write_site({"index.html": b"<p>changed</p>", "claims/a/index.html": b"<p>a</p>"}, out)
    assert report.written == ("index.html",) and report.unchanged == 1
    after = kept.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert (out / "index.html").read_bytes() == b"<p>changed</p>"


def test_a_file_staged_in_parts_is_linked_when_unchanged_and_written_when_not(tmp_path: Path) -> None:
    # claims.json and claims.csv are staged in parts (never held whole): unchanged, they must keep
    # their file and date as any unchanged file does.
    out = tmp_path / "site"
    write_site({"claims.json": b'{"claims": [1, 2]}\n', "claims.csv": b"a\r\n1\r\n"}, out)
    before = {name: (out / name).stat() for name in ("claims.json", "claims.csv")}
    staging = Staging.make(out)
    assert staging is not None
    json_new, json_stamp = staging.put("claims.json", iter([b'{"claims": [', b"1", b", ", b"2", b"]}\n"]))
    csv_new, csv_stamp = staging.put("claims.csv", iter([b"a\r\n", b"2\r\n"]))
    assert json_new is False and csv_new is True
    report = staging.finish(["claims.csv"], ["claims.json", "claims.csv"])
    # What the build records of each file, taken as it was staged, is what the output holds after the swap:
    # the next build tells the site untouched by it.
    assert json_stamp == stamp(os.lstat(out / "claims.json")) and csv_stamp == stamp(os.lstat(out / "claims.csv"))
    assert report.written == ("claims.csv",) and report.unchanged == 1
    kept, changed = (out / "claims.json").stat(), (out / "claims.csv").stat()
    assert (kept.st_ino, kept.st_mtime_ns) == (before["claims.json"].st_ino, before["claims.json"].st_mtime_ns)
    assert changed.st_ino != before["claims.csv"].st_ino and (out / "claims.csv").read_bytes() == b"a\r\n2\r\n"
    assert sorted(p.name for p in out.iterdir()) == sorted([MARKER, "claims.csv", "claims.json"])


# -- the folders and files prepared while the desk is checked -------------------------------------------------


def prepared(staging: Staging, names: list[str]) -> int:
    """`names` prepared, and the preparing process waited for (it runs alone, unlike in a build): its exit code."""
    staging.prepare(names)
    assert staging.preparing is not None
    return staging.preparing.wait(timeout=120)


def test_the_render_writes_into_what_was_prepared_and_nothing_unstaged_reaches_the_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    staging = Staging.make(out)
    assert staging is not None
    # A page staged before the preparing process gets to it (as a render worker may) keeps its bytes.
    staging.put("claims/a/index.html", b"<p>a</p>")
    names = ["claims/", "claims/a/", "claims/a/index.html", "claims/a.json", "claims/b/", "claims/b/index.html"]
    assert prepared(staging, [*names, "claims/b/embed/", "claims/b/embed/index.html"]) == 0
    made = staging.folder
    assert (made / "claims" / "b" / "embed").is_dir() and (made / "claims" / "b" / "index.html").read_bytes() == b""
    assert (made / "claims" / "a" / "index.html").read_bytes() == b"<p>a</p>"
    staging.put("claims/a.json", b"{}")
    staging.put("index.html", b"<p>index</p>")
    files = ["claims/a/index.html", "claims/a.json", "index.html"]
    report = staging.finish(files, files)
    assert report.written == ("claims/a.json", "claims/a/index.html", "index.html")
    # What was prepared and not staged (claim b, dropped from the desk since) left no empty file or folder.
    assert {path: (out / path).read_bytes() for path in tree(out) if path != MARKER} == {
        "claims/a/index.html": b"<p>a</p>",
        "claims/a.json": b"{}",
        "index.html": b"<p>index</p>",
    }
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_dir()) == ["claims", "claims/a"]
    assert staging_folders(tmp_path) == []


def test_a_file_staged_again_shorter_is_cut_to_its_new_bytes(tmp_path: Path) -> None:
    # Staged files are written without truncating them first (they are new, or prepared empty).
    staging = Staging.make(tmp_path / "site")
    assert staging is not None
    staging.put("feed.xml", b"<feed>a long first version</feed>")
    _, stamped = staging.put("feed.xml", iter([b"<feed>", b"short</feed>"]))
    staging.finish(["feed.xml"], ["feed.xml"])
    assert (tmp_path / "site" / "feed.xml").read_bytes() == b"<feed>short</feed>"
    assert stamped == stamp(os.lstat(tmp_path / "site" / "feed.xml"))


def test_over_a_site_of_ours_only_folders_are_prepared(tmp_path: Path) -> None:
    # Its unchanged files are linked to the current ones: an empty file made first would be thrown away.
    out = tmp_path / "site"
    write_site({"claims/a/index.html": b"<p>a</p>"}, out)
    staging = Staging.make(out)
    assert staging is not None
    assert prepared(staging, ["claims/", "claims/a/", "claims/a/index.html"]) == 0
    assert (staging.folder / "claims" / "a").is_dir() and not (staging.folder / "claims" / "a" / "index.html").exists()
    new, _ = staging.put("claims/a/index.html", b"<p>a</p>")
    assert new is False
    staging.finish([], ["claims/a/index.html"])
    assert (out / "claims" / "a" / "index.html").read_bytes() == b"<p>a</p>"


def test_a_name_that_leads_out_of_the_staging_folder_is_refused(tmp_path: Path) -> None:
    staging = Staging.make(tmp_path / "site")
    assert staging is not None
    for name in ("../outside/", "claims/../../outside", "/tmp/outside/", "claims//x/"):
        assert prepared(staging, ["claims/", name]) == 2, name
        staging.preparing = None  # waited for: another may start
    assert not (tmp_path / "outside").exists() and not (staging.folder / "claims" / "x").exists()
    staging.abandon()


def test_a_build_stopped_while_preparing_leaves_no_staging_folder(tmp_path: Path) -> None:
    staging = Staging.make(tmp_path / "site")
    assert staging is not None
    staging.prepare(["claims/", *(f"claims/c{i}/" for i in range(20_000))])
    staging.abandon()  # the preparing process is stopped before the folder is removed
    assert staging.preparing is None and staging_folders(tmp_path) == []
    assert not (tmp_path / "site").exists()


def test_a_preparing_process_whose_build_is_killed_stops(tmp_path: Path) -> None:
    # A build killed outright (SIGKILL) cannot stop it: it stops itself, rather than go on filling a staging
    # folder that the next build removes.
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from builder.write.staging import Staging\n"
        "staging = Staging.make(Path(sys.argv[1]))\n"
        "staging.prepare(['claims/', *(f'claims/c{i}/' for i in range(2_000_000))])\n"
        "print(staging.preparing.pid, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    build = subprocess.run([sys.executable, "-c", script, str(tmp_path / "site")], capture_output=True, text=True)
    assert build.returncode == -signal.SIGKILL, build.stderr
    preparing = int(build.stdout)
    deadline = time.monotonic() + 120
    while running(preparing):
        assert time.monotonic() < deadline, "the preparing process went on after its build was killed"
        time.sleep(0.05)
    made = next(tmp_path.glob(f".site.{STAGING}-*")) / "claims"
    assert not made.exists() or len(os.listdir(made)) < 2_000_000  # it stopped, rather than ended its work


def running(pid: int) -> bool:
    """Whether the process `pid` is there and not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as status:
            return status.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_what_a_build_prepares_is_what_it_writes(tmp_path: Path) -> None:
    # The skeleton is told by the claims' and sources' ids as written, before they are checked: it must name
    # only what every build of such a desk writes (or a file is made and removed for nothing).
    root = tmp_path / "desk"
    (root / "content").mkdir(parents=True)
    (root / "claims.yaml").write_text(big_claims(12, "about 11,000"))
    desk = outline(load_site(root, Problems()))
    assert len(desk.claims) == 12 and len(desk.sources) == 12 and desk.base_url
    skeleton = list(urls.skeleton(desk.claims, desk.sources, oembed=desk.base_url))
    assert run(["build", "--no-cards"], root).returncode == 0
    site = root / "site"
    for name in skeleton:
        path = site / name
        assert path.is_dir() if name.endswith("/") else path.is_file() and path.stat().st_size > 0, name
    assert not [p for p in site.rglob("*") if p.stat().st_size == 0 and p.is_file()]


def test_the_new_site_has_ordinary_permissions_and_a_symlinked_output_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real"
    write_site({"index.html": b"one"}, real)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(real.stat().st_mode) == 0o777 & ~mask, "the output folder kept mkdtemp's private mode"
    assert stat.S_IMODE((real / "index.html").stat().st_mode) == 0o644
    link = tmp_path / "published"
    link.symlink_to(real)
    write_site({"index.html": b"two"}, link)
    assert link.is_symlink() and (real / "index.html").read_bytes() == b"two"


def test_leftovers_of_a_killed_build_are_removed_but_nothing_else(tmp_path: Path) -> None:
    out = tmp_path / "site"
    write_site({"index.html": b"one"}, out)
    leftover = tmp_path / f".site.{STAGING}-abc123"
    (leftover / "claims").mkdir(parents=True)
    (leftover / "claims" / "x.html").write_text("half")
    unrelated = tmp_path / f".other.{STAGING}-abc123"
    unrelated.mkdir()
    write_site({"index.html": b"two"}, out)
    assert not leftover.exists()
    assert unrelated.exists()


def test_output_in_home_is_refused_before_anything_is_touched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    (home / "notes").mkdir(parents=True)
    (home / "notes" / "todo.txt").write_text("keep")
    monkeypatch.setenv("HOME", str(home))
    root = write_desk(home / "desk")
    monkeypatch.chdir(root)
    before = tree(tmp_path)
    for out in (str(home), "~", "/"):
        result = invoke(["build", "--out", out])
        assert result.exit_code == 1, (out, result.output)
        assert "error:" in result.stderr
    assert tree(tmp_path) == before


def test_a_failed_build_leaves_no_staging_folder(tmp_path: Path) -> None:
    root = write_desk(tmp_path / "desk")
    assert run(["build"], root).returncode == 0
    before = tree(root / "site")
    write_desk(root, edit(CLAIMS, "value: 12,000", "value: lots"))
    assert run(["build"], root).returncode == 1
    assert tree(root / "site") == before
    assert staging_folders(root) == []


@pytest.mark.skipif(resource is None, reason="no resource module (not POSIX): no file size limit to set")
def test_a_full_disk_is_one_line_naming_the_file_and_the_previous_site_stays(tmp_path: Path) -> None:
    root = write_desk(tmp_path / "desk")
    assert run(["build"], root).returncode == 0
    before = tree(root / "site")
    write_desk(root, edit(CLAIMS, "value: 12,000", "value: 13,000"))
    done = run_with_file_size_limit(["build"], root, 2048)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith("error: cannot write the site into"), lines
    assert "(site/" in lines[0] and "File too large" in lines[0], lines  # the file, where it was going
    assert tree(root / "site") == before
    assert staging_folders(root) == []


# -- the lock of an output folder ---------------------------------------------------------------------------


def test_a_build_leaves_no_lock_file_behind(tmp_path: Path) -> None:
    """Every output folder ever built used to leave its lock file in the temporary folder."""
    root = write_desk(tmp_path / "desk")
    out = tmp_path / "site"
    assert build(root, out, search=False, cards=False).ok
    assert (out / "index.html").is_file()
    assert not lock_file(out).exists()


def _hold_the_lock(lock: Path, log: Path, turns: int) -> None:
    """A writer in a process of its own: `turns` times, the lock taken, its name written in and out."""
    for _ in range(turns):
        with output_lock(lock), log.open("a") as written:
            written.write(f"in {os.getpid()}\n")
            written.flush()
            time.sleep(0.002)  # holding the lock a moment, so that the others wait on the file removed
            written.write(f"out {os.getpid()}\n")


def test_the_lock_lets_one_writer_in_at_a_time_though_its_file_is_removed(tmp_path: Path) -> None:
    """Writers that waited on a lock file the last holder removed take the lock of the file there now: never
    two in at once."""
    lock, log = tmp_path / "site.lock", tmp_path / "log"
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_hold_the_lock, args=(lock, log, 25)) for _ in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
        assert writer.exitcode == 0
    lines = log.read_text().splitlines()
    assert len(lines) == 4 * 25 * 2
    for entered, left in zip(lines[::2], lines[1::2], strict=True):
        assert entered.startswith("in ") and left == "out " + entered.removeprefix("in "), (entered, left)
    assert not lock.exists()
