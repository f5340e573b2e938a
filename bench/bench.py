#!/usr/bin/env python
"""Benchmarks of the build, with public tools only (the papermill and jupyter nbconvert CLIs for
the naive baseline). Prints every target of the build-speed issue beside its measured figure,
all measured in one run on the same machine:

1. cold final build with ``--jobs 1`` and ``--jobs 2``, and the naive loop (per chapter of
   ``params/final.yml``: papermill CLI, then ``jupyter nbconvert --to html``, one after the
   other), interleaved round by round; medians of ``--repeat`` rounds; the ratios;
2. peak memory of the two-job cold build: the proportional set size (PSS, from
   ``/proc/<pid>/smaps_rollup``) summed over the build's process tree, so that the pages
   forked warm kernels share with their server count once (RSS is shown beside it); the
   median of the rounds' peaks is the figure, the highest beside it, and the processes at the
   peak of each round. PSS divides a page among every process on the machine that maps it:
   another program that has the same libraries loaded (another build or test run of this
   venv) lowers the figure, so measure on an otherwise idle machine;
3. cold two-stage build (interim and final, as ``make report`` runs it: one command, default
   jobs) against the naive loop over both stages, interleaved round by round; medians; then the
   no-op ``make report`` (nothing changed, both stages);
4. edit one chapter's text catalogue, then one stats module: which chapters re-run (in a copy
   of the project, imported through PYTHONPATH: the tree is not touched);
5. national scale (``--participants 100000``): final build time and peak memory (skipped with
   ``--quick``).

``--chapters`` measures instead what each chapter's warm kernel holds of its own at its peak
(the private pages it wrote, ``Private_Dirty``, of a cold final build with ``--jobs 1`` on the
demo data): the figures the chapters' specs carry as ``memory_mb``, the scheduling hint that
starts the heaviest chapter first and the lightest beside it.

Run from the project root with the venv present:  .venv/bin/python bench/bench.py [--quick]
Results go to stdout and bench/out/figures.json. ``PKU_EVAL_PDF=0`` on both sides (the naive
loop makes no PDF).
"""

from __future__ import annotations

import argparse
import json
import os
import re
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

#: (figure, target, how it compares) — what the issue asks, printed beside the measurement.
TARGETS = [
    ("cold_jobs1_over_naive", 0.30, "<="),
    ("cold_jobs2_over_naive", 0.18, "<="),
    ("cold_two_stage_over_naive", 0.25, "<="),
    ("noop_make_report_s", 0.5, "<="),
    ("peak_pss_jobs2_mb", 500, "<="),
    ("national_final_build_s", 300, "<="),
    ("national_peak_pss_gb", 4.0, "<="),
]

PEAK_DETAIL: list[tuple[str, int]] = []


