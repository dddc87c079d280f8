-- Tokens for launched apps (issue 8). An authorization becomes a grant when its code is
-- redeemed: the root of its refresh-token family and of every access token issued from it
-- (access_tokens.grant_id), so a reused code or a reused refresh token revokes them together
-- (RFC 6749 §4.1.2, RFC 9700 §4.14.2). Refresh tokens, like codes, are stored only as base64url
-- SHA-256 hashes (RFC 6749 §10.4). Every table is purged once expired, in bounded slices.

-- The SHA-256 of each access token as issued: introspection and userinfo find the record by the
-- JWT's jti and compare this hash (constant time) instead of verifying a signature per call.
-- NULL for tokens issued before this migration: those are checked by signature, by kid.
ALTER TABLE access_tokens ADD COLUMN token_hash TEXT;

-- online_access refresh tokens end with the login session that approved them (SMART App Launch
-- 2.2 "online_access"): the code carries that session's id hash to the grant.
ALTER TABLE authorization_codes ADD COLUMN session_hash TEXT;

CREATE TABLE grants (
  grant_id     TEXT NOT NULL PRIMARY KEY,
  client_id    TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
  user_id      TEXT NOT NULL,  -- the directory's id: `sub`
  fhir_user    TEXT NOT NULL,
  user_name    TEXT NOT NULL,
  auth_time    INTEGER NOT NULL,
  scope        TEXT NOT NULL,  -- granted by the user: the most any refresh may ask for
  context_json TEXT,           -- launch context, returned again with every refresh
  aud          TEXT NOT NULL,  -- the FHIR base: the access tokens' audience
  refresh_kind TEXT NOT NULL CHECK (refresh_kind IN ('none', 'offline', 'online')),
  session_hash TEXT,           -- online: the login session the family ends with
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,  -- the last expiry of anything issued from it: purge after
  revoked_at   INTEGER            -- NULL = live
) STRICT;
CREATE INDEX grants_expires_at ON grants(expires_at);
-- ON DELETE CASCADE from clients, and incident response by client or by user.
CREATE INDEX grants_client_id ON grants(client_id);
CREATE INDEX grants_user_id ON grants(user_id);

-- One row per refresh token ever issued in a family. retired_at is set when the token is rotated
-- out; the row stays until it expires so that a later presentation is recognised as reuse.
CREATE TABLE refresh_tokens (
  token_hash TEXT NOT NULL PRIMARY KEY,
  grant_id   TEXT NOT NULL REFERENCES grants(grant_id) ON DELETE CASCADE,
  scope      TEXT NOT NULL,  -- this token's scope: the grant's, or narrower
  issued_at  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  retired_at INTEGER         -- NULL = current
) STRICT, WITHOUT ROWID;  -- small fixed rows keyed by a random hash: one b-tree, not two
CREATE INDEX refresh_tokens_grant_id ON refresh_tokens(grant_id);
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens(expires_at);
