"""A report template: one folder, with its manifest (template.yaml) and one Jinja file per section.

Each province or city sets its own template and revises it from year to year, so a template is data:
`template.yaml` lists the sections in reading order (the notebook shows one output each, and a chart after
the section that names it), the charts (kind, the figures drawn, caption), the heading of the 公开表 part,
the number style, the base of each share and the default 名词解释. The wording is in the Jinja files beside
it. Two ship in `templates/`: `sichuan` (the seed's) and `national` (the nine-table template of the
national 部门决算 rules, as Shanghai's districts use it). A user's own folder can be named instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from juesuan.resources import PACKAGE_DIR
from juesuan.data.catalogue import VEHICLE_USES
from juesuan.errors import DataError
from juesuan.data.formatting import NumberStyle
from juesuan.data.loading import load_glossary_file, year_folder, year_settings

TEMPLATES = PACKAGE_DIR / "templates"
DEFAULT_TEMPLATE = "sichuan"
MANIFEST = "template.yaml"
#: Chart kinds the drawing code knows: a figure against last year, the parts of a whole, the years' trend.
CHART_KINDS = ("change_bars", "structure_pie", "trend")
TEMPLATE_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}", re.ASCII)


@dataclass(frozen=True)
class Section:
    key: str
    file: str
    #: the chart shown right after this section's words, if any
    chart: int | None = None


@dataclass(frozen=True)
class Chart:
    number: int
    caption: str
    kind: str
    #: what is drawn: a context entry (`total`, `gpb`) for change_bars, a list of parts (`income.lines`) for
    #: structure_pie; the trend reads the years themselves
    figure: str | None = None


@dataclass(frozen=True)
class Requirements:
    """What a template's report needs beyond the nine tables' figures (validation.REQUIRED_AMOUNTS)."""

    amounts: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    #: text fields, dotted (`covers.personnel`); a department with nothing to say under one writes so (“无”)
    text: tuple[str, ...] = ()
    #: what the report explains where actual and budget differ, beyond 五（三）'s lines and the “三公” total:
    #: `gpb_total` (reasons.gpb_against_budget), `gf_lines` (reasons.gf_budget.<code>)
    budget_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    name: str
    folder: Path
    title: str
    sections: tuple[Section, ...]
    charts: dict[int, Chart]
    tables_heading: str
    number_style: NumberStyle
    #: what each share is a share of (`income.*`: `income_total`), for the audit's reading of 占X%
    share_bases: dict[str, str] = field(default_factory=dict)
    #: the 名词解释 of a department whose text gives none, and whose data folder has no glossary.yaml
    glossary: tuple[dict, ...] = ()
    #: the sections that only appear with the years' trend (图8)
    trend_sections: tuple[str, ...] = ()
    requires: Requirements = Requirements()
    #: the section the 公开表 follow (None: after the last section, as the seed's 第五部分)
    tables_after: str | None = None
    #: its report notebook (in notebooks/, cells made by notebook_source), and the department it opens on
    notebook: str = "department_report.ipynb"
    #: the department whose figures write the template's sentences for `juesuan audit` and `extract` to read
    #: a published text by (template_audit, template_extract)
    example: tuple[str, int] = ("", 0)
    #: the kinds of vehicle (by use) the template names, in its order (catalogue.VEHICLE_USES' codes)
    vehicle_uses: tuple[str, ...] = ()

    @property
    def reference_doc(self) -> Path | None:
        """The template's reference .docx, whose styles its Word reports take (None: juesuan's default)."""
        path = self.folder / "reference.docx"
        return path if path.is_file() else None

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(f"template {self.name} has no section {key!r}")



def year_template(data_dir: Path, year: int) -> str:
    """The name of the report template of a year's departments (year.yaml's `template`), the seed's by default."""
    name = year_settings(data_dir, year).get("template", DEFAULT_TEMPLATE)
    if name not in shipped_templates():
        raise DataError(year_folder(data_dir, year) / "year.yaml", None, "template",
                        "内置报告模板之一：" + "、".join(shipped_templates()), name)
    return name


def template_folder(name_or_folder: str | Path) -> Path:
    """A shipped template's folder by its name (`national`), or a user's folder as given."""
    text = str(name_or_folder)
    if TEMPLATE_NAME.fullmatch(text) and (TEMPLATES / text / MANIFEST).is_file():
        return TEMPLATES / text
    return Path(name_or_folder).expanduser().resolve()


def shipped_templates() -> list[str]:
    return sorted(p.parent.name for p in TEMPLATES.glob(f"*/{MANIFEST}"))


