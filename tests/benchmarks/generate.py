"""Synthetic desks shaped like the example, of any size, for the benchmark.

One source per ten claims, five variants per claim with quotes found in the
sources' archived texts, twenty topics, three narrative pages. The figures
vary so that every verdict and status occurs. The same N gives the same files.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

TOPICS = [f"Topic {chr(65 + i)}" for i in range(20)]
PHRASES = ["about {n:,}", "{n:,}", "up to {n:,}", "more than {n:,}", "nearly {n:,}", "between {a:,} and {n:,}"]
UNITS = ["soldiers", "killed", "km2", "t", "containers"]


def _value(rng: random.Random, base: int) -> str:
    n = max(1, int(base * rng.choice([0.5, 0.9, 1.0, 1.0, 1.05, 1.6])))
    return rng.choice(PHRASES).format(n=n, a=max(0, n - base // 5))


def generate(root: Path, claims: int, seed: int = 1) -> None:
    """Write a desk of `claims` claims into `root` (claims.yaml, content/, content/sources/)."""
    rng = random.Random(seed)
    sources = max(1, claims // 10)
    (root / "content" / "sources").mkdir(parents=True, exist_ok=True)
    quotes: list[list[str]] = [[] for _ in range(sources)]
    out = [
        "site:",
        "  title: Synthetic desk",
        "  base_url: https://example.org/bench/",
        "  description: A synthetic desk for the benchmark.",
        "sources:",
    ]
    for s in range(sources):
        out += [
            f"  source-{s}:",
            f"    outlet: Outlet {s % 50}",
            f"    title: Report number {s} on the figures",
            f"    url: https://example.org/report/{s}",
            f"    published: 2025-{1 + s % 12:02d}-{1 + s % 28:02d}",
        ]
    out.append("claims:")
    for c in range(claims):
        base = rng.randint(100, 100_000)
        unit = UNITS[c % len(UNITS)]
        out += [
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
    (root / "claims.yaml").write_text("\n".join(out) + "\n")
    for s, lines in enumerate(quotes):
        text = [f"# Report number {s}", ""]
        for quote in lines:
            text += [f"Some context comes first. {quote}. More words follow the figure.", ""]
        (root / "content" / "sources" / f"source-{s}.md").write_text("\n".join(text))
    for name in ("about", "methodology", "corrections"):
        (root / "content" / f"{name}.md").write_text(
            f"---\ntitle: {name.title()}\n---\n\nThe first figure is [[claim-0]].\n"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic desk.")
    parser.add_argument("root", type=Path)
    parser.add_argument("--claims", type=int, default=1000)
    args = parser.parse_args()
    generate(args.root, args.claims)


if __name__ == "__main__":
    main()
