#include "meme/caption_templates.hpp"

#include <algorithm>
#include <mutex>
#include <set>

#include "core/error.hpp"
#include "core/json.hpp"
#include "templates/templates.hpp"

namespace memeops::meme {
namespace {


int line_of_offset(const std::string& text, size_t offset) {
    offset = std::min(offset, text.size());
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(offset), '\n'));
}

// The line where `"key"` first appears, for errors about that key.
int line_of_key(const std::string& text, const std::string& key) {
    size_t pos = text.find("\"" + key + "\"");
    return pos == std::string::npos ? 1 : line_of_offset(text, pos);
}

[[noreturn]] void fail(const std::string& file, int line, const std::string& why) {
    throw core::Fatal("template " + file + ":" + std::to_string(line), why);
}

void check_placeholders(const std::string& caption, const std::string& file, int line, const std::string& where) {
    for (size_t open = caption.find('{'); open != std::string::npos; open = caption.find('{', open + 1)) {
        size_t close = caption.find('}', open);
        if (close == std::string::npos) fail(file, line, where + ": a \"{\" is never closed");
        std::string name = caption.substr(open + 1, close - open - 1);
        if (!known_placeholders().count(name)) fail(file, line, where + ": unknown placeholder {" + name + "}");
    }
}

void check_trigger(const nlohmann::json& when, const std::string& file, int line, const std::string& where) {
    const auto& known = easter_egg_names();
    if (!when.is_string() || !known.count(when.get<std::string>()))
        fail(file, line, where + ".when: unknown trigger (known: docker_build, nan_crash, oom_crash)");
}

void check_reaction(const nlohmann::json& variants, const std::string& reaction, const std::string& text,
                    const std::string& file) {
    int line = line_of_key(text, reaction);
    if (!variants.is_array() || variants.empty()) fail(file, line, reaction + ": needs a non-empty array of variants");
    bool any_plain = false;
    for (size_t i = 0; i < variants.size(); ++i) {
        std::string where = reaction + "[" + std::to_string(i) + "]";
        const auto& v = variants[i];
        if (v.is_object() && v.contains("when")) check_trigger(v["when"], file, line, where);
        else any_plain = true;
        for (const char* language : {"zh", "en"}) {
            if (!v.is_object() || !v.contains(language) || !v[language].is_string() || v[language].get<std::string>().empty())
                fail(file, line, where + ": needs a non-empty \"" + language + "\" caption");
            check_placeholders(v[language].get<std::string>(), file, line, where + "." + language);
        }
    }
    if (!any_plain) fail(file, line, reaction + ": needs a variant without \"when\"");
}

}  // namespace

const std::set<std::string>& known_placeholders() {
    static const std::set<std::string> names{"tag", "display", "repo", "branch", "commit", "summary", "run",
                                             "epoch", "metric", "value", "delta", "spark", "pipeline",
                                             "url", "status", "text", "where",
                                             "result",  // "val_accuracy = 0.93", or empty: training.finished
                                             // what a training rule saw (meme::Detection::facts)
                                             "best", "best_epoch", "since", "before", "after", "rise", "train",
                                             "train_best", "threshold", "swings", "window", "step",
                                             // the 热词 from the slang lexicon and its English gloss
                                             "slang", "slang_en"};
    return names;
}

const std::set<std::string>& easter_egg_names() {
    static const std::set<std::string> names{"docker_build", "nan_crash", "oom_crash"};
    return names;
}

const std::vector<std::string>& required_reactions() {
    static const std::vector<std::string> reactions{
        "training.nan", "training.sudden_drop", "training.crash", "training.overfitting",
        "training.val_acc_streak", "training.oscillation", "training.breakthrough", "training.plateau",
        "training.finished", "ci.failed", "ci.fixed", "ci.passed", "version.tagged", "sarcasm", "confusion.matrix"};
    return reactions;
}

nlohmann::json check_caption_templates(const std::string& text, const std::string& file) {
    auto document = core::parse_json(text);
    if (!document.ok()) fail(file, static_cast<int>(std::max<size_t>(document.error->line, 1)), document.error->message());
    nlohmann::json& parsed = document.value;
    if (!parsed.is_object()) fail(file, 1, "must be a JSON object of reactions");
    for (const auto& reaction : required_reactions()) {
        if (!parsed.contains(reaction)) fail(file, 1, "no captions for " + reaction);
        check_reaction(parsed[reaction], reaction, text, file);
    }
    return parsed;
}

const nlohmann::json& caption_templates() {
    static std::once_flag once;
    static nlohmann::json templates;
    std::call_once(once, [] {
        auto file = templates::in_force("captions.json");
        templates = check_caption_templates(file.text, file.source);
    });
    return templates;
}

}  // namespace memeops::meme
