"""Benchmark of the bureau's review (复核): 1,000 returned forms, cross-form rules included.

    python benchmarks/review.py [--forms 1000] [--seed 2022]

Generates a folder of native-mode forms from a random list, then, in one run:
- times ``perfxl check`` and ``perfxl review`` of the folder as commands (fresh processes, peak memory of
  each), and prints review's cost as a ratio to check's — the floor, since review reads every form as
  check does and then applies the rulebook and writes the 复核表;
- times the review engine alone (``perfxl.review.review_forms``) on N, 2N and 4N forms (the forms read
  once, repeated under other units and projects, every one sharing its reasons with others: the worst
  case of the cross-form rules) and prints the ratios, which stay near 2 when the rules are linear.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from perfxl.batch.runner import run  # noqa: E402
from perfxl.generate import generate  # noqa: E402
from perfxl.review.engine import review_forms  # noqa: E402
from perfxl.review.model import ReviewedForm  # noqa: E402
from tests.support.random_lists import random_list  # noqa: E402


def command(label: str, count: int, *args: str) -> tuple[float, float]:
    """Run ``perfxl *args`` in a fresh process: (seconds, peak MB); prints both."""
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "perfxl", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"perfxl {' '.join(args)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    peak = int(done.stderr.strip().splitlines()[-1]) / 1024
    print(f"  {label:36} {seconds:7.2f} s  {seconds / count * 1000:6.2f} ms/form  peak {peak:5.0f} MB")
    return seconds, peak


def spread(forms: list[ReviewedForm], times: int) -> list[ReviewedForm]:
    """``forms`` repeated ``times`` times, each copy under its own 实施单位 and 项目名称."""
    copies = []
    for copy in range(times):
        for index, reviewed in enumerate(forms):
            form = dataclasses.replace(
                reviewed.result.form, unit=f"单位{copy}-{index % 50}", name=f"{reviewed.result.form.name}-{copy}"
            )
            result = dataclasses.replace(reviewed.result, form=form)
            copies.append(ReviewedForm(result, f"{copy}-{reviewed.source}", reviewed.sheet))
    return copies


def engine(label: str, forms: list[ReviewedForm]) -> float:
    """The best of three runs of the engine (the machine is shared)."""
    seconds = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        review = review_forms(forms)
        seconds = min(seconds, time.perf_counter() - started)
    fired = sum(len(form.all_findings()) for form in review.forms)
    print(f"  {label:36} {seconds:7.3f} s  {seconds / len(forms) * 1000:6.3f} ms/form  {fired} findings")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--forms", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        data = random_list(random.Random(args.seed), args.forms)
        data.pop("profile", None)
        (work / "list.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        forms = work / "forms"
        paths = generate(work / "list.yaml", forms, mode="native")
        count = len(paths)
        print(f"{count} returned forms (native mode)")
        check, check_peak = command("perfxl check", count, "check", str(forms))
        review, review_peak = command(
            "perfxl review", count, "review", str(forms), "-o", str(work / "复核表.xlsx"), "--force"
        )
        print(f"  review / check: {review / check:4.2f}x the time, {review_peak / check_peak:4.2f}x the memory")
        read = [
            ReviewedForm(f.result, f.source, f.sheet or "")
            for outcome in run("check", paths, workers=1)
            for f in outcome.forms
        ]
        print("  the review engine alone (cross-form rules included):")
        base = engine(f"{len(read)} forms", spread(read, 1))
        for times in (2, 4):
            seconds = engine(f"{len(read) * times} forms", spread(read, times))
            print(f"    {times}x the forms: {seconds / base:4.2f}x the time")


if __name__ == "__main__":
    main()
