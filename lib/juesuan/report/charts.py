"""The report's charts (图1–图7): bar comparisons and structure pies, in Chinese.

Every number written on a chart is a Decimal formatted by `juesuan.data.formatting`;
floats are used only for geometry (bar heights, wedge angles). Each figure
carries its caption as the report writes it (``图6：…``) and keeps its source
data in ``fig.juesuan_data`` so that callers and tests can check it exactly.

Figures are plain ``matplotlib.figure.Figure`` objects, not pyplot-managed:
nothing accumulates in pyplot's registry during a batch, and a notebook shows a
chart only when it is displayed.

Text is drawn with the bundled font (``fonts/NotoSansCJKsc-Regular.otf``,
family "Juesuan Sans SC", a subset of Noto Sans CJK SC under the SIL OFL), named
explicitly on every text artist, so a chart renders the same whatever rcParams
or fonts the machine has.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

import matplotlib as mpl
import seaborn as sns
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.patheffects import withStroke
from matplotlib.textpath import text_to_path

from juesuan.resources import PACKAGE_DIR
from juesuan.data.formatting import format_amount, format_percent

FONT_PATH = PACKAGE_DIR / "fonts" / "NotoSansCJKsc-Regular.otf"
FALLBACK_FAMILY = "DejaVu Sans"  # matplotlib's own font: Latin glyphs the subset might lack

# A restrained palette, close to the office-document colours these reports are
# usually typeset with: navy first, then muted hues that stay apart from their
# neighbours (a pie's wedge i sits next to wedges i-1 and i+1, and the last
# next to the first).
NAVY = "#1F4E79"
PALE_BLUE = "#9DB9D5"
PALETTE = [
    "#1F4E79",  # navy
    "#C0504D",  # brick red
    "#9BBB59",  # olive green
    "#8064A2",  # muted purple
    "#4BACC6",  # teal blue
    "#F79646",  # amber
    "#7F7F7F",  # grey
    "#D6B656",  # ochre
    "#2E7D5B",  # pine green
    "#A0522D",  # sienna
    "#7BA7D9",  # sky blue
    "#B5739D",  # mauve
]
TEXT = "#262626"
MUTED_TEXT = "#595959"

WIDTH, HEIGHT, DPI = 7.0, 4.0, 120  # inches, inches, dots per inch
MARGIN = 0.15  # inches kept clear on every side of the figure
CAPTION_SIZE, LABEL_SIZE, LEGEND_SIZE, NOTE_SIZE = 12.0, 11.0, 10.5, 14.0
INSIDE_LABEL_MIN_SHARE = Decimal(10)  # wedges of at least 10% carry their share inside
OUTSIDE_LABEL_GAP = 0.12  # smaller wedges carry it outside, this far (in radii) from the rim, on a leader line
LABEL_GAP_POINTS = 2.0  # the least room between two labels of a trend at one year
NO_SPENDING = "本年无此项支出"

_family: str | None = None  # set once the bundled font is registered


def _theme_rc(family: str) -> dict:
    return {
        "font.family": ["sans-serif"],
        "font.sans-serif": [family, FALLBACK_FAMILY],
        "axes.unicode_minus": False,
    }


def use_cjk_font() -> str:
    """Register the bundled CJK font and make it matplotlib's default; return its family.

    Sets the seaborn theme with the font in ``rc=`` (``sns.set_theme`` would
    otherwise reset the font list) and ``axes.unicode_minus=False``. The font is
    registered once; later calls only re-apply the theme if something (another
    ``sns.set_theme()``, ``mpl.rcdefaults()``) has changed those settings.
    """
    global _family
    if _family is None:
        font_manager.fontManager.addfont(str(FONT_PATH))
        _family = FontProperties(fname=FONT_PATH).get_name()
    rc = _theme_rc(_family)
    if any(mpl.rcParams[key] != value for key, value in rc.items()):
        sns.set_theme(context="notebook", style="white", rc=rc)
    return _family


# ---------------------------------------------------------------- helpers
def _font(size: float) -> FontProperties:
    """The bundled font by name (falling back to DejaVu Sans glyph by glyph)."""
    return FontProperties(family=[use_cjk_font(), FALLBACK_FAMILY], size=size)


def _text_size(text: str, size: float) -> tuple[float, float]:
    """Width and height of a line of text, in inches."""
    width, height, _descent = text_to_path.get_text_width_height_descent(text, _font(size), ismath=False)
    return width / 72, height / 72


def _decimal(value, what: str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise TypeError(f"{what} must be a Decimal, got {type(value).__name__} {value!r}")


def _caption(figure_number: int, caption: str) -> str:
    if not isinstance(figure_number, int) or isinstance(figure_number, bool) or figure_number < 1:
        raise ValueError(f"figure_number must be a positive int, got {figure_number!r}")
    if re.match(r"\s*图\s*\d", caption):
        raise ValueError(f"caption {caption!r} already has a figure number; pass it without 图N：")
    return f"图{figure_number}：{caption.strip()}"


def _new_figure(width: float, height: float, **kwargs) -> Figure:
    # The theme first: axes take their style (spines, ticks) from rcParams when they are made, so a chart
    # made before any text had called _font() -- the index's, first in a process -- looked different.
    use_cjk_font()
    fig = Figure(figsize=(width, height), dpi=DPI, facecolor="white", **kwargs)
    FigureCanvasAgg(fig)  # renders to PNG with Agg, in or out of a notebook
    return fig


#: zlib's effort for a chart's PNG. A chart is mostly flat colour: at 3 it comes out no larger than at the
#: default 6 (the alpha channel dropped, below), in about half the time.
PNG_COMPRESS_LEVEL = 3


def png_bytes(figure: Figure) -> bytes:
    """The chart as a PNG: the pixels ``figure.savefig(format="png")`` gives, at the figure's own dpi.

    Saved as RGB: a chart is opaque (its face is white), so savefig's alpha channel is 255 everywhere and
    a quarter of what zlib would have to pack. The report draws seven charts; encoding them was a sixth of
    a report's time.
    """
    import io

    import numpy as np
    from PIL import Image

    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    if not (rgba[..., 3] == 255).all():
        raise ValueError("a chart with transparent pixels: give its figure an opaque facecolor")
    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=PNG_COMPRESS_LEVEL, dpi=(figure.dpi, figure.dpi))
    return buffer.getvalue()


def _text_colour_on(colour: str) -> str:
    r, g, b = to_rgb(colour)
    return TEXT if 0.299 * r + 0.587 * g + 0.114 * b > 0.6 else "white"


# ---------------------------------------------------------------- bar chart
def bar_comparison(
    figure_number: int,
    caption: str,
    labels: list[str],
    values: list[Decimal],
    unit: str = "万元",
) -> Figure:
    """Bars side by side (e.g. 2021年 vs 2022年), each labelled with its amount and unit.

    Bar heights are ``float(value)``; the label on each bar is
    ``format_amount(value) + unit``. The caption ``图N：caption`` sits below.
    """
    title = _caption(figure_number, caption)
    labels = [str(label) for label in labels]
    amounts = [_decimal(v, "value") for v in values]
    if len(labels) != len(amounts):
        raise ValueError(f"{len(labels)} labels for {len(amounts)} values")
    if not amounts:
        raise ValueError("a bar chart needs at least one value")

    fig = _new_figure(WIDTH, HEIGHT, layout="constrained")
    fig.get_layout_engine().set(w_pad=MARGIN, h_pad=MARGIN)
    ax = fig.add_subplot()
    n = len(amounts)
    colours = [NAVY] if n == 1 else [mpl.colors.to_hex(c) for c in sns.blend_palette([PALE_BLUE, NAVY], n)]
    positions = list(range(n))
    heights = [float(a) for a in amounts]  # geometry only
    bars = ax.bar(positions, heights, width=0.5 if n <= 3 else 0.6, color=colours, zorder=2)
    value_texts = [format_amount(a) + unit for a in amounts]
    ax.bar_label(bars, labels=value_texts, padding=4, color=TEXT, fontproperties=_font(LABEL_SIZE))

    ax.set_xticks(positions, labels, fontproperties=_font(LABEL_SIZE), color=TEXT)
    ax.set_xlim(-0.8, n - 0.2)
    top, bottom = max(max(heights), 0.0), min(min(heights), 0.0)
    span = (top - bottom) or 1.0
    ax.set_ylim(bottom - (0.16 * span if bottom < 0 else 0), top + 0.16 * span)
    ax.set_yticks([])  # the amounts are written on the bars: no float tick labels
    ax.axhline(0, color="#A6A6A6", linewidth=0.8, zorder=3)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="x", length=0, pad=6)
    ax.grid(False)

    fig.supxlabel(title, fontproperties=_font(CAPTION_SIZE), color=TEXT).set_gid("juesuan-caption")
    fig.juesuan_data = {
        "kind": "bar",
        "figure_number": figure_number,
        "caption": title,
        "labels": labels,
        "values": amounts,
        "unit": unit,
        "value_labels": value_texts,
    }
    return fig


# ---------------------------------------------------------------- pie chart
def pie_structure(
    figure_number: int,
    caption: str,
    items: list[tuple[str, Decimal, Decimal]],
) -> Figure:
    """A structure pie with a legend beside it: ``label  amount万元  share`` per item.

    ``items`` are (label, amount in 万元, share in percent): the shares are the
    library's, written exactly as ``format_percent(share)``, never recomputed.
    Items of zero amount get no wedge and no legend row. Wedges of at least 10%
    also carry their share; every share, however small, is in the legend. When
    every amount is zero the figure holds the note 本年无此项支出 instead of a pie.
    """
    title = _caption(figure_number, caption)
    rows = []
    for item in items:
        label, amount, share = item
        amount, share = _decimal(amount, f"amount of {label}"), _decimal(share, f"share of {label}")
        if amount < 0:
            raise ValueError(f"a pie cannot show the negative amount {amount} of {label}")
        rows.append((str(label), amount, share))
    drawn = [row for row in rows if row[1] != 0]

    caption_w, caption_h = _text_size(title, CAPTION_SIZE)
    caption_band = caption_h + 0.25  # caption plus the gap above it, inches

    data = {
        "kind": "pie",
        "figure_number": figure_number,
        "caption": title,
        "labels": [r[0] for r in rows],
        "values": [r[1] for r in rows],
        "shares": [r[2] for r in rows],
        "drawn": [r[0] for r in drawn],
        "legend": [],
    }

    if not drawn:
        note_w, note_h = _text_size(NO_SPENDING, NOTE_SIZE)
        width = max(WIDTH, caption_w + 2 * MARGIN, note_w + 2 * MARGIN)
        height = 2.4
        fig = _new_figure(width, height)
        fig.text(width / 2, MARGIN + caption_band + (height - 2 * MARGIN - caption_band) / 2, NO_SPENDING,
                 transform=fig.dpi_scale_trans, ha="center", va="center", color=MUTED_TEXT,
                 fontproperties=_font(NOTE_SIZE), gid="juesuan-note")
        _add_caption(fig, title, width)
        fig.juesuan_data = data
        return fig

    legend = [(label, format_amount(amount) + "万元", format_percent(share)) for label, amount, share in drawn]
    data["legend"] = legend
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(drawn))]

    # Legend geometry, in inches: swatch | label | amount (right-aligned) | share (right-aligned)
    swatch, after_swatch, column_gap = 0.15, 0.09, 0.28
    label_w = max(_text_size(row[0], LEGEND_SIZE)[0] for row in legend)
    amount_w = max(_text_size(row[1], LEGEND_SIZE)[0] for row in legend)
    share_w = max(_text_size(row[2], LEGEND_SIZE)[0] for row in legend)
    legend_w = swatch + after_swatch + label_w + column_gap + amount_w + column_gap + share_w
    row_h = LEGEND_SIZE * 1.85 / 72
    legend_h = row_h * len(legend)

    height = max(HEIGHT, legend_h + caption_band + 2 * MARGIN + 0.2)
    diameter = min(3.3, height - caption_band - 2 * MARGIN - 0.1)
    outside = [share < INSIDE_LABEL_MIN_SHARE for _, _, share in drawn] if len(drawn) > 1 else [False]
    # The axes' half-width in units of the pie's radius: room around the pie for the outside labels.
    reach = 1.02
    if any(outside):
        widest = max(_text_size(format_percent(share), LEGEND_SIZE)[0]
                     for (_, _, share), out in zip(drawn, outside) if out)
        # reach = rim + gap + label width in radii, a radius being diameter / 2 / reach inches:
        reach = (1.02 + OUTSIDE_LABEL_GAP + 0.05) / max(1 - 2 * widest * 1.1 / diameter, 0.4)
    pie_gap = 0.4
    content_w = diameter + pie_gap + legend_w
    width = max(WIDTH, content_w + 2 * MARGIN, caption_w + 2 * MARGIN)
    fig = _new_figure(width, height)

    left = (width - content_w) / 2
    body_bottom = MARGIN + caption_band
    centre_y = body_bottom + (height - MARGIN - body_bottom) / 2
    ax = fig.add_axes((left / width, (centre_y - diameter / 2) / height, diameter / width, diameter / height))
    wedges, _ = ax.pie(
        [float(amount) for _, amount, _ in drawn],  # geometry only
        colors=colours,
        startangle=90,
        counterclock=False,
        wedgeprops={"edgecolor": "white", "linewidth": 1.0},
    )
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)
    ax.set_aspect("equal")
    line_height = _text_size("0.01%", LEGEND_SIZE)[1] / (diameter / 2 / reach)  # in radii
    _label_outside(ax, [(w, format_percent(share)) for w, (_, _, share), out in zip(wedges, drawn, outside) if out],
                   line_height, reach)
    for wedge, (_, _, share), colour, out in zip(wedges, drawn, colours, outside):
        wedge.set_gid("juesuan-wedge")
        if out:
            continue
        if len(drawn) == 1:
            x = y = 0.0
        else:
            middle = math.radians((wedge.theta1 + wedge.theta2) / 2)
            x, y = 0.62 * math.cos(middle), 0.62 * math.sin(middle)
        ax.text(x, y, format_percent(share), ha="center", va="center", color=_text_colour_on(colour),
                fontproperties=_font(LEGEND_SIZE), gid="juesuan-wedge-label")

    x_swatch = left + diameter + pie_gap
    x_label = x_swatch + swatch + after_swatch
    x_amount = x_label + label_w + column_gap + amount_w  # right edge
    x_share = x_amount + column_gap + share_w  # right edge
    top = centre_y + legend_h / 2
    inches = fig.dpi_scale_trans
    for i, ((label, amount_text, share_text), colour) in enumerate(zip(legend, colours)):
        y = top - (i + 0.5) * row_h
        fig.add_artist(Rectangle((x_swatch, y - swatch / 2), swatch, swatch, transform=inches,
                                 facecolor=colour, edgecolor="none", gid="juesuan-legend"))
        for x, text, align in ((x_label, label, "left"), (x_amount, amount_text, "right"),
                               (x_share, share_text, "right")):
            fig.text(x, y, text, transform=inches, ha=align, va="center_baseline", color=TEXT,
                     fontproperties=_font(LEGEND_SIZE), gid="juesuan-legend")

    _add_caption(fig, title, width)
    fig.juesuan_data = data
    return fig


def _label_outside(ax, labels: list[tuple], line_height: float, reach: float) -> None:
    """Each small wedge's share beside the pie, joined to its wedge by a leader line.

    Labels go to the side of the pie their wedge is on and are spread apart
    vertically, so that neighbouring slivers (0.01%, 0.02%…) never write
    over each other; each leader line runs from its wedge's rim to its label.
    """
    step = line_height * 1.35
    limit = reach - line_height * 0.7
    for side in (1, -1):
        placed = []
        for wedge, text in labels:
            middle = math.radians((wedge.theta1 + wedge.theta2) / 2)
            x, y = math.cos(middle), math.sin(middle)
            if (x >= 0) == (side == 1):
                placed.append([y, x, y, text])
        placed.sort(key=lambda p: p[0])
        for i in range(1, len(placed)):  # bottom to top: each at least a line above the one below
            placed[i][0] = max(placed[i][0], placed[i - 1][0] + step)
        if placed and placed[-1][0] > limit:  # too high: the whole column comes down
            placed[-1][0] = limit
            for i in range(len(placed) - 2, -1, -1):
                placed[i][0] = min(placed[i][0], placed[i + 1][0] - step)
        for label_y, x, y, text in placed:
            label_x = side * (1.0 + OUTSIDE_LABEL_GAP)
            ax.annotate(text, xy=(x, y), xytext=(label_x, label_y), ha="left" if side == 1 else "right",
                        va="center", color=TEXT, fontproperties=_font(LEGEND_SIZE), annotation_clip=False,
                        arrowprops={"arrowstyle": "-", "color": MUTED_TEXT, "linewidth": 0.8,
                                    "shrinkA": 1, "shrinkB": 0, "connectionstyle": "arc3"},
                        gid="juesuan-wedge-outside-label")


def _add_caption(fig: Figure, title: str, width: float) -> None:
    fig.text(width / 2, MARGIN, title, transform=fig.dpi_scale_trans, ha="center", va="bottom",
             color=TEXT, fontproperties=_font(CAPTION_SIZE), gid="juesuan-caption")


# ---------------------------------------------------------------- trend chart
def trend_lines(
    figure_number: int,
    caption: str,
    years: list[int],
    panels: list[dict[str, list[Decimal | None]]],
    unit: str = "万元",
) -> Figure:
    """Figures over the years, one line each, every point labelled with its amount.

    Each panel has its own scale, so a small figure ("三公") is not flattened
    beside large ones. A series equal to one drawn before it in the same panel
    is drawn dashed on top and not labelled twice. A year whose data does not
    give a figure (a partial comparison year) leaves a gap, not a made-up point.
    """
    title = _caption(figure_number, caption)
    if len(years) < 2:
        raise ValueError("a trend needs at least two years")
    checked: list[dict[str, list[Decimal | None]]] = []
    for panel in panels:
        checked.append({})
        for name, values in panel.items():
            if len(values) != len(years):
                raise ValueError(f"{name}: {len(values)} values for {len(years)} years")
            checked[-1][name] = [None if v is None else _decimal(v, name) for v in values]

    fig = _new_figure(WIDTH + 1.0, HEIGHT + 0.8, layout="constrained")
    fig.get_layout_engine().set(w_pad=MARGIN, h_pad=MARGIN)
    axes = fig.subplots(1, len(checked), width_ratios=[3 if len(p) > 1 else 1.5 for p in checked], squeeze=False)[0]
    positions = list(range(len(years)))
    colour_index = 0
    point_labels: list[tuple] = []
    for ax, panel in zip(axes, checked):
        drawn: list[list[Decimal | None]] = []
        for name, values in panel.items():
            colour = PALETTE[colour_index % len(PALETTE)]
            colour_index += 1
            repeat = values in drawn
            heights = [math.nan if v is None else float(v) for v in values]  # geometry only
            ax.plot(positions, heights, marker="o", color=colour, linewidth=1.6 if repeat else 2.2,
                    linestyle=(0, (4, 3)) if repeat else "-", label=name + ("（与上一项相同）" if repeat else ""),
                    zorder=3 if repeat else 2)
            if not repeat:
                for x, value in zip(positions, values):
                    if value is not None:
                        point_labels.append((ax, x, ax.annotate(
                            format_amount(value), (x, float(value)), textcoords="offset points",
                            xytext=(0, POINT_LABEL_OFFSET), ha="center", va="bottom", color=colour,
                            fontproperties=_font(LEGEND_SIZE - 2), gid="juesuan-point-label",
                            path_effects=[HALO])))
            drawn.append(values)
        ax.set_xticks(positions, [f"{y}年" for y in years], fontproperties=_font(LEGEND_SIZE), color=TEXT)
        ax.set_xlim(-0.4, len(years) - 0.6)
        ax.set_yticks([])
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        ax.margins(y=0.2)
        if all(v is None or v >= 0 for values in panel.values() for v in values):
            ax.set_ylim(bottom=0)  # a scale from zero: a change looks as large as it is
        ax.legend(prop=_font(LEGEND_SIZE - 1), frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1),
                  ncol=2 if len(panel) > 1 else 1)
    axes[0].set_ylabel(f"单位：{unit}", fontproperties=_font(LEGEND_SIZE), color=MUTED_TEXT)
    fig.supxlabel(title, fontproperties=_font(CAPTION_SIZE), color=TEXT).set_gid("juesuan-caption")
    _spread_point_labels(fig, point_labels)
    series = {name: values for panel in checked for name, values in panel.items()}
    fig.juesuan_data = {"kind": "trend", "figure_number": figure_number, "caption": title,
                        "labels": [f"{y}年" for y in years], "years": list(years), "series": series, "unit": unit}
    return fig


POINT_LABEL_OFFSET = 5.0  # points between a point and its label above it
HALO = withStroke(linewidth=3, foreground="white")  # a line passing behind a label does not cross it out


def _spread_point_labels(fig: Figure, labels: list[tuple]) -> None:
    """Labels of one year in one panel stacked upwards, in the order of their points, never on each other.

    Two close figures (9,733.75 and 9,667.29) would write their labels over
    each other: each label keeps its place above its point unless the label
    below it is in the way, then sits just above that one. The layout sizes
    the axes, which moves the points: so the labels are placed, the figure
    laid out again, and the labels placed again.
    """
    groups: dict[tuple, list] = {}
    for ax, x, label in labels:
        groups.setdefault((id(ax), x), []).append(label)
    groups = {k: g for k, g in groups.items() if len(g) > 1}
    if not groups:
        return
    to_points = 72 / fig.dpi
    for _ in range(3):
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        for group in groups.values():
            stack = sorted(group, key=lambda a: (a.axes.transData.transform(a.xy)[1]))
            below = -math.inf
            lowest = stack[0]
            point = lowest.axes.transData.transform(lowest.xy)[1]
            height = lowest.get_window_extent(renderer).height
            if point - POINT_LABEL_OFFSET / to_points - height >= lowest.axes.bbox.y0:
                # the lowest point's label goes under it, out of the way of the others
                lowest.xyann = (0, -POINT_LABEL_OFFSET - height * to_points)
                stack = stack[1:]
            for label in stack:
                point = label.axes.transData.transform(label.xy)[1]
                height = label.get_window_extent(renderer).height
                bottom = max(point + POINT_LABEL_OFFSET / to_points, below + LABEL_GAP_POINTS / to_points)
                label.xyann = (0, (bottom - point) * to_points)
                below = bottom + height


# ---------------------------------------------------------------- ranking
def ranking_bars(caption: str, labels: list[str], values: list[Decimal], unit: str = "万元") -> Figure:
    """Departments side by side, largest first, as horizontal bars labelled with their amounts."""
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels for {len(values)} values")
    amounts = [_decimal(v, "value") for v in values]
    order = sorted(range(len(amounts)), key=lambda i: amounts[i], reverse=True)
    labels = [str(labels[i]) for i in order]
    amounts = [amounts[i] for i in order]
    height = max(1.8, 0.42 * len(amounts) + 1.2)
    fig = _new_figure(WIDTH + 1.5, height, layout="constrained")
    fig.get_layout_engine().set(w_pad=MARGIN, h_pad=MARGIN)
    ax = fig.add_subplot()
    positions = list(range(len(amounts)))
    bars = ax.barh(positions, [float(a) for a in amounts], color=NAVY, height=0.6, zorder=2)
    ax.bar_label(bars, labels=[format_amount(a) + unit for a in amounts], padding=4, color=TEXT,
                 fontproperties=_font(LEGEND_SIZE))
    ax.set_yticks(positions, labels, fontproperties=_font(LEGEND_SIZE), color=TEXT)
    ax.invert_yaxis()
    ax.set_xticks([])
    ax.margins(x=0.25)
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    fig.supxlabel(caption, fontproperties=_font(CAPTION_SIZE), color=TEXT).set_gid("juesuan-caption")
    fig.juesuan_data = {"kind": "ranking", "caption": caption, "labels": labels, "values": amounts, "unit": unit}
    return fig
