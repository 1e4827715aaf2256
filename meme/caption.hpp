// Captions from the caption templates in force (meme/caption_templates.hpp): a reaction's
// bilingual variants with placeholders.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace memeops::meme {

struct Caption {
    std::string zh;  // the chat caption: Chinese slang and emoji
    std::string en;  // the same in English
};

// The caption of `reaction` for `subject` (a tag, run or pipeline: the same subject always gets
// the same variant), the template filled by fill_template(). When an easter egg of the reaction
// fires (easter_egg_triggers), the variant is one of those eggs instead. The meme's 热词 is a
// slang word whose tone fits the reaction (praise for good news, weary words for bad, ironic ones
// for sarcasm), chosen from the subject alone: a variant places it with {slang} (and its English
// gloss with {slang_en}); otherwise the Chinese caption ends with it. Throws std::out_of_range
// for a reaction without captions.
Caption render_caption(const std::string& reaction, const std::string& subject,
                       const std::map<std::string, std::string>& values);

// `text`, a template, filled from `values`: a placeholder without a value (absent or empty)
// renders empty, and tidy_caption() removes from the template what that leaves; the values are
// then put in as they are, so user text and data ("model.fit()", an aligned grid) arrive byte
// for byte, and no caption ever shows a placeholder or a stand-in like "?".
std::string fill_template(const std::string& text, const std::map<std::string, std::string>& values);

// Template text without the brackets ("()", "（）", "「」", "“”"), doubled spaces and trailing
// spaces that empty placeholders leave behind. For templates only: it would mangle filled-in
// values.
std::string tidy_caption(std::string text);

// The {where} of a caption: the repository's short name and the branch, whichever are known,
// as "vision · main"; empty when neither is.
std::string subject_place(const std::optional<std::string>& repo, const std::optional<std::string>& branch);

// The easter eggs (caption variants with a "when") that `values` trigger for `reaction`:
// "docker_build" for ci.failed whose pipeline, job, step or text names Docker (docker, Dockerfile,
// buildx, kaniko, buildah) or both "build" and "image";
// "nan_crash" for training.crash whose text names NaN, inf or divergence; "oom_crash" for one
// out of memory. Pure.
std::vector<std::string> easter_egg_triggers(const std::string& reaction, const std::map<std::string, std::string>& values);

struct Detection;

// The caption of a training detection for `run`, with its metric, value, change, the facts
// its rule saw (best, epochs since, before and after, …) and `spark` (the metric's sparkline).
Caption detection_caption(const Detection& detection, const std::string& run, const std::string& spark);

// A metric value for captions: 4 significant digits, "NaN", "inf", "-inf"; with `sign`, "+0.12".
std::string format_metric(double value, bool sign = false);

// Metric values for captions and explanations, format_metric each, joined by ", ".
std::string format_metrics(const std::vector<double>& values);

// `text` with every {name} replaced by values[name] where present.
std::string fill_placeholders(const std::string& text, const std::map<std::string, std::string>& values);

}  // namespace memeops::meme
