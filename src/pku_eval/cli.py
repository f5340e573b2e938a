"""The ``pku-eval`` command: a thin wrapper, one library call per command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import PkuEvalError, format_problems

#: ``demo-data --participants``: the generator's minimum (``demo.MIN_PARTICIPANTS``: every office
#: and arm gets a participant; kept here so that the CLI starts without numpy) and a maximum
#: that fits in memory (about 10 kB per participant while generating: ~10 GB, ~75 s and ~50
#: million SE-log rows at 1,000,000).
MIN_PARTICIPANTS = 20
MAX_PARTICIPANTS = 1_000_000
#: ``--format xlsx`` writes each table to one Excel sheet (at most 1,048,576 rows); the SE log
#: has about 50 rows per participant.
MAX_PARTICIPANTS_XLSX = 20_000
#: ``--seed``: numpy's seeds as 32-bit words.
MAX_SEED = 2**32 - 1
#: ``build --jobs``: chapters run at once, each in its own kernel.
MAX_JOBS = 64


def _whole_number(low: int, high: int, note: str = ""):
    """An argparse ``type=``: a whole number from ``low`` to ``high``, or a short error."""

    def parse(text: str) -> int:
        try:
            value = int(text, 10)
        except ValueError:  # not a number, "1.5", or more than 4300 digits
            value = None
        if value is None or not low <= value <= high:
            from .params import quote

            raise argparse.ArgumentTypeError(
                f"expected a whole number from {low:,} to {high:,}{note}, got {quote(text)}")
        return value

    return parse


def _filter_arg(text: str) -> dict:
    """An argparse ``type=`` for ``--filter project=klar``."""
    from .errors import ParamsError
    from .params import parse_filter

    try:
        return parse_filter(text)
    except ParamsError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("filter: ")) from None


def _demo(args) -> int:
    from .demo import DEFAULT_PARTICIPANTS, DEFAULT_SEED, mark_demo, write_demo
    from .io import convert_dir

    seed = DEFAULT_SEED if args.seed is None else args.seed
    n = DEFAULT_PARTICIPANTS if args.participants is None else args.participants
    out = Path(args.out)
    if args.format == "csv":
        paths = write_demo(out, participants=n, seed=seed)
    else:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            write_demo(Path(tmp), participants=n, seed=seed)
            paths = convert_dir(Path(tmp), out, args.format)
    mark_demo(out, seed=seed, participants=n)  # a build recognises demo data by this marker
    print(f"wrote {len(paths)} files to {out} (seed {seed}, {n} participants)")
    return 0


def _validate(args) -> int:
    from . import receipts
    from .mapping import fingerprint
    from .validate import validate_dir

    files, problems = validate_dir(Path(args.data))
    errors = [p for p in problems if p.severity == "error"]
    if problems:
        print(format_problems(problems))
    if errors:
        print(f"\n{len(errors)} error(s): the data in {args.data} are not usable.")
        return 1
    # a receipt of this delivery (only when its content is new), and what changed since the
    # previous one: counts, never ids or values
    folder = Path(args.receipts) if args.receipts else receipts.default_folder()
    hashes = fingerprint(Path(args.data))
    receipts.record({n: r for n, r in files.items() if r.frame is not None}, folder,
                    Path(args.data), hashes)
    lines = receipts.summary_lines(receipts.compare(folder, {
        r.filename: r.sha256 for r in files.values()}))
    if lines:
        print("\n".join(lines))
    print(f"OK: {args.data} follows the data contract.")
    return 0


def _map(args) -> int:
    from .mapping import MAPPING_FILE, draft

    export = Path(args.draft)
    if not export.is_file():
        raise PkuEvalError(f"{export}: no such export file")
    text = draft(export)
    if args.out == "-":
        print(text, end="")
        return 0
    target = Path(args.out) if args.out else export.parent / MAPPING_FILE
    if target.exists():
        raise PkuEvalError(f"{target} exists already: nothing was written (give --out - to "
                           "print the draft, and merge it by hand)")
    target.write_text(text, encoding="utf-8")
    unmatched = text.count("???")
    print(f"wrote {target}: a starting mapping for {export.name}"
          + (f"; {unmatched} value(s) marked ??? still need filling in" if unmatched else "")
          + f"; then run: pku-eval validate --data {target.parent}")
    return 0


def _build(args) -> int:
    from .build import build

    if args.out and len(args.params) > 1:
        raise PkuEvalError("--out takes one params file (each stage needs its own folder)")
    from .runner import close_pool

    try:
        for i, params in enumerate(args.params):  # in order: the final report compares
            res = build(params, data_dir=args.data, out_dir=args.out,  # with the interim
                        jobs=args.jobs, force=args.force, filter=args.filter,
                        last=i == len(args.params) - 1)
            print(res.report)
    finally:
        # the workers and the kernel server end with the command, also when it fails (left
        # to the interpreter's exit, a pool still starting could hang it)
        close_pool()
    return 0


def _codebook(args) -> int:
    from . import codebook
    from .codebook_tables import write_codebook

    worded = 0
    if args.data:  # the questions in the wording the delivery brought (its wording file)
        from .tidy import delivered_wording, load

        wording = delivered_wording(load(Path(args.data)))  # every problem, or a usable delivery
        codebook.use_wording(wording)
        worded = len(wording)
    try:
        n, written = write_codebook(Path(args.out), args.language)
    finally:
        codebook.use_wording(None)
    print(f"wrote the codebook ({n} variables"
          + (f", {worded} questions in the delivered wording" if args.data else "")
          + f") to {args.out}: " + ", ".join(p.name for p in written))
    return 0


def _new_chapter(args) -> int:
    from .notebook_template import new_chapter

    try:
        paths = new_chapter(args.name)
    except (ValueError, FileExistsError) as exc:
        raise PkuEvalError(str(exc)) from None
    shown = "\n  ".join(str(p) for p in paths)
    print(f"created (with the notebook's .py twin):\n  {shown}\n"
          f"add '{args.name}' to chapters: in params/*.yml")
    return 0


def _disclosure_audit(args) -> int:
    from .audit import audit_report

    from .audit_set import audit_report_set

    found = []
    for d in args.reports:
        d = Path(d)
        if not (d / "report.html").is_file():
            raise PkuEvalError(f"{d}: no report.html here (give a report folder)")
        found += audit_report(d, args.min_cell)
    if len(args.reports) > 1:   # the reports read together, as a set
        found += audit_report_set([Path(d) for d in args.reports], args.min_cell)
    for f in found:
        print(f)
    print(f"disclosure audit of {len(args.reports)} report(s): "
          + (f"{len(found)} hidden count(s) recoverable" if found else "nothing recovered"))
    return 1 if found else 0


def _pseudonymise(args) -> int:
    from .privacy import pseudonymise_file

    n = pseudonymise_file(Path(args.infile), args.column, Path(args.key_file), Path(args.out))
    print(f"wrote {args.out}: column '{args.column}' replaced by keyed pseudonyms in {n} rows")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pku-eval", description=__doc__)
    parser.add_argument("--version", action="store_true",
                        help="print the version (package version and git commit) and exit")
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0] == "--version":  # no command needed (the subcommand is required)
        from .version import version_string

        print(f"pku-eval {version_string()}")
        return 0
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("demo-data", help="write synthetic data that follow the data contract")
    p.add_argument("--out", required=True, help="directory to write to")
    p.add_argument("--seed", type=_whole_number(0, MAX_SEED), default=None,
                   help=f"0 to {MAX_SEED:,} (default 2016)")
    p.add_argument("--participants", default=None,
                   type=_whole_number(MIN_PARTICIPANTS, MAX_PARTICIPANTS,
                                      " (the demo generator's minimum: every office and "
                                      "arm gets a participant)"),
                   help=f"rows of participants, all projects and arms: {MIN_PARTICIPANTS} to "
                        f"{MAX_PARTICIPANTS:,}, with --format xlsx at most "
                        f"{MAX_PARTICIPANTS_XLSX:,} (default 600)")
    p.add_argument("--format", choices=("csv", "xlsx", "sav"), default="csv")
    p.set_defaults(func=_demo)
    demo_parser = p

    p = sub.add_parser("validate", help="check a data directory against the data contract")
    p.add_argument("--data", required=True)
    p.add_argument("--receipts", default=None,
                   help="folder of the delivery receipts (default reports/.receipts)")
    p.set_defaults(func=_validate)

    p = sub.add_parser("map", help="draft a mapping.yml from a survey tool's export")
    p.add_argument("--draft", required=True, metavar="EXPORT",
                   help="the export (.csv, .xlsx or .sav) as delivered; it is only read")
    p.add_argument("--out", default=None,
                   help="where to write the draft (default: mapping.yml beside the export; "
                        "- prints it)")
    p.set_defaults(func=_map)

    p = sub.add_parser("build", help="execute the chapters a params file names; write the report")
    p.add_argument("params", nargs="+", help="params file(s), e.g. params/interim.yml")
    p.add_argument("--data", default=None, help="data directory (default: the demo data)")
    p.add_argument("--out", default=None, help="output directory (default reports/<stage>)")
    p.add_argument("--jobs", type=_whole_number(1, MAX_JOBS), default=None,
                   help=f"chapters run at once, 1 to {MAX_JOBS} (default: cores)")
    p.add_argument("--force", action="store_true", help="re-run every chapter")
    p.add_argument("--filter", type=_filter_arg, default=None, metavar="KEY=VALUE",
                   help="restrict to one project or office, e.g. project=klar "
                        "(report in reports/<stage>-<value>/)")
    p.set_defaults(func=_build)

    p = sub.add_parser("codebook", help="write the data dictionary as HTML and CSV")
    p.add_argument("--language", choices=("nb", "en"), default="nb")
    p.add_argument("--out", required=True)
    p.add_argument("--data", default=None,
                   help="a data directory whose wording file gives the questions' wording "
                        "(default: the codebook's own)")
    p.set_defaults(func=_codebook)

    p = sub.add_parser("new-chapter", help="create a chapter notebook from the template")
    p.add_argument("name", help="lower-case name, e.g. caseload_trends")
    p.set_defaults(func=_new_chapter)

    p = sub.add_parser("disclosure-audit",
                       help="try to recover hidden counts from published reports, each "
                       "alone and all of them read together")
    p.add_argument("reports", nargs="+", metavar="REPORT_DIR",
                   help="report folders (each with report.html and results.json)")
    p.add_argument("--min-cell", type=int, default=None,
                   help="the limit to check against (default: the one each report states)")
    p.set_defaults(func=_disclosure_audit)

    p = sub.add_parser("pseudonymise",
                       help="replace an identifier column by keyed hashes (HMAC-SHA256)")
    p.add_argument("--in", dest="infile", required=True, help="CSV or XLSX file")
    p.add_argument("--column", required=True)
    p.add_argument("--key-file", required=True,
                   help="secret key, kept outside the repository (created if missing)")
    p.add_argument("--out", required=True)
    p.set_defaults(func=_pseudonymise)

    args = parser.parse_args(argv)
    if (args.command == "demo-data" and args.format == "xlsx" and args.participants is not None
            and args.participants > MAX_PARTICIPANTS_XLSX):
        demo_parser.error(f"argument --participants: at most {MAX_PARTICIPANTS_XLSX:,} with "
                          "--format xlsx (an Excel sheet holds 1,048,576 rows; the SE log has "
                          f"about 50 per participant), got {args.participants:,}")
    try:
        return args.func(args)
    except PkuEvalError as exc:
        print(f"pku-eval: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("pku-eval: interrupted; nothing was published", file=sys.stderr)
        return 130
    except OSError as exc:  # a file or folder the command could not use (not a bug)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"pku-eval: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
