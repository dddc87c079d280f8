# smart-auth container: build on Debian 12 with the same script developers use, run on a slim
# Debian 12 with only the runtime libraries, as an unprivileged user.
#   docker build -t smart-auth .
#   docker run -p 8443:8443 -v smart-auth-data:/var/lib/smart-auth smart-auth
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN scripts/deps \
 && cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSMART_AUTH_TESTS=OFF \
 && cmake --build build -j"$(nproc)" \
 && strip build/smart-auth

FROM debian:12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3 libsqlite3-0 \
      libspdlog1.10 libfmt9 libyaml-cpp0.7 libargon2-1 \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /var/lib/smart-auth --shell /usr/sbin/nologin smart-auth \
 && mkdir -p /var/lib/smart-auth /etc/smart-auth \
 && chown smart-auth /var/lib/smart-auth
COPY --from=build /src/build/smart-auth /usr/local/bin/smart-auth
COPY docker/smart-auth.yaml /etc/smart-auth/smart-auth.yaml
COPY config/demo-directory.yaml /etc/smart-auth/demo-directory.yaml
USER smart-auth
VOLUME /var/lib/smart-auth
EXPOSE 8443
HEALTHCHECK --interval=30s --timeout=3s CMD ["/bin/bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8443"]
ENTRYPOINT ["/usr/local/bin/smart-auth", "--config", "/etc/smart-auth/smart-auth.yaml"]
