// The archive as the dashboard's pages read it: small JSON documents, each from a few indexed,
// parameterised queries with a LIMIT, so a page answers in milliseconds on a big archive.
//
// Thread safety: each function uses the connection it is given, on the caller's thread.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "storage/sqlite.hpp"

namespace memeops::bot::dashboard {

// The newest `limit` memes, newest first: [{"id","reaction","priority","caption","caption_en",
// "created","entry":{"id","kind","repo","branch","run","tag","summary"}}].
nlohmann::json newest_memes(storage::Database& db, int limit);

// The newest `limit` entries of any kind (commits with their message's subject, CI results,
// runs, messages): [{"id","kind","time","repo","branch","run","tag","summary"}].
nlohmann::json recent_entries(storage::Database& db, int limit);

// The CI board, the last status per repository, branch and pipeline, most recent first:
// [{"repo","branch","pipeline","status","outcome":"passed"|"failed"|"other","time"}].
nlohmann::json ci_board(storage::Database& db, int limit);

// The newest `limit` model versions: [{"id","time","repo","commit","tag","display",
// "docker_tag","run","summary","metrics":{…}}]; "summary" is the commit message's subject.
nlohmann::json latest_versions(storage::Database& db, int limit);

// The newest `limit` model versions grouped by repository, for the versions page's timelines:
// {"repos":[{"repo","versions":[{"id","time","commit","tag","display","docker_tag","run",
// "summary","metrics":{…},"memes":[{"id","reaction","priority","caption","caption_en",
// "created"}]}, … newest first]}, … the repository with the newest version first]}. "summary"
// is the commit message's subject. A version without a repository is under "repo": null.
nlohmann::json versions(storage::Database& db, int limit);

// The newest `limit` archived confusion matrices: [{"entry","time","run","repo","branch",
// "accuracy","classes"}].
nlohmann::json confusion_matrices(storage::Database& db, int limit);

// One archived confusion matrix: {"entry","time","run","repo","branch","labels","matrix" (rows:
// true label, columns: predicted),"per_class":{label:{"precision","recall","f1","support"}},
// "accuracy","emoji":[[cell]]}, each cell's emoji as the CLI's grid draws it
// (meme::cell_emoji: "💯 TP", "🔥 TN", "⚠️ FN", "❌ FP" for two classes, a heat emoji for more).
// nullopt when `entry` is not a confusion matrix.
std::optional<nlohmann::json> confusion_matrix(storage::Database& db, std::int64_t entry);

// The newest `limit` training runs: [{"id","run","time","repo","branch","status","epochs",
// "metrics":{last value by name},"version":tag|null}]. status is "crashed" or "finished" when a
// meme says so, else "running".
nlohmann::json runs(storage::Database& db, int limit);

// One run: {"run","id","time","repo","branch","status","version","metrics","epochs":[{"epoch",
// "time","metrics"}],"memes":[{"id","reaction","priority","caption","caption_en","created",
// "epoch"}]}. A meme's epoch is that of the training.epoch event that made it; for a meme of
// another event (the run's end, a crash) or one archived before schema version 9 recorded it, the
// last epoch archived at or before the meme was made, null when it came before any. nullopt when
// no run has that name.
std::optional<nlohmann::json> run(storage::Database& db, const std::string& name);

}  // namespace memeops::bot::dashboard
