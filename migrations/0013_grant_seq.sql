-- A refresh reads one b-tree fewer (issue 8, speed). A refresh token was joined to its grant by
-- grant_id, through the grants primary-key index and then the table: two page lookups at random
-- places of a large table, on the read that judges the token and again in the write that rotates
-- it. Each refresh token now also holds its grant's rowid, named grant_seq so that VACUUM keeps
-- it (https://sqlite.org/lang_vacuum.html: rowids of a table without an INTEGER PRIMARY KEY may
-- change), and the join finds the grant by it, in one lookup.
--
-- A rowid can be given again once the grant that had the largest one is deleted, and refresh
-- tokens outlive their grant's row until purged: so every join also requires the grant_id to be
-- the token's, and a token whose grant is gone stays unknown whatever takes its number.
--
-- grants is rebuilt (https://sqlite.org/lang_altertable.html §7) keeping each row's rowid, as
-- migration 0012 did; nothing references it by foreign key (migration 0009).

CREATE TABLE grants_0013 (
  grant_seq    INTEGER PRIMARY KEY,  -- the rowid; refresh_tokens.grant_seq points here
  grant_id     TEXT NOT NULL UNIQUE,
  client_id    TEXT NOT NULL REFERENCES clients(client_id) ON DELETE CASCADE,
  user_id      TEXT NOT NULL,  -- the directory's id: `sub`
  fhir_user    TEXT NOT NULL,
  user_name    TEXT NOT NULL,
  auth_time    INTEGER NOT NULL,
  scope        TEXT NOT NULL,  -- granted by the user: the most any refresh may ask for
  context_json TEXT,           -- launch context, returned again with every refresh
  aud          TEXT NOT NULL,  -- the FHIR base: the access tokens' audience
  refresh_kind TEXT NOT NULL
    CHECK (refresh_kind = 'none' OR refresh_kind = 'offline' OR refresh_kind = 'online'),
  session_hash TEXT,           -- online: the login session the family ends with
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,  -- the last expiry of anything issued from it: purge after
  revoked_at   INTEGER            -- NULL = live
) STRICT;
INSERT INTO grants_0013(grant_seq, grant_id, client_id, user_id, fhir_user, user_name, auth_time,
                        scope, context_json, aud, refresh_kind, session_hash, created_at,
                        expires_at, revoked_at)
  SELECT rowid, grant_id, client_id, user_id, fhir_user, user_name, auth_time, scope,
         context_json, aud, refresh_kind, session_hash, created_at, expires_at, revoked_at
  FROM grants;
DROP TABLE grants;
ALTER TABLE grants_0013 RENAME TO grants;
CREATE INDEX grants_expires_at ON grants(expires_at);
-- ON DELETE CASCADE from clients, and incident response by client or by user.
CREATE INDEX grants_client_id ON grants(client_id);
CREATE INDEX grants_user_id ON grants(user_id);

-- NULL only for a token whose grant was already gone: unknown, as it was.
ALTER TABLE refresh_tokens ADD COLUMN grant_seq INTEGER;
UPDATE refresh_tokens
  SET grant_seq = (SELECT g.grant_seq FROM grants g WHERE g.grant_id = refresh_tokens.grant_id);
