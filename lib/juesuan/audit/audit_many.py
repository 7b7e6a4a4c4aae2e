"""`juesuan audit` without data: one report, or many in parallel with one summary page for auditors.

For many reports (files and folders of .txt/.pdf) and `--out DIR` it writes DIR/index.html (a row per
report: template, findings by severity, checks run, a link to the report's own page DIR/reports/NNN.html),
DIR/findings.json and DIR/findings.csv (every finding of every report). Everything a report says is
HTML-escaped; the pages link nothing outside DIR, so the folder reads offline. A report that cannot be
read is a row saying why, not the end of the run.
"""
from __future__ import annotations

import csv
import html
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from juesuan.audit.audit_base import SEVERITIES
from juesuan.errors import DataError, DataErrors
from juesuan.audit.standalone_audit import AuditOutcome, audit_published, format_outcome

SUFFIXES = (".txt", ".pdf")
SEVERITY_WORDS = {"error": "错误", "warning": "警告", "note": "提示"}
STYLE = ("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #999;"
         "padding:.3em .6em;vertical-align:top}.error{color:#b00}.note{color:#555}")


def reports_in(paths: list[Path]) -> list[Path]:
    """The files named, and the .txt/.pdf files in the folders named (not their sub-folders), sorted."""
    found = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
        else:
            found.append(path)
    return found


def _audit_one(path: Path, template: str | None, data_dir: Path | None = None) -> AuditOutcome | str:
    """An outcome, or the one line saying why the report could not be audited (for the worker pool).
    `data_dir`: where the templates' example departments are (their sentences are rendered from them)."""
    try:
        return audit_published(path, template, data_dir)
    except DataErrors as exc:
        return exc.errors[0].message
    except DataError as exc:
        return exc.message
    except (OSError, ValueError) as exc:
        return f"{path}：{exc}"


def cmd_audit_published(args) -> int:
    paths = reports_in(args.published)
    if args.out is None:
        if len(paths) != 1:
            raise DataError(args.published[0], None, "--out", "核对多个报告时的汇总输出文件夹", "未给出")
        outcome = audit_published(paths[0], args.template, getattr(args, "data", None))
        print(format_outcome(outcome))
        return 1 if outcome.counts()["error"] or outcome.counts()["warning"] else 0
    if not paths:
        raise DataError(args.published[0], None, "published report", "至少一个 .txt 或 .pdf 报告", "没有")
    workers = args.workers or os.cpu_count() or 1
    with ProcessPoolExecutor(max_workers=min(workers, len(paths))) as pool:
        results = list(pool.map(_audit_one, paths, [args.template] * len(paths),
                                 [getattr(args, "data", None)] * len(paths)))
    write_summary(args.out, paths, results)
    unreadable = [r for r in results if isinstance(r, str)]
    for line in unreadable:
        print(f"错误：{line}", file=sys.stderr)
    errors = sum(r.counts()["error"] for r in results if not isinstance(r, str))
    print(f"已核对{len(paths) - len(unreadable)}份报告，错误{errors}处，{len(unreadable)}份无法读取；汇总：{args.out / 'index.html'}")
    if len(unreadable) == len(paths):
        return 2
    return 1 if errors or unreadable else 0


def write_summary(out: Path, paths: list[Path], results: list[AuditOutcome | str]) -> None:
    (out / "reports").mkdir(parents=True, exist_ok=True)
    rows, records = [], []
    for number, (path, result) in enumerate(zip(paths, results), start=1):
        page = f"reports/{number:03d}.html"
        name = html.escape(str(path))
        if isinstance(result, str):
            rows.append(f"<tr><td>{name}</td><td colspan=5 class=error>无法核对：{html.escape(result)}</td></tr>")
            continue
        counts = result.counts()
        rows.append(f"<tr><td><a href=\"{page}\">{name}</a></td><td>{html.escape(result.template)}</td>"
                    + "".join(f"<td class={s}>{counts[s]}</td>" for s in SEVERITIES)
                    + f"<td>{len(result.ran)}项（未核对{len(result.not_run)}项）</td></tr>")
        (out / page).write_text(_report_page(result), encoding="utf-8")
        for f in result.findings:
            records.append({"report": str(path), "template": result.template, **f.as_dict()})
    head = "".join(f"<th>{SEVERITY_WORDS[s]}</th>" for s in SEVERITIES)
    (out / "index.html").write_text(
        f"<!doctype html><html lang=zh><meta charset=utf-8><title>已公开报告核对汇总</title><style>{STYLE}</style>"
        f"<h1>已公开报告核对汇总（{len(paths)}份）</h1><table><tr><th>报告</th><th>模板</th>{head}<th>已核对</th></tr>"
        + "".join(rows) + "</table></html>\n", encoding="utf-8")
    (out / "findings.json").write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    fields = ["report", "template", "line", "section", "severity", "rule", "published", "expected", "message",
              "figure", "explained"]
    with (out / "findings.csv").open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(records)


def _report_page(outcome: AuditOutcome) -> str:
    e = html.escape
    findings = "".join(f"<tr class={f.severity}><td>{e(f.section)}</td><td>{SEVERITY_WORDS[f.severity]}</td>"
                       f"<td>{e(f.message)}</td></tr>" for f in outcome.findings)
    return (f"<!doctype html><html lang=zh><meta charset=utf-8><title>{e(outcome.path.name)}</title><style>{STYLE}</style>"
            f"<p><a href=\"../index.html\">汇总</a></p><h1>{e(str(outcome.path))}</h1><p>模板：{e(outcome.template)}</p>"
            f"<table><tr><th>位置</th><th>级别</th><th>发现</th></tr>{findings}</table>"
            "<h2>已核对</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in outcome.ran) + "</ul>"
            "<h2>未核对</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in outcome.not_run) + "</ul>"
            "<h2>未读取</h2><ul>" + "".join(f"<li>{e(n)}</li>" for n in outcome.notes) + "</ul></html>\n")
