#!/usr/bin/env python3
"""Attack benchmark of `memeops serve` (issue 10), bounded and on 127.0.0.1 only.

    bench/attack_bench.py [MEMEOPS_BINARY] [IDLE_CONNECTIONS] [UPLOAD_MB]

Measures, in the same run:
  - /healthz latency (p50, p99 of 300 requests on fresh connections) with nothing else open
    (the baseline), then with IDLE_CONNECTIONS (default 2000) silent connections open;
  - resident memory idle (the baseline), then the peak (VmHWM) after a chunked upload of
    UPLOAD_MB (default 100) MB to /v1/events, with its status and how much of it was sent.
Prints the figures and the ratios under attack / baseline.
"""
import os, socket, subprocess, sys, tempfile, time

BINARY = os.path.realpath(sys.argv[1] if len(sys.argv) > 1 else "build/memeops")
IDLE = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
UPLOAD_MB = int(sys.argv[3]) if len(sys.argv) > 3 else 100


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def healthz_ms(port):
    start = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200"), answer[:80]
    return (time.perf_counter() - start) * 1000


def latencies(port, n=300):
    got = sorted(healthz_ms(port) for _ in range(n))
    return got[len(got) // 2], got[int(len(got) * 0.99) - 1]


def chunked_upload(port, megabytes):
    """Sends a chunked body of `megabytes` MB; returns (status, MB sent before the answer)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n")
    piece = b"10000\r\n" + b"x" * 0x10000 + b"\r\n"
    sent = 0
    s.setblocking(False)
    answer = b""
    while sent < megabytes * 1024 * 1024:
        try:
            answer += s.recv(65536)
            break
        except BlockingIOError:
            pass
        except OSError:
            break
        try:
            sent += s.send(piece)
        except BlockingIOError:
            time.sleep(0.001)
        except OSError:
            break
    s.setblocking(True)
    s.settimeout(5)
    try:
        while not answer.startswith(b"HTTP/") or b"\r\n\r\n" not in answer:
            chunk = s.recv(65536)
            if not chunk:
                break
            answer += chunk
    except OSError:
        pass
    s.close()
    status = int(answer[9:12]) if answer.startswith(b"HTTP/1.") else 0
    return status, sent / (1024 * 1024)


def main():
    work = tempfile.mkdtemp()
    port = free_port()
    env = dict(os.environ, MEMEOPS_DB=f"{work}/archive.db", MEMEOPS_LOG="warn", HOME=work)
    env.pop("MEMEOPS_TOKEN", None)
    bot = subprocess.Popen([BINARY, "serve", "--listen", f"127.0.0.1:{port}"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                healthz_ms(port)
                break
            except OSError:
                time.sleep(0.05)
        time.sleep(0.5)
        idle_kb = status_kb(bot.pid, "VmRSS")
        base_p50, base_p99 = latencies(port)
        idle = []
        for _ in range(IDLE):
            idle.append(socket.create_connection(("127.0.0.1", port)))
        time.sleep(0.2)
        att_p50, att_p99 = latencies(port)
        with_idle_kb = status_kb(bot.pid, "VmRSS")
        for s in idle:
            s.close()
        status, sent_mb = chunked_upload(port, UPLOAD_MB)
        peak_kb = status_kb(bot.pid, "VmHWM")
        alive = bot.poll() is None
    finally:
        bot.terminate()
        bot.wait()
    print(f"/healthz, 300 requests each      p50 ms   p99 ms")
    print(f"  baseline (nothing else open) {base_p50:8.2f} {base_p99:8.2f}")
    print(f"  with {IDLE} idle connections {att_p50:8.2f} {att_p99:8.2f}")
    print(f"  attack / baseline            x{att_p50 / base_p50:7.2f} x{att_p99 / base_p99:7.2f}")
    print(f"RSS: idle {idle_kb / 1024:.1f} MB; with {IDLE} idle connections {with_idle_kb / 1024:.1f} MB "
          f"(x{with_idle_kb / idle_kb:.2f})")
    print(f"chunked upload of {UPLOAD_MB} MB: HTTP {status} after {sent_mb:.1f} MB sent; "
          f"peak RSS {peak_kb / 1024:.1f} MB (x{peak_kb / idle_kb:.2f} of idle); bot alive: {alive}")


if __name__ == "__main__":
    main()
