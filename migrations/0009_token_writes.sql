-- Fewer pages written per token request (issues 6 and 8, speed). Every code exchange and refresh
-- is one durable write, and what it costs is the b-tree pages it dirties: each insert under a
-- random key dirties its own leaf page, written to the WAL at commit and again at checkpoint.
-- New jtis, grant ids and refresh tokens start with an ordered prefix (crypto::ordered_token), so
-- their inserts append to the same right-most pages for a whole group commit; and two indexes
-- keyed by grant_id, which every token of an old grant hit at a random place, are dropped:
--
-- * access_tokens_grant_id: a grant's revocation is no longer stamped on each of its access
--   tokens. The token store reads grants.revoked_at with the token (a point read by the
--   grant's key), so revoking a grant is one row (RFC 7009 §2.1 and RFC 6749 §4.1.2 still end
--   every access token issued from it at once).
-- * refresh_tokens_grant_id, and with it the foreign key to grants that needed it (without an
--   index on the child column, each deleted grant would scan refresh_tokens): a refresh token is
--   always read joined to its grant, so one whose grant was revoked is refused, and one whose
--   grant was deleted (its client deleted, RFC 7592 §2.3) is unknown. Refresh rows are purged by
--   their own expires_at, never later than their grant's.
--
-- Existing rows keep working: tokens issued before this migration are keyed as they were.

DROP INDEX access_tokens_grant_id;

CREATE TABLE refresh_tokens_0009 (
  token_hash TEXT NOT NULL PRIMARY KEY,  -- tokens::refresh_token_key: ordered prefix + SHA-256
  grant_id   TEXT NOT NULL,              -- grants.grant_id; not a foreign key (see above)
  scope      TEXT NOT NULL,  -- this token's scope: the grant's, or narrower
  issued_at  INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  retired_at INTEGER         -- NULL = current
) STRICT, WITHOUT ROWID;
INSERT INTO refresh_tokens_0009(token_hash, grant_id, scope, issued_at, expires_at, retired_at)
  SELECT token_hash, grant_id, scope, issued_at, expires_at, retired_at FROM refresh_tokens;
DROP TABLE refresh_tokens;
ALTER TABLE refresh_tokens_0009 RENAME TO refresh_tokens;
CREATE INDEX refresh_tokens_expires_at ON refresh_tokens(expires_at);
