// memeops name / docker-tag: the pun names of a commit.
#include "cli/command.hpp"
#include "cli/repo_argument.hpp"
#include "core/error.hpp"
#include "hooks/git.hpp"
#include "meme/pun_name.hpp"

namespace memeops::cli {
namespace {

struct NameOptions {
    std::string rev = "HEAD";
    bool json = false;
};

// The names of `rev`; the archive's final tag (with its suffix) when the commit is a version.
meme::PunName names_of(Context& context, const std::string& rev, std::string_view command) {
    hooks::LibGit2 lib;
    auto repo = hooks::open_repository(context.global().repo_dir);
    auto commit = commit_argument(repo.get(), rev, command);
    auto names = *meme::pun_name(hooks::to_hex(git_commit_id(commit.get())));
    if (auto archive = context.open_existing_archive()) {
        auto id = archive->git_entry_id(hooks::repository_identity(repo.get()), names.sha);
        if (id) {
            auto entry = archive->find("#" + std::to_string(*id));
            if (entry && entry->tag) {
                names.tag = *entry->tag;
                names.docker_tag = entry->docker_tag.value_or(*entry->tag);
            }
        }
    }
    return names;
}

int run_name(Context& context, const NameOptions& options) {
    auto names = names_of(context, options.rev, "name");
    Io& io = context.io();
    if (options.json) {
        io.out << meme::to_json(names).dump() << "\n";
    } else {
        io.out << io.terminal.paint(names.tag, "1;33") << "\n" << names.display << "\n";
    }
    return 0;
}

}  // namespace

Handler define_name(CLI::App& app, Context& context) {
    auto options = std::make_shared<NameOptions>();
    app.add_option("REV", options->rev, "A commit (default HEAD)");
    app.add_option("-r,--repo", context.global().repo_dir, "The repository (default: the current one)");
    app.add_flag("-j,--json", options->json, "Print {\"sha\",\"tag\",\"display\",\"docker_tag\"}");
    return [&context, options] { return run_name(context, *options); };
}

Handler define_docker_tag(CLI::App& app, Context& context) {
    auto options = std::make_shared<NameOptions>();
    app.add_option("REV", options->rev, "A commit (default HEAD)");
    app.add_option("-r,--repo", context.global().repo_dir, "The repository (default: the current one)");
    return [&context, options] {
        context.io().out << names_of(context, options->rev, "docker-tag").docker_tag << "\n";
        return 0;
    };
}

}  // namespace memeops::cli
