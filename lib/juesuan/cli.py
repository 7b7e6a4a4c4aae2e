"""Command line: `juesuan validate`, `list`, `report`, `export-tables`, `audit`, `extract`, `import`, `synth`, in Chinese.

Data problems are printed one per line, naming file, row, department, field
and what was expected, grouped by department; never a traceback. Exit codes:
0 done and nothing wrong; 1 the data or a report has problems (listed);
2 the command could not run (bad option, unreadable data folder, …).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from juesuan.errors import DataError, DataErrors, printable

# The data layer (pandas) is imported by the commands that use it, not here: `juesuan report`'s worker
# processes are spawned, and a spawned process runs this program's main script again (the console script
# imports this module) before it takes any work; the workers need none of it (their kernels do).

#: Relative to the folder the command runs in (the repository, for `make report`).
DEFAULT_DATA = Path("data")
DEFAULT_OUT = Path("outputs")


def _check_data_folder(data_dir: Path) -> None:
    """A missing data folder is one line saying so (and how to name another), not a traceback."""
    if not data_dir.is_dir():
        given = "默认为当前文件夹下的 data/" if data_dir == DEFAULT_DATA else "由 --data 指定"
        raise DataError(data_dir, None, "data folder",
                        f"存在的数据文件夹，内有 <年度>/ 文件夹（{given}）；可用 --data 文件夹 指定",
                        "不存在" if not data_dir.exists() else "不是文件夹")


def _year(value: str, data_dir: Path) -> int:
    from juesuan.data.loading import latest_year

    _check_data_folder(data_dir)
    if value == "latest":
        return latest_year(data_dir)
    if not value.isdigit():
        raise DataError(data_dir, None, "--year", "年度（如 2022）或 latest", value)
    return int(value)


def print_problems(problems: list[DataError], notes: dict[str, list[str]], names: dict[str, str],
                   where: Path) -> None:
    """Every problem at once, grouped by department (problems of the year's files first), with the count."""
    groups: dict[str | None, list[DataError]] = {}
    for problem in problems:
        groups.setdefault(problem.department if problem.department in names else None, []).append(problem)
    for dept_id in sorted(groups, key=lambda d: (d is not None, d or "")):
        own = groups[dept_id]
        title = (f"部门 {dept_id}（{printable(names[dept_id])}）" if dept_id is not None else "年度文件")
        print(f"{title}：{len(own)}个问题")
        for problem in own:
            print(f"  错误：{problem.message}")
        for note in notes.get(dept_id, []) if dept_id is not None else []:
            print(f"  提示：{note}")
    for dept_id, own_notes in notes.items():
        if dept_id not in groups:
            for note in own_notes:
                print(f"提示：{dept_id}：{note}")
    if problems:
        departments = len([d for d in groups if d is not None])
        print(f"共{len(problems)}个问题，涉及{departments}个部门（{where}）：请按以上各条一并修改后再运行 juesuan validate")


def cmd_validate(args) -> int:
    from juesuan.data.year_check import validation_problems

    year = _year(args.year, args.data)
    problems, notes, names = validation_problems(args.data, year)
    print_problems(problems, notes, names, args.data / str(year))
    if problems:
        return 1
    print(f"通过：{args.data} 中{year}年的{len(names)}个部门，数据全部有效")
    return 0


def cmd_list(args) -> int:
    from juesuan.data.loading import available_years, load_year

    _check_data_folder(args.data)
    years = available_years(args.data)
    if not years:
        raise DataError(args.data, None, "year folders", "年度文件夹 data/<年度>/，如 data/2022", "没有")
    by_department: dict[str, tuple[str, list[int]]] = {}
    for year in years:
        data = load_year(args.data, year)
        for dept_id, dept in data.departments.items():
            name, seen = by_department.setdefault(dept_id, (dept.name, []))
            seen.append(year)
    for dept_id, (name, seen) in sorted(by_department.items()):
        print(f"{dept_id}\t{name}\t{','.join(map(str, seen))}")
    return 0


def _report_year_departments(args, what: str) -> tuple[int, list[tuple[str, str]]]:
    """The year a command makes reports or tables for, and its departments (those named by --department)."""
    from juesuan.data.loading import has_reports, list_departments, year_folder

    year = _year(args.year, args.data)
    if not has_reports(args.data, year):
        raise DataError(args.data / str(year) / "year.yaml", None, "year",
                        f"要出{what}的年度；这一年只有数字，不出报告（comparison_only 或 figures_only）", year)
    departments = list(list_departments(args.data, year).items())
    if args.department:
        known = {d for d, _ in departments}
        for wanted in args.department:
            if wanted not in known:
                raise DataError(year_folder(args.data, year) / "departments.csv", wanted, "department_id",
                                "以下之一：" + ", ".join(sorted(known)), wanted)
        departments = [d for d in departments if d[0] in args.department]
    return year, departments


def cmd_report(args) -> int:
    """One year's reports, or every report year's (`--year all`: each year in its own template)."""
    with _years_read_once():
        return _cmd_report(args)


class _years_read_once:
    """For one command: each year's files read once, whoever reads them (the listing of the departments,
    the validation, the index and its key figures), as long as they do not change
    (juesuan.build._warm_kernel's YearCache and RowsCache, which the batch's kernels use too)."""

    def __enter__(self):
        import juesuan.data.loading as loading
        from juesuan.build._warm_kernel import RowsCache, YearCache

        self.previous = (loading._year_cache, loading._rows_cache)
        loading.cache_rows(RowsCache())
        loading.cache_years(YearCache(loading.read_year))
        return self

    def __exit__(self, *exc):
        import juesuan.data.loading as loading

        loading.cache_years(self.previous[0])
        loading.cache_rows(self.previous[1])
        return False


def _cmd_report(args) -> int:
    from juesuan.data.loading import list_departments, report_years

    if args.year != "all":
        with _workers_ahead(args) as pool:
            return _report_year(args, *_report_year_departments(args, "报告"), pool=pool)
    _check_data_folder(args.data)
    years = report_years(args.data)
    if not years:
        raise DataError(args.data, None, "year folders", "至少一个出报告的年度文件夹 data/<年度>/", "没有")
    codes = []
    for year in years:
        wanted = [(d_id, name) for d_id, name in list_departments(args.data, year).items()
                  if not args.department or d_id in args.department]
        if wanted:
            codes.append(_report_year(args, year, wanted))
    if args.department and not codes:
        raise DataError(args.data, args.department[0], "department_id", "某个出报告的年度中列出的部门",
                        ", ".join(args.department))
    return max(codes, default=0)


def _workers_ahead(args):
    """The batch's local workers, started before the year is listed and validated, when reports will surely
    be built (juesuan.build.batch.WorkerPool): their kernels warm up meanwhile. Otherwise (a Dask scheduler,
    a year whose reports look up to date, anything this first look cannot tell) none: the batch starts its
    workers itself, once it knows there is work for them."""
    from contextlib import nullcontext

    if args.scheduler is not None:
        return nullcontext()
    try:
        from juesuan.data.loading import has_reports

        year = _year(args.year, args.data)
        if not has_reports(args.data, year):
            return nullcontext()  # the command will say so
        notebook = _year_notebook(args, year)
        from juesuan.build import manifest
        from juesuan.build.batch import WorkerPool, default_workers

        if args.department:  # a department the year does not list is an error, said after the listing: no workers
            import csv

            with (args.data / str(year) / "departments.csv").open(encoding="utf-8-sig", newline="") as handle:
                if not set(args.department) <= {row.get("department_id") for row in csv.DictReader(handle)}:
                    return nullcontext()
        year_dir = args.out.resolve() / str(year)
        if not (args.force or manifest.some_report_must_run(year_dir, notebook, args.department)):
            return nullcontext()
        workers = min(args.workers or default_workers(), len(set(args.department)) if args.department else 10**6)
        return WorkerPool(workers, notebook)
    except Exception:  # noqa: BLE001 -- the command says what is wrong where it always did
        return nullcontext()


def _year_notebook(args, year: int) -> Path:
    """The report notebook of a year: --notebook, or its template's (see _template_notebook)."""
    from juesuan.data.template import load_template, year_template

    if args.notebook:
        return args.notebook
    return _template_notebook(load_template(args.template or year_template(args.data, year)), args.out / str(year))


def _report_year(args, year: int, departments: list[tuple[str, str]], pool=None) -> int:
    from juesuan.build.batch import build_reports
    from juesuan.data.template import load_template, year_template
    from juesuan.data.year_check import validation_problems

    # The same list as `validate`, for the departments asked for: they fail, the others are built.
    problems, notes, names = validation_problems(args.data, year, args.template,
                                                 [d for d, _ in departments] if args.department else None)
    wanted_ids = {d for d, _ in departments}
    problems = [p for p in problems if p.department in wanted_ids or p.department not in names]
    if problems:
        print_problems(problems, {}, names, args.data / str(year))
    template = load_template(args.template or year_template(args.data, year))
    try:
        notebook = args.notebook or _template_notebook(template, args.out / str(year))
    except FileNotFoundError as exc:
        raise ValueError(str(exc)) from None
    reference = args.reference_doc or template.reference_doc
    result = build_reports(year, departments, data_dir=args.data.resolve(), out_dir=args.out.resolve(),
                           notebook=notebook, progress=not args.quiet, workers=args.workers,
                           force=args.force, scheduler=args.scheduler,
                           tables=args.notebook is None,  # the .xlsx is the report's tables; another notebook has its own
                           formats=args.formats, reference_doc=reference,
                           template=template.folder if args.template else None, pool=pool)
    print(result.summary() if hasattr(result, "summary") else result)
    return 0 if result.ok else 1


def _template_notebook(template, year_out: Path) -> Path:
    """A template's report notebook: a shipped one's; for a folder of one's own, the notebook it holds, or,
    where it holds none, the one its manifest makes (written under the year's output, .build/)."""
    from juesuan.data.template import TEMPLATES
    from juesuan.resources import report_notebook

    if template.folder.parent == TEMPLATES:
        return report_notebook(template.notebook)
    if (template.folder / template.notebook).is_file():
        return template.folder / template.notebook
    import nbformat

    from juesuan.files import write_atomic
    from juesuan.build.notebook_source import notebook

    made = year_out / ".build" / f"template-{template.name}.ipynb"
    made.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(notebook(template)) + "\n"
    if not made.is_file() or made.read_text(encoding="utf-8") != text:
        write_atomic(made, text)
    return made


def cmd_export_tables(args) -> int:
    """Each department's nine tables as <out>/<year>/<id>.xlsx; one whose data is invalid is listed, the others written."""
    from juesuan.report.report import load_figures
    from juesuan.build.table_export import table_path, workbook_bytes
    from juesuan.files import write_atomic

    year, departments = _report_year_departments(args, "公开表")
    names = dict(departments)
    wanted = list(names)
    problems: list[DataError] = []
    written: list[Path] = []
    for d_id in wanted:
        try:
            figures = load_figures(args.data, d_id, year)
        except DataErrors as exc:
            problems += exc.errors
            continue
        path = table_path(args.out, year, d_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        written.append(write_atomic(path, workbook_bytes(figures)))
    if problems:
        print_problems(problems, {}, names, args.data / str(year))
    failed = len({p.department for p in problems if p.department in names})
    print(f"已写入{len(written)}个部门的公开表到 {args.out / str(year)}" + (f"；{failed}个部门的数据有问题，未写入" if failed else ""))
    return 1 if problems else 0


def cmd_audit(args) -> int:
    """A published text against the figures: one line (or JSON object) per finding; 1 when there are any."""
    from juesuan.audit.audit import audit_file, format_json, format_text

    if args.department is None or args.year is None or len(args.published) > 1 or args.out is not None:
        # No data named: the report (or reports) on their own.
        from juesuan.audit.audit_many import cmd_audit_published

        return cmd_audit_published(args)
    if args.template is not None:
        raise DataError(args.published[0], args.department, "--template", "只在没有 --department 时使用（数据自有模板）",
                        args.template)
    args.published = args.published[0]
    try:
        findings = audit_file(args.published, args.department, args.year, args.data)
    except DataErrors as exc:
        if any(e.field == "department_id" for e in exc.errors):
            raise  # a department data does not list at all: no partial data, a wrong id (one line, exit 2)
        # partial data: every check whose figures exist (data's first, then the report's tables', its text's)
        from juesuan.audit.standalone_audit import audit_published, format_outcome

        print(f"{args.data / str(args.year)} 中 {args.department} 的数据不全（{len(exc.errors)}处，如：{exc.errors[0]}）："
              "有的数字按数据，其余按报告本身的表与正文核对")
        outcome = audit_published(args.published, None, args.data, department=args.department)
        print(format_outcome(outcome))
        return 1 if outcome.counts()["error"] or outcome.counts()["warning"] else 0
    print(format_json(findings) if args.format == "json" else format_text(findings, str(args.published)))
    return 1 if findings else 0


def cmd_extract(args) -> int:
    """Data files from a published text; 1 when some field could not be found (listed, never guessed)."""
    from juesuan.audit.extract import extract_file

    try:
        ex = extract_file(args.published, args.department, args.year, args.out, name=args.name,
                          template=args.template, data_dir=args.data)
    except OSError as exc:
        raise DataError(args.out, args.department, "output folder", "可以写入数据文件的文件夹",
                        exc.strerror or str(exc)) from None
    for item in ex.assumed:
        print(f"推定：{item['field']}：{item['why']}")
    for item in ex.missing:
        print(f"缺少：{item['field']}：{item['why']}")
    record = args.out / str(args.year) / "extracted" / f"{args.department}.yaml"
    print(f"已写入 {args.out / str(args.year)}：金额 {len(ex.amounts)} 项，计数 {len(ex.counts)} 项，"
          f"单位 {len(ex.units)} 个，{args.year - 1}年数字 {len(ex.previous)} 个；缺少 {len(ex.missing)} 项，"
          f"推算 {len(ex.derived)} 项，推定 {len(ex.assumed)} 项（详见 {record}）")
    return 1 if ex.missing else 0


def cmd_import(args) -> int:
    """A workbook of the nine tables into data/<year>/: everything or nothing; then what the year still lacks."""
    from juesuan.data.importer import NOT_STORED, plan_import
    from juesuan.data.year_check import validation_problems

    _check_data_folder(args.data)
    if not args.workbook.is_file():
        raise DataError(args.workbook, args.department, "工作簿", "存在的 .xlsx 或 .xls 文件",
                        "不存在" if not args.workbook.exists() else "不是文件")
    try:
        plan = plan_import(args.workbook, args.department, args.year, args.data, replace=args.replace,
                           name=args.name, short_name=args.short_name, as_published=args.as_published)
    except DataErrors as exc:
        for error in exc.errors:
            print(f"错误：{error.message}")
        print(f"共{len(exc.errors)}个问题：未写入任何文件（{args.data / str(args.year)} 保持原样）")
        return 1
    for defect in plan.defects:
        print(f"公开表不符：{defect.message}")
    for note in plan.notes:
        print(f"提示：{note}")
    for where, value in plan.unplaced:
        print(f"提示：{where} 的数字 {value} 不在任何表的栏目中，未导入")
    for line in plan.checked:
        print(f"核对：{line}")
    for tid, n in plan.not_stored.items():
        print(f"提示：公开{tid}表：{NOT_STORED} {n} 个（其中非零 {plan.not_stored_nonzero.get(tid, 0)} 个；已由读取时核对）")
    verb = "将" if args.dry_run else "已"
    for c in plan.added:
        print(f"{verb}新增：amounts.csv {c.item} {c.code} = {c.new}（{c.cell}）".replace("  ", " "))
    for c in plan.replaced:
        print(f"{verb}替换：amounts.csv {c.item} {c.code}：{c.old} → {c.new}（{c.cell or '工作簿中没有这一科目'}）"
              .replace("  ", " "))
    for c in plan.removed:
        print(f"{verb}删除：amounts.csv {c.item} {c.code} = {c.old}（--replace：以工作簿为准）".replace("  ", " "))
    for code, name in plan.names_added:
        print(f"{verb}新增：function_names.csv {code},{name}")
    if plan.department_added:
        print(f"{verb}新增：departments.csv {args.department},{','.join(plan.department_added)}")
    files = ", ".join(str(p) for p in plan.files)
    summary = (f"新增 {len(plan.added)} 行、替换 {len(plan.replaced)} 处、删除 {len(plan.removed)} 行、"
               f"与现有数据相同 {plan.kept} 行")
    if args.dry_run:
        print(f"试运行（--dry-run）：{summary}；将写入 {files}；未写入任何文件")
        return 0
    plan.write()
    print(f"已导入 {args.workbook.name}（sha256 {plan.sha256[:12]}…）：{summary}；写入 {files}")
    problems, notes, names = validation_problems(args.data, args.year)
    own = [p for p in problems if p.department == args.department or p.department not in names]
    if own:
        print(f"{args.year}年部门 {args.department} 的报告还缺（工作簿中没有这些，请补齐后运行 juesuan validate）：")
        print_problems(own, {k: v for k, v in notes.items() if k == args.department}, names,
                       args.data / str(args.year))
        return 1
    print(f"通过：{args.year}年部门 {args.department} 的数据全部有效")
    return 0


def cmd_notebook(args) -> int:
    """A template's report notebook, its cells from the template's manifest (unexecuted: run it in Jupyter)."""
    import nbformat

    from juesuan.data.template import load_template
    from juesuan.files import write_atomic
    from juesuan.build.notebook_source import notebook

    template = load_template(args.template)
    out = args.out or Path("notebooks") / template.notebook
    write_atomic(out, nbformat.writes(notebook(template)) + "\n")
    print(f"已写入 {out}：模板 {template.name} 的报告笔记本（{len(notebook(template).cells)} 个单元格；"
          f"运行后保存输出：jupyter nbconvert --to notebook --execute --inplace {out}）")
    return 0


def cmd_synth(args) -> int:
    from juesuan.data.synth import parse_years, write_synthetic

    years = parse_years(args.years)
    made = write_synthetic(args.out, args.departments, years, seed=args.seed)
    print(f"已写入合成部门 {len(made)} 个 × {len(years)} 个年度"
          f"（{years[0]}–{years[-1]}，随机种子 {args.seed}）到 {args.out.resolve()}")
    return 0


def _formats(text: str) -> tuple[str, ...]:
    from juesuan.build.formats import parse_formats

    try:
        return parse_formats(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为不小于 1 的整数，实为 {text}")
    return value


# argparse's own words (usage, errors), in Chinese: its messages by their English text.
ARGPARSE_WORDS = [
    (r"the following arguments are required: (.*)", r"缺少必需的参数：\1"),
    (r"unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)", r"参数 \1：无效的选项 \2（可选：\3）"),
    (r"argument (\S+): invalid (\w+) value: (.*)", r"参数 \1：无效的值 \3"),
    (r"argument (\S+): expected one argument", r"参数 \1：需要一个值"),
    (r"argument (\S+): (.*)", r"参数 \1：\2"),
]


class ChineseHelpFormatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with Chinese headings, help and errors; the exit code of a bad option is 2, as argparse's."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message):
        for pattern, chinese in ARGPARSE_WORDS:
            if re.fullmatch(pattern, message):
                message = re.sub(pattern, chinese, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n")


def _version() -> str:
    try:
        return version("juesuan")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


EXIT_CODES = "退出码：0 完成且没有问题；1 数据或报告有问题（已逐条列出）；2 命令无法执行（选项错误、数据文件夹无法读取等）。"


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="juesuan", description="部门决算公开：由决算数据生成报告、校验数据、核对已公开文本。",
                                   epilog=EXIT_CODES)
    parser.add_argument("--version", action="version", version=f"juesuan {_version()}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令",
                                parser_class=ChineseArgumentParser)
    data_help = f"数据文件夹，内有各年度的 <年度>/ 文件夹（默认：{DEFAULT_DATA}，相对于当前文件夹）"
    year_help = "年度，如 2022；latest 为数据中最新的报告年度（默认：latest）；report 另可用 all：每个出报告的年度"

    def year_and_departments(command, verb: str) -> None:
        """The options of a command that writes a year's departments (report, export-tables): what
        _report_year_departments reads, and where the files go."""
        command.add_argument("--data", type=Path, default=DEFAULT_DATA, help=data_help)
        command.add_argument("--year", default="latest", help=year_help)
        command.add_argument("--department", action="append", metavar="ID",
                             help=f"只{verb}这个部门（department_id；可重复；默认：全部部门）")
        command.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"输出文件夹（默认：{DEFAULT_OUT}）")

    validate = sub.add_parser("validate", help="校验一个年度的数据，一次列出全部问题", epilog=EXIT_CODES,
                              description="校验一个年度全部部门的数据：一次列出每个问题（文件、行、部门、字段、应为什么），按部门分组。")
    validate.add_argument("--data", type=Path, default=DEFAULT_DATA, help=data_help)
    validate.add_argument("--year", default="latest", help=year_help)
    validate.set_defaults(func=cmd_validate)

    listing = sub.add_parser("list", help="列出数据中的部门和年度", epilog=EXIT_CODES, description="列出数据中的部门及其有数据的年度。")
    listing.add_argument("--data", type=Path, default=DEFAULT_DATA, help=data_help)
    listing.set_defaults(func=cmd_list)

    report = sub.add_parser("report", help="生成一个年度的报告（HTML，及 PDF、Word）和索引页", epilog=EXIT_CODES,
                            description="逐个部门运行报告笔记本，生成 <输出>/<年度>/<部门>.html（按 --formats 另有 .pdf、.docx）"
                                        "及 index.html；数据有问题的部门先列出全部问题，不生成报告，其他部门照常生成。")
    year_and_departments(report, "生成")
    report.add_argument("--formats", type=_formats, default=("html",), metavar="FORMATS",
                        help="报告的格式，以逗号分隔：html（总会生成，其他格式由它而来）、pdf（需要 Chromium）、docx"
                             "（默认：html；如 html,pdf,docx）")
    report.add_argument("--reference-doc", type=Path, default=None, metavar="PATH",
                        help="Word 报告采用其样式（字体、字号、行距、页面、页脚）的参考文档 .docx"
                             "（默认：随报告模板的 reference.docx）")
    report.add_argument("--notebook", type=Path, default=None,
                        help="报告笔记本（默认：该年度报告模板的笔记本，如 department_report.ipynb；另指定笔记本时不另写公开表 .xlsx）")
    report.add_argument("--template", default=None, metavar="NAME_OR_DIR",
                        help="报告模板：内置模板名（sichuan、national）或自己的模板文件夹（默认：该年度 year.yaml 所定的模板）")
    report.add_argument("--quiet", action="store_true", help="不显示进度条")
    report.add_argument("--workers", type=_positive, default=None,
                        help="同时生成的部门数，每个使用一个常驻内核（默认：每个处理器核心一个）")
    report.add_argument("--force", action="store_true", help="已是最新的报告也重新生成（默认：跳过未变的部门）")
    report.add_argument("--scheduler", metavar="ADDRESS",
                        help="在这个 Dask 调度器（如 tcp://host:8786）上运行，而不是本机进程（默认：本机）")
    report.set_defaults(func=cmd_report)

    tables = sub.add_parser("export-tables", help="把各部门的九张公开表写成 Excel 工作簿（.xlsx）", epilog=EXIT_CODES,
                            description="把每个部门的九张公开表（公开01表—公开09表）写成 <输出>/<年度>/<部门>.xlsx，"
                                        "每张表一个工作表，可直接打印报送；数据有问题的部门列出全部问题，不写入，其他部门照常写入。")
    year_and_departments(tables, "写")
    tables.set_defaults(func=cmd_export_tables)

    nb = sub.add_parser("notebook", help="由报告模板的清单写出它的报告笔记本", epilog=EXIT_CODES,
                        description="按模板 template.yaml 所列的各节和图，写出每节、每图一个单元格的报告笔记本（未运行）。"
                                    "修改模板的节或图之后运行，再在 Jupyter 中运行并保存。")
    nb.add_argument("--template", required=True, help="内置模板名（sichuan、national）或模板文件夹（必填）")
    nb.add_argument("--out", type=Path, default=None, help="笔记本路径（默认：notebooks/<模板的 notebook>）")
    nb.set_defaults(func=cmd_notebook)

    synth = sub.add_parser("synth", help="写出合成部门（只用于规模测试，不是真实报告）", epilog=EXIT_CODES,
                           description="写出若干合成部门的数据（编号 synth-NNNN），可通过校验，只用于测试规模；不会写入 data/。")
    synth.add_argument("--departments", type=_positive, required=True, help="合成部门的个数（必填）")
    synth.add_argument("--years", default="2020-2022", help="年度范围，如 2020-2022（默认）或 2022")
    synth.add_argument("--out", type=Path, required=True, help="空文件夹，或以前写过合成数据的文件夹（必填）")
    synth.add_argument("--seed", type=int, default=0, help="随机种子：同一种子写出同样的数据（默认：0）")
    synth.set_defaults(func=cmd_synth)

    audit = sub.add_parser("audit", help="核对已公开报告：用数据，或只用报告自己的表", epilog=EXIT_CODES,
                           description="给出 --department 和 --year：逐句核对已公开报告（纯文本）与数据中的数字。"
                                       "不给：只用报告本身（文本或 PDF）核对其公开表的合计与表间关系，最后列出已核对和未能核对的项目；"
                                       "给出多个报告或文件夹及 --out：并行核对，写出汇总页 index.html 和全部发现的 findings.json、findings.csv。"
                                       "有错误时退出码为 1。")
    audit.add_argument("published", type=Path, nargs="+", help="已公开的报告（.txt 或 .pdf），或放报告的文件夹")
    audit.add_argument("--department", metavar="ID", help="数据中的部门编号 department_id（与 --year 一起：用数据核对）")
    audit.add_argument("--year", type=int, help="报告年度，如 2022（与 --department 一起）")
    audit.add_argument("--template", choices=("national", "sichuan"),
                       help="报告的模板（默认：从报告的部分标题认出）；与认出的不同时拒绝")
    audit.add_argument("--out", type=Path, help="汇总的输出文件夹（多个报告时必填）")
    audit.add_argument("--workers", type=_positive, default=None, help="同时核对的报告数（默认：每个处理器核心一个）")
    audit.add_argument("--data", type=Path, default=DEFAULT_DATA, help=data_help)
    audit.add_argument("--format", choices=("text", "json"), default="text",
                       help="输出格式：text 每个发现一行，json 供程序读取（默认：text）")
    audit.set_defaults(func=cmd_audit)

    extract = sub.add_parser("extract", help="从按模板写成的已公开报告写出数据文件", epilog=EXIT_CODES,
                             description="从已公开报告的文字取出数字，写成数据文件；找不到的项目逐一列出，绝不猜测。")
    extract.add_argument("published", type=Path, help="已公开的报告（纯文本文件）")
    extract.add_argument("--department", required=True, metavar="ID", help="存放用的部门编号 department_id（必填）")
    extract.add_argument("--year", type=int, required=True, help="报告年度，如 2022（必填）")
    extract.add_argument("--out", type=Path, required=True, help="数据文件夹，写入 <文件夹>/<年度>/…（必填）")
    extract.add_argument("--name", help="部门全称，报告没有标题行时使用（默认：报告标题中的名称）")
    extract.add_argument("--template", help="报告模板：内置模板名（sichuan、national）或模板文件夹"
                                            "（默认：由报告各部分的标题认出，认不出时为 sichuan）")
    extract.add_argument("--data", type=Path, default=Path("data"),
                         help="存有模板示例部门数据的文件夹（模板的句式由它的示例部门写出；默认：data）")
    extract.set_defaults(func=cmd_extract)

    importing = sub.add_parser("import", help="把部门的九张决算表（.xlsx/.xls）导入数据文件夹", epilog=EXIT_CODES,
                               description="读取工作簿中的九张决算表（公开01–09表），把数据模型存储的每个数字连同来源单元格写入 "
                                           "<数据>/<年度>/（amounts.csv、function_names.csv、departments.csv、"
                                           "provenance/<部门>.yaml）。工作簿或与现有数据有任何问题时一并列出，不写入任何文件；"
                                           "与现有数据不同的数字须加 --replace 才以工作簿为准。写入后列出该部门本年度还缺的内容"
                                           "（文字、计数等，工作簿中没有）。")
    importing.add_argument("workbook", type=Path, help="部门的决算工作簿（.xlsx 或 .xls）")
    importing.add_argument("--department", required=True, metavar="ID", help="部门编号 department_id（必填）")
    importing.add_argument("--year", type=int, required=True, help="决算年度，如 2024（必填）")
    importing.add_argument("--data", type=Path, default=DEFAULT_DATA, help=data_help)
    importing.add_argument("--replace", action="store_true",
                           help="与现有数据不同的数字以工作簿为准，替换本部门的这些行（默认：不同即拒绝，不写入）")
    importing.add_argument("--name", help="部门全称，部门尚未列在 departments.csv 时使用（默认：工作簿的“编制单位”）")
    importing.add_argument("--short-name", help="部门简称，新列入 departments.csv 时使用（默认：与全称相同）")
    importing.add_argument("--dry-run", action="store_true", help="只列出将写入的内容，不写入任何文件（默认：写入）")
    importing.add_argument("--as-published", action="store_true",
                           help="按公开的表导入，连同其缺陷：表中不成立的合计（含尾差）记入 provenance 文件、照印出的数字写入，"
                                "不拒绝（默认：表中任何合计不成立即拒绝，不写入）")
    importing.set_defaults(func=cmd_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DataErrors as exc:
        for error in exc.errors:
            print(f"错误：{error.message}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (`juesuan audit … | head`): nothing more to say, and no traceback either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (ValueError, OSError, RuntimeError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
