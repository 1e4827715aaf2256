#include "storage/card_store.hpp"

#include "core/crypto.hpp"
#include "core/time.hpp"

namespace memeops::storage {

std::optional<std::string> find_secret(Archive& archive, const std::string& name) {
    auto select = archive.database().cached("SELECT value FROM secrets WHERE name = ?1");
    select.bind_all(name);
    std::optional<std::string> value;
    if (select.step()) value = select.column_text(0);
    select.reset();
    return value;
}

std::string secret(Archive& archive, const std::string& name, size_t bytes) {
    if (auto found = find_secret(archive, name)) return *found;
    auto insert = archive.database().cached("INSERT OR IGNORE INTO secrets(name, value, created) VALUES (?1, ?2, ?3)");
    insert.bind_all(name, core::random_hex(bytes), core::now_ms());
    insert.run();
    return *find_secret(archive, name);
}

std::optional<std::int64_t> entry_of_meme(Archive& archive, std::int64_t meme_id) {
    auto select = archive.database().cached("SELECT entry_id FROM memes WHERE id = ?1");
    select.bind_all(meme_id);
    std::optional<std::int64_t> entry;
    if (select.step()) entry = select.column_int(0);
    select.reset();
    return entry;
}

}  // namespace memeops::storage
