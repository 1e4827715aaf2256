#include "meme/caption.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "core/repo_identity.hpp"
#include "core/text.hpp"
#include "core/word_match.hpp"
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

// The tones of slang that fit a reaction: praise for good news, weary words for bad, ironic ones
// for sarcasm, calm ones for the rest.
const std::vector<std::string_view>& reaction_tones(const std::string& r) {
    static const std::vector<std::string_view> good{"praise", "delighted", "excited", "cheerful", "confident", "encouraging"};
    static const std::vector<std::string_view> bad{"resigned", "sad", "stressed", "weary", "annoyed", "shocked"};
    static const std::vector<std::string_view> wry{"sarcastic", "ironic", "deadpan", "knowing"};
    static const std::vector<std::string_view> calm{"nerdy", "neutral", "friendly", "amused"};
    bool is_good = r == "training.breakthrough" || r == "training.finished" || r == "version.tagged" ||
                   r == "ci.fixed" || r == "ci.passed";
    bool is_bad = r == "training.nan" || r == "training.crash" || r == "ci.failed" || r == "training.overfitting" ||
                  r == "training.val_acc_streak" || r == "training.oscillation" || r == "training.plateau";
    return r == "sarcasm" ? wry : is_good ? good : is_bad ? bad : calm;
}

// The meme's 热词: a word whose tone fits the reaction, the same for the same subject.
const SlangEntry& hot_word(const std::string& reaction, const std::string& subject) {
    return slang_for_subject(subject + '\0' + reaction, reaction_tones(reaction));
}

bool names_any(const std::string& lowered, std::initializer_list<std::string_view> words) {
    for (auto word : words)
        if (core::contains_word(lowered, word)) return true;
    return false;
}

std::string value_of(const std::map<std::string, std::string>& values, const char* name) {
    auto it = values.find(name);
    return it == values.end() ? "" : core::ascii_lower(it->second);
}

// The variants of `reaction` to choose from: its easter eggs whose trigger fires, else the
// variants without a trigger.
std::vector<const nlohmann::json*> candidates(const nlohmann::json& variants, const std::vector<std::string>& fired) {
    std::vector<const nlohmann::json*> eggs, plain;
    for (const auto& v : variants) {
        if (!v.contains("when")) plain.push_back(&v);
        else if (std::find(fired.begin(), fired.end(), v["when"].get<std::string>()) != fired.end()) eggs.push_back(&v);
    }
    return eggs.empty() ? plain : eggs;
}

// "absolutely amazing" → "Absolutely amazing" where a template starts with the gloss.
std::string capitalised(std::string text) {
    if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
    return text;
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

std::vector<std::string> easter_egg_triggers(const std::string& reaction, const std::map<std::string, std::string>& values) {
    std::vector<std::string> fired;
    std::string text = value_of(values, "text");
    if (reaction == "ci.failed") {
        std::string named = value_of(values, "pipeline") + "\n" + value_of(values, "job") + "\n" +
                            value_of(values, "step") + "\n" + text;
        bool image_build = core::contains_word(named, "image") && core::contains_word(named, "build");
        if (image_build || names_any(named, {"docker", "dockerfile", "docker-build", "docker_build", "build-image",
                                             "build_image", "image-build", "buildx", "kaniko", "buildah"}))
            fired.push_back("docker_build");
    }
    if (reaction == "training.crash") {
        if (names_any(text, {"nan", "inf", "infinity", "non-finite", "nonfinite", "diverged", "divergence"}))
            fired.push_back("nan_crash");
        if (names_any(text, {"oom", "out of memory", "outofmemoryerror", "memoryerror"})) fired.push_back("oom_crash");
    }
    return fired;
}

Caption render_caption(const std::string& reaction, const std::string& subject,
                       const std::map<std::string, std::string>& values) {
    auto variants = candidates(caption_templates().at(reaction), easter_egg_triggers(reaction, values));
    const auto& chosen = *variants.at(core::stable_hash(subject, k_caption_variant_basis) % variants.size());
    const SlangEntry& slang = hot_word(reaction, subject);
    std::map<std::string, std::string> filled = values;
    filled.emplace("slang", slang.word + " " + slang.emoji);
    std::string zh = chosen.at("zh").get<std::string>(), en = chosen.at("en").get<std::string>();
    filled.emplace("slang_en", en.starts_with("{slang_en}") ? capitalised(slang.gloss) : slang.gloss);
    bool inline_slang = zh.find("{slang}") != std::string::npos;
    return {fill_template(zh, filled) + (inline_slang ? "" : " #" + slang.word + " " + slang.emoji),
            fill_template(en, filled)};
}

std::string format_metric(double value, bool sign) {
    if (std::isnan(value)) return "NaN";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    // std::to_chars with a precision writes what printf's "%.4g" does, several times faster
    // (this runs for every ingested epoch, in its summary line).
    char buf[32];
    char* start = buf;
    if (sign && !std::signbit(value)) *start++ = '+';
    auto written = std::to_chars(start, buf + sizeof buf, value, std::chars_format::general, 4);
    return std::string(buf, written.ptr);
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
