-- jti values of accepted client assertions (RFC 7523 §3 item 7, SMART "Client Authentication:
-- Asymmetric"): a second use within the assertion's lifetime is a replay. jti is stored as
-- base64url SHA-256; rows past expires_at are deleted periodically.
CREATE TABLE assertion_jtis (
  client_id  TEXT NOT NULL,
  jti_hash   TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (client_id, jti_hash)
) STRICT, WITHOUT ROWID;
CREATE INDEX assertion_jtis_expires_at ON assertion_jtis (expires_at);