def smaps_kb(pid: int, field: str) -> int:
    """A field of ``/proc/<pid>/smaps_rollup`` in kB (0 when the process is gone)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def pss(pid: int) -> int:
    """Proportional set size of a process in bytes (0 when it is gone)."""
    return smaps_kb(pid, "Pss") * 1024


def sampled(cmd: list[str], step, interval: float, env: dict | None = None,
            cwd: Path = ROOT) -> tuple[int, str]:
    """Run ``cmd`` while a thread calls ``step(process)`` every ``interval`` seconds (the
    command's psutil process); its return code and stderr."""
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    stop = threading.Event()

    def sample():
        p = psutil.Process(proc.pid)
        while not stop.is_set():
            step(p)
            stop.wait(interval)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, err = proc.communicate()
    stop.set()
    t.join()
    return proc.returncode, err


def timed(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> dict:
    """Wall time of a command, peak PSS and peak RSS summed over its process tree (bytes);
    the processes at the PSS peak are kept in PEAK_DETAIL; its stderr."""
    peak = {"pss": 0, "rss": 0}
    start = time.perf_counter()

    def step(p):
        try:
            procs = [p] + p.children(recursive=True)
        except psutil.Error:
            procs = []
        total_pss, total_rss, detail = 0, 0, []
        for q in procs:
            m = pss(q.pid)
            total_pss += m
            try:
                total_rss += q.memory_info().rss
                cmd = q.cmdline()
                # a child of the build (pku_eval.child) is named by the function it runs
                label = f"child {cmd[-1]}" if "-c" in cmd[1:3] else " ".join(cmd[1:4])
                detail.append((label[-90:], m))
            except psutil.Error:
                pass
        peak["rss"] = max(peak["rss"], total_rss)
        if total_pss > peak["pss"]:
            peak["pss"] = total_pss
            PEAK_DETAIL[:] = detail

    code, err = sampled(cmd, step, 0.2, env, cwd)
    secs = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"command failed ({code}): {' '.join(cmd)}\n{err[-3000:]}")
    return {"s": secs, "pss": peak["pss"], "rss": peak["rss"], "stderr": err,
            "detail": [f"{m / 1e6:.0f} MB {c}" for c, m in sorted(PEAK_DETAIL,
                                                                  key=lambda x: -x[1])]}


def env_with(tmp: Path) -> dict:
    env = dict(os.environ)
    env["PKU_EVAL_CACHE_DIR"] = str(tmp / "cache")
    env["PKU_EVAL_PROCESSED_DIR"] = str(tmp / "processed")
    env["PKU_EVAL_PDF"] = "0"  # like for like: the naive loop makes no PDF either
    return env


def naive_loop(data: Path, work: Path, stages=("final",)) -> float:
    """For each stage and chapter: papermill CLI, then nbconvert CLI, one after the other."""
    start = time.perf_counter()
    for stage in stages:
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


def clear(tmp: Path, *names: str) -> None:
    for name in names:
        shutil.rmtree(tmp / name, ignore_errors=True)


def ran_chapters(stderr: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"\] \d+/\d+ (\w+): ran in", stderr)]


