#include "meme/caption.hpp"

#include <cmath>
#include <cstdio>

#include "core/repo_identity.hpp"
#include "core/text.hpp"
#include "meme/caption_templates.hpp"
#include "meme/detectors.hpp"
#include "meme/slang.hpp"

namespace memeops::meme {
namespace {

// The basis captions choose their variant with. It is the standard FNV offset basis with its
// last digit lost (14695981039346656037 → 1469598103934665603), kept because it is what every
// released caption was chosen with: a subject must keep its caption across releases.
constexpr std::uint64_t k_caption_variant_basis = 1469598103934665603ULL;

void erase_all(std::string& text, const std::string& what) {
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at)) text.erase(at, what.size());
}

// " #<slang> <emoji>": a word whose tone fits the reaction, the same for the same subject.
std::string hot_word(const std::string& r, const std::string& subject) {
    static const std::vector<std::string_view> good{"praise", "delighted", "excited", "cheerful", "confident", "encouraging"};
    static const std::vector<std::string_view> bad{"resigned", "sad", "stressed", "weary", "annoyed", "shocked"};
    static const std::vector<std::string_view> wry{"sarcastic", "ironic", "deadpan", "knowing"};
    static const std::vector<std::string_view> calm{"nerdy", "neutral", "friendly", "amused"};
    bool is_good = r == "training.breakthrough" || r == "training.finished" || r == "version.tagged" ||
                   r == "ci.fixed" || r == "ci.passed";
    bool is_bad = r == "training.nan" || r == "training.crash" || r == "ci.failed" || r == "training.overfitting" ||
                  r == "training.val_acc_streak" || r == "training.oscillation" || r == "training.plateau";
    const auto& tones = r == "sarcasm" ? wry : is_good ? good : is_bad ? bad : calm;
    const SlangEntry& word = slang_for_subject(subject + '\0' + r, tones);
    return " #" + word.word + " " + word.emoji;
}

}  // namespace

std::string tidy_caption(std::string text) {
    for (const char* empty : {" ()", "()", "（）", "「」", "“”"}) erase_all(text, empty);
    for (size_t at = text.find("  "); at != std::string::npos; at = text.find("  ", at)) text.erase(at, 1);
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

std::string subject_place(const std::optional<std::string>& repo, const std::optional<std::string>& branch) {
    std::string place = repo && !repo->empty() ? core::repo_short_name(*repo) : "";
    if (branch && !branch->empty()) place += (place.empty() ? "" : " · ") + *branch;
    return place;
}

std::string fill_placeholders(const std::string& text, const std::map<std::string, std::string>& values) {
    std::string out;
    for (size_t pos = 0; pos < text.size();) {
        size_t open = text.find('{', pos);
        size_t close = open == std::string::npos ? std::string::npos : text.find('}', open);
        if (close == std::string::npos) {
            out += text.substr(pos);
            break;
        }
        out += text.substr(pos, open - pos);
        auto it = values.find(text.substr(open + 1, close - open - 1));
        out += it != values.end() ? it->second : text.substr(open, close - open + 1);
        pos = close + 1;
    }
    return out;
}

std::string fill_template(const std::string& text, const std::map<std::string, std::string>& values) {
    std::map<std::string, std::string> absent, given;
    for (const auto& name : known_placeholders()) absent.emplace(name, "");
    for (const auto& [name, value] : values) {
        if (value.empty()) {
            absent[name] = "";
        } else {
            given.emplace(name, value);
            absent.erase(name);
        }
    }
    return fill_placeholders(tidy_caption(fill_placeholders(text, absent)), given);
}

Caption render_caption(const std::string& reaction, const std::string& subject,
                       const std::map<std::string, std::string>& values) {
    const auto& variants = caption_templates().at(reaction);
    const auto& chosen = variants.at(core::stable_hash(subject, k_caption_variant_basis) % variants.size());
    auto fill = [&](const char* language) { return fill_template(chosen.at(language).get<std::string>(), values); };
    return {fill("zh") + hot_word(reaction, subject), fill("en")};
}

std::string format_metric(double value, bool sign) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char buf[32];
    std::snprintf(buf, sizeof buf, sign ? "%+.4g" : "%.4g", value);
    return buf;
}

Caption detection_caption(const Detection& d, const std::string& run, const std::string& spark) {
    std::map<std::string, std::string> values{{"run", run}, {"epoch", std::to_string(d.epoch)}, {"metric", d.metric},
                                              {"value", format_metric(d.value)}, {"delta", format_metric(d.delta, true)},
                                              {"spark", spark}};
    values.insert(d.facts.begin(), d.facts.end());
    return render_caption(d.reaction, run, values);
}

std::string format_metrics(const std::vector<double>& values) {
    std::string out;
    for (double v : values) out += (out.empty() ? "" : ", ") + format_metric(v);
    return out;
}

}  // namespace memeops::meme
