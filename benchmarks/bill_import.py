"""Speed and memory of the Alipay bill import against ``pandas.read_csv`` on the same bytes.

A 100,000-row export in the 2023+ app layout, GBK with CRLF and trailing commas and tabs as Alipay
writes it, is built by the tests' generator (``tests/scoring/alipay_bill/exports.py``). Then, in
one run:

(a) ``read_bill(data)`` (find the layout, decode, read every row, classify it, derive the answers)
    against ``pandas.read_csv`` alone on the same bytes (GB18030, the preamble skipped, the rest
    left to pandas): target at most 2x. Both are timed in interleaved rounds; the median ratio
    is reported.
(b) The peak memory ``read_bill`` allocates (``tracemalloc``, in a separate call so tracing does
    not slow the timed ones), and the peak resident size of a fresh process that only reads the
    file and imports it (this process also holds the generator's objects and pandas' frames):
    target under 200 MB.

Run: ``python benchmarks/bill_import.py [--rows N] [--rounds N] [--tiny]``
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the generator lives with the tests, which are not installed

from scoring.alipay_bill import BillImport, read_bill  # noqa: E402
from tests.scoring.alipay_bill import exports  # noqa: E402

MB = 1024 * 1024
SPEED_TARGET = 2.0
MEMORY_TARGET_MB = 200


@dataclass(frozen=True)
class Result:
    """The figures of one run."""

    rows: int
    size_bytes: int
    pandas_seconds: float
    ours_seconds: float
    ratio: float
    traced_peak_mb: float
    import_rss_mb: float
    max_rss_mb: float
    result: BillImport


def build_export(rows: int, seed: int = 1) -> tuple[bytes, int]:
    """An export of ``rows`` transactions as Alipay writes it, and its count of lines above the header."""
    data = exports.render(exports.random_txns(rows, seed), "app_2023")
    preamble = data.split(b"\r\n").index(
        next(line for line in data.split(b"\r\n") if line.startswith("交易时间".encode("gbk")))
    )
    return data, preamble


def pandas_read(data: bytes, preamble: int) -> pd.DataFrame:
    """The baseline: pandas parses the table, nothing more."""
    return pd.read_csv(io.BytesIO(data), encoding="gb18030", skiprows=preamble)


#: A fresh process that reads the export from a file and imports it, then prints its peak RSS in
#: KiB. VmHWM, not ru_maxrss: Linux carries ru_maxrss over ``execve`` from the (bigger) parent.
CHILD = """
import sys
from scoring.alipay_bill import read_bill
data = open(sys.argv[1], "rb").read()
read_bill(data, max_bytes=len(data) + 1)
status = open("/proc/self/status").read()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
"""


def import_process_rss_mb(data: bytes) -> float:
    """Peak resident size of a process doing nothing but one import of ``data``."""
    with tempfile.NamedTemporaryFile(suffix=".csv") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run([sys.executable, "-c", CHILD, handle.name], capture_output=True, text=True, check=True)
    return int(out.stdout.strip()) / 1024


def measure(rows: int, rounds: int) -> Result:
    """Time both in interleaved rounds, then trace our peak memory once."""
    data, preamble = build_export(rows)
    limit = len(data) + 1  # the benchmark file is bigger than the 10 MB a user may send
    table = pandas_read(data, preamble)
    assert len(table) == rows, (len(table), rows)
    ours, theirs = [], []
    result = read_bill(data, max_bytes=limit)
    for _ in range(rounds):
        start = time.perf_counter()
        pandas_read(data, preamble)
        theirs.append(time.perf_counter() - start)
        start = time.perf_counter()
        result = read_bill(data, max_bytes=limit)
        ours.append(time.perf_counter() - start)
    ratios = [o / t for o, t in zip(ours, theirs, strict=True)]
    tracemalloc.start()
    read_bill(data, max_bytes=limit)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Result(
        rows=result.features.rows,
        size_bytes=len(data),
        pandas_seconds=statistics.median(theirs),
        ours_seconds=statistics.median(ours),
        ratio=statistics.median(ratios),
        traced_peak_mb=peak / MB,
        import_rss_mb=import_process_rss_mb(data),
        max_rss_mb=rss_kb / 1024,
        result=result,
    )


def report(r: Result) -> None:
    """Print the figures and whether the targets are met."""
    print(f"export: {r.rows:,} rows, {r.size_bytes / MB:.1f} MB (GBK, app 2023+ layout)")
    print(f"(a) pandas.read_csv alone: {r.pandas_seconds * 1000:8.1f} ms")
    print(f"    read_bill (parse + answers): {r.ours_seconds * 1000:8.1f} ms")
    met = "met" if r.ratio <= SPEED_TARGET else "NOT met"
    print(f"    ratio {r.ratio:.2f}x (target <= {SPEED_TARGET:.0f}x: {met})")
    met = "met" if r.traced_peak_mb < MEMORY_TARGET_MB else "NOT met"
    print(f"(b) read_bill peak (tracemalloc): {r.traced_peak_mb:.1f} MB (target < {MEMORY_TARGET_MB} MB: {met})")
    met = "met" if r.import_rss_mb < MEMORY_TARGET_MB else "NOT met"
    print(f"    peak RSS of a process that only imports the file: {r.import_rss_mb:.0f} MB ({met})")
    print(f"    (this benchmark process, with the generator and pandas: {r.max_rss_mb:.0f} MB)")
    print(f"answers derived: {len(r.result.answers)}; open: {len(r.result.open_questions)}")


def main() -> None:
    """Run (a) and (b) and print them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tiny", action="store_true", help="2,000 rows, one round (the test suite's smoke run)")
    args = parser.parse_args()
    rows, rounds = (2_000, 1) if args.tiny else (args.rows, args.rounds)
    if args.tiny:
        print("--tiny: a smoke run; the figures and verdicts below mean nothing at this size")
    report(measure(rows, rounds))


if __name__ == "__main__":
    main()
