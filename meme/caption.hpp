// Captions from the caption templates in force (meme/caption_templates.hpp): a reaction's
// bilingual variants with placeholders.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace memeops::meme {

struct Caption {
    std::string zh;  // the chat caption: Chinese slang and emoji
    std::string en;  // the same in English
};

// The caption of `reaction` for `subject` (a tag, run or pipeline: the same subject always gets
// the same variant), with {name} placeholders replaced from `values`. A placeholder without a
// value renders empty and tidy_caption() removes what that leaves, so no caption ever shows a
// placeholder or a stand-in like "?". The Chinese caption ends with the meme's 热词, a slang
// word whose tone fits the reaction (praise for good news, weary words for bad, ironic ones for
// sarcasm), chosen from the subject alone. Throws std::out_of_range for a reaction without
// captions.
Caption render_caption(const std::string& reaction, const std::string& subject,
                       const std::map<std::string, std::string>& values);

// `text` without the brackets and doubled spaces that empty placeholders leave behind.
std::string tidy_caption(std::string text);

// The {where} of a caption: the repository's short name and the branch, whichever are known,
// as "vision · main"; empty when neither is.
std::string subject_place(const std::optional<std::string>& repo, const std::optional<std::string>& branch);

struct Detection;

// The caption of a training detection for `run`, with its metric, value, change and `spark`
// (the metric's sparkline).
Caption detection_caption(const Detection& detection, const std::string& run, const std::string& spark);

// A metric value for captions: 4 significant digits, "NaN", "inf", "-inf"; with `sign`, "+0.12".
std::string format_metric(double value, bool sign = false);

// `text` with every {name} replaced by values[name] where present.
std::string fill_placeholders(const std::string& text, const std::map<std::string, std::string>& values);

}  // namespace memeops::meme
