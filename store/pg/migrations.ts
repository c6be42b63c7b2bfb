/**
 * The PostgreSQL schema, as forward-only migrations: each is applied once, in order, and never
 * edited after it has shipped (a database migrated by it would not get the edit). A change is a
 * new migration at the end. store/pg/migrate.ts applies them.
 *
 * Conventions every adapter relies on:
 * - Times are `timestamptz`, written from the caller's clock (epoch ms as ISO text) where the
 *   embedded store takes a `now`, so tests and replicas agree on what "now" was.
 * - A list the embedded store keeps in insertion order has a `position bigserial`: order by it.
 * - Documents the domain owns whole (a rule's definition, an evidence request, a rotation) are
 *   `jsonb` bodies; columns beside them only what queries, keys and constraints need. JSON goes
 *   in as `JSON.stringify(value)` cast with `::jsonb` (`pg` would turn a JS array into a
 *   PostgreSQL array).
 * - gzip payloads are `bytea` with STORAGE EXTERNAL: compressing them again would spend CPU for
 *   nothing.
 * - `bigint` and `bigserial` columns come back from `pg` as strings: `Number()` them.
 * - Scan ids are `COLLATE "C"`: they begin with their UTC time stamp, so byte order is scan order
 *   (as the embedded snapshot store sorts its file names), whatever the database's locale.
 */

export interface Migration {
  /** 1, 2, 3 … without gaps. */
  version: number;
  name: string;
  /** One or more statements, run in one transaction with the version's `certify_schema` row. */
  sql: string;
}

