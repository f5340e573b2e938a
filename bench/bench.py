#!/usr/bin/env python
"""Benchmarks of the build, with public tools only (papermill and jupyter nbconvert CLIs for
the naive baseline). Prints the four figures of the build-engine issue:

1. no-op `make report` (nothing changed), median of --repeat runs;
2. edit one chapter notebook: which chapters re-execute;
3. cold build of both stages vs a naive loop (per chapter: papermill CLI, then
   jupyter nbconvert --to html CLI, sequentially), measured side by side: the ratio;
4. national scale: demo data with --participants 100000, final build time and peak memory
   of the whole process tree (kernels included).

Run from the project root with the venv present:  .venv/bin/python bench/bench.py [--quick]
(--quick skips the national-scale run). Results go to stdout and bench/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
OUT = ROOT / "bench" / "out"


PEAK_DETAIL: list[tuple[str, int]] = []


def timed(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> tuple[float, int]:
    """Wall time of a command and the peak summed RSS of its process tree (bytes); the
    processes at that peak are kept in PEAK_DETAIL."""
    peak = [0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    stop = threading.Event()

    def sample():
        p = psutil.Process(proc.pid)
        while not stop.is_set():
            try:
                procs = [p] + p.children(recursive=True)
                rss, detail = 0, []
                for q in procs:
                    try:
                        m = q.memory_info().rss
                        rss += m
                        detail.append((" ".join(q.cmdline()[1:4])[-90:], m))
                    except psutil.Error:
                        pass
                if rss > peak[0]:
                    peak[0] = rss
                    PEAK_DETAIL[:] = detail
            except psutil.Error:
                pass
            stop.wait(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    stop.set()
    t.join()
    secs = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err[-3000:]}")
    return secs, peak[0]


def env_with(tmp: Path) -> dict:
    env = dict(os.environ)
    env["PKU_EVAL_CACHE_DIR"] = str(tmp / "cache")
    env["PKU_EVAL_PROCESSED_DIR"] = str(tmp / "processed")
    return env


def naive_loop(data: Path, work: Path) -> float:
    """For each stage and chapter: papermill CLI, then nbconvert CLI, one after the other."""
    start = time.perf_counter()
    for stage in ("interim", "final"):
        raw = yaml.safe_load((ROOT / "params" / f"{stage}.yml").read_text(encoding="utf-8"))
        pfile = work / f"{stage}-naive.yml"
        p = {k: v for k, v in raw.items() if k != "compare_with"}
        p["cutoff_date"] = str(p["cutoff_date"])
        pfile.write_text(yaml.safe_dump(p, allow_unicode=True), encoding="utf-8")
        for ch in raw["chapters"]:
            out = work / f"{stage}-{ch}.ipynb"
            # the notebooks take what locates the stage: its params file and the data
            subprocess.run([str(BIN / "papermill"), str(ROOT / "notebooks" / f"{ch}.ipynb"),
                            str(out), "-p", "params_file", str(pfile), "-p", "data_dir",
                            str(data), "--cwd", str(ROOT / "notebooks")],
                           check=True, capture_output=True)
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", str(out)],
                           check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="skip the national-scale run")
    ap.add_argument("--participants", type=int, default=100_000)
    ap.add_argument("--national-only", action="store_true", help="only the national-scale run")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    figures = {}
    pku = str(BIN / "pku-eval")
    with tempfile.TemporaryDirectory() as t:
        if args.national_only:
            return national(args, figures, pku)
        tmp = Path(t)
        data = tmp / "demo"
        subprocess.run([pku, "demo-data", "--out", str(data)], check=True, capture_output=True)
        env = env_with(tmp)
        env["PKU_EVAL_PDF"] = "0"  # like for like: the naive loop makes no PDF either
        build = [pku, "build", "params/interim.yml", "params/final.yml", "--data", str(data)]
        reports = tmp / "reports"
        interim = [pku, "build", "params/interim.yml", "--data", str(data), "--out",
                   str(reports / "interim")]
        final = [pku, "build", "params/final.yml", "--data", str(data), "--out",
                 str(reports / "final")]

        # 3. cold build vs naive loop, alternated, same data, same machine, same run
        cold, naive = [], []
        for _ in range(max(1, args.repeat // 2)):
            shutil.rmtree(tmp / "cache", ignore_errors=True)
            shutil.rmtree(tmp / "processed", ignore_errors=True)
            shutil.rmtree(reports, ignore_errors=True)
            s0 = time.perf_counter()
            timed(interim, env)
            timed(final, env)
            cold.append(time.perf_counter() - s0)
            work = tmp / "naive"
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            naive.append(naive_loop(data, work))
        figures["cold_build_s"] = statistics.median(cold)
        figures["naive_loop_s"] = statistics.median(naive)
        figures["cold_over_naive"] = figures["cold_build_s"] / figures["naive_loop_s"]

        # 1. no-op: both stages up to date (one process, as `make report` runs it)
        timed(build, env)  # brings reports/interim and reports/final up to date
        noop = [timed(build, env)[0] for _ in range(args.repeat)]
        # make's own overhead (stamp check) included once, measured the same way
        make_noop = [timed(["make", "--no-print-directory", "report", f"DATA={data}"],
                           env)[0] for _ in range(args.repeat)]
        figures["noop_build_s"] = statistics.median(noop)
        figures["noop_make_report_s"] = statistics.median(make_noop)

        # 2. edit one notebook (a copy of the project: the tree is not touched)
        proj = tmp / "proj"
        shutil.copytree(ROOT, proj, ignore=shutil.ignore_patterns(
            ".venv", "reports", "data", ".git", "bench"))
        penv = dict(env, PKU_EVAL_ROOT=str(proj))
        pbuild = [pku, "build", str(proj / "params" / "final.yml"), "--data", str(data),
                  "--out", str(tmp / "edit")]
        subprocess.run(pbuild, env=penv, check=True, capture_output=True)
        nb = json.loads((proj / "notebooks" / "participants.ipynb").read_text())
        nb["cells"][-1]["source"] += "\n# edited"
        (proj / "notebooks" / "participants.ipynb").write_text(json.dumps(nb))
        res = subprocess.run(pbuild, env=penv, check=True, capture_output=True, text=True)
        figures["edit_one_notebook_reran"] = [
            line.split()[2].rstrip(":") for line in res.stderr.splitlines()
            if ": ran in" in line]

    if not args.quick:
        national(args, figures, pku)
    else:
        report(figures)


def national(args, figures: dict, pku: str) -> None:
    """4. national scale: demo data at --participants, then the final build (cold caches)."""
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        big = tmp / "big"
        s, _ = timed([pku, "demo-data", "--out", str(big), "--participants",
                      str(args.participants)])
        figures["national_demo_data_s"] = s
        secs, peak = timed([pku, "build", "params/final.yml", "--data", str(big), "--out",
                            str(tmp / "final")], env_with(tmp))
        figures["national_final_build_s"] = secs
        figures["national_peak_rss_gb"] = peak / 1e9
        figures["national_peak_processes"] = [
            f"{m / 1e9:.2f} GB {c}" for c, m in sorted(PEAK_DETAIL, key=lambda x: -x[1])]
    report(figures)


def report(figures: dict) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "figures.json").write_text(json.dumps(figures, indent=1))
    print(json.dumps(figures, indent=1))
    print()
    if "noop_make_report_s" in figures:
        print(f"no-op make report:            {figures['noop_make_report_s']:.2f} s "
              "(target <= 1 s)")
        print(f"edit one notebook re-ran:     {figures['edit_one_notebook_reran']}")
        print(f"cold build / naive loop:      {figures['cold_over_naive']:.2f} "
              f"({figures['cold_build_s']:.1f} s vs {figures['naive_loop_s']:.1f} s; "
              "target <= 0.5)")
    if "national_final_build_s" in figures:
        print(f"national scale final build:   {figures['national_final_build_s']:.0f} s, "
              f"peak {figures['national_peak_rss_gb']:.2f} GB (targets <= 300 s, <= 4 GB)")


if __name__ == "__main__":
    main()
