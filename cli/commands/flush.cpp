// memeops flush: delivers what waits in the outbox once, then exits. In team mode (a bot URL is
// set) it first forwards what waits in the spool to the bot (contract §2).
//
// Console memes are printed on stdout as they are delivered, and recorded delivered only once
// they were written and flushed there. With --json, stdout is exactly one JSON document: the
// console memes are its "console" array, each string written and flushed as it is delivered.
#include <mutex>

#include "cli/command.hpp"
#include "cli/card_output.hpp"
#include "core/text.hpp"
#include "core/error.hpp"
#include "delivery/destination_view.hpp"
#include "delivery/drain.hpp"
#include "pipeline/handoff.hpp"
#include "storage/outbox.hpp"

namespace memeops::cli {
namespace {

struct FlushOptions {
    int timeout_s = 60;
    bool json = false;
};

nlohmann::json summary_json(const delivery::DestinationView& view, const delivery::DrainSummary& s) {
    return {{"destination", view.label()},
            {"key", view.key},
            {"messages", s.messages},
            {"delivered", s.memes_delivered},
            {"failed", s.memes_failed},
            {"retrying", s.memes_retrying},
            {"disabled", s.disabled || view.disabled},
            {"pending", view.pending},
            {"last_error", s.last_error.empty() ? nlohmann::json() : nlohmann::json(s.last_error)}};
}

std::string summary_line(const nlohmann::json& s) {
    std::string line = s["destination"].get<std::string>() + ": " + std::to_string(s["delivered"].get<int>()) +
                       " delivered in " + core::count_of(s["messages"].get<int>(), "message", "messages");
    if (s["failed"].get<int>()) line += ", " + std::to_string(s["failed"].get<int>()) + " failed for good";
    if (s["pending"].get<std::int64_t>()) line += ", " + std::to_string(s["pending"].get<std::int64_t>()) + " waiting";
    if (s["disabled"].get<bool>()) line += " (destination disabled: fix its URL)";
    if (!s["last_error"].is_null()) line += "; last error: " + s["last_error"].get<std::string>();
    return line;
}

// Writes each console meme as the next string of the open "console" array on `out`.
delivery::ConsoleSink json_console(std::ostream& out) {
    auto first = std::make_shared<bool>(true);
    return [&out, first](const std::string& text) {
        out.clear();
        out << (*first ? "" : ",") << nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
            << std::flush;
        if (out) *first = false;
        return static_cast<bool>(out);
    };
}

// The configured destinations' summaries and the keys still waiting without one.
void summarise(storage::Archive& archive, const std::vector<core::Destination>& destinations,
               std::map<std::string, delivery::DrainSummary>& summaries, nlohmann::json& configured,
               nlohmann::json& unconfigured) {
    storage::Outbox outbox(archive);
    for (const auto& view : delivery::destination_views(outbox, destinations)) {
        if (view.configured()) configured.push_back(summary_json(view, summaries[view.key]));
        else unconfigured.push_back({{"key", view.key}, {"pending", view.pending}});
    }
}

// Forwards the spool when a bot URL is set: {"forwarded","refused","waiting","error"}, or null in
// local mode. A bot URL that is not http(s) is reported as the error; the outbox is still
// delivered.
nlohmann::json forward_spool(Context& context, storage::Archive* archive) {
    std::optional<pipeline::BotLink> bot;
    try {
        bot = context.bot_link();
    } catch (const core::Fatal& e) {
        return {{"forwarded", 0}, {"refused", 0}, {"waiting", nullptr}, {"error", e.reason()}};
    }
    if (!bot) return nullptr;
    pipeline::ForwardSummary s;
    if (archive) s = pipeline::forward_spool(*archive, *bot);
    return {{"forwarded", s.forwarded},
            {"refused", s.refused},
            {"waiting", s.waiting},
            {"error", s.error.empty() ? nlohmann::json() : nlohmann::json(s.error)}};
}

// "spool: N forwarded to the bot, M waiting" with what was refused and the error, if any.
std::string spool_line(const nlohmann::json& s) {
    std::string line = "spool: " + std::to_string(s["forwarded"].get<int>()) + " forwarded to the bot";
    if (!s["waiting"].is_null()) line += ", " + std::to_string(s["waiting"].get<std::int64_t>()) + " waiting";
    if (s["refused"].get<int>()) line += ", " + std::to_string(s["refused"].get<int>()) + " refused (see memeops status)";
    if (!s["error"].is_null()) line += "; " + s["error"].get<std::string>();
    return line;
}

// With no archive yet nothing waits, neither in the outbox nor in the spool.
int report_no_archive(Io& io, const FlushOptions& options, const nlohmann::json& spool) {
    auto none = nlohmann::json::array();
    if (options.json)
        io.out << nlohmann::json{{"console", none}, {"destinations", none}, {"unconfigured", none}, {"spool", spool}}.dump()
               << "\n";
    else
        io.out << (spool.is_null() ? "" : spool_line(spool) + "\n") << "Nothing waits: there is no archive yet.\n";
    return 0;
}

int run_flush(Context& context, const FlushOptions& options) {
    Io& io = context.io();
    auto archive = context.open_existing_archive();
    nlohmann::json spool = forward_spool(context, archive.get());
    if (!archive) return report_no_archive(io, options, spool);
    keep_running_on_write_errors();
    auto destinations = context.destinations();
    std::mutex console_mutex;
    if (options.json) io.out << R"({"console":[)" << std::flush;
    delivery::Deliverer deliverer(*archive, options.json ? json_console(io.out)
                                                         : delivery::stream_console(io.out, console_mutex),
                                  delivery_options(context));
    auto summaries = delivery::drain(deliverer, destinations, core::now_ms() + options.timeout_s * 1000LL);
    nlohmann::json configured = nlohmann::json::array(), unconfigured = nlohmann::json::array();
    summarise(*archive, destinations, summaries, configured, unconfigured);
    if (options.json) {
        // Closes the "console" array opened before the drain, then the rest of the object: its
        // members without the opening brace.
        io.out << "],"
               << nlohmann::json{{"destinations", configured}, {"unconfigured", unconfigured}, {"spool", spool}}
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                      .substr(1)
               << "\n";
        return 0;
    }
    if (!spool.is_null()) io.out << spool_line(spool) << "\n";
    for (const auto& s : configured) io.out << core::terminal_safe(summary_line(s)) << "\n";
    for (const auto& u : unconfigured)
        io.out << u["key"].get<std::string>() << " (not configured): " << u["pending"].get<std::int64_t>()
               << " waiting for their destination\n";
    return 0;
}

}  // namespace

Handler define_flush(CLI::App& app, Context& context) {
    auto options = std::make_shared<FlushOptions>();
    app.add_option("--timeout", options->timeout_s, "Stop after this many seconds (default 60)")->check(CLI::Range(1, 3600).description(""));
    app.add_flag("-j,--json", options->json,
                 "Print one JSON document: console memes in its \"console\" array (texts as printed), then what "
                 "was delivered per destination, what waits for destinations no longer configured, and in "
                 "team mode what the \"spool\" forwarded to the bot (null without a bot URL)");
    app.footer("Console memes are printed on stdout and count as delivered once written there; a closed stdout "
               "leaves them waiting. With a bot URL set (MEMEOPS_BOT_URL or memeops.botUrl), the events waiting "
               "for the bot are forwarded first.");
    return [&context, options] { return run_flush(context, *options); };
}

}  // namespace memeops::cli
