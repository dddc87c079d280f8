-- State of the authorize endpoint (issue 7). Codes, transaction ids and session ids are stored
-- only as base64url SHA-256 hashes (RFC 6749 §10.10, SEC-2): a copy of this file lets no one
-- redeem a code or ride a browser session. Every row that lives for a while is purged once
-- expired, in bounded slices (authorize/sqlite_*_store.cpp), so each purge has an index on its
-- deadline.
--
-- WITHOUT ROWID is used where rows are small and fixed (login_sessions). Codes, transactions and
-- consents carry scope strings and JSON that grow with the request (a granular-scope request
-- easily passes 1 KB, a transaction holds the whole request): SQLite keeps a WITHOUT ROWID
-- table's rows in its interior b-tree pages too, which pays off only for rows under ~1/20 of a
-- page (sqlite.org/withoutrowid.html §4), so those three stay rowid tables.

-- Authorization codes (RFC 6749 §4.1.2, SMART App Launch 2.2 "App Launch"): single use, short
-- lived, bound to everything the token request must match (RFC 6749 §4.1.3, RFC 7636 §4.6,
-- AUTHZ-11). used_at is set by the first redemption; a used code stays until it expires so a
-- second redemption is recognised as reuse and its grant's tokens revoked (RFC 6749 §4.1.2).
-- A deleted client takes its codes with it.
CREATE TABLE authorization_codes (
  code_hash         TEXT NOT NULL PRIMARY KEY,
  grant_id          TEXT NOT NULL,
  client_id         TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
  redirect_uri      TEXT NOT NULL,
  redirect_uri_sent INTEGER NOT NULL CHECK (redirect_uri_sent IN (0, 1)),
  code_challenge    TEXT NOT NULL,  -- S256 (RFC 7636 §4.2)
  nonce             TEXT,           -- NULL when the request carried none (OIDC Core §3.1.2.1)
  user_id           TEXT NOT NULL,
  fhir_user         TEXT NOT NULL,
  user_name         TEXT NOT NULL,
  auth_time         INTEGER NOT NULL,
  scope             TEXT NOT NULL,  -- granted, space-separated
  context_json      TEXT,           -- launch context as a JSON object, NULL if none
  issued_at         INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,
  used_at           INTEGER,        -- NULL = not redeemed yet
  aud               TEXT NOT NULL   -- the FHIR base the app asked for: the token's audience
) STRICT;
CREATE INDEX authorization_codes_expires_at ON authorization_codes(expires_at);
-- ON DELETE CASCADE finds a client's codes through this index instead of a table scan.
CREATE INDEX authorization_codes_client_id ON authorization_codes(client_id);

-- One authorization in progress between the pages (RFC 9700 §4.7: request state on the server,
-- bound to the browser by a cookie). state_json is opaque here.
CREATE TABLE authorize_transactions (
  id_hash    TEXT NOT NULL PRIMARY KEY,
  state_json TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
CREATE INDEX authorize_transactions_expires_at ON authorize_transactions(expires_at);

-- A login reused by later authorizations until expires_at (auth_time + lifetime) or until it
-- has been idle too long (last_seen + idle timeout, which is configuration, not stored).
CREATE TABLE login_sessions (
  id_hash    TEXT NOT NULL PRIMARY KEY,
  user_id    TEXT NOT NULL,
  auth_time  INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
-- The purge deletes sessions past either deadline: one index per deadline lets SQLite's OR
-- optimisation find both sets without a scan.
CREATE INDEX login_sessions_expires_at ON login_sessions(expires_at);
CREATE INDEX login_sessions_last_seen ON login_sessions(last_seen);

-- Remembered consent: the scopes a user approved for a client, so a later request within them
-- skips the consent page (issue 7 "Pages"). Deleting the client forgets it; users live in the
-- EHR directory, so user_id is not a foreign key.
CREATE TABLE consents (
  user_id    TEXT NOT NULL,
  client_id  TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
  scope      TEXT NOT NULL,  -- approved, space-separated
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, client_id)
) STRICT;
-- ON DELETE CASCADE looks consents up by client_id alone, which the primary key cannot serve.
CREATE INDEX consents_client_id ON consents(client_id);
