// The little cryptography MemeOps needs, from OpenSSL: HMAC-SHA256 for GitHub's webhook
// signatures, SHA-256 fingerprints of secrets (so the archive can tell a changed webhook URL
// without storing it), and a constant-time comparison for signatures and tokens.
#pragma once

#include <string>
#include <string_view>

namespace memeops::core {

// Lower-case hex of HMAC-SHA256(key, message).
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// Lower-case hex of SHA-256(text).
std::string sha256_hex(std::string_view text);

// `bytes` random bytes from OpenSSL's CSPRNG, in lower-case hex: tokens that must not repeat
// across processes (delivery lease owners, idempotency keys). Throws std::runtime_error if the
// CSPRNG fails.
std::string random_hex(size_t bytes);

// True when a and b are equal, taking the same time for any two inputs of the same length
// (OpenSSL's CRYPTO_memcmp); a length difference returns false at once.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace memeops::core
