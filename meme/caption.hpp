// Captions from the caption templates in force (meme/caption_templates.hpp): a reaction's
// bilingual variants with placeholders.
#pragma once

#include <map>
#include <string>

namespace memeops::meme {

struct Caption {
    std::string zh;  // the chat caption: Chinese slang and emoji
    std::string en;  // the same in English
};

// The caption of `reaction` for `subject` (a tag, run or pipeline: the same subject always gets
// the same variant), with {name} placeholders replaced from `values`; unknown placeholders stay
// as written. Throws std::out_of_range for a reaction without captions.
Caption render_caption(const std::string& reaction, const std::string& subject,
                       const std::map<std::string, std::string>& values);

// `text` with every {name} replaced by values[name] where present.
std::string fill_placeholders(const std::string& text, const std::map<std::string, std::string>& values);

}  // namespace memeops::meme
