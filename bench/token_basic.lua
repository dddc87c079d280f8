-- wrk: client_credentials with client_secret_basic (RFC 6749 §4.4, §2.3.1), the same request
-- every time. BASIC_AUTH is base64(client_id:client_secret), set by bench/token.sh.
wrk.method = "POST"
wrk.path = "/auth/token"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("BASIC_AUTH")
wrk.body = "grant_type=client_credentials&scope=system%2F*.rs"
