#include "core/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

namespace memeops::core {
namespace {

std::string to_hex(const unsigned char* bytes, unsigned int size) {
    static const char* k_digits = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (unsigned int i = 0; i < size; ++i) {
        out += k_digits[bytes[i] >> 4];
        out += k_digits[bytes[i] & 0xF];
    }
    return out;
}

}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
         message.size(), digest, &size);
    return to_hex(digest, size);
}

std::string sha256_hex(std::string_view text) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
    return to_hex(digest, size);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string random_hex(int bytes) {
    std::vector<unsigned char> buffer(static_cast<size_t>(bytes));
    if (RAND_bytes(buffer.data(), bytes) != 1) throw std::runtime_error("no randomness from OpenSSL");
    return to_hex(buffer.data(), static_cast<unsigned int>(bytes));
}

}  // namespace memeops::core
