#include "hooks/launcher/git_index.hpp"

#include <cstdint>
#include <string>

namespace memeops::hooks::launcher {
namespace {

constexpr size_t k_header_size = 12;
constexpr size_t k_times_dev_ino_size = 24;  // ctime, mtime, dev, ino: not needed here
constexpr size_t k_sha_size = 20;
constexpr size_t k_trailer_size = 20;
constexpr uint32_t k_mode_type_mask = 0170000;
constexpr uint32_t k_mode_directory = 0040000;
constexpr uint32_t k_mode_gitlink = 0160000;
constexpr uint16_t k_flag_extended = 0x4000;
constexpr uint16_t k_flag_stage = 0x3000;
constexpr uint16_t k_extended_intent_to_add = 0x2000;

// Big-endian reads within bounds; each returns false (and leaves `pos`) past the end.
class Cursor {
public:
    explicit Cursor(std::string_view bytes) : m_bytes(bytes) {}

    bool u32(uint32_t& value) {
        if (remaining() < 4) return false;
        value = 0;
        for (int i = 0; i < 4; ++i) value = (value << 8) | byte(m_pos + i);
        m_pos += 4;
        return true;
    }
    bool u16(uint16_t& value) {
        if (remaining() < 2) return false;
        value = static_cast<uint16_t>((byte(m_pos) << 8) | byte(m_pos + 1));
        m_pos += 2;
        return true;
    }
    bool take(size_t n, std::string_view& out) {
        if (remaining() < n) return false;
        out = m_bytes.substr(m_pos, n);
        m_pos += n;
        return true;
    }
    // git's offset varint (varint.c): 7 bits a byte, each continuation adding one.
    bool varint(uint64_t& value) {
        if (remaining() < 1) return false;
        uint8_t c = byte(m_pos++);
        value = c & 127;
        while (c & 128) {
            if (remaining() < 1 || value >= (uint64_t(1) << 56)) return false;
            c = byte(m_pos++);
            value = ((value + 1) << 7) | (c & 127);
        }
        return true;
    }
    // A NUL-terminated string (the NUL consumed).
    bool c_string(std::string_view& out) {
        size_t end = m_bytes.find('\0', m_pos);
        if (end == std::string_view::npos) return false;
        out = m_bytes.substr(m_pos, end - m_pos);
        m_pos = end + 1;
        return true;
    }
    bool seek(size_t pos) {
        if (pos > m_bytes.size()) return false;
        m_pos = pos;
        return true;
    }
    size_t pos() const { return m_pos; }
    size_t remaining() const { return m_bytes.size() - m_pos; }

private:
    uint8_t byte(size_t at) const { return static_cast<uint8_t>(m_bytes[at]); }

    std::string_view m_bytes;
    size_t m_pos = 0;
};

std::string to_hex(std::string_view raw) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(raw.size() * 2);
    for (unsigned char c : raw) {
        hex += k_digits[c >> 4];
        hex += k_digits[c & 15];
    }
    return hex;
}

struct RawEntry {
    uint32_t mode = 0;
    std::string_view sha;
    uint16_t flags = 0;
    uint16_t extended = 0;
    std::string path;
};

// One entry at the cursor; `previous` is the last path (version 4 compresses against it).
bool read_entry(Cursor& cursor, uint32_t version, const std::string& previous, RawEntry& entry) {
    size_t start = cursor.pos();
    std::string_view stat;
    uint32_t ignored = 0;  // uid, gid, size
    if (!cursor.take(k_times_dev_ino_size, stat) || !cursor.u32(entry.mode) || !cursor.u32(ignored) || !cursor.u32(ignored) ||
        !cursor.u32(ignored) || !cursor.take(k_sha_size, entry.sha) || !cursor.u16(entry.flags))
        return false;
    if (entry.flags & k_flag_extended) {
        if (version < 3 || !cursor.u16(entry.extended)) return false;
    }
    std::string_view name;
    if (version >= 4) {
        uint64_t strip = 0;
        if (!cursor.varint(strip) || strip > previous.size() || !cursor.c_string(name)) return false;
        entry.path = previous.substr(0, previous.size() - strip);
        entry.path += name;
        return true;
    }
    if (!cursor.c_string(name)) return false;
    entry.path = name;
    size_t fixed = cursor.pos() - start - name.size() - 1;
    size_t padded = (fixed + name.size() + 8) / 8 * 8;  // 1 to 8 NULs keep entries 8-aligned
    return cursor.seek(start + padded);
}

// Whether an extension after the entries makes them incomplete (a split index's "link").
bool has_split_index(Cursor& cursor, size_t end) {
    while (cursor.pos() + 8 <= end) {
        std::string_view signature;
        uint32_t size = 0;
        if (!cursor.take(4, signature) || !cursor.u32(size)) return false;
        if (signature == "link") return true;
        if (size > end - cursor.pos() || !cursor.seek(cursor.pos() + size)) return false;
    }
    return false;
}

}  // namespace

std::optional<std::vector<PathBlob>> read_index_files(std::string_view bytes) {
    if (bytes.size() < k_header_size + k_trailer_size || bytes.substr(0, 4) != "DIRC") return std::nullopt;
    Cursor cursor(bytes.substr(0, bytes.size() - k_trailer_size));
    uint32_t signature = 0, version = 0, count = 0;
    if (!cursor.u32(signature) || !cursor.u32(version) || !cursor.u32(count)) return std::nullopt;
    if (version < 2 || version > 4 || count > bytes.size() / 16) return std::nullopt;
    std::vector<PathBlob> files;
    files.reserve(count);
    std::string previous;
    for (uint32_t i = 0; i < count; ++i) {
        RawEntry entry;
        if (!read_entry(cursor, version, previous, entry)) return std::nullopt;
        uint32_t type = entry.mode & k_mode_type_mask;
        if ((entry.flags & k_flag_stage) != 0 || type == k_mode_directory) return std::nullopt;
        previous = entry.path;
        if (type == k_mode_gitlink || (entry.extended & k_extended_intent_to_add)) continue;
        files.push_back({std::move(entry.path), to_hex(entry.sha)});
    }
    if (has_split_index(cursor, bytes.size() - k_trailer_size)) return std::nullopt;
    return files;
}

}  // namespace memeops::hooks::launcher
