#include "webhook_support.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "core/crypto.hpp"

namespace memeops::test {

std::string webhook_fixture(const std::string& name) {
    std::ifstream in(std::string(MEMEOPS_TEST_FIXTURES) + "/webhooks/" + name, std::ios::binary);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

httplib::Headers github_headers(const std::string& event, const std::string& delivery, const std::string& body,
                                const std::string& secret) {
    return {{"X-GitHub-Event", event},
            {"X-GitHub-Delivery", delivery},
            {"X-Hub-Signature-256", "sha256=" + core::hmac_sha256_hex(secret, body)}};
}

}  // namespace memeops::test
