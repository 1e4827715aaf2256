// Pun names of commits (contract §6): deterministic, from the commit hash alone.
//
// A tag reads "<8 hex>-<leetspeak word>-<pinyin slang>", e.g. "b16e8a7f-l0g1ts-emo": the
// first 32 bits of the hash in hex, then a word chosen by the next 16 bits and a slang word by
// the 16 after, from the frozen tables in templates/puns.json. It matches
// ^[a-z0-9][a-z0-9._-]{0,99}$, passes `git check-ref-format refs/tags/<tag>` and is a valid
// Docker tag. The display form is for chat: "emo了 😶 b16e8a7f-l0g1ts".
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace memeops::meme {

struct PunName {
    std::string sha;
    std::string tag;
    std::string display;
    std::string docker_tag;
};

// The names of the commit `sha` (40 or 64 hex digits, any case). Returns nullopt when `sha` is
// not such a hash.
std::optional<PunName> pun_name(std::string_view sha);

// {"sha","tag","display","docker_tag"}, as `memeops name --json` prints it.
nlohmann::json to_json(const PunName& name);

// The tag to use when `tag` already names another commit: "<tag>-<n>" for n = 2, 3, …
std::string tag_with_suffix(std::string_view tag, int n);

// The version tag of a commit whose pun name is `names` (contract §6), the one rule every tagger
// uses: `preferred` (a tag the git side already created) when `taken` says it is free,
// else the first of names.tag, names.tag-2, names.tag-3, … that is free. `taken(tag)` answers
// whether the tag names a commit other than names.sha.
std::string first_free_tag(const PunName& names, const std::optional<std::string>& preferred,
                           const std::function<bool(const std::string&)>& taken);

// True when `text` matches ^[a-z0-9][a-z0-9._-]{0,99}$ (the tag rule of contract §6).
bool is_valid_tag(std::string_view text);

// True when `text` is a valid Docker tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
bool is_valid_docker_tag(std::string_view text);

// "commit" → "c0mm1t": a→4, e→3, i→1, o→0.
std::string leetspeak(std::string_view word);

}  // namespace memeops::meme
