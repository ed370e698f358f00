"""Screenshots of the example's claim, source and discrepancy pages, of the large desk's claim of 62
figures (tests/fixtures/estimates) and of the Korean example (examples/ko), for the
README.

Run: python docs/screenshots.py   (needs Debian's Chromium at /usr/bin/chromium and Playwright)

It builds both desks into a scratch folder, serves them on 127.0.0.1, and takes
each page at desktop (1280 px) and phone (375 px) widths in light and dark mode.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from builder.pipeline.build import build  # noqa: E402
from tests.test_browser import FLAGS  # noqa: E402

PAGES = {
    "claim": "example/claims/dprk-killed/",
    "many": "estimates/claims/russian-military-killed-and-wounded/",
    "source": "example/sources/eutoday-support-amid-ukraine-war/",
    "discrepancies": "example/discrepancies/",
    "korean": "korean/claims/dprk-troops-total/",
}
SIZES = {"desktop": (1280, 900), "phone": (375, 780)}


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    target = ROOT / "docs" / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        sites = Path(folder) / "sites"
        estimates = Path(folder) / "estimates"
        estimates.mkdir()
        shutil.copy(ROOT / "tests" / "fixtures" / "estimates" / "claims.yaml", estimates)
        desks = ((ROOT, "example"), (estimates, "estimates"), (ROOT / "examples" / "ko", "korean"))
        for desk, name in desks:
            if not build(desk, sites / name).ok:
                sys.exit(f"the {name} desk does not build")
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(sites)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
            for scheme in ("light", "dark"):
                for size, (width, height) in SIZES.items():
                    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
                    page = context.new_page()
                    for name, url in PAGES.items():
                        page.goto(base + url, wait_until="networkidle")
                        page.wait_for_timeout(300)
                        path = target / f"{name}-{size}-{scheme}.png"
                        page.screenshot(path=str(path))
                        print(path.relative_to(ROOT))
                    context.close()
            browser.close()
        server.shutdown()


if __name__ == "__main__":
    main()
