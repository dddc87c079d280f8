-- client_credentials access tokens are no longer recorded (issue 6 §4, speed): a backend's token
-- is a self-contained JWT (RFC 9068) whose claims say everything introspection answers, and
-- whose signature, by a key of this server's ring, proves it was issued here. Its jti carries a
-- marker (tokens::is_unrecorded_jti), so only such tokens are accepted without a row. What is
-- stored is what can end one before it expires:
--
-- * its revocation (RFC 7009): an access_tokens row, written with revoked_at set when the token
--   is revoked, and purged after its expiry like any other row;
-- * its client's deletion (RFC 7592 §2.3): introspection finds no client row, or one issued after
--   the token (a new client under the same id), and the token is inactive;
-- * an operator's `smart-auth token revoke --client`: the cut-off below. Every unrecorded token
--   of the client issued at or before it is inactive. The cut-off only moves forward.
CREATE TABLE client_token_cutoffs (
  client_id      TEXT NOT NULL PRIMARY KEY REFERENCES clients(client_id) ON DELETE CASCADE,
  revoked_before INTEGER NOT NULL  -- unix seconds: tokens with iat <= this are revoked
) STRICT, WITHOUT ROWID;
