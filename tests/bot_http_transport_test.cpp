#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <sys/socket.h>
#include <mutex>
#include <thread>

#include "bot/http/body_stream.hpp"
#include "bot/http/transport.hpp"
#include "test_support.hpp"

using namespace memeops::bot::http;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// A transport serving `routes` with `limits` on 127.0.0.1, started; `port` gets its port.
std::unique_ptr<Transport> started_transport(const RouteTable& routes, const Limits& limits, int& port) {
    auto transport = std::make_unique<Transport>(routes, limits, nullptr);
    port = transport->bind("127.0.0.1", 0);
    transport->start();
    return transport;
}

// A transport on 127.0.0.1 with short read deadlines (head 500 ms, whole request 1.5 s), a
// route that answers at once and one that answers from another thread after `answer_after`.
class ServedRoutes {
public:
    explicit ServedRoutes(std::chrono::milliseconds answer_after = std::chrono::milliseconds(0)) {
        m_routes.add({"GET", "/now", false, false, {}, [](Request&, Reply reply) { reply({200, "text/plain", {}, "now"}); }});
        m_routes.add({"POST", "/later", false, true, {}, [this, answer_after](Request& req, Reply reply) {
                          m_late.push_back(std::async(std::launch::async, [answer_after, reply, size = req.body.size()] {
                              std::this_thread::sleep_for(answer_after);
                              reply({200, "text/plain", {}, std::to_string(size)});
                          }));
                      }});
        Limits limits;
        limits.head_timeout_ms = 500;
        limits.request_timeout_ms = 1500;
        m_transport = started_transport(m_routes, limits, m_port);
    }
    ~ServedRoutes() {
        for (auto& late : m_late) late.wait();
        m_transport->close(1);
    }
    int port() const { return m_port; }

private:
    RouteTable m_routes;
    std::vector<std::future<void>> m_late;
    std::unique_ptr<Transport> m_transport;
    int m_port = 0;
};

// Sends `piece` every 100 ms, `count` times.
memeops::test::BodySource trickle(std::string piece, int count) {
    auto left = std::make_shared<int>(count);
    return [piece, left](std::string& out) {
        if ((*left)-- <= 0) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        out = piece;
        return true;
    };
}

}  // namespace

