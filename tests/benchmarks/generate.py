"""Synthetic desks shaped like the example, of any size, for the benchmark.

One source per ten claims, five variants per claim with quotes found in the
sources' archived texts, twenty topics, three narrative pages. The figures
vary so that every verdict and status occurs. The same N gives the same files.

A desk of up to `split_at` claims (10,000 unless told) is one `claims.yaml`.
A larger one is laid out as a desk that outgrew its file would be: factsheet
reads no file over 64 MiB, and 100,000 claims take some 127 MB. Its
`claims.yaml` keeps the site settings, every source (the variants of every
file cite them) and the first `split_at` claims, and lists the rest with
`include: [claims/*.yaml]`, `split_at` claims to a file, in claim order:
`claims/part-001.yaml`, `claims/part-002.yaml`, ... (each a mapping with
`claims:` alone). The claims, and so the site, are those of the same desk in
one file; only where they are written differs.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

TOPICS = [f"Topic {chr(65 + i)}" for i in range(20)]
PHRASES = ["about {n:,}", "{n:,}", "up to {n:,}", "more than {n:,}", "nearly {n:,}", "between {a:,} and {n:,}"]
UNITS = ["soldiers", "killed", "km2", "t", "containers"]
SPLIT_AT = 10_000
"""The most claims a file holds; a desk of more is split into included files."""
INCLUDED = "claims"
"""The folder of the included claim files, relative to the site root."""


def _value(rng: random.Random, base: int) -> str:
    n = max(1, int(base * rng.choice([0.5, 0.9, 1.0, 1.0, 1.05, 1.6])))
    return rng.choice(PHRASES).format(n=n, a=max(0, n - base // 5))


def _claim(rng: random.Random, c: int, claims: int, sources: int, quotes: list[list[str]]) -> list[str]:
    """The lines of claim `c`; its quotes are added to those of the sources it cites."""
    base = rng.randint(100, 100_000)
    unit = UNITS[c % len(UNITS)]
    out = [
        f"  - id: claim-{c}",
        f"    title: Figure number {c} of the synthetic desk",
        f"    topic: {TOPICS[c % len(TOPICS)]}",
        f"    unit: {unit}",
        "    canonical:",
        f"      value: about {base:,}",
        f"      as_of: 2025-{1 + c % 12:02d}",
        f"      according_to: Ministry {c % 40}",
        f"      source: source-{c % sources}",
        f"    related: [claim-{(c + 1) % claims}]" if claims > 1 else "    related: []",
        "    variants:",
    ]
    for v in range(5):
        s = (c * 5 + v) % sources
        value = _value(rng, base)
        quote = f"Officials said the count for figure {c} in report {v} was {value} {unit}"
        quotes[s].append(quote)
        out += [
            f"      - source: source-{s}",
            f"        value: {value}",
            f"        as_of: 2025-{1 + (c + v) % 12:02d}",
            f"        according_to: Ministry {(c + v) % 40}",
            f"        quote: {quote}",
        ]
    return out


def claim_files(claims: int, split_at: int = SPLIT_AT) -> list[tuple[str, range]]:
    """Which claims each file of the desk holds, `claims.yaml` first, by path relative to the root."""
    if split_at < 1:
        raise ValueError("split_at must be at least 1")
    if claims <= split_at:
        return [("claims.yaml", range(claims))]
    starts = range(0, claims, split_at)
    width = max(3, len(str(len(starts) - 1)))  # the same width for every name: glob's order is the claims' order
    return [
        (
            "claims.yaml" if k == 0 else f"{INCLUDED}/part-{k:0{width}d}.yaml",
            range(start, min(start + split_at, claims)),
        )
        for k, start in enumerate(starts)
    ]


def generate(root: Path, claims: int, seed: int = 1, split_at: int = SPLIT_AT) -> list[str]:
    """Write a desk of `claims` claims into `root` (claims.yaml, content/, content/sources/, and for a desk
    of more than `split_at` claims, claims/part-*.yaml); the claim files written, claims.yaml first."""
    rng = random.Random(seed)
    sources = max(1, claims // 10)
    files = claim_files(claims, split_at)
    (root / "content" / "sources").mkdir(parents=True, exist_ok=True)
    for stale in sorted((root / INCLUDED).glob("part-*.yaml")):  # of an earlier, larger desk in the same folder
        stale.unlink()
    quotes: list[list[str]] = [[] for _ in range(sources)]
    head = [
        "site:",
        "  title: Synthetic desk",
        "  base_url: https://example.org/bench/",
        "  description: A synthetic desk for the benchmark.",
    ]
    if len(files) > 1:
        head += ["include:", f"  - {INCLUDED}/*.yaml"]
    head.append("sources:")
    for s in range(sources):
        head += [
            f"  source-{s}:",
            f"    outlet: Outlet {s % 50}",
            f"    title: Report number {s} on the figures",
            f"    url: https://example.org/report/{s}",
            f"    published: 2025-{1 + s % 12:02d}-{1 + s % 28:02d}",
        ]
    for number, (relative, held) in enumerate(files):
        out = head if number == 0 else []
        out.append("claims:")
        for c in held:  # in claim order, file after file: the random figures are those of one file
            out += _claim(rng, c, claims, sources, quotes)
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(out) + "\n")
    for s, lines in enumerate(quotes):
        text = [f"# Report number {s}", ""]
        for quote in lines:
            text += [f"Some context comes first. {quote}. More words follow the figure.", ""]
        (root / "content" / "sources" / f"source-{s}.md").write_text("\n".join(text))
    for name in ("about", "methodology", "corrections-policy"):
        (root / "content" / f"{name}.md").write_text(
            f"---\ntitle: {name.title()}\n---\n\nThe first figure is [[claim-0]].\n"
        )
    return [relative for relative, _ in files]


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic desk.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument(
        "--split-at",
        type=int,
        default=SPLIT_AT,
        help=f"the most claims a file holds; more go into included files (default {SPLIT_AT:,})",
    )
    args = parser.parse_args()
    generate(args.root, args.claims, split_at=args.split_at)


if __name__ == "__main__":
    main()
