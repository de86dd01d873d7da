# syntax=docker/dockerfile:1
# shiori: one binary with the IPADIC dictionary embedded, on debian-slim, as a non-root user.
# The build uses the same offline dictionary path as the README: Debian's mecab-ipadic sources,
# turned into lindera's format by build.rs (no download).
#
# Dependencies are compiled in a layer of their own (cargo-chef): a change to src/ rebuilds only
# shiori itself. The binary is built with the `dist` profile (stripped, no debug info).

FROM rust:1-bookworm AS chef
WORKDIR /src
RUN cargo install cargo-chef --locked --version 0.1.78
# The dictionary sources come from Debian's package, as on a developer machine.
COPY scripts/deps.sh scripts/deps.sh
RUN scripts/deps.sh && rm -rf /var/lib/apt/lists/*

# The recipe: Cargo.toml and Cargo.lock with the sources left out, so it changes only when the
# dependencies do.
FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS build
COPY --from=planner /src/recipe.json recipe.json
RUN cargo chef cook --profile dist --locked --bin shiori --recipe-path recipe.json
COPY . .
RUN cargo build --profile dist --locked --bin shiori \
 && install -m 0755 target/dist/shiori /usr/local/bin/shiori

FROM debian:bookworm-slim
# ca-certificates: TLS to the Discord and Slack APIs. Not pinned to a version: Debian replaces
# it with security updates, and a pinned version would stop building when that happens.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin shiori \
 && mkdir -p /data /notes /etc/shiori \
 && chown shiori:shiori /data
COPY --from=build /usr/local/bin/shiori /usr/local/bin/shiori
COPY corpus/ /notes/
COPY deploy/shiori.container.toml /etc/shiori/shiori.toml
USER 10001:10001
WORKDIR /data
# /data holds the SQLite store and the index; /notes the group's notes (mount your own there).
VOLUME ["/data", "/notes"]
EXPOSE 8080
ENV SHIORI_LOG=info,tantivy=warn
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["/usr/local/bin/shiori", "--config", "/etc/shiori/shiori.toml", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/shiori", "--config", "/etc/shiori/shiori.toml"]
CMD ["serve"]
