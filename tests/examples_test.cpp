// examples/memeops_notify.py, the README's training-script helper, run by python3 against a real
// `memeops serve` on loopback, and against a bot that is down or never answers.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "storage/archive.hpp"
#include "test_support.hpp"

using namespace memeops;
using nlohmann::json;

namespace {

// Runs `body` in python3 with examples/ importable and the helper imported as `m`; `url` is
// sys.argv[1]. The script prints one JSON line with what it found out.
test::CommandResult run_python(const std::string& body, const std::string& url) {
    std::string script = "import sys, json, math, time\n"
                         "sys.path.insert(0, sys.argv[2])\n"
                         "import memeops_notify as m\n" +
                         body;
    return test::run_process("python3", {"-c", script, url, std::string(MEMEOPS_SOURCE_DIR) + "/examples"}, {}, 60);
}

// A loopback port that accepts connections (the kernel completes them) but never answers.
class SilentListener {
public:
    SilentListener() {
        m_fd = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof address;
        REQUIRE(bind(m_fd, reinterpret_cast<sockaddr*>(&address), size) == 0);
        REQUIRE(listen(m_fd, 16) == 0);
        getsockname(m_fd, reinterpret_cast<sockaddr*>(&address), &size);
        m_port = ntohs(address.sin_port);
    }
    ~SilentListener() { close(m_fd); }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

private:
    int m_fd = -1;
    int m_port = 0;
};

}  // namespace

TEST_CASE("examples/memeops_notify.py: a NaN loss is accepted by a real serve and archived, a retry counted once") {
    test::TempDir dir;
    test::ServeProcess serve(dir, {{"MEMEOPS_DB", dir.file("archive.db")}, {"HOME", dir.path().string()}}, "python");
    auto r = run_python(
        "event = {'kind': 'training.epoch', 'run': 'py-run', 'epoch': 3, 'id': 'py-run/3',\n"
        "         'metrics': {'loss': float('nan'), 'val_loss': math.inf}}\n"
        "print(json.dumps({'first': m.notify(event, url=sys.argv[1]), 'again': m.notify(event, url=sys.argv[1])}))\n",
        serve.url());
    REQUIRE(r.code == 0);
    CHECK(json::parse(r.out) == json{{"first", true}, {"again", true}});
    CHECK(r.err.empty());
    auto entries = storage::Archive::open(dir.file("archive.db"))->history({});
    REQUIRE(entries.size() == 1);  // the same id twice: one entry
    CHECK(entries[0].run == "py-run");
    CHECK(std::isnan(entries[0].metrics.at("loss")));
    REQUIRE(entries[0].memes.size() == 1);
    CHECK(entries[0].memes[0].reaction == "training.nan");
}

TEST_CASE("examples/memeops_notify.py returns False within its timeout, without raising, when the bot is down") {
    SilentListener silent;
    int closed_port = 0;
    {
        SilentListener gone;  // a port that was free a moment ago: connections are refused
        closed_port = std::stoi(gone.url().substr(gone.url().rfind(':') + 1));
    }
    for (const std::string& url : {silent.url(), "http://127.0.0.1:" + std::to_string(closed_port)}) {
        auto r = run_python(
            "start = time.monotonic()\n"
            "ok = m.notify({'kind': 'training.epoch', 'run': 'r', 'epoch': 0, 'metrics': {'loss': float('nan')}},\n"
            "              url=sys.argv[1], timeout=1.5, attempts=3, backoff=0.1)\n"
            "print(json.dumps({'ok': ok, 'seconds': time.monotonic() - start}))\n",
            url);
        REQUIRE(r.code == 0);  // nothing raised into the "training loop"
        auto result = json::parse(r.out);
        CHECK(result["ok"] == false);
        CHECK(result["seconds"].get<double>() < 2.5);
        CHECK_THAT(r.err, Catch::Contains("not sent"));  // logged (Python's last-resort handler: stderr)
    }
}