const INITIAL = `
-- Scan history (store/scans.ts): one row per saved scan, newest by seq. A scan saved again under
-- its id takes a new seq (the embedded history moves it to the front); saves hold a transaction
-- advisory lock, so seq order is commit order. The full result is kept, gzip JSON, for the newest
-- few only (latest() reads the newest row that has one); older rows keep the summary: score,
-- ratings, counts, and per rule its status and failing count. now_text is the scan's time as
-- the summary gave it (returned as given), at the same as a time for range queries. Scores are
-- double precision, as JS numbers are: real keeps about 7 digits and would change some.
-- asset_counts is json, not jsonb: it is only ever read back whole, and json keeps key order.
CREATE TABLE scans (
  scan_id text COLLATE "C" PRIMARY KEY,
  seq bigserial NOT NULL UNIQUE, -- its index serves ORDER BY seq DESC
  now_text text NOT NULL,
  at timestamptz NOT NULL,
  source text NOT NULL,
  score double precision,
  rating text,
  parameters jsonb, -- null: saved before scans recorded them (the defaults)
  asset_counts json NOT NULL,
  result bytea
);
ALTER TABLE scans ALTER COLUMN result SET STORAGE EXTERNAL;
CREATE INDEX scans_at ON scans (at);
CREATE INDEX scans_with_result ON scans (seq DESC) WHERE result IS NOT NULL;

-- The rules a scan's summary names, in its order (ord): every failing rule ('fail'), and every
-- rule with failing assets that did not fail ('pass': a metric rule passes above its threshold
-- with some). failing_ids (at most FAILING_ASSETS_CAP) only for the newest detailed scans, which
-- alerts diff; null where they were dropped or the summary listed none for the rule, '{}' where
-- it listed an empty list. failing_count is how many it listed, kept when the ids are dropped.
CREATE TABLE scan_rules (
  scan_id text COLLATE "C" NOT NULL REFERENCES scans ON DELETE CASCADE,
  rule_id text NOT NULL,
  ord integer NOT NULL,
  status text NOT NULL CHECK (status IN ('pass', 'fail', 'not_applicable')),
  failing_count integer NOT NULL DEFAULT 0 CHECK (failing_count >= 0),
  failing_ids text[],
  PRIMARY KEY (scan_id, rule_id)
);
CREATE INDEX scan_rules_failing ON scan_rules (rule_id, scan_id) WHERE status = 'fail';
-- Few rows (the detailed scans'): finds the ids to drop without reading every scan's rules.
CREATE INDEX scan_rules_with_ids ON scan_rules (scan_id) WHERE failing_ids IS NOT NULL;

-- A scan's score per framework, in the summary's order (ord); rating as the scanner rates it.
CREATE TABLE scan_frameworks (
  scan_id text COLLATE "C" NOT NULL REFERENCES scans ON DELETE CASCADE,
  framework text NOT NULL,
  ord integer NOT NULL,
  score double precision,
  rating text,
  PRIMARY KEY (scan_id, framework)
);
CREATE INDEX scan_frameworks_by_framework ON scan_frameworks (framework, scan_id);

-- Snapshots (store/snapshots.ts): the inventory and result of each saved scan, gzip JSON.
-- No foreign key to scans: the snapshot is saved first, and one a killed scan left behind is an
-- orphan the store removes once it is old (saved_at, from the caller's clock).
CREATE TABLE snapshots (
  scan_id text COLLATE "C" PRIMARY KEY,
  at timestamptz NOT NULL,
  source text NOT NULL,
  inventory bytea NOT NULL,
  result bytea NOT NULL,
  saved_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE snapshots ALTER COLUMN inventory SET STORAGE EXTERNAL;
ALTER TABLE snapshots ALTER COLUMN result SET STORAGE EXTERNAL;

-- Custom rules (store/custom-rules.ts), in creation order. Ids that differ only by case are one
-- id to the store; the folded unique index holds that across replicas creating at once.
CREATE TABLE custom_rules (
  id text PRIMARY KEY,
  position bigserial NOT NULL UNIQUE,
  def jsonb NOT NULL
);
CREATE UNIQUE INDEX custom_rules_folded_id ON custom_rules (upper(id));

-- Organisation parameters (store/parameters.ts): the values set, one row, present from the
-- start so that a change can always lock it (SELECT … FOR UPDATE) rather than race an insert.
CREATE TABLE parameters (
  id integer PRIMARY KEY CHECK (id = 1),
  values jsonb NOT NULL DEFAULT '{}',
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO parameters (id) VALUES (1);

-- The operator audit log (store/audit-writer.ts). line is the entry exactly as the file log's
-- JSONL line: text, not jsonb, because jsonb refuses \\u0000 in a string the file log accepts
-- and the verifier must read what was hashed. seq and hash repeat the line's for keys and order;
-- at its time, for range queries. Appends are serialised by a transaction advisory lock.
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY CHECK (seq >= 1),
  at timestamptz NOT NULL,
  line text NOT NULL,
  hash text NOT NULL UNIQUE
);
CREATE INDEX audit_log_at ON audit_log (at);
-- One signed checkpoint per entry it pins: a second at the same head would pin nothing new.
CREATE TABLE audit_checkpoints (
  seq bigint PRIMARY KEY,
  jws text NOT NULL
);
CREATE TABLE audit_head (
  id integer PRIMARY KEY CHECK (id = 1),
  jws text NOT NULL
);

-- Evidence requests (store/evidence-requests.ts): the request whole in body; status and the
-- scan it was built from are generated from it, so they cannot disagree with it (insert id,
-- created_at and body only). download_tokens finds a link's request by its SHA-256; the link
-- itself lives in body.links.
CREATE TABLE evidence_requests (
  id text PRIMARY KEY,
  position bigserial NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  body jsonb NOT NULL,
  status text GENERATED ALWAYS AS (body ->> 'status') STORED,
  scan_id text COLLATE "C" GENERATED ALWAYS AS (body -> 'scan' ->> 'id') STORED
);
CREATE INDEX evidence_requests_in_use ON evidence_requests (scan_id)
  WHERE status IN ('building', 'pending', 'signed');
CREATE TABLE download_tokens (
  token_sha256 text PRIMARY KEY,
  request_id text NOT NULL REFERENCES evidence_requests ON DELETE CASCADE
);
CREATE INDEX download_tokens_request ON download_tokens (request_id);

-- Alerts (store/alerts.ts). A subscription per channel, in subscription order (re-subscribing
-- keeps its place). A claim records that an alert key was sent: inserted before sending
-- (ON CONFLICT DO NOTHING), so of two replicas only one sends; channel '' is every channel, as
-- the embedded store's sent keys are. Acknowledgement and snooze are separate rows, as in the
-- embedded store, where an acknowledged key stays suppressed when its snooze ends.
CREATE TABLE alert_subscriptions (
  channel_kind text NOT NULL CHECK (channel_kind IN ('teams', 'slack', 'playground')),
  channel_id text NOT NULL CHECK (channel_id <> ''),
  filters jsonb NOT NULL DEFAULT '{}',
  created_by text NOT NULL,
  created_at timestamptz NOT NULL,
  position bigserial NOT NULL UNIQUE,
  PRIMARY KEY (channel_kind, channel_id)
);
CREATE TABLE alert_claims (
  key text NOT NULL,
  channel text NOT NULL DEFAULT '',
  at timestamptz NOT NULL,
  PRIMARY KEY (key, channel)
);
CREATE INDEX alert_claims_at ON alert_claims (at);
CREATE TABLE alert_suppressions (
  key text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('ack', 'snooze')),
  by text NOT NULL,
  at timestamptz NOT NULL,
  until timestamptz,
  PRIMARY KEY (key, kind),
  CHECK ((kind = 'snooze') = (until IS NOT NULL))
);
CREATE INDEX alert_suppressions_at ON alert_suppressions (at);
CREATE TABLE alert_groups (
  id text PRIMARY KEY,
  keys jsonb NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX alert_groups_at ON alert_groups (at);

-- Teams conversation references (store/conversations.ts).
CREATE TABLE conversations (
  key text PRIMARY KEY,
  reference jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Provenance (store/provenance.ts): certificates issued and rotation requests, in order.
CREATE TABLE certificates (
  id text PRIMARY KEY,
  position bigserial NOT NULL UNIQUE,
  body jsonb NOT NULL
);
CREATE TABLE rotations (
  id text PRIMARY KEY,
  position bigserial NOT NULL UNIQUE,
  body jsonb NOT NULL
);

-- Slack deliveries already handled (bot/slack/delivery-ledger.ts), until their window ends.
CREATE TABLE slack_deliveries (
  key text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX slack_deliveries_expires_at ON slack_deliveries (expires_at);
`;

