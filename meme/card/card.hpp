// Meme cards: a meme as a PNG picture for chat, rendered in-process with cairo and pango.
//
// A card has a dark header (the priority and the reaction), the bilingual caption wrapped to
// the card's width, the picture that fits the reaction and a footer naming the subject:
//
//   training.*        the run's metric curves with the firing epoch marked
//   confusion.matrix  the emoji grid with per-class precision, recall and F1
//   ci.*              a red/green strip of the pipeline's last runs
//   version.tagged    the pun tag as a badge with its metrics
//   sarcasm           a sarcasm meter
//
// Pure: a Card in, PNG bytes out. The same card renders to the same bytes (no time or other
// metadata in the file). Fonts come from fontconfig: the layout's text font (Noto Sans CJK), and
// for emoji its fallback, Noto Color Emoji.
//
// Thread safety: render_card may be called from several threads; each keeps its own pango
// context.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "meme/caption.hpp"
#include "meme/card/layout.hpp"
#include "meme/confusion.hpp"
#include "storage/entry.hpp"

namespace memeops::meme::card {

// One metric over the epochs of a CurvePicture (NaN where an epoch lacked it or was NaN).
struct Series {
    std::string name;
    // Per epoch: nullopt where that epoch did not report the metric (the line goes on past it);
    // NaN and infinities as reported (the line breaks there, and a NaN is marked).
    std::vector<std::optional<double>> values;
};

// Metric curves: values per epoch, the epoch a reaction fired at, and a threshold line.
struct CurvePicture {
    std::vector<int> epochs;            // increasing
    std::vector<Series> series;         // each as long as `epochs`
    std::optional<int> marked_epoch;    // drawn as a vertical line with a dot on the first series
    std::optional<double> threshold;    // drawn as a horizontal dashed line (breakthrough's 0.9)
};

// A confusion matrix as the emoji grid, with per-class figures.
struct GridPicture {
    ConfusionMatrix matrix;
};

// A pipeline's last runs, oldest first; the last one is the card's own.
struct StripPicture {
    std::string pipeline;
    std::vector<std::string> statuses;  // as CI sends them: success, failed, …
};

// A model version: its pun tag as a badge, and its metrics.
struct BadgePicture {
    std::string tag;
    std::string display;
    storage::Metrics metrics;
};

// How sarcastic a message is, 0..1, and the message.
struct MeterPicture {
    double score = 0;
    std::string text;
};

// A big emoji and a line, for a reaction with nothing to plot (a crash before any epoch).
struct EmojiPicture {
    std::string emoji;
    std::string text;
};

using Picture = std::variant<CurvePicture, GridPicture, StripPicture, BadgePicture, MeterPicture, EmojiPicture>;

// What the footer names, whichever are known.
struct Subject {
    std::optional<std::string> run, pipeline, branch, tag, repo, commit;
};

struct Card {
    std::string reaction;  // "training.overfitting", "ci.failed", …
    int priority = 3;      // 0 = P0
    Caption caption;
    Subject subject;
    Picture picture;
};

struct RenderedCard {
    std::string png;  // the PNG file's bytes
    Rect picture;     // where the picture was drawn (the captions take what they need above it)
};

// Renders `card` with `layout`. Throws std::runtime_error when cairo fails (out of memory).
RenderedCard render_card(const Card& card, const CardLayout& layout = card_layout());

// The footer line of `subject`: "run r · ci on main · v1-tag · owner/name", parts absent
// left out.
std::string subject_line(const Subject& subject);

// How many characters of `text` the layout's fonts have no glyph for (drawn as tofu boxes).
int unknown_glyphs(const std::string& text, const CardLayout& layout = card_layout());

}  // namespace memeops::meme::card
