// The caption templates in force: templates/captions.json as built in, or the file of the same
// name in the folder MEMEOPS_TEMPLATES names, checked when first loaded so a broken override
// fails at start-up with its file and line, never at posting time.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace memeops::meme {

// The placeholder names a caption may use ({tag}, {repo}, {where}, …).
const std::set<std::string>& known_placeholders();

// The triggers an easter-egg variant may name in its "when" (meme::easter_egg_triggers).
const std::set<std::string>& easter_egg_names();

// The reactions every caption file must cover (contract §3, plus version.tagged).
const std::vector<std::string>& required_reactions();

// Parses and checks a caption file's text: a JSON object mapping each required reaction to a
// non-empty array of {"zh","en"} strings whose {placeholders} are known names, each with an
// optional "when" naming a known easter-egg trigger, and at least one variant without. `file` names it
// in errors. Throws core::Fatal("template <file>:<line>", why).
nlohmann::json check_caption_templates(const std::string& text, const std::string& file);

// The templates in force, loaded and checked once per process (see above).
const nlohmann::json& caption_templates();

}  // namespace memeops::meme
