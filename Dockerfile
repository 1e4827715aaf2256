# The MemeOps bot as a container image: `memeops serve` on 0.0.0.0:8088, archive in /data.
#   docker build -t memeops .
#   docker run -e MEMEOPS_TOKEN=... -v memeops:/data -p 8088:8088 memeops
# Without MEMEOPS_TOKEN it does not start: serve refuses a non-loopback address without one.

# Build: the Debian -dev packages, the binary alone (no tests, no benchmarks).
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config ccache \
      libgit2-dev libcpp-httplib-dev libmicrohttpd-dev libssl-dev nlohmann-json3-dev libsqlite3-dev \
      libjemalloc-dev libcli11-dev libicu-dev libcairo2-dev libpango1.0-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The ccache folder is a build cache mount: rebuilds of the image recompile only what changed.
RUN --mount=type=cache,target=/root/.cache/ccache \
    CCACHE_DIR=/root/.cache/ccache CCACHE_BASEDIR=/src \
    cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DMEMEOPS_BUILD_TESTS=OFF -DMEMEOPS_BUILD_BENCH=OFF \
          -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_INSTALL_PREFIX=/usr/local \
 && CCACHE_DIR=/root/.cache/ccache CCACHE_BASEDIR=/src cmake --build /build --target memeops memeops-hook -j "$(nproc)" \
 && cmake --install /build --strip \
 && deploy/container/runtime_packages.sh /usr/local/bin/memeops > /usr/local/share/memeops-runtime-packages

# Runtime: the shared libraries the binary links (the packages found above), CA certificates for
# the chat webhooks, the fonts of the meme cards (Chinese captions, emoji), and nothing else.
FROM debian:bookworm-slim
COPY --from=build /usr/local/share/memeops-runtime-packages /tmp/runtime-packages
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates fonts-noto-cjk fonts-noto-color-emoji $(cat /tmp/runtime-packages) \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/* /tmp/runtime-packages \
 && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home --shell /usr/sbin/nologin memeops \
 && install -d -o memeops -g memeops -m 0700 /data
COPY --from=build /usr/local/bin/memeops /usr/local/bin/memeops-hook /usr/local/bin/
COPY deploy/container/healthcheck.sh /usr/local/bin/memeops-healthcheck
ENV MEMEOPS_DB=/data/archive.db HOME=/data
USER memeops
WORKDIR /data
VOLUME /data
EXPOSE 8088
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/memeops-healthcheck"]
ENTRYPOINT ["/usr/local/bin/memeops"]
CMD ["serve", "--listen", "0.0.0.0:8088"]
