"""The charts: exact values, captions, the bundled font, and clean rendering."""
from __future__ import annotations

import io
import itertools
import warnings
from decimal import Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Rectangle, Wedge  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import juesuan  # noqa: E402
from juesuan.report import charts  # noqa: E402

D = Decimal

FIG6 = [
    ("一般公共服务支出", D("1520.71"), D("82.27")),
    ("社会保障和就业支出", D("187.83"), D("10.16")),
    ("卫生健康支出", D("0.36"), D("0.02")),
    ("住房保障支出", D("139.58"), D("7.55")),
]
FIG7 = [
    ("因公出国（境）费", D("0"), D("0")),
    ("公务用车购置及运行维护费", D("5.67"), D("83.14")),
    ("公务接待费", D("1.15"), D("16.86")),
]
# Every kind of character a label may carry: CJK, fullwidth and CJK punctuation,
# curly quotes, Latin, digits, %, the ideographic full stop and comma.
PUNCTUATION_LABEL = "其他支出（含“三公”、会议费：培训费）；合计。ABC-123，100%《》【】—…·"


def render(fig: Figure) -> tuple[bytes, list[warnings.WarningMessage]]:
    """The figure as the report's PNG, and every warning raised while rendering it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = charts.png_bytes(fig)
    return png, list(caught)


def assert_renders_cleanly(fig: Figure) -> bytes:
    png, caught = render(fig)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert not caught, "rendering warned: " + "; ".join(str(w.message) for w in caught)
    return png


def visible_texts(fig: Figure) -> list[Text]:
    fig.canvas.draw()
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def texts_with_gid(fig: Figure, gid: str) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_gid() == gid]


def fig1() -> Figure:
    return charts.bar_comparison(1, "收、支决算总计变动情况图", ["2021年", "2022年"], [D("2029.81"), D("1848.7")])


# ---------------------------------------------------------------- the font
def test_the_bundled_font_is_registered_and_used():
    family = charts.use_cjk_font()
    assert family == "Juesuan Sans SC"
    bundled = Path(juesuan.__file__).resolve().parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    assert charts.FONT_PATH == bundled and bundled.is_file()
    assert bundled.stat().st_size < 12 * 1024 * 1024
    assert (bundled.parent / "OFL.txt").is_file()
    found = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert Path(found).resolve() == bundled
    assert "/usr/share/fonts" not in found
    assert matplotlib.rcParams["font.sans-serif"][0] == family
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_every_chart_text_is_drawn_with_the_bundled_font():
    for fig in (fig1(), charts.pie_structure(6, "一般公共预算财政拨款支出决算结构图", FIG6)):
        for text in visible_texts(fig):
            found = font_manager.findfont(text.get_fontproperties(), fallback_to_default=False)
            assert Path(found).resolve() == charts.FONT_PATH, (text.get_text(), found)


def test_use_cjk_font_is_idempotent_and_survives_a_seaborn_reset():
    family = charts.use_cjk_font()
    entries = [f for f in font_manager.fontManager.ttflist if Path(f.fname).resolve() == charts.FONT_PATH]
    assert charts.use_cjk_font() == family
    again = [f for f in font_manager.fontManager.ttflist if Path(f.fname).resolve() == charts.FONT_PATH]
    assert len(again) == len(entries) >= 1  # registered once, not once per call
    sns.set_theme()  # resets the font list to seaborn's defaults
    assert family not in matplotlib.rcParams["font.sans-serif"]
    assert charts.use_cjk_font() == family
    assert matplotlib.rcParams["font.sans-serif"][0] == family
    assert matplotlib.rcParams["axes.unicode_minus"] is False


@pytest.fixture
def bare_machine(monkeypatch):
    """matplotlib knowing only its own fonts (DejaVu…): no CJK font installed anywhere."""
    own = Path(matplotlib.get_data_path()).resolve()
    manager = font_manager.fontManager
    bare = [f for f in manager.ttflist if own in Path(f.fname).resolve().parents]
    assert bare and not any("CJK" in f.name for f in bare)
    monkeypatch.setattr(manager, "ttflist", bare)
    monkeypatch.setattr(charts, "_family", None)
    manager._findfont_cached.cache_clear()
    yield
    manager._findfont_cached.cache_clear()


def test_charts_need_no_system_cjk_font(bare_machine):
    # Without the bundled font, this machine would draw boxes and warn.
    probe = Figure()
    probe.text(0.5, 0.5, "一般公共服务支出")
    _, caught = render(probe)
    assert any("missing from" in str(w.message) for w in caught)

    family = charts.use_cjk_font()
    assert [Path(f.fname).resolve() for f in font_manager.fontManager.ttflist if f.name == family] == [charts.FONT_PATH]
    for fig in (fig1(), charts.pie_structure(7, "“三公”经费支出决算结构图", FIG7)):
        assert_renders_cleanly(fig)


# ---------------------------------------------------------------- warnings
def test_the_warning_check_can_fail():
    """A glyph outside the bundled subset (CJK Extension A) must be caught as a warning."""
    fig = charts.bar_comparison(1, "测试", ["\u3400"], [D("1")])
    _, caught = render(fig)
    assert any("Glyph" in str(w.message) and "missing" in str(w.message) for w in caught)


def test_chinese_labels_and_fullwidth_punctuation_render_without_any_warning():
    figures = [
        fig1(),
        charts.bar_comparison(4, "财政拨款收入支出决算总体变动情况图（“三公”、会议费：比较）", [PUNCTUATION_LABEL, "2022年"],
                              [D("-5.5"), D("0.22")]),
        charts.pie_structure(6, "一般公共预算财政拨款支出决算结构图", FIG6),
        charts.pie_structure(7, "“三公”经费支出决算结构图", FIG7),
        charts.pie_structure(2, "收入决算结构图（按来源）", [(PUNCTUATION_LABEL, D("1"), D("50")),
                                                      ("其他收入", D("1"), D("50"))]),
        charts.pie_structure(7, "“三公”经费支出决算结构图", [(label, D(0), D(0)) for label, _, _ in FIG7]),
    ]
    for fig in figures:
        assert_renders_cleanly(fig)


def test_a_chart_renders_the_same_after_rcparams_are_reset():
    fig = charts.pie_structure(6, "一般公共预算财政拨款支出决算结构图", FIG6)
    with matplotlib.rc_context():
        matplotlib.rcdefaults()  # DejaVu Sans only, as if use_cjk_font had never run
        assert_renders_cleanly(fig)


def test_the_png_is_what_savefig_draws_without_its_alpha_channel():
    """The report's PNG against matplotlib's own ``savefig``: the same pixels, the same dpi, in RGB."""
    import numpy as np
    from PIL import Image

    for fig in (fig1(), charts.pie_structure(6, "一般公共预算财政拨款支出决算结构图", FIG6),
                charts.ranking_bars("各部门收、支总计", ["甲", "乙"], [D("3"), D("1.5")])):
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        expected = Image.open(io.BytesIO(buffer.getvalue()))
        ours = Image.open(io.BytesIO(charts.png_bytes(fig)))
        assert expected.mode == "RGBA" and ours.mode == "RGB"
        assert ours.size == expected.size == (int(fig.get_figwidth() * fig.dpi), int(fig.get_figheight() * fig.dpi))
        assert ours.info["dpi"] == pytest.approx(expected.info["dpi"])
        rgba = np.asarray(expected)
        assert (rgba[..., 3] == 255).all()
        assert np.array_equal(np.asarray(ours), rgba[..., :3])


def test_a_transparent_chart_is_refused():
    fig = fig1()
    fig.patch.set_alpha(0)
    with pytest.raises(ValueError, match="opaque"):
        charts.png_bytes(fig)


# ---------------------------------------------------------------- bar chart
def test_bar_heights_and_labels_are_the_inputs():
    values = [D("2029.81"), D("1848.7")]
    fig = fig1()
    ax = fig.axes[0]
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert [b.get_height() for b in bars] == [float(v) for v in values]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2021年", "2022年"]
    assert [t.get_text() for t in ax.texts] == ["2,029.81万元", "1,848.7万元"]
    assert fig.juesuan_data["labels"] == ["2021年", "2022年"]
    assert fig.juesuan_data["values"] == values
    assert all(type(v) is Decimal for v in fig.juesuan_data["values"])


def test_bar_labels_use_the_formatting_rules_and_the_unit():
    fig = charts.bar_comparison(3, "测试", ["甲", "乙", "丙"], [D("1848.70"), D("0.225"), D("0")], unit="元")
    assert [t.get_text() for t in fig.axes[0].texts] == ["1,848.7元", "0.23元", "0元"]
    assert [b.get_height() for b in fig.axes[0].patches] == [1848.7, 0.225, 0.0]


def test_bar_chart_shows_no_float_tick_numbers():
    ax = fig1().axes[0]
    assert list(ax.get_yticks()) == []


# ---------------------------------------------------------------- captions
@pytest.mark.parametrize(
    "make, expected",
    [
        (fig1, "图1：收、支决算总计变动情况图"),
        (lambda: charts.pie_structure(6, "一般公共预算财政拨款支出决算结构图", FIG6), "图6：一般公共预算财政拨款支出决算结构图"),
        (lambda: charts.pie_structure(7, "“三公”经费支出决算结构图", FIG7), "图7：“三公”经费支出决算结构图"),
        (lambda: charts.pie_structure(3, "支出决算结构图", [("基本支出", D(0), D(0))]), "图3：支出决算结构图"),
    ],
)
def test_caption_with_its_number_sits_below_the_chart(make, expected):
    fig = make()
    captions = texts_with_gid(fig, "juesuan-caption")
    assert [t.get_text() for t in captions] == [expected]
    assert fig.juesuan_data["caption"] == expected
    fig.canvas.draw()
    caption_box = captions[0].get_window_extent()
    others = [t for t in visible_texts(fig) if t is not captions[0]] + list(fig.axes)
    for other in others:
        box = other.get_window_extent() if isinstance(other, Text) else other.get_tightbbox()
        assert box.y0 >= caption_box.y1 - 0.5, f"{other} is not above the caption"


def test_caption_must_come_without_its_number():
    with pytest.raises(ValueError):
        charts.bar_comparison(1, "图1：收、支决算总计变动情况图", ["2022年"], [D(1)])


# ---------------------------------------------------------------- pie chart
def test_pie_wedges_are_the_nonzero_amounts_in_order():
    fig = charts.pie_structure(7, "“三公”经费支出决算结构图", FIG7)
    wedges = [p for p in fig.axes[0].patches if isinstance(p, Wedge)]
    assert len(wedges) == 2  # 因公出国（境）费 is zero: no wedge
    spans = [(w.theta2 - w.theta1) / 360 for w in wedges]
    assert spans == pytest.approx([5.67 / 6.82, 1.15 / 6.82], abs=1e-9)
    assert [w.get_facecolor() for w in wedges][0] != [w.get_facecolor() for w in wedges][1]
    assert fig.juesuan_data["labels"] == [label for label, _, _ in FIG7]
    assert fig.juesuan_data["values"] == [amount for _, amount, _ in FIG7]
    assert fig.juesuan_data["shares"] == [share for _, _, share in FIG7]
    assert fig.juesuan_data["drawn"] == ["公务用车购置及运行维护费", "公务接待费"]


def legend_rows(fig: Figure) -> list[list[str]]:
    """The legend's text, row by row (texts on one line share their y), top to bottom."""
    texts = texts_with_gid(fig, "juesuan-legend")
    by_row = itertools.groupby(sorted(texts, key=lambda t: (-t.get_position()[1], t.get_position()[0])),
                               key=lambda t: t.get_position()[1])
    return [[t.get_text() for t in row] for _, row in by_row]