const EVIDENCE_FILES = `
-- The files of an evidence request that signing and downloading read (store/evidence-files.ts),
-- so that a bundle built on one replica is signed on another and downloaded from a third.
-- A staged bundle is one evidence_staged row (all but its data files: gzip JSON, whose paths
-- list keeps the files' order) and a row per data file, saved in one transaction that first
-- deletes any earlier staging of the request: a reader sees a whole staged bundle or none, and a
-- retried build replaces what an earlier attempt left. A data file is gzip unless that would not
-- make it smaller (encoding 'identity'). The signed zip is kept as it is: it is compressed already.
-- Everything goes with its request (ON DELETE CASCADE).
CREATE TABLE evidence_staged (
  request_id text PRIMARY KEY REFERENCES evidence_requests ON DELETE CASCADE,
  meta bytea NOT NULL,
  saved_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE evidence_staged ALTER COLUMN meta SET STORAGE EXTERNAL;
CREATE TABLE evidence_staged_files (
  request_id text NOT NULL REFERENCES evidence_staged ON DELETE CASCADE,
  path text NOT NULL,
  encoding text NOT NULL CHECK (encoding IN ('gzip', 'identity')),
  data bytea NOT NULL,
  PRIMARY KEY (request_id, path)
);
ALTER TABLE evidence_staged_files ALTER COLUMN data SET STORAGE EXTERNAL;
CREATE TABLE evidence_zips (
  request_id text PRIMARY KEY REFERENCES evidence_requests ON DELETE CASCADE,
  zip bytea NOT NULL,
  saved_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE evidence_zips ALTER COLUMN zip SET STORAGE EXTERNAL;
`;

// Alerts resolved by Key Vault's real-time events (bot/jobs/eventgrid-events.ts): the newest
// version each asset is known to have got, and when Key Vault raised it. Apart from the claims,
// so clearing an asset's alerts does not forget it and a late expiry event cannot reopen them.
// And where each alert's card was posted per channel (Slack ts, Teams activity id), so any
// replica can update it in place when the alert resolves.
const ALERT_RESOLUTIONS = `
CREATE TABLE alert_resolutions (
  asset_id text PRIMARY KEY,
  version text,
  at timestamptz NOT NULL
);
CREATE INDEX alert_resolutions_at ON alert_resolutions (at);
CREATE TABLE alert_posts (
  key text NOT NULL,
  channel text NOT NULL,
  ref text NOT NULL CHECK (ref <> ''),
  at timestamptz NOT NULL,
  PRIMARY KEY (key, channel)
);
CREATE INDEX alert_posts_at ON alert_posts (at);
`;

// Slack users who opened Certify's App Home, so each scheduled scan republishes their view; and
// the trend charts (PNG) behind Certify's unguessable, expiring image links, kept here so any
// replica can serve a chart another one drew. Only the token's SHA-256 is stored.
const HOME_AND_CHARTS = `
CREATE TABLE slack_home_viewers (
  team_id text NOT NULL,
  user_id text NOT NULL,
  opened_at timestamptz NOT NULL,
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX slack_home_viewers_opened_at ON slack_home_viewers (opened_at);
CREATE TABLE charts (
  token_sha256 text PRIMARY KEY,
  png bytea NOT NULL,
  alt text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX charts_expires_at ON charts (expires_at);
`;

/** Every migration this build knows, oldest first. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([
  { version: 1, name: 'initial schema', sql: INITIAL },
  { version: 2, name: 'evidence bundle files', sql: EVIDENCE_FILES },
  { version: 3, name: 'alert resolutions and posted cards', sql: ALERT_RESOLUTIONS },
  { version: 4, name: 'App Home viewers and trend charts', sql: HOME_AND_CHARTS },
]);

/** The schema version this build migrates a database to. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
