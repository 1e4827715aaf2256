// What a person names an entry or a repository with, resolved without git: `show REF` (a pun
// tag, a sha prefix, "#42") and `--repo` (an identity, any remote URL, "owner/name", a short
// name) against an archive, and the identity normaliser under both (core/repo_identity).
// Bad input may only end in core::Fatal (an ambiguous ref).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/error.hpp"
#include "core/repo_identity.hpp"
#include "storage/archive.hpp"
#include "storage/repo_store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static auto archive = memeops::storage::Archive::open(":memory:");
    std::string text(reinterpret_cast<const char*>(data), size);
    (void)memeops::core::normalize_remote_url(text);
    std::string identity = memeops::core::repo_identity(text);
    (void)memeops::core::repo_short_name(identity);
    (void)memeops::core::is_path_identity(identity);
    // An identity is a fixed point: naming it again (as --repo does) must not change it.
    if (memeops::core::repo_identity(identity) != identity) std::abort();
    try {
        (void)archive->find(text);
        (void)memeops::storage::RepoStore(*archive).resolve(text);
    } catch (const memeops::core::Fatal&) {
    }
    return 0;
}