def test_legend_lists_every_nonzero_item_with_amount_and_share():
    fig = charts.pie_structure(6, "一般公共预算财政拨款支出决算结构图", FIG6)
    assert legend_rows(fig) == [
        ["一般公共服务支出", "1,520.71万元", "82.27%"],
        ["社会保障和就业支出", "187.83万元", "10.16%"],
        ["卫生健康支出", "0.36万元", "0.02%"],
        ["住房保障支出", "139.58万元", "7.55%"],
    ]
    assert ("卫生健康支出", "0.36万元", "0.02%") in fig.juesuan_data["legend"]
    swatches = [p for p in fig.artists if p.get_gid() == "juesuan-legend"]
    wedges = [p for p in fig.axes[0].patches if isinstance(p, Wedge)]
    assert [s.get_facecolor() for s in swatches] == [w.get_facecolor() for w in wedges]


def test_zero_items_are_left_out_of_the_legend():
    rows = legend_rows(charts.pie_structure(7, "“三公”经费支出决算结构图", FIG7))
    assert rows == [["公务用车购置及运行维护费", "5.67万元", "83.14%"], ["公务接待费", "1.15万元", "16.86%"]]


def test_shares_are_shown_as_given_never_recomputed():
    # 1 and 1 would be 50% each; the library's shares are written, whatever they are.
    fig = charts.pie_structure(2, "测试", [("甲", D(1), D("30")), ("乙", D(1), D("70.5"))])
    shown = [t.get_text() for t in fig.findobj(Text)]
    assert "30%" in shown and "70.50%" in shown and "50%" not in shown
    assert [row[2] for row in legend_rows(fig)] == ["30%", "70.50%"]