TEST_CASE("http transport: a head trickled a header at a time is cut off at its deadline, though never idle", "[serial]") {
    ServedRoutes served;
    auto start = std::chrono::steady_clock::now();
    auto reply = memeops::test::raw_http(served.port(), "GET /now HTTP/1.1\r\nHost: x\r\n", trickle("X-Slow: 1\r\n", 40));
    CHECK(reply.status == 0);             // closed without an answer
    CHECK(seconds_since(start) < 2.0);    // not the 4 s the client would have gone on for
    CHECK(seconds_since(start) >= 0.45);  // not before the deadline
    CHECK(memeops::test::raw_http(served.port(), "GET /now HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status == 200);
}

TEST_CASE("http transport: a body trickled past the whole-request deadline is cut off", "[serial]") {
    ServedRoutes served;
    auto start = std::chrono::steady_clock::now();
    auto reply = memeops::test::raw_http(
        served.port(), "POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 400\r\n\r\n", trickle(std::string(10, 'b'), 40));
    CHECK(reply.status == 0);
    CHECK(seconds_since(start) < 3.0);
    CHECK(seconds_since(start) >= 1.4);
}

TEST_CASE("http transport: no deadline runs while a request is answered, and each request on a connection gets its own", "[serial]") {
    ServedRoutes served(std::chrono::milliseconds(1800));  // longer than both deadlines
    auto answered = memeops::test::raw_http(served.port(), "POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
    CHECK(answered.status == 200);
    CHECK(answered.body == "3");
    // Three requests on one connection, 300 ms apart: 900 ms in all, each head well within its 500 ms.
    std::string get = "GET /now HTTP/1.1\r\nHost: x\r\n\r\n";
    auto replies = memeops::test::raw_http_keep_alive(served.port(), {get, get, get}, 300);
    for (const auto& reply : replies) CHECK(reply.status == 200);
    // Then silent past the head deadline: closed.
    auto late = memeops::test::raw_http_keep_alive(served.port(), {get, get}, 1000);
    CHECK(late[0].status == 200);
    CHECK(late[1].status == 0);
}

namespace {

// A transport whose GET /stream answers with a stream that the test writes to (keepalive
// "ping\n" after 200 ms of silence), and whose GET /slow answers after 800 ms.
class ServedStreams {
public:
    ServedStreams() {
        m_routes.add({"GET", "/slow", false, false, {}, [this](Request&, Reply reply) {
                          std::lock_guard lock(m_mutex);
                          m_late.push_back(std::async(std::launch::async, [reply] {
                              std::this_thread::sleep_for(std::chrono::milliseconds(800));
                              reply({200, "text/plain", {}, "slow"});
                          }));
                      }});
        m_routes.add({"GET", "/stream", false, false, {}, [this](Request&, Reply reply) {
                          auto stream = std::make_shared<BodyStream>("ping\n");
                          {
                              std::lock_guard lock(m_mutex);
                              m_streams.push_back(stream);
                          }
                          Response res{200, "text/event-stream"};
                          res.stream = stream;
                          reply(res);
                      }});
        Limits limits;
        limits.stream_keepalive_ms = 200;
        m_transport = started_transport(m_routes, limits, m_port);
    }
    ~ServedStreams() {
        for (auto& late : m_late) late.wait();
        m_transport->close(1);
    }
    int port() const { return m_port; }
    Transport& transport() { return *m_transport; }
    // The stream of the `i`th request, waiting up to 2 s for it to arrive.
    std::shared_ptr<BodyStream> stream(size_t i) {
        for (int tries = 0; tries < 200; ++tries) {
            {
                std::lock_guard lock(m_mutex);
                if (m_streams.size() > i) return m_streams[i];
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return nullptr;
    }

private:
    RouteTable m_routes;
    std::mutex m_mutex;
    std::vector<std::shared_ptr<BodyStream>> m_streams;
    std::vector<std::future<void>> m_late;
    std::unique_ptr<Transport> m_transport;
    int m_port = 0;
};

const std::string k_stream_request = "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n";

}  // namespace

TEST_CASE("http transport: a streamed answer sends each write as it is made, a keepalive when silent, and its end on close", "[serial]") {
    ServedStreams served;
    memeops::test::StreamingReader reader(served.port(), k_stream_request);
    auto stream = served.stream(0);
    REQUIRE(stream);
    REQUIRE(reader.read_until("\r\n\r\n"));
    CHECK(reader.received().find("Transfer-Encoding: chunked") != std::string::npos);
    CHECK(reader.received().find("ping") == std::string::npos);
    auto start = std::chrono::steady_clock::now();
    REQUIRE(stream->write("first event\n"));
    CHECK(reader.read_until("first event\n", 1000));
    CHECK(seconds_since(start) < 0.5);
    CHECK(stream->write("second event\n"));
    CHECK(reader.read_until("second event\n", 1000));
    CHECK(reader.read_until("ping\n", 2000));  // silent for 200 ms: the keepalive
    stream->close();
    CHECK(reader.read_until("0\r\n\r\n", 1000));  // the chunked body's end
    CHECK_FALSE(stream->write("too late"));
}

TEST_CASE("http transport: a stream notices its client has gone at the next keepalive", "[serial]") {
    ServedStreams served;
    std::shared_ptr<BodyStream> stream;
    {
        memeops::test::StreamingReader reader(served.port(), k_stream_request);
        stream = served.stream(0);
        REQUIRE(stream);
        REQUIRE(reader.read_until("\r\n\r\n"));
    }  // the client leaves
    auto start = std::chrono::steady_clock::now();
    while (!stream->over() && seconds_since(start) < 3) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(stream->over());
    CHECK(seconds_since(start) < 2);
    CHECK_FALSE(stream->write("nobody listens"));
    CHECK(memeops::test::raw_http(served.port(), "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status == 404);
}

TEST_CASE("http transport: a client that stops reading loses its stream, not the server's memory", "[serial]") {
    ServedStreams served;
    memeops::test::StreamingReader reader(served.port(), k_stream_request);  // never read after the head
    auto stream = served.stream(0);
    REQUIRE(stream);
    REQUIRE(reader.read_until("\r\n\r\n"));
    std::string block(64 * 1024, 'x');
    int written = 0;
    while (written < 1000 && stream->write(block)) {
        ++written;
        if (written % 8 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // let the loop drain some
    }
    CHECK(written < 1000);  // refused long before 64 MB piled up
    CHECK(stream->over());
    CHECK(memeops::test::raw_http(served.port(), "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status == 404);
}

TEST_CASE("http transport: closing ends every open stream at once instead of waiting out the grace", "[serial]") {
    ServedStreams served;
    memeops::test::StreamingReader first(served.port(), k_stream_request);
    memeops::test::StreamingReader second(served.port(), k_stream_request);
    REQUIRE(served.stream(1));
    REQUIRE(first.read_until("\r\n\r\n"));
    auto start = std::chrono::steady_clock::now();
    served.transport().close(5);
    CHECK(seconds_since(start) < 1.5);
    CHECK(first.read_until_closed(1000));
    CHECK(second.read_until_closed(1000));
    CHECK(first.received().find("0\r\n\r\n") != std::string::npos);
}

TEST_CASE("http transport: a stream asked for on a kept-alive connection while closing ends at once, and close does not wait for it", "[serial]") {
    ServedStreams served;
    memeops::test::StreamingReader reader(served.port(), k_stream_request);
    REQUIRE(served.stream(0));
    REQUIRE(reader.read_until("\r\n\r\n"));
    auto slow = std::async(std::launch::async, [&] {  // keeps a request in flight while the stream comes back
        return memeops::test::raw_http(served.port(), "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto start = std::chrono::steady_clock::now();
    auto closing = std::async(std::launch::async, [&] { served.transport().close(5); });
    REQUIRE(reader.read_until("0\r\n\r\n", 2000));  // the first stream ended; its connection stays open
    // What a browser's EventSource does next: ask again on the same connection.
    (void)::send(reader.fd(), k_stream_request.data(), k_stream_request.size(), MSG_NOSIGNAL);
    closing.wait();
    CHECK(seconds_since(start) < 2.0);  // not the 5 s of grace, and no stop with a stream suspended
    CHECK(slow.get().status == 200);
    reader.read_until_closed(1000);
    size_t second = reader.received().find("HTTP/1.1 200", 1);
    CHECK(second != std::string::npos);  // the second stream was answered, and ended
    if (second != std::string::npos) CHECK(reader.received().find("0\r\n\r\n", second) != std::string::npos);
}
