-- Issued access tokens, by jti: never the token itself, only what introspection and revocation
-- need. A deleted client takes its tokens with it (RFC 7592 §2.3: DELETE revokes its tokens).
-- grant_id ties the tokens of one authorization together so a reused code can revoke them all.
CREATE TABLE access_tokens (
  jti          TEXT NOT NULL PRIMARY KEY,
  client_id    TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
  subject      TEXT NOT NULL,
  scope        TEXT NOT NULL,
  issued_at    INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  grant_id     TEXT,     -- NULL for client_credentials
  revoked_at   INTEGER,  -- NULL = not revoked
  context_json TEXT      -- launch context (patient, encounter, ...) as JSON, NULL if none
) STRICT, WITHOUT ROWID;  -- keyed by jti alone: one b-tree, not a rowid table plus a key index

CREATE INDEX access_tokens_client_id ON access_tokens(client_id);
-- Only tokens that belong to a grant (not client_credentials) are ever looked up by grant.
CREATE INDEX access_tokens_grant_id ON access_tokens(grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX access_tokens_expires_at ON access_tokens(expires_at);
