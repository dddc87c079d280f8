# smart-auth container image. Two stages on Debian 12: the build stage installs the build packages
# and builds with the same scripts as a developer (scripts/deps --build, scripts/build); the
# runtime stage ships the stripped binary (migrations and page templates are compiled into it),
# the shared libraries it links and nothing else, and runs it as an unprivileged user.
#   docker build -t smart-auth .          (or: podman build, as scripts/container-test does)
#   docker run -p 8443:8443 -v smart-auth-data:/var/lib/smart-auth \
#     -e SMART_AUTH_PUBLIC_URL=https://localhost:8443 \
#     -e SMART_AUTH_FHIR_BASE_URL=https://localhost:8443/fhir smart-auth
# README "Deploying with a container" and docker/README.md describe the variables and the volume.

FROM debian:12 AS build
WORKDIR /src
# The packages first, in their own layer: a source change does not download them again.
COPY scripts/deps scripts/deps
RUN scripts/deps --build
COPY . .
# ccache keeps its objects in a build cache (BuildKit and buildah both offer cache mounts), so a
# rebuild after a small change compiles only what changed.
RUN --mount=type=cache,target=/root/.cache/ccache \
    scripts/build release smart-auth \
 && strip build/smart-auth \
 && build/smart-auth --version \
 # The Debian packages that own the libraries the binary links: exactly what the runtime needs.
 && ldd build/smart-auth | awk '/=> \// {print $1}' \
    | while read -r lib; do dpkg -S "*/$lib"; done | cut -d: -f1 | sort -u >build/runtime-packages \
 && cat build/runtime-packages

FROM debian:12-slim
COPY --from=build /src/build/runtime-packages /tmp/runtime-packages
# ca-certificates: the system bundle for outgoing HTTPS (client jwks_uri, the EHR directory).
# uid/gid 10001, numeric below, so an orchestrator can verify "not root" without /etc/passwd.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates $(cat /tmp/runtime-packages) \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages \
 && groupadd --system --gid 10001 smart-auth \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/smart-auth \
      --shell /usr/sbin/nologin smart-auth \
 && install -d -o 10001 -g 10001 -m 0700 /var/lib/smart-auth \
 && install -d -m 0755 /etc/smart-auth
COPY --from=build /src/build/smart-auth /usr/local/bin/smart-auth
COPY docker/entrypoint /usr/local/bin/docker-entrypoint
COPY docker/smart-auth.yaml config/demo-directory.yaml /etc/smart-auth/

# Which config to run (docker/smart-auth.yaml by default); it reads the URLs and any secrets from
# the environment with ${VAR} (README "Deploying with a container").
ENV SMART_AUTH_CONFIG=/etc/smart-auth/smart-auth.yaml
USER 10001:10001
WORKDIR /var/lib/smart-auth
# The database, the signing keys' store, the generated CA and certificate, the EHR API key.
VOLUME /var/lib/smart-auth
EXPOSE 8443
# smart-auth stops accepting, finishes in-flight requests, closes the store and exits 0.
STOPSIGNAL SIGTERM
# GET /healthz over HTTPS, verified against the configured CA: 0 only on a 200.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/docker-entrypoint", "healthcheck"]
# Exec form, and the entry point execs smart-auth: smart-auth is PID 1 and gets SIGTERM itself.
ENTRYPOINT ["/usr/local/bin/docker-entrypoint"]
