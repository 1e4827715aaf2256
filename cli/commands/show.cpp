// memeops show REF: one entry in full.
#include "cli/command.hpp"
#include "cli/entry_view.hpp"
#include "cli/repo_argument.hpp"
#include "core/error.hpp"

namespace memeops::cli {
namespace {

struct ShowOptions {
    std::string ref;
    bool json = false;
};

int run_show(Context& context, const ShowOptions& options) {
    Io& io = context.io();
    auto archive = context.open_existing_archive(storage::Access::read_only);
    std::optional<storage::Entry> entry;
    if (archive) entry = entry_argument(*archive, options.ref);
    if (!entry)
        throw core::Fatal("no entry " + options.ref,
                          "not a tag, git revision, commit or entry id in " + context.archive_path());
    if (options.json) {
        io.out << storage::to_json(*entry).dump(-1, ' ', false,
                                                 nlohmann::json::error_handler_t::replace)
               << "\n";
    } else {
        print_entry_detail(io.out, *entry, io.terminal, core::now_ms());
    }
    return 0;
}

}  // namespace

Handler define_show(CLI::App& app, Context& context) {
    auto options = std::make_shared<ShowOptions>();
    app.add_option("REF", options->ref, "A pun tag, a commit (HEAD, HEAD~2, a branch, a sha or 4+ of its digits), or an entry id (#42)")
        ->required();
    app.add_flag("-j,--json", options->json, "Print the entry as JSON");
    return [&context, options] { return run_show(context, *options); };
}

}  // namespace memeops::cli
