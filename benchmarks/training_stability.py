"""Does the advice depend on the training seed? The top-3 actions of crafted profiles, seeds 1-3.

The points tables are learned from a synthetic population; if they carried sampling noise, the
advice (which ranks actions by a few points' difference) would change with the seed. This trains
the scorecard with seeds 1, 2 and 3 at the given size and compares ``advice.rank``'s top-3 for
the crafted profiles of ``tests/scoring/profiles.py`` (overdue, no income, no cards, worst,
best, ...). Before issue 7 the model learned from drawn 0/1 outcomes: at 200,000 rows the top-3
of 9 of 11 profiles changed between seeds. It now learns from expected outcomes
(``scoring.train.expected_outcomes``).

Run: ``python benchmarks/training_stability.py [--rows N] [--tiny]`` (default: TRAIN_ROWS)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the crafted profiles live with the tests
    sys.path.insert(0, str(ROOT))

from advice.ranking import rank  # noqa: E402
from scoring import assumptions, train  # noqa: E402
from scoring.card import Scorecard  # noqa: E402
from tests.scoring.profiles import crafted_profiles  # noqa: E402

SEEDS = (1, 2, 3)


def top3_by_seed(rows: int, seeds: tuple[int, ...] = SEEDS) -> dict[int, dict[str, list[str]]]:
    """For each training seed, each crafted profile's top-3 action ids."""
    profiles = crafted_profiles()
    tops = {}
    for seed in seeds:
        card = Scorecard(train.train(rows=rows, seed=seed).card)
        tops[seed] = {name: [a.id for a in rank(card, profile, top=3).actions] for name, profile in profiles.items()}
    return tops


def main() -> None:
    """Train three times and print which profiles keep their top-3."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=assumptions.TRAIN_ROWS)
    parser.add_argument("--tiny", action="store_true", help="a smoke run: 2,000 rows")
    args = parser.parse_args()
    rows = 2_000 if args.tiny else args.rows
    if args.tiny:
        print("--tiny: a smoke run; the figures below mean little at this size (the suite checks 5,000 rows)")
    started = time.perf_counter()
    tops = top3_by_seed(rows)
    names = list(tops[SEEDS[0]])
    same = [name for name in names if all(tops[seed][name] == tops[SEEDS[0]][name] for seed in SEEDS)]
    first = [name for name in names if all(tops[seed][name][:1] == tops[SEEDS[0]][name][:1] for seed in SEEDS)]
    print(f"Training rows {rows:,}, seeds {SEEDS}: {time.perf_counter() - started:.0f} s")
    print(f"  top-3 identical for {len(same)} of {len(names)} crafted profiles; top-1 for {len(first)}")
    for name in names:
        shown = tops[SEEDS[0]][name] if name in same else [tops[seed][name] for seed in SEEDS]
        print(f"  {'same' if name in same else 'DIFFERS':7s} {name}: {shown}")


if __name__ == "__main__":
    main()
