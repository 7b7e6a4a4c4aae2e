"""Command line: `juesuan validate`, `juesuan list`, `juesuan report`, `juesuan audit`, `juesuan extract`.

Data problems are printed one per line, naming file, department, field and
what was expected; never a traceback.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import DataError, DataErrors
from .loading import available_years, is_comparison_only, latest_year, load_year
from .resources import report_notebook
from .year_check import validation_problems

#: Relative to the folder the command runs in (the repository, for `make report`).
DEFAULT_DATA = Path("data")
DEFAULT_OUT = Path("outputs")


def _check_data_folder(data_dir: Path) -> None:
    """A missing data folder is one line saying so (and how to name another), not a traceback."""
    if not data_dir.is_dir():
        given = "the default, data/ in the current folder" if data_dir == DEFAULT_DATA else "given with --data"
        raise DataError(data_dir, None, "data folder",
                        f"an existing folder of data/<year>/ folders ({given}); name it with --data DIR",
                        "no such folder" if not data_dir.exists() else "not a folder")


def _year(value: str, data_dir: Path) -> int:
    _check_data_folder(data_dir)
    if value == "latest":
        return latest_year(data_dir)
    if not value.isdigit():
        raise DataError(data_dir, None, "--year", "a year such as 2022, or 'latest'", value)
    return int(value)


def cmd_validate(args) -> int:
    year = _year(args.year, args.data)
    problems, partial, count = validation_problems(args.data, year)
    for dept_id, notes in partial.items():
        for note in notes:
            print(f"note: {dept_id}: {note}")
    for problem in problems:
        print(f"error: {problem.message}")
    if problems:
        print(f"{len(problems)} problem(s) in {args.data / str(year)}")
        return 1
    print(f"ok: {count} department(s) of {year} in {args.data} are valid")
    return 0


def cmd_list(args) -> int:
    _check_data_folder(args.data)
    years = available_years(args.data)
    if not years:
        raise DataError(args.data, None, "year folders", "data/<year>/ folders, e.g. data/2022", "none")
    by_department: dict[str, tuple[str, list[int]]] = {}
    for year in years:
        data = load_year(args.data, year)
        for dept_id, dept in data.departments.items():
            name, seen = by_department.setdefault(dept_id, (dept.name, []))
            seen.append(year)
    for dept_id, (name, seen) in sorted(by_department.items()):
        print(f"{dept_id}\t{name}\t{','.join(map(str, seen))}")
    return 0


def cmd_report(args) -> int:
    from .batch import build_reports

    year = _year(args.year, args.data)
    if is_comparison_only(args.data, year):
        raise DataError(args.data / str(year) / "year.yaml", None, "year",
                        "a report year; this one holds comparison figures only", year)
    data = load_year(args.data, year)
    departments = [(d.department_id, d.name) for d in data.departments.values()]
    if args.department:
        known = {d for d, _ in departments}
        for wanted in args.department:
            if wanted not in known:
                raise DataError(data.folder / "departments.csv", wanted, "department_id",
                                "one of " + ", ".join(sorted(known)), wanted)
        departments = [d for d in departments if d[0] in args.department]
    try:
        notebook = args.notebook or report_notebook()
    except FileNotFoundError as exc:
        raise ValueError(str(exc)) from None
    result = build_reports(year, departments, data_dir=args.data.resolve(), out_dir=args.out.resolve(),
                           notebook=notebook, progress=not args.quiet, workers=args.workers,
                           force=args.force, scheduler=args.scheduler)
    print(result.summary() if hasattr(result, "summary") else result)
    return 0 if result.ok else 1


def cmd_audit(args) -> int:
    """A published text against the figures: one line (or JSON object) per finding; 1 when there are any."""
    from .audit import audit_file, format_json, format_text

    findings = audit_file(args.published, args.department, args.year, args.data)
    print(format_json(findings) if args.format == "json" else format_text(findings, str(args.published)))
    return 1 if findings else 0


def cmd_extract(args) -> int:
    """Data files from a published text; 1 when some field could not be found (listed, never guessed)."""
    from .extract import extract_file

    try:
        ex = extract_file(args.published, args.department, args.year, args.out, name=args.name)
    except OSError as exc:
        raise DataError(args.out, args.department, "output folder", "a folder the data files can be written to",
                        exc.strerror or str(exc)) from None
    for item in ex.assumed:
        print(f"assumed: {item['field']}: {item['why']}")
    for item in ex.missing:
        print(f"missing: {item['field']}: {item['why']}")
    record = args.out / str(args.year) / "extracted" / f"{args.department}.yaml"
    print(f"wrote {args.out / str(args.year)}: {len(ex.amounts)} amounts, {len(ex.counts)} counts, "
          f"{len(ex.units)} units, {len(ex.previous)} figures of {args.year - 1}; {len(ex.missing)} missing, "
          f"{len(ex.derived)} derived, {len(ex.assumed)} assumed (see {record})")
    return 1 if ex.missing else 0


def cmd_synth(args) -> int:
    from .synth import parse_years, write_synthetic

    years = parse_years(args.years)
    made = write_synthetic(args.out, args.departments, years, seed=args.seed)
    print(f"wrote {len(made)} synthetic department(s) × {len(years)} year(s) "
          f"({years[0]}–{years[-1]}, seed {args.seed}) to {args.out.resolve()}")
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="juesuan", description="部门决算公开: reports from final-accounts data")
    sub = parser.add_subparsers(dest="command", required=True)

    validate = sub.add_parser("validate", help="check the data of a year and say what is wrong")
    validate.add_argument("--data", type=Path, default=DEFAULT_DATA)
    validate.add_argument("--year", default="latest", help="a year, or 'latest' (default)")
    validate.set_defaults(func=cmd_validate)

    listing = sub.add_parser("list", help="the departments and years that the data holds")
    listing.add_argument("--data", type=Path, default=DEFAULT_DATA)
    listing.set_defaults(func=cmd_list)

    report = sub.add_parser("report", help="build the HTML reports of a year")
    report.add_argument("--data", type=Path, default=DEFAULT_DATA)
    report.add_argument("--year", default="latest", help="a year, or 'latest' (default)")
    report.add_argument("--department", action="append", help="only this department (repeatable)")
    report.add_argument("--out", type=Path, default=DEFAULT_OUT)
    report.add_argument("--notebook", type=Path, default=None,
                        help="the report notebook (default: the one installed with juesuan)")
    report.add_argument("--quiet", action="store_true", help="no progress bar")
    report.add_argument("--workers", type=_positive, default=None,
                        help="departments built at once, each on a kept-warm kernel (default: one per core)")
    report.add_argument("--force", action="store_true", help="rebuild reports that are up to date")
    report.add_argument("--scheduler", metavar="ADDRESS",
                        help="run on this Dask scheduler (tcp://host:8786) instead of local processes")
    report.set_defaults(func=cmd_report)

    synth = sub.add_parser("synth", help="write synthetic departments (test data for scale, never real reports)")
    synth.add_argument("--departments", type=_positive, required=True)
    synth.add_argument("--years", default="2020-2022", help="e.g. 2020-2022 (default) or 2022")
    synth.add_argument("--out", type=Path, required=True, help="an empty folder or one of earlier synthetic data")
    synth.add_argument("--seed", type=int, default=0)
    synth.set_defaults(func=cmd_synth)

    audit = sub.add_parser("audit", help="check a published report's text against the figures in data/")
    audit.add_argument("published", type=Path, help="the published report as plain text")
    audit.add_argument("--department", required=True)
    audit.add_argument("--year", type=int, required=True)
    audit.add_argument("--data", type=Path, default=DEFAULT_DATA)
    audit.add_argument("--format", choices=("text", "json"), default="text")
    audit.set_defaults(func=cmd_audit)

    extract = sub.add_parser("extract", help="write data files from a published report that follows the template")
    extract.add_argument("published", type=Path, help="the published report as plain text")
    extract.add_argument("--department", required=True, help="the department_id to file it under")
    extract.add_argument("--year", type=int, required=True)
    extract.add_argument("--out", type=Path, required=True, help="a data folder (DIR/<year>/… is written)")
    extract.add_argument("--name", help="the department's full name, when the text has no title line")
    extract.set_defaults(func=cmd_extract)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DataErrors as exc:
        for error in exc.errors:
            print(f"error: {error.message}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
