-- The server's own signing keys. Rotation retires the active key of an alg (retire_at set) and
-- adds a new one; a retired key keeps its public half in JWKS until expire_at, then it is deleted.
CREATE TABLE signing_keys (
  kid         TEXT NOT NULL PRIMARY KEY,
  alg         TEXT NOT NULL CHECK (alg IN ('RS256', 'ES256')),
  private_pem TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  retire_at   INTEGER,  -- NULL = active (signs new tokens)
  expire_at   INTEGER   -- removed from JWKS after this time
) STRICT;
