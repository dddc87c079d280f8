-- Registered OAuth clients: dynamic (RFC 7591) and static (from the YAML, is_static = 1).
-- Lists (grant_types, redirect_uris) are stored space-separated: their items are validated URIs
-- and grant names, which never contain spaces (RFC 3986 §2). Secrets and registration access
-- tokens are stored only as base64url SHA-256 hashes; metadata_json is the registered metadata
-- as returned to the client (never a secret). Tables that hold what was issued to a client
-- reference client_id with ON DELETE CASCADE, so deleting a client revokes its tokens.
CREATE TABLE clients (
  client_id                  TEXT NOT NULL PRIMARY KEY,
  token_endpoint_auth_method TEXT NOT NULL CHECK (token_endpoint_auth_method IN
                               ('none', 'client_secret_basic', 'client_secret_post',
                                'private_key_jwt')),
  grant_types                TEXT NOT NULL,
  redirect_uris              TEXT NOT NULL,
  scope                      TEXT NOT NULL,
  jwks_json                  TEXT NOT NULL,  -- '' when none
  jwks_uri                   TEXT NOT NULL,  -- '' when none
  secret_hash                TEXT NOT NULL,  -- '' for none / private_key_jwt
  secret_expires_at          INTEGER NOT NULL,  -- 0 = never
  registration_token_hash    TEXT NOT NULL,  -- '' for static clients
  issued_at                  INTEGER NOT NULL,
  is_static                  INTEGER NOT NULL CHECK (is_static IN (0, 1)),
  pre_approved               INTEGER NOT NULL CHECK (pre_approved IN (0, 1)),
  metadata_json              TEXT NOT NULL
) STRICT;
