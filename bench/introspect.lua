-- wrk: RFC 7662 introspection of one active access token, the same request every time, as a
-- resource server checking each incoming FHIR request would. TOKEN is the JWT; BASIC_AUTH is
-- base64(id:secret) of an introspection.resource_servers entry (bench/launched.sh) or of a
-- confidential client (bench/token.sh).
wrk.method = "POST"
wrk.path = "/auth/introspect"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BASIC_AUTH")
wrk.body = "token=" .. os.getenv("TOKEN")
