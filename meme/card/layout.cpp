#include "meme/card/layout.hpp"

#include <mutex>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/json.hpp"
#include "templates/templates.hpp"

namespace memeops::meme::card {
namespace {

constexpr int k_max_size = 4096;  // pixels: a card larger than this is no chat picture

[[noreturn]] void fail(const std::string& source, const std::string& why) {
    throw core::Fatal("template " + source, why);
}

const nlohmann::json& member(const nlohmann::json& doc, const std::string& key, const std::string& source) {
    auto it = doc.find(key);
    if (it == doc.end()) fail(source, "no \"" + key + "\"");
    return *it;
}

int size_of(const nlohmann::json& doc, const std::string& key, const std::string& source) {
    const auto& value = member(doc, key, source);
    if (!value.is_number_integer() || value.get<long>() < 1 || value.get<long>() > k_max_size)
        fail(source, "\"" + key + "\" must be a whole number of pixels from 1 to " + std::to_string(k_max_size));
    return value.get<int>();
}

std::string text_of(const nlohmann::json& doc, const std::string& key, const std::string& source) {
    const auto& value = member(doc, key, source);
    if (!value.is_string() || value.get<std::string>().empty()) fail(source, "\"" + key + "\" must be a font name");
    return value.get<std::string>();
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

Colour colour_value(const nlohmann::json& value, const std::string& key, const std::string& source) {
    std::string text = value.is_string() ? value.get<std::string>() : "";
    bool ok = text.size() == 7 && text[0] == '#';
    for (size_t i = 1; ok && i < 7; ++i) ok = hex_digit(text[i]) >= 0;
    if (!ok) fail(source, "colours." + key + " must be \"#rrggbb\"");
    auto channel = [&](size_t i) { return (hex_digit(text[i]) * 16 + hex_digit(text[i + 1])) / 255.0; };
    return {channel(1), channel(3), channel(5)};
}

Colour colour_of(const nlohmann::json& colours, const std::string& key, const std::string& source) {
    return colour_value(member(colours, key, source), key, source);
}

std::vector<Colour> colour_list(const nlohmann::json& colours, const std::string& key, const std::string& source) {
    const auto& list = member(colours, key, source);
    if (!list.is_array() || list.empty()) fail(source, "colours." + key + " must be a non-empty array of \"#rrggbb\"");
    std::vector<Colour> out;
    for (const auto& item : list) out.push_back(colour_value(item, key, source));
    return out;
}

void read_colours(CardLayout& layout, const nlohmann::json& colours, const std::string& source) {
    if (!colours.is_object()) fail(source, "\"colours\" must be an object");
    for (auto [field, key] : {std::pair{&layout.background, "background"}, {&layout.header, "header"},
                              {&layout.header_text, "header_text"}, {&layout.text, "text"}, {&layout.muted, "muted"},
                              {&layout.grid, "grid"}, {&layout.panel, "panel"}, {&layout.mark, "mark"},
                              {&layout.threshold, "threshold"}, {&layout.passed, "passed"},
                              {&layout.failed, "failed"}, {&layout.other, "other"}})
        *field = colour_of(colours, key, source);
    layout.series = colour_list(colours, "series", source);
    auto priority = colour_list(colours, "priority", source);
    if (priority.size() != 4) fail(source, "colours.priority needs 4 colours, P0 to P3");
    std::copy(priority.begin(), priority.end(), layout.priority.begin());
}

}  // namespace

CardLayout parse_card_layout(const std::string& text, const std::string& source) {
    auto document = core::parse_json(text);
    if (!document.ok()) fail(source, document.error->message());
    const nlohmann::json& doc = document.value;
    if (!doc.is_object()) fail(source, "must be a JSON object");
    CardLayout layout;
    for (auto [field, key] : {std::pair{&layout.width, "width"}, {&layout.height, "height"}, {&layout.margin, "margin"},
                              {&layout.header_height, "header_height"}, {&layout.caption_zh_px, "caption_zh_px"},
                              {&layout.caption_en_px, "caption_en_px"}, {&layout.caption_lines, "caption_lines"},
                              {&layout.caption_gap, "caption_gap"}, {&layout.footer_height, "footer_height"},
                              {&layout.subject_px, "subject_px"}, {&layout.label_px, "label_px"},
                              {&layout.pill_px, "pill_px"}})
        *field = size_of(doc, key, source);
    layout.font = text_of(doc, "font", source);
    read_colours(layout, member(doc, "colours", source), source);
    if (layout.width < 320 || layout.height < 240) fail(source, "a card needs at least 320×240 pixels");
    return layout;
}

const CardLayout& card_layout() {
    static std::once_flag once;
    static CardLayout layout;
    std::call_once(once, [] {
        auto file = templates::in_force("card_layout.json");
        layout = parse_card_layout(file.text, file.source);
    });
    return layout;
}

Rect curve_plot_area(const Rect& picture, const CardLayout& layout) {
    double left = layout.label_px * 4.0, bottom = layout.label_px * 2.0, top = layout.label_px * 2.2;
    return {picture.x + left, picture.y + top, picture.w - left - layout.label_px, picture.h - top - bottom};
}

}  // namespace memeops::meme::card
