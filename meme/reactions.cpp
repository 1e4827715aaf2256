#include "meme/reactions.hpp"

#include <algorithm>
#include <cstdio>

#include "core/repo_identity.hpp"
#include "core/text.hpp"
#include "meme/ci_reactions.hpp"

namespace memeops::meme {
namespace {

constexpr int k_crash_priority = 0;
constexpr int k_finished_priority = 2;
constexpr int k_version_priority = 2;
constexpr int k_sarcasm_priority = 3;
constexpr int k_confusion_priority = 3;
constexpr size_t k_quoted_text_bytes = 300;  // user text quoted in a caption
constexpr int k_quoted_text_width = 120;

std::string quoted(const std::optional<std::string>& text) {
    std::string line = core::first_line(text.value_or(""));
    return line.size() > k_quoted_text_bytes ? core::truncate_to_width(line, k_quoted_text_width) : line;
}

bool names_an_error(std::string_view line) {
    std::string lower = core::ascii_lower(line);
    for (const char* word : {"error", "exception", "fatal", "panic", "killed", "abort", "segmentation fault"})
        if (lower.find(word) != std::string::npos) return true;
    return false;
}

// The line of a crash's text worth quoting: a one-line text as it is; of several lines (a
// Python traceback, a log tail) the last that names the error ("RuntimeError: CUDA out of
// memory"), else the last that is not blank, after "… " for the lines left out.
std::string error_line(const std::optional<std::string>& text) {
    std::vector<std::string> lines;
    const std::string whole = text.value_or("");
    std::string_view rest = whole;
    while (!rest.empty()) {
        size_t end = std::min(rest.find('\n'), rest.size());
        std::string line = core::first_line(rest.substr(0, end));
        if (!line.empty() && line.find_first_not_of(' ') != std::string::npos) lines.push_back(line.substr(line.find_first_not_of(' ')));
        rest.remove_prefix(std::min(end + 1, rest.size()));
    }
    if (lines.size() <= 1) return quoted(lines.empty() ? std::nullopt : std::optional<std::string>(lines.front()));
    auto named = std::find_if(lines.rbegin(), lines.rend(), [](const std::string& l) { return names_an_error(l); });
    return "… " + quoted(std::optional<std::string>(named != lines.rend() ? *named : lines.back()));
}

// The metric a finished run is best described by.
std::optional<std::pair<std::string, double>> headline_metric(const storage::Metrics& metrics) {
    for (const char* name : {"val_accuracy", "accuracy", "val_loss", "loss"})
        if (auto it = metrics.find(name); it != metrics.end()) return std::pair{std::string(name), it->second};
    return std::nullopt;
}

}  // namespace

Reaction crash_reaction(const Event& event) {
    const std::string& run = event.run.value_or("");
    return {"training.crash", k_crash_priority,
            render_caption("training.crash", run, {{"run", run}, {"text", error_line(event.text)}})};
}

Reaction finished_reaction(const Event& event) {
    const std::string& run = event.run.value_or("");
    std::map<std::string, std::string> values{{"run", run}};
    if (auto headline = headline_metric(event.metrics)) {  // a run that ended without metrics says just that
        values["metric"] = headline->first;
        values["value"] = format_metric(headline->second);
        values["result"] = headline->first + " = " + values["value"];
    }
    return {"training.finished", k_finished_priority, render_caption("training.finished", run, values)};
}

std::optional<Reaction> ci_pipeline_reaction(const Event& event, const std::optional<std::string>& previous) {
    const std::string& name = event.name.value_or("");
    auto reaction = ci_reaction(event.status.value_or(""), previous);
    if (!reaction) return std::nullopt;
    std::map<std::string, std::string> values{{"pipeline", name},
                                              {"where", subject_place(event.repo, event.branch)},
                                              {"url", event.url.value_or("")},
                                              {"status", event.status.value_or("")}};
    if (event.branch) values["branch"] = *event.branch;
    if (event.repo) values["repo"] = core::repo_short_name(*event.repo);
    if (event.text) values["text"] = quoted(event.text);
    for (const char* field : {"job", "step"})  // what names a failed Docker build (an easter egg)
        if (event.raw.contains(field) && event.raw[field].is_string()) values[field] = event.raw[field].get<std::string>();
    return Reaction{reaction->reaction, reaction->priority, render_caption(reaction->reaction, name, values)};
}

Reaction version_reaction(const storage::VersionNames& names, const Event& event, const std::string& summary) {
    std::map<std::string, std::string> values{{"tag", names.tag}, {"display", names.display},
                                              {"where", subject_place(event.repo, event.branch)},
                                              {"summary", summary}};
    if (event.commit) values["commit"] = event.commit->substr(0, 8);
    if (event.repo) values["repo"] = core::repo_short_name(*event.repo);
    if (event.branch) values["branch"] = *event.branch;
    if (names.run) values["run"] = *names.run;
    return {"version.tagged", k_version_priority, render_caption("version.tagged", names.tag, values)};
}

std::optional<Reaction> sarcasm_reaction(const Event& event, const SarcasmScore& score) {
    if (!score.sarcastic) return std::nullopt;
    std::map<std::string, std::string> values{{"text", quoted(event.text)},
                                              {"where", subject_place(event.repo, event.branch)}};
    if (event.repo) values["repo"] = core::repo_short_name(*event.repo);
    return Reaction{"sarcasm", k_sarcasm_priority, render_caption("sarcasm", event.text.value_or(""), values)};
}

Reaction confusion_reaction(const Event& event) {
    const std::string& run = event.run.value_or("");
    char accuracy[16];
    std::snprintf(accuracy, sizeof accuracy, "%.3f", event.confusion->accuracy);
    std::string grid = render_confusion(*event.confusion);
    return {"confusion.matrix", k_confusion_priority,
            render_caption("confusion.matrix", run, {{"run", run}, {"value", accuracy}, {"text", "```\n" + grid + "```"}})};
}

std::vector<Reaction> training_reactions(const std::vector<Detection>& detections, const std::string& run,
                                         const TrainingDetector& detector) {
    std::vector<Reaction> out;
    for (const auto& d : detections)
        out.push_back({d.reaction, d.priority, detection_caption(d, run, sparkline(detector.series(d.metric)))});
    return out;
}

std::string epoch_summary(const std::string& run, int epoch, const storage::Metrics& metrics) {
    std::string out = "run " + run + " · epoch " + std::to_string(epoch);
    for (const char* name : {"loss", "val_loss", "accuracy", "val_accuracy"})
        if (auto it = metrics.find(name); it != metrics.end()) out += std::string(" · ") + name + " " + format_metric(it->second);
    return out;
}

}  // namespace memeops::meme
