#include <catch2/catch.hpp>
#include <git2.h>
#include <random>
#include <set>
#include <unordered_map>

#include "meme/pun_name.hpp"

using namespace memeops;

namespace {

std::string random_sha(std::mt19937_64& rng) {
    static const char* k_hex = "0123456789abcdef";
    std::string sha;
    for (int i = 0; i < 40; ++i) sha += k_hex[rng() % 16];
    return sha;
}

bool passes_check_ref_format(const std::string& tag) {
    int valid = 0;
    git_reference_name_is_valid(&valid, ("refs/tags/" + tag).c_str());
    return valid == 1;
}

}  // namespace

TEST_CASE("meme::pun_name is pinned: the same commit keeps its name across releases") {
    // Changing templates/puns.json or the algorithm breaks these on purpose.
    auto name = meme::pun_name("b16e8a7f00112233445566778899aabbccddeeff");
    REQUIRE(name);
    CHECK(name->tag == "b16e8a7f-l0g1ts-emo");
    CHECK(name->display == "emo了 😶 b16e8a7f-l0g1ts");
    CHECK(name->docker_tag == name->tag);
    CHECK(meme::pun_name("3F9A2C1D8E7B6A5948372615049382716A5B4C3D")->tag ==
          "3f9a2c1d-str1d3-kaibai");
}

TEST_CASE("meme::pun_name rejects what is not a commit hash") {
    CHECK_FALSE(meme::pun_name("HEAD"));
    CHECK_FALSE(meme::pun_name("b16e8a7f"));
    CHECK_FALSE(meme::pun_name(std::string(40, 'g')));
    CHECK(meme::pun_name(std::string(64, 'a')));  // SHA-256 repositories
}

TEST_CASE("meme::pun_name over 100,000 random hashes: valid, deterministic, collisions counted") {
    git_libgit2_init();
    std::mt19937_64 rng(20261129);
    std::unordered_map<std::string, std::string> owner_of_tag;
    int collisions = 0;
    std::set<std::string> slang_seen;
    for (int i = 0; i < 100'000; ++i) {
        std::string sha = random_sha(rng);
        auto name = meme::pun_name(sha);
        REQUIRE(name);
        REQUIRE(meme::is_valid_tag(name->tag));
        REQUIRE(meme::is_valid_docker_tag(name->docker_tag));
        if (i % 10 == 0) REQUIRE(passes_check_ref_format(name->tag));
        REQUIRE(meme::pun_name(sha)->tag == name->tag);
        slang_seen.insert(name->tag.substr(name->tag.rfind('-') + 1));
        auto [it, inserted] = owner_of_tag.emplace(name->tag, sha);
        if (!inserted && it->second != sha) ++collisions;
    }
    git_libgit2_shutdown();
    // 32 bits of hash plus 6 + 5 bits of word choice: about 100,000² / 2^44 ≈ 0.0006 expected.
    WARN("pun-name collisions among 100,000 random hashes: " << collisions);
    CHECK(collisions <= 2);
    CHECK(slang_seen.size() == 32);
}

TEST_CASE("meme::tag_with_suffix and the tag grammars") {
    CHECK(meme::tag_with_suffix("b16e8a7f-c0mm1t-shuanq", 2) == "b16e8a7f-c0mm1t-shuanq-2");
    CHECK(meme::is_valid_tag("a.b_c-1"));
    CHECK_FALSE(meme::is_valid_tag("-lead"));
    CHECK_FALSE(meme::is_valid_tag("Upper"));
    CHECK_FALSE(meme::is_valid_tag(std::string(101, 'a')));
    CHECK(meme::is_valid_docker_tag("Upper_ok"));
    CHECK_FALSE(meme::is_valid_docker_tag(".lead"));
    CHECK(meme::leetspeak("attention") == "4tt3nt10n");
}