def stage_line(stderr: str) -> str:
    return next((line for line in stderr.splitlines() if "] time:" in line), "")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3, help="rounds of the cold builds (median)")
    ap.add_argument("--quick", action="store_true", help="skip the national-scale run")
    ap.add_argument("--participants", type=int, default=100_000)
    ap.add_argument("--national-only", action="store_true", help="only the national-scale run")
    ap.add_argument("--chapters", action="store_true",
                    help="only each chapter's kernel memory (the specs' memory_mb)")
    args = ap.parse_args()
    if args.chapters:
        return chapter_memory(str(BIN / "pku-eval"))
    OUT.mkdir(parents=True, exist_ok=True)
    figures: dict = {"load_average_at_start": os.getloadavg()}
    pku = str(BIN / "pku-eval")
    if args.national_only:
        national(args, figures, pku)
        return report(figures)
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        data = tmp / "demo"
        subprocess.run([pku, "demo-data", "--out", str(data)], check=True, capture_output=True)
        env = env_with(tmp)
        final = [pku, "build", "params/final.yml", "--data", str(data), "--out",
                 str(tmp / "reports" / "final")]

        # 1-2. cold builds (jobs 1, jobs 2) and the naive loop, interleaved, same data
        runs: dict[str, list] = {"jobs1": [], "jobs2": [], "naive": []}
        for _ in range(max(1, args.repeat)):
            for jobs in (1, 2):
                clear(tmp, "cache", "processed", "reports")
                runs[f"jobs{jobs}"].append(timed(final + ["--jobs", str(jobs)], env))
            clear(tmp, "naive")
            (tmp / "naive").mkdir()
            runs["naive"].append({"s": naive_loop(data, tmp / "naive")})
        med = {k: statistics.median(r["s"] for r in v) for k, v in runs.items()}
        figures.update(cold_jobs1_s=med["jobs1"], cold_jobs2_s=med["jobs2"],
                       naive_loop_s=med["naive"],
                       cold_jobs1_over_naive=med["jobs1"] / med["naive"],
                       cold_jobs2_over_naive=med["jobs2"] / med["naive"],
                       peak_pss_jobs2_mb=statistics.median(r["pss"] for r in runs["jobs2"]) / 1e6,
                       peak_pss_jobs2_max_mb=max(r["pss"] for r in runs["jobs2"]) / 1e6,
                       peak_pss_jobs2_rounds_mb=[round(r["pss"] / 1e6) for r in runs["jobs2"]],
                       peak_processes_jobs2=[r["detail"] for r in runs["jobs2"]],
                       peak_rss_jobs2_mb=statistics.median(r["rss"] for r in runs["jobs2"]) / 1e6,
                       peak_pss_jobs1_mb=statistics.median(r["pss"] for r in runs["jobs1"]) / 1e6,
                       stages_jobs1=stage_line(runs["jobs1"][-1]["stderr"]),
                       stages_jobs2=stage_line(runs["jobs2"][-1]["stderr"]))

        # 3. no-op: both stages up to date, as `make report` runs it, in a copy of the project
        # (its reports/ are the copy's; the copy imports its own package: PYTHONPATH)
        proj = tmp / "proj"
        shutil.copytree(ROOT, proj, ignore=shutil.ignore_patterns(
            ".venv", "reports", "data", ".git", "bench", "__pycache__", "*.egg-info"))
        (proj / ".venv").symlink_to(ROOT / ".venv")  # time stamps kept: make sees it set up
        penv = dict(env, PKU_EVAL_ROOT=str(proj), PYTHONPATH=str(proj / "src"))
        both = [pku, "build", "params/interim.yml", "params/final.yml", "--data", str(data)]
        # cold two-stage build (as `make report`) against the naive loop over both stages
        two: dict[str, list] = {"ours": [], "naive": []}
        for _ in range(max(1, args.repeat)):
            clear(tmp, "cache", "processed")
            clear(proj, "reports")
            two["ours"].append(timed(both, penv, cwd=proj)["s"])
            clear(tmp, "naive")
            (tmp / "naive").mkdir()
            two["naive"].append(naive_loop(data, tmp / "naive", stages=("interim", "final")))
        figures.update(cold_two_stage_s=statistics.median(two["ours"]),
                       naive_two_stage_s=statistics.median(two["naive"]),
                       cold_two_stage_over_naive=(statistics.median(two["ours"])
                                                  / statistics.median(two["naive"])))
        # the copy's reports are now up to date: what follows is the no-op
        noop = [timed(both, penv, cwd=proj)["s"] for _ in range(args.repeat)]
        # -o: never re-install from the copy into the shared venv (its stamp may be older
        # than the copy's pyproject.toml: the venv would then point at the deleted copy)
        make_noop = [timed(["make", "--no-print-directory", "-o", ".venv/.installed", "report",
                            f"DATA={data}"], penv, cwd=proj)["s"] for _ in range(args.repeat)]
        figures["noop_build_s"] = statistics.median(noop)
        figures["noop_make_report_s"] = statistics.median(make_noop)

        # 4. edit one chapter's text, then a stats module (in the copy)
        figures.update(edits(proj, tmp, data, penv, pku))

    if not args.quick:
        national(args, figures, pku)
    report(figures)


