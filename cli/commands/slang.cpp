// memeops slang: entries of the built-in slang lexicon; memeops emojify: slang in a text
// replaced by its emoji. Both read only the lexicon compiled in (meme/slang.hpp).
#include <iterator>
#include <random>

#include "cli/command.hpp"
#include "cli/table.hpp"
#include "core/text.hpp"
#include "meme/slang.hpp"

namespace memeops::cli {
namespace {

struct SlangOptions {
    size_t count = 5;
    std::optional<std::uint64_t> seed;
    bool json = false;
};

nlohmann::json slang_json(const std::vector<const meme::SlangEntry*>& entries) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto* e : entries)
        out.push_back({{"word", e->word}, {"pinyin", e->pinyin}, {"emoji", e->emoji}, {"gloss", e->gloss}});
    return out;
}

std::string slang_table(const std::vector<const meme::SlangEntry*>& entries, const Terminal& terminal) {
    Table table({"WORD", "PINYIN", "EMOJI", "GLOSS"});
    table.set_column_colour(0, "1");
    table.set_column_colour(1, "2");
    for (const auto* e : entries) table.add_row({e->word, e->pinyin, e->emoji, e->gloss});
    return table.render(terminal);
}

int run_slang(Context& context, const SlangOptions& options) {
    // Without --seed a fresh pick each time; with it, the same pick on every run and machine.
    std::uint64_t seed = options.seed ? *options.seed : (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
    auto entries = meme::SlangPicker(seed).distinct(options.count);
    Io& io = context.io();
    if (options.json) io.out << slang_json(entries).dump() << "\n";
    else io.out << slang_table(entries, io.terminal);
    return 0;
}

struct EmojifyOptions {
    std::vector<std::string> words;
};

int run_emojify(Context& context, const EmojifyOptions& options) {
    Io& io = context.io();
    if (options.words.size() == 1 && options.words[0] == "-") {
        // From stdin the text keeps its own lines, the last newline included or not.
        std::string text{std::istreambuf_iterator<char>(*io.in), std::istreambuf_iterator<char>()};
        io.out << meme::slang_to_emoji(text);
        return 0;
    }
    io.out << meme::slang_to_emoji(core::join(options.words, " ")) << "\n";
    return 0;
}

}  // namespace

Handler define_slang(CLI::App& app, Context& context) {
    auto options = std::make_shared<SlangOptions>();
    app.footer("Example: memeops slang --count 3 --seed 42 --json");
    app.add_option("-n,--count", options->count, "How many entries (at most the lexicon's size)")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--seed", options->seed, "Pick the same entries every time for this number");
    app.add_flag("-j,--json", options->json, "Print [{\"word\",\"pinyin\",\"emoji\",\"gloss\"}]");
    return [&context, options] { return run_slang(context, *options); };
}

Handler define_emojify(CLI::App& app, Context& context) {
    auto options = std::make_shared<EmojifyOptions>();
    app.footer("Examples:\n  memeops emojify 'this model is YYDS'   → this model is 👑\n"
               "  git log -1 --format=%s | memeops emojify -");
    app.add_option("TEXT", options->words, "The text (several words are joined by spaces); - reads stdin")
        ->required();
    return [&context, options] { return run_emojify(context, *options); };
}

}  // namespace memeops::cli
