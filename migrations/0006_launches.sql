-- EHR launches (CONTRACT "EHR launch-context API"): the context an EHR vouches for before it
-- opens an app with ?launch=. The launch id is a bearer secret, so only its base64url SHA-256 is
-- kept (SMART App Launch 2.2, "EHR Launch": unguessable; RFC 9700 §4: secrets stored hashed).
-- used_at marks a consumed launch so a reuse is told apart from an unknown id in the audit log;
-- rows past expires_at, used or not, are deleted periodically. A launch bound to a client goes
-- when the client does.
CREATE TABLE launches (
  id_hash             TEXT NOT NULL PRIMARY KEY,
  user_id             TEXT NOT NULL,
  patient             TEXT,
  encounter           TEXT,
  client_id           TEXT REFERENCES clients(client_id) ON DELETE CASCADE,  -- NULL: any client
  fhir_context        TEXT,     -- JSON array text (SMART App Launch 2.2 fhirContext), NULL if none
  intent              TEXT,
  need_patient_banner INTEGER CHECK (need_patient_banner IN (0, 1)),  -- NULL: not given
  smart_style_url     TEXT,
  tenant              TEXT,
  created_at          INTEGER NOT NULL,
  expires_at          INTEGER NOT NULL,
  used_at             INTEGER   -- NULL = not used yet
) STRICT, WITHOUT ROWID;  -- keyed by the hash alone: one b-tree

CREATE INDEX launches_expires_at ON launches(expires_at);
CREATE INDEX launches_client_id ON launches(client_id) WHERE client_id IS NOT NULL;