def edits(proj: Path, tmp: Path, data: Path, penv: dict, pku: str) -> dict:
    """Which chapters re-run after editing a text catalogue, then a stats module."""
    build = [pku, "build", str(proj / "params" / "final.yml"), "--data", str(data), "--out",
             str(tmp / "edit")]
    timed(build, penv)
    out = {}
    text = proj / "src" / "pku_eval" / "texts" / "nb" / "participants.yml"
    lines = text.read_text(encoding="utf-8").splitlines()
    i = next(i for i, line in enumerate(lines) if re.match(r"^\w+: >-$", line))
    lines[i + 1] += " (redigert)"  # the first text of the catalogue, edited
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out["edit_text_participants_reran"] = ran_chapters(timed(build, penv)["stderr"])
    stats = proj / "src" / "pku_eval" / "stats" / "means.py"
    stats.write_text(stats.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    out["edit_stats_means_reran"] = ran_chapters(timed(build, penv)["stderr"])
    return out


def chapter_memory(pku: str) -> None:
    """Each chapter's kernel, its peak of private written pages (MB), beside its spec's
    memory_mb. One job: the kernels (children of the kernel server) come one after the other
    in the order the build reports the chapters as run."""
    sys.path.insert(0, str(ROOT / "src"))
    from pku_eval.chapters.spec import spec_of

    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        data = tmp / "demo"
        subprocess.run([pku, "demo-data", "--out", str(data)], check=True, capture_output=True)
        peaks: dict[int, float] = {}

        def step(build):
            try:
                servers = [c for c in build.children()
                           if "pku_eval.kernel" in " ".join(c.cmdline())]
                kernels = [k for s in servers for k in s.children()]
            except psutil.Error:
                kernels = []
            for k in kernels:
                peaks[k.pid] = max(peaks.get(k.pid, 0.0), smaps_kb(k.pid, "Private_Dirty") / 1024)

        code, err = sampled([pku, "build", "params/final.yml", "--data", str(data), "--out",
                             str(tmp / "final"), "--jobs", "1"], step, 0.05, env_with(tmp))
    if code != 0:
        raise SystemExit(err[-3000:])
    names = re.findall(r"\] \d+/\d+ (\w+): ran", err)
    if len(names) != len(peaks):
        raise SystemExit(f"{len(peaks)} kernels seen for {len(names)} chapters: run again on "
                         "an idle machine (or with PKU_EVAL_WARM=1)")
    print(f"{'chapter':18} {'private MB':>10} {'spec memory_mb':>15}")
    for name, pid in zip(names, list(peaks)):  # as first seen
        print(f"{name:18} {peaks[pid]:>10.0f} {spec_of(name).memory_mb!s:>15}")


def national(args, figures: dict, pku: str) -> None:
    """5. national scale: demo data at --participants, then the final build (cold caches)."""
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        big = tmp / "big"
        figures["national_demo_data_s"] = timed(
            [pku, "demo-data", "--out", str(big), "--participants", str(args.participants)])["s"]
        r = timed([pku, "build", "params/final.yml", "--data", str(big), "--out",
                   str(tmp / "final")], env_with(tmp))
        figures["national_final_build_s"] = r["s"]
        figures["national_peak_pss_gb"] = r["pss"] / 1e9
        figures["national_peak_rss_gb"] = r["rss"] / 1e9
        figures["national_peak_processes"] = [
            f"{m / 1e9:.2f} GB {c}" for c, m in sorted(PEAK_DETAIL, key=lambda x: -x[1])]


def report(figures: dict) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    figures["load_average_at_end"] = os.getloadavg()
    (OUT / "figures.json").write_text(json.dumps(figures, indent=1))
    print(json.dumps(figures, indent=1))
    print()
    print(f"{'figure':34} {'measured':>12} {'target':>10}")
    for name, target, op in TARGETS:
        if name in figures:
            ok = figures[name] <= target
            print(f"{name:34} {figures[name]:>12.2f} {op + ' ' + str(target):>10}  "
                  f"{'met' if ok else 'NOT met'}")
    for name in ("cold_jobs1_s", "cold_jobs2_s", "naive_loop_s", "cold_two_stage_s",
                 "naive_two_stage_s", "peak_pss_jobs2_max_mb", "peak_rss_jobs2_mb",
                 "peak_pss_jobs1_mb"):
        if name in figures:
            print(f"{name:34} {figures[name]:>12.1f}")
    for name, want in (("edit_text_participants_reran",
                        "participants (+ summary if its results changed)"),
                       ("edit_stats_means_reran", "the chapters importing stats.means")):
        if name in figures:
            print(f"{name:34} {', '.join(figures[name]) or '-':>12}   ({want})")
    for name in ("stages_jobs1", "stages_jobs2"):
        if figures.get(name):
            print(f"{name}: {figures[name]}")
    print(f"load average: start {figures['load_average_at_start']}, "
          f"end {figures['load_average_at_end']}")


if __name__ == "__main__":
    main()
