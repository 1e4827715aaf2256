#include "meme/card/pictures.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "meme/caption.hpp"
#include "meme/ci_reactions.hpp"
#include "meme/confusion_grid.hpp"

namespace memeops::meme::card {
namespace {

constexpr double k_radius = 14;  // corners of panels

std::string fixed(double value, const char* format = "%.3f") {
    char text[32];
    std::snprintf(text, sizeof text, format, value);
    return text;
}

// --- curves ------------------------------------------------------------------------------

struct Range {
    double lo = 0, hi = 1;
};

Range value_range(const CurvePicture& p) {
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& s : p.series)
        for (const auto& v : s.values)
            if (v && std::isfinite(*v)) lo = std::min(lo, *v), hi = std::max(hi, *v);
    if (p.threshold) lo = std::min(lo, *p.threshold), hi = std::max(hi, *p.threshold);
    if (!std::isfinite(lo)) return {};
    double pad = hi > lo ? (hi - lo) * 0.08 : std::max(std::abs(hi) * 0.1, 0.1);
    return {lo - pad, hi + pad};
}

// Maps epochs and values to pixels of the plot.
struct Scale {
    Rect plot;
    int first = 0, last = 0;
    Range range;
    double x(int epoch) const {
        return last == first ? plot.x + plot.w / 2 : plot.x + plot.w * (epoch - first) / double(last - first);
    }
    double y(double v) const { return plot.y + plot.h * (range.hi - v) / (range.hi - range.lo); }
};

// A round step (1, 2 or 5 times a power of ten) that cuts `range` into about four parts, so
// the axis reads 0.2, 0.4, 0.6 rather than 0.2187, 0.4374.
double tick_step(const Range& range) {
    double rough = (range.hi - range.lo) / 4.0;
    double power = std::pow(10.0, std::floor(std::log10(rough)));
    for (double factor : {1.0, 2.0, 5.0})
        if (factor * power >= rough) return factor * power;
    return 10.0 * power;
}

void draw_axes(Canvas& c, const Scale& s) {
    const CardLayout& l = c.layout();
    TextStyle label{.px = l.label_px, .colour = l.muted, .align = Align::right};
    double step = tick_step(s.range);
    for (double v = std::ceil(s.range.lo / step) * step; v <= s.range.hi + step * 1e-9; v += step) {
        if (std::abs(v) < step * 1e-9) v = 0;  // no "-1e-17"
        double y = s.y(v);
        c.line(s.plot.x, y, s.plot.x + s.plot.w, y, 1, l.grid);
        c.text(format_metric(v), s.plot.x - 8, y - l.label_px * 0.7, label);
    }
    TextStyle epoch{.px = l.label_px, .colour = l.muted, .align = Align::centre};
    double below = s.plot.y + s.plot.h + 4;
    c.text("epoch " + std::to_string(s.first), s.x(s.first), below, epoch);
    if (s.last != s.first) c.text(std::to_string(s.last), s.x(s.last), below, epoch);
}

// A series as a polyline through the epochs that reported it, broken where values are not
// finite; a NaN gets a 💀 at the top.
void draw_series(Canvas& c, const Scale& s, const CurvePicture& p, size_t index) {
    const CardLayout& l = c.layout();
    const Colour& colour = l.series[index % l.series.size()];
    cairo_t* cr = c.cr();
    set_colour(cr, colour);
    cairo_set_line_width(cr, index == 0 ? 4 : 3);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    bool drawing = false;
    const auto& values = p.series[index].values;
    for (size_t i = 0; i < values.size() && i < p.epochs.size(); ++i) {
        if (!values[i]) continue;
        if (!std::isfinite(*values[i])) {
            if (drawing) cairo_stroke(cr);
            drawing = false;
            continue;
        }
        double x = s.x(p.epochs[i]), y = s.y(*values[i]);
        drawing ? cairo_line_to(cr, x, y) : cairo_move_to(cr, x, y);
        drawing = true;
    }
    if (drawing) cairo_stroke(cr);
    for (size_t i = 0; i < values.size() && i < p.epochs.size() && index == 0; ++i) {
        if (!values[i] || !std::isnan(*values[i])) continue;
        double x = s.x(p.epochs[i]);
        bool right = x > s.plot.x + s.plot.w * 0.8;  // kept inside the plot, beside the mark
        c.text("💀 NaN", x + (right ? -10 : 10), s.plot.y + 4,
               {.px = l.label_px, .colour = l.text, .bold = true, .align = right ? Align::right : Align::left});
    }
}

void draw_legend(Canvas& c, const CurvePicture& p, const Rect& area) {
    const CardLayout& l = c.layout();
    double x = area.x + l.label_px * 4.0, y = area.y + 6;
    TextStyle name{.px = l.label_px, .colour = l.text};
    for (size_t i = 0; i < p.series.size(); ++i) {
        c.rounded({x, y + l.label_px * 0.35, 22, 8}, 4, l.series[i % l.series.size()]);
        x += 30 + c.text(p.series[i].name, x + 30, y, name).w + 24;
    }
}

void draw_marks(Canvas& c, const Scale& s, const CurvePicture& p) {
    const CardLayout& l = c.layout();
    if (p.threshold) {
        cairo_t* cr = c.cr();
        double dash[] = {10, 6};
        cairo_set_dash(cr, dash, 2, 0);
        c.line(s.plot.x, s.y(*p.threshold), s.plot.x + s.plot.w, s.y(*p.threshold), 2.5, l.threshold);
        cairo_set_dash(cr, nullptr, 0, 0);
        // Under the line at the left, where rising curves have not got to yet.
        c.text("threshold " + format_metric(*p.threshold), s.plot.x + 8, s.y(*p.threshold) + 4,
               {.px = l.label_px, .colour = l.threshold, .bold = true});
    }
    if (!p.marked_epoch) return;
    double x = s.x(*p.marked_epoch);
    c.line(x, s.plot.y, x, s.plot.y + s.plot.h, 3, l.mark);
    TextStyle label{.px = l.label_px, .colour = l.mark, .bold = true,
                    .align = x > s.plot.x + s.plot.w * 0.8 ? Align::right : Align::left};
    c.text("🚨 epoch " + std::to_string(*p.marked_epoch), x + (label.align == Align::left ? 8 : -8),
           s.plot.y + s.plot.h - l.label_px * 1.6, label);
    auto at = std::find(p.epochs.begin(), p.epochs.end(), *p.marked_epoch);
    if (at == p.epochs.end() || p.series.empty()) return;
    const auto& v = p.series[0].values[size_t(at - p.epochs.begin())];
    if (!v || !std::isfinite(*v)) return;
    cairo_arc(c.cr(), x, s.y(*v), 7, 0, 2 * M_PI);
    set_colour(c.cr(), l.mark);
    cairo_fill(c.cr());
}

void draw_curves(Canvas& c, const CurvePicture& p, const Rect& area) {
    c.rounded(area, k_radius, c.layout().panel);
    if (p.epochs.empty()) return;
    Scale s{curve_plot_area(area, c.layout()), p.epochs.front(), p.epochs.back(), value_range(p)};
    draw_axes(c, s);
    cairo_save(c.cr());
    cairo_rectangle(c.cr(), s.plot.x - 8, s.plot.y - 8, s.plot.w + 16, s.plot.h + 16);
    cairo_clip(c.cr());
    for (size_t i = p.series.size(); i-- > 0;) draw_series(c, s, p, i);  // the first on top
    cairo_restore(c.cr());
    draw_marks(c, s, p);
    draw_legend(c, p, area);
}

// --- confusion grid ----------------------------------------------------------------------

// The per-class figures as a table: the label, then precision, recall, F1 and support in
// right-aligned columns.
void draw_scores(Canvas& c, const ConfusionMatrix& m, const Rect& area) {
    const CardLayout& l = c.layout();
    double y = area.y;
    y += c.text("🎯 accuracy " + fixed(m.accuracy), area.x, y, {.px = l.caption_en_px + 6, .colour = l.text, .bold = true}).h + 12;
    double column = area.w / 5, step = std::min(l.label_px * 1.7, (area.y + area.h - y) / double(m.labels.size() + 1));
    auto row = [&](const std::vector<std::string>& cells, const Colour& colour, bool bold) {
        c.text(cells[0], area.x, y, {.px = l.label_px, .colour = colour, .bold = bold, .width = column * 1.2});
        for (size_t k = 1; k < cells.size(); ++k)
            c.text(cells[k], area.x + column * double(k + 1), y, {.px = l.label_px, .colour = colour, .bold = bold, .align = Align::right});
        y += step;
    };
    row({"class", "precision", "recall", "F1", "support"}, l.muted, false);
    for (size_t i = 0; i < m.labels.size(); ++i) {
        const auto& s = m.scores[i];
        row({m.labels[i], fixed(s.precision), fixed(s.recall), fixed(s.f1), std::to_string(s.support)}, l.text, false);
    }
}

void draw_grid(Canvas& c, const GridPicture& p, const Rect& area) {
    const CardLayout& l = c.layout();
    c.rounded(area, k_radius, l.panel);
    const auto& m = p.matrix;
    size_t n = m.labels.size();
    if (n == 0) return;
    double label_w = area.w * 0.12, top = l.label_px * 2.0 + 8;
    double cell = std::min((area.w * 0.5 - label_w) / double(n), (area.h - top - 12) / double(n));
    double x0 = area.x + 16 + label_w, y0 = area.y + top;
    c.text("true ↓  pred →", x0 - 8, area.y + 10, {.px = l.label_px - 2, .colour = l.muted, .align = Align::right});
    TextStyle head{.px = l.label_px, .colour = l.muted, .bold = true, .width = cell, .align = Align::centre};
    TextStyle row{.px = l.label_px, .colour = l.muted, .bold = true, .width = label_w - 8, .align = Align::right};
    TextStyle emoji{.px = int(std::clamp(cell * 0.3, 12.0, 40.0)), .colour = l.text, .align = Align::centre};
    TextStyle count{.px = int(std::clamp(cell * 0.2, 10.0, double(l.label_px))), .colour = l.text, .bold = true, .align = Align::centre};
    for (size_t j = 0; j < n; ++j) c.text(m.labels[j], x0 + cell * (double(j) + 0.5), area.y + 10, head);
    for (size_t i = 0; i < n; ++i) {
        c.text(m.labels[i], x0 - 8, y0 + cell * (double(i) + 0.5) - l.label_px * 0.7, row);
        for (size_t j = 0; j < n; ++j) {
            double x = x0 + cell * double(j), y = y0 + cell * double(i);
            c.rounded({x + 3, y + 3, cell - 6, cell - 6}, 10, l.background);
            std::string emoji_text = cell_emoji(m, i, j);  // "🟩", or for two classes "💯 TP"
            double h = c.measure(emoji_text, emoji).h + c.measure("0", count).h;
            double ty = y + (cell - h) / 2;
            ty += c.text(emoji_text, x + cell / 2, ty, emoji).h;
            c.text(std::to_string(m.counts[i][j]), x + cell / 2, ty, count);
        }
    }
    double tx = x0 + cell * double(n) + 32;
    draw_scores(c, m, {tx, area.y + 14, area.x + area.w - tx - 20, area.h - 24});
}

// --- CI strip ----------------------------------------------------------------------------

void draw_strip(Canvas& c, const StripPicture& p, const Rect& area) {
    const CardLayout& l = c.layout();
    c.rounded(area, k_radius, l.panel);
    size_t n = std::max<size_t>(p.statuses.size(), 1);
    double gap = 10, inner = area.w - 48;
    double box = std::min((inner - gap * double(n - 1)) / double(n), area.h * 0.5);
    double x0 = area.x + 24 + (inner - (box * double(n) + gap * double(n - 1))) / 2, y = area.y + (area.h - box) / 2 - l.label_px * 0.6;
    int passed = 0, failed = 0;
    for (size_t i = 0; i < p.statuses.size(); ++i) {
        auto outcome = classify_ci_status(p.statuses[i]);
        passed += outcome == CiOutcome::success;
        failed += outcome == CiOutcome::failure;
        const Colour& colour = outcome == CiOutcome::success ? l.passed : outcome == CiOutcome::failure ? l.failed : l.other;
        double x = x0 + double(i) * (box + gap);
        if (i + 1 == p.statuses.size()) c.rounded({x - 5, y - 5, box + 10, box + 10}, 14, l.text);
        c.rounded({x, y, box, box}, 10, colour);
        std::string mark = outcome == CiOutcome::success ? "✅" : outcome == CiOutcome::failure ? "❌" : "⏸️";
        TextStyle emoji{.px = int(std::clamp(box * 0.45, 10.0, 48.0)), .colour = l.header_text, .align = Align::centre};
        c.text(mark, x + box / 2, y + box / 2 - c.measure(mark, emoji).h / 2, emoji);
    }
    std::string summary = (p.pipeline.empty() ? "pipeline" : p.pipeline) + ": last " + std::to_string(p.statuses.size()) +
                          " runs, " + std::to_string(passed) + " passed, " + std::to_string(failed) + " failed  (newest on the right)";
    c.text(summary, area.x + area.w / 2, y + box + 18, {.px = l.label_px, .colour = l.muted, .align = Align::centre});
}

// --- version badge -----------------------------------------------------------------------

void draw_badge(Canvas& c, const BadgePicture& p, const Rect& area, const Colour& colour) {
    const CardLayout& l = c.layout();
    c.rounded(area, k_radius, l.panel);
    TextStyle tag{.px = l.caption_zh_px + 4, .colour = l.header_text, .bold = true};
    std::string text = "🏷️ " + p.tag;
    TextSize size = c.measure(text, tag);
    double w = std::min(size.w + 60, area.w - 40), h = size.h + 30;
    double x = area.x + (area.w - w) / 2, y = area.y + area.h * 0.12;
    c.rounded({x, y, w, h}, h / 2, colour);
    c.text(text, area.x + area.w / 2, y + 15, {.px = tag.px, .colour = tag.colour, .bold = true, .align = Align::centre});
    y += h + 14;
    if (!p.display.empty())
        y += c.text(p.display, area.x + area.w / 2, y, {.px = l.caption_en_px, .colour = l.muted, .align = Align::centre}).h + 12;
    std::string metrics;
    for (const auto& [name, value] : p.metrics) metrics += (metrics.empty() ? "📈 " : "   ") + name + " " + format_metric(value);
    c.text(metrics, area.x + area.w / 2, y, {.px = l.caption_en_px, .colour = l.text, .bold = true, .width = area.w - 40,
                                             .max_lines = 2, .align = Align::centre});
}

// --- sarcasm meter -----------------------------------------------------------------------

void draw_meter(Canvas& c, const MeterPicture& p, const Rect& area) {
    const CardLayout& l = c.layout();
    c.rounded(area, k_radius, l.panel);
    cairo_t* cr = c.cr();
    double r = std::min(area.h * 0.62, area.w * 0.22), cx = area.x + area.w * 0.3, cy = area.y + area.h * 0.12 + r;
    constexpr int k_steps = 24;  // the arc from sincere (green) to sarcastic (red)
    for (int i = 0; i < k_steps; ++i) {
        double t = (i + 0.5) / k_steps;
        set_colour(cr, {l.passed.r + (l.failed.r - l.passed.r) * t, l.passed.g + (l.failed.g - l.passed.g) * t,
                        l.passed.b + (l.failed.b - l.passed.b) * t});
        cairo_set_line_width(cr, r * 0.28);
        cairo_arc(cr, cx, cy, r * 0.82, M_PI + M_PI * i / k_steps, M_PI + M_PI * (i + 1) / k_steps + 0.004);
        cairo_stroke(cr);
    }
    double score = std::clamp(p.score, 0.0, 1.0), angle = M_PI + M_PI * score;
    c.line(cx, cy, cx + r * 0.9 * std::cos(angle), cy + r * 0.9 * std::sin(angle), 6, l.text);
    cairo_arc(cr, cx, cy, 10, 0, 2 * M_PI);
    cairo_fill(cr);
    TextStyle small{.px = l.label_px, .colour = l.muted, .align = Align::centre};
    c.text("sincere 😇", cx - r * 0.82, cy + 10, small);
    c.text("sarcastic 🙃", cx + r * 0.82, cy + 10, small);
    double tx = area.x + area.w * 0.56, w = area.x + area.w - tx - 20;
    double y = area.y + area.h * 0.15;
    y += c.text("🙃 " + fixed(score, "%.2f"), tx, y, {.px = l.caption_zh_px + 16, .colour = l.text, .bold = true}).h + 8;
    y += c.text("sarcasm score", tx, y, {.px = l.label_px, .colour = l.muted}).h + 14;
    c.text("“" + p.text + "”", tx, y, {.px = l.caption_en_px, .colour = l.text, .width = w, .max_lines = 3});
}

void draw_emoji(Canvas& c, const EmojiPicture& p, const Rect& area) {
    const CardLayout& l = c.layout();
    c.rounded(area, k_radius, l.panel);
    TextStyle big{.px = int(std::min(area.h * 0.45, 140.0)), .colour = l.text, .align = Align::centre};
    double h = c.measure(p.emoji, big).h;
    double y = area.y + (area.h - h) / 2 - l.caption_en_px;
    c.text(p.emoji, area.x + area.w / 2, y, big);
    c.text(p.text, area.x + area.w / 2, y + h + 6,
           {.px = l.caption_en_px, .colour = l.muted, .width = area.w - 60, .max_lines = 2, .align = Align::centre});
}

}  // namespace

void draw_picture(Canvas& canvas, const Picture& picture, const Rect& area, int priority) {
    const Colour& colour = canvas.layout().priority[std::clamp(priority, 0, 3)];
    std::visit(
        [&](const auto& p) {
            using T = std::decay_t<decltype(p)>;
            if constexpr (std::is_same_v<T, CurvePicture>) draw_curves(canvas, p, area);
            else if constexpr (std::is_same_v<T, GridPicture>) draw_grid(canvas, p, area);
            else if constexpr (std::is_same_v<T, StripPicture>) draw_strip(canvas, p, area);
            else if constexpr (std::is_same_v<T, BadgePicture>) draw_badge(canvas, p, area, colour);
            else if constexpr (std::is_same_v<T, MeterPicture>) draw_meter(canvas, p, area);
            else draw_emoji(canvas, p, area);
        },
        picture);
}

}  // namespace memeops::meme::card