def test_small_slices_stay_legible_without_overlapping_text():
    for fig in (charts.pie_structure(6, "一般公共预算财政拨款支出决算结构图", FIG6),
                charts.pie_structure(7, "“三公”经费支出决算结构图", FIG7)):
        texts = visible_texts(fig)
        inside = [t.get_text() for t in texts_with_gid(fig, "juesuan-wedge-label")]
        assert "0.02%" not in inside  # too small for its wedge: only in the legend
        boxes = [(t.get_text(), Text.get_window_extent(t)) for t in texts]  # the text, not a leader line
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
            assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"


def test_every_text_lies_inside_the_figure():
    figures = [fig1(), charts.pie_structure(6, "一般公共预算财政拨款支出决算结构图", FIG6),
               charts.pie_structure(2, "收入决算结构图", [("文化旅游体育与传媒支出（含“三公”、会议费）", D("123456789.12"),
                                                        D("100"))])]
    for fig in figures:
        frame = fig.bbox
        for text in visible_texts(fig):
            box = text.get_window_extent()
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1, \
                f"{text.get_text()!r} is clipped"


def test_all_zero_pie_draws_a_note_instead():
    fig = charts.pie_structure(7, "“三公”经费支出决算结构图", [(label, D(0), D(0)) for label, _, _ in FIG7])
    assert isinstance(fig, Figure)
    assert not any(isinstance(p, Wedge) for ax in fig.axes for p in ax.patches)
    notes = texts_with_gid(fig, "juesuan-note")
    assert [t.get_text() for t in notes] == ["本年无此项支出"]
    assert notes[0].get_horizontalalignment() == "center"
    assert notes[0].get_position()[0] == pytest.approx(fig.get_size_inches()[0] / 2)
    assert [t.get_text() for t in texts_with_gid(fig, "juesuan-caption")] == ["图7：“三公”经费支出决算结构图"]
    assert legend_rows(fig) == []
    assert_renders_cleanly(fig)


# ---------------------------------------------------------------- inputs and figure
def test_floats_are_refused():
    with pytest.raises(TypeError):
        charts.bar_comparison(1, "测试", ["2022年"], [1848.7])
    with pytest.raises(TypeError):
        charts.pie_structure(6, "测试", [("甲", D(1), 100.0)])


def test_mismatched_or_negative_inputs_are_refused():
    with pytest.raises(ValueError):
        charts.bar_comparison(1, "测试", ["2021年", "2022年"], [D(1)])
    with pytest.raises(ValueError):
        charts.pie_structure(6, "测试", [("甲", D(-1), D(0))])


def test_figures_are_report_sized_and_not_left_in_pyplot():
    before = plt.get_fignums()
    figures = [fig1(), charts.pie_structure(6, "一般公共预算财政拨款支出决算结构图", FIG6)]
    assert plt.get_fignums() == before
    for fig in figures:
        width, height = fig.get_size_inches()
        assert 6.5 <= width <= 9 and 2 <= height <= 5
        assert 100 <= fig.dpi <= 150