def load_template(name_or_folder: str | Path = DEFAULT_TEMPLATE) -> Template:
    folder = template_folder(name_or_folder)
    return _load(folder, _stamps(folder))


def _stamps(folder: Path) -> tuple:
    """What the manifest and the files it reads are now: a template edited while a warm kernel lives is read again."""
    try:
        return tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.iterdir()) if p.is_file())
    except OSError:
        return ()


@lru_cache(maxsize=16)
def _load(folder: Path, _stamps: tuple = ()) -> Template:
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise DataError(manifest, None, "template", "报告模板文件夹，内有 template.yaml（内置模板："
                        + "、".join(shipped_templates()) + "）", "没有 template.yaml")
    try:
        spec = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DataError(manifest, None, "YAML", "格式正确的 UTF-8 YAML", str(exc).splitlines()[0]) from None

    def need(key, kind):
        value = spec.get(key)
        if not isinstance(value, kind):
            raise DataError(manifest, None, key, f"{kind.__name__} 类型的设置", value)
        return value

    sections = []
    for entry in need("sections", list):
        if not isinstance(entry, dict) or not isinstance(entry.get("key"), str) or not isinstance(entry.get("file"), str):
            raise DataError(manifest, None, "sections", "每节写明 key 与 file（Jinja 文件名）", entry)
        if not (folder / entry["file"]).is_file():
            raise DataError(manifest, None, f"sections {entry['key']}", f"模板文件夹中的 {entry['file']}", "文件不存在")
        sections.append(Section(entry["key"], entry["file"], entry.get("chart")))
    charts = {}
    for number, entry in (spec.get("charts") or {}).items():
        if not isinstance(entry, dict) or entry.get("kind") not in CHART_KINDS or not entry.get("caption"):
            raise DataError(manifest, None, f"charts {number}",
                            f"caption 与 kind（{'、'.join(CHART_KINDS)} 之一）", entry)
        charts[int(number)] = Chart(int(number), entry["caption"], entry["kind"], entry.get("figure"))
    for section in sections:
        if section.chart is not None and section.chart not in charts:
            raise DataError(manifest, None, f"sections {section.key} chart", "charts 中列出的图号", section.chart)
    style = need("number_style", dict)
    number_style = NumberStyle(thousands=bool(style.get("thousands", True)),
                               trailing_zeros=bool(style.get("trailing_zeros", False)),
                               whole_percent_bare=bool(style.get("whole_percent_bare", True)))
    glossary: tuple[dict, ...] = ()
    if spec.get("glossary"):
        glossary = tuple(load_glossary_file(folder / spec["glossary"]))
    return Template(
        name=spec.get("name") or folder.name, folder=folder, title=need("title", str), sections=tuple(sections),
        charts=charts, tables_heading=need("tables_heading", str), number_style=number_style,
        share_bases={str(k): str(v) for k, v in (spec.get("share_bases") or {}).items()},
        glossary=glossary, trend_sections=tuple(spec.get("trend_sections") or ()),
        requires=_requirements(manifest, spec.get("requires") or {}), tables_after=spec.get("tables_after"),
        notebook=need("notebook", str),
        example=(str(need("example", dict).get("department", "")), int(spec["example"].get("year", 0))),
        vehicle_uses=_known(manifest, "vehicle_uses", spec.get("vehicle_uses") or [], VEHICLE_USES))


def _known(manifest: Path, setting: str, values, vocabulary) -> tuple[str, ...]:
    unknown = [v for v in values if v not in vocabulary]
    if not isinstance(values, list) or unknown:
        raise DataError(manifest, None, setting, "以下之一：" + "、".join(vocabulary), unknown or values)
    return tuple(values)


def _requirements(manifest: Path, spec: dict) -> Requirements:
    from juesuan.data.catalogue import AMOUNT_ITEMS, COUNT_ITEMS

    return Requirements(amounts=_known(manifest, "requires.amounts", spec.get("amounts") or [], AMOUNT_ITEMS),
                        counts=_known(manifest, "requires.counts", spec.get("counts") or [], COUNT_ITEMS),
                        text=tuple(spec.get("text") or ()),
                        budget_reasons=_known(manifest, "requires.budget_reasons", spec.get("budget_reasons") or [],
                                              ("gpb_total", "gf_lines")))


def chart_value(context: dict, path: str):
    """`income.lines` -> context["income"].lines: what a chart of the manifest draws."""
    head, *rest = path.split(".")
    value = context[head]
    for part in rest:
        value = getattr(value, part)
    return value

