#include "hooks/launcher/hook_names.hpp"

#include <algorithm>

namespace memeops::hooks {

const std::vector<std::string>& installable_hook_names() {
    static const std::vector<std::string> names{"post-commit", "post-merge", "post-rewrite"};
    return names;
}

bool is_installable_hook(std::string_view name) {
    const auto& names = installable_hook_names();
    return std::find(names.begin(), names.end(), name) != names.end();
}

bool hook_reads_stdin(std::string_view name) {
    return name == "post-rewrite" || name == "pre-push" || name == "pre-receive" || name == "post-receive" ||
           name == "reference-transaction";
}

}  // namespace memeops::hooks
