/**
 * Proactive-alert state in PostgreSQL (the AlertStore of store/alerts.ts), shared by every
 * replica: each runs the scheduled alerts, and each (key, channel) must still be posted once.
 *
 * A claim is one `INSERT … ON CONFLICT DO NOTHING RETURNING`: of two replicas claiming the same
 * pair, the second waits on the first's row and is given nothing. A row whose channel is ''
 * (carried over from a data dir whose alerts were sent once for all channels) counts as claimed
 * for every channel: no claim inserts one, release leaves it, clear removes it.
 *
 * Bounded as the embedded store is, except for the order of "oldest": the embedded ledger is a
 * list in insertion order, these rows have only their time, so the oldest are those with the
 * earliest `at` (ties by key, then channel). A trim never takes a pair the same call just
 * claimed, and runs after the claim has committed, so a replica that fails to trim has still
 * claimed; with replicas claiming at once the table may briefly hold a few rows beyond the cap,
 * until the next claim trims it.
 */
import type pg from 'pg';
import { CertifyError } from '../../base/errors.js';
import {
  alertGroupId,
  MAX_GROUPS,
  MAX_SENT_KEYS,
  subscriptionProblems,
  type AlertChannelKind,
  type AlertClaim,
  type AlertPost,
  type AlertResolution,
  type AlertStore,
  type AlertStoreOptions,
  type AlertSubscription,
  type AlertSubscriptionFilters,
} from '../alerts.js';
import { inTransaction, isoParam, jsonParam, rows } from './sql.js';

const WHERE =
  'PostgreSQL tables alert_subscriptions, alert_claims, alert_suppressions, alert_groups, alert_resolutions, alert_posts';

interface SubscriptionRow {
  channel_kind: string;
  channel_id: string;
  filters: unknown;
  created_by: string;
  created_at: Date;
}

/** Each pair once, in the order first named; a pair without a channel is refused. */
function distinct(entries: readonly AlertClaim[]): AlertClaim[] {
  const seen = new Set<string>();
  const out: AlertClaim[] = [];
  for (const { key, channel } of entries) {
    // '' is the carried-over "every channel": a claim for it would silence every channel.
    if (typeof channel !== 'string' || channel === '')
      throw new RangeError(`an alert claim names its channel (a channelKey), got ${JSON.stringify(channel)}`);
    const id = `${channel}\u0000${key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ key, channel });
  }
  return out;
}

/** Deletes the claims of these (key, channel) pairs. */
async function deleteClaims(
  db: pg.Pool | pg.PoolClient,
  what: string,
  claims: readonly AlertClaim[],
): Promise<void> {
  await rows(
    db,
    what,
    `DELETE FROM alert_claims c USING unnest($1::text[], $2::text[]) AS d(key, channel)
     WHERE c.key = d.key AND c.channel = d.channel`,
    [claims.map((e) => e.key), claims.map((e) => e.channel)],
  );
}

function subscriptionOf(row: SubscriptionRow, index: number): AlertSubscription {
  const sub = {
    channel: { kind: row.channel_kind as AlertChannelKind, id: row.channel_id },
    filters: row.filters as AlertSubscriptionFilters,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
  const problems = subscriptionProblems(sub, `alert_subscriptions[${index}]`);
  if (problems.length > 0) {
    throw new CertifyError(
      'STORE_CORRUPT',
      'the alert subscriptions in the PostgreSQL table alert_subscriptions are not readable',
      problems,
      'it was left untouched; fix or delete the row (the channel can subscribe again)',
    );
  }
  return sub;
}

/**
 * Keeps the newest `max` rows of a table keyed by one column, never the row just written. Best
 * effort: a prune that fails (a concurrent one won) leaves a few rows more until the next write.
 */
async function pruneOldest(
  pool: pg.Pool,
  table: 'alert_groups' | 'alert_resolutions',
  idColumn: 'id' | 'asset_id',
  justWritten: string,
  max: number,
): Promise<void> {
  await pool
    .query(
      `DELETE FROM ${table} WHERE ${idColumn} IN (
         SELECT ${idColumn} FROM ${table} WHERE ${idColumn} <> $1 ORDER BY at, ${idColumn}
         LIMIT greatest(0, (SELECT count(*) FROM ${table}) - $2))`,
      [justWritten, max],
    )
    .catch(() => undefined);
}
export function createPgAlertStore(pool: pg.Pool, options: AlertStoreOptions = {}): AlertStore {
  const cap = options.maxSentKeys ?? MAX_SENT_KEYS;
  if (!Number.isInteger(cap) || cap < 1)
    throw new RangeError(`maxSentKeys must be a positive integer, got ${cap}`);

  /** Deletes the oldest claims beyond the cap, never `keep`; a failure is left to the next trim. */
  async function trimClaims(keep: readonly AlertClaim[]): Promise<void> {
    await pool
      .query(
        `DELETE FROM alert_claims WHERE (key, channel) IN (
           SELECT c.key, c.channel FROM alert_claims c
           WHERE (c.key, c.channel) NOT IN (SELECT * FROM unnest($2::text[], $3::text[]))
           ORDER BY c.at, c.key, c.channel
           LIMIT greatest(0, (SELECT count(*) FROM alert_claims) - $1))`,
        [cap, keep.map((e) => e.key), keep.map((e) => e.channel)],
      )
      .catch(() => undefined);
  }

  /** Acknowledgements and snoozes each keep the newest `cap`, as the embedded lists do. */
  async function trimSuppressions(kind: 'ack' | 'snooze'): Promise<void> {
    await pool
      .query(
        `DELETE FROM alert_suppressions WHERE kind = $1 AND key IN (
           SELECT key FROM alert_suppressions WHERE kind = $1
           ORDER BY at, key
           LIMIT greatest(0, (SELECT count(*) FROM alert_suppressions WHERE kind = $1) - $2))`,
        [kind, cap],
      )
      .catch(() => undefined);
  }

  return {
    path: WHERE,

    async subscribe(sub) {
      const problems = subscriptionProblems(sub, 'subscription');
      if (problems.length > 0) throw new TypeError(`invalid alert subscription: ${problems.join('; ')}`);
      // Re-subscribing replaces the channel's filters and keeps its place in the order.
      await rows(
        pool,
        `subscribe ${sub.channel.kind}:${sub.channel.id} to alerts`,
        `INSERT INTO alert_subscriptions (channel_kind, channel_id, filters, created_by, created_at)
         VALUES ($1, $2, $3::jsonb, $4, $5::timestamptz)
         ON CONFLICT (channel_kind, channel_id) DO UPDATE SET filters = EXCLUDED.filters,
           created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at`,
        [
          sub.channel.kind,
          sub.channel.id,
          jsonParam(sub.filters),
          sub.createdBy,
          isoParam(Date.parse(sub.createdAt), 'subscription createdAt'),
        ],
      );
    },

    async unsubscribe(channel) {
      const removed = await rows(
        pool,
        `unsubscribe ${channel.kind}:${channel.id} from alerts`,
        'DELETE FROM alert_subscriptions WHERE channel_kind = $1 AND channel_id = $2 RETURNING channel_id',
        [channel.kind, channel.id],
      );
      return removed.length > 0;
    },

    async subscriptions() {
      const found = await rows<SubscriptionRow>(
        pool,
        'list the alert subscriptions',
        `SELECT channel_kind, channel_id, filters, created_by, created_at
         FROM alert_subscriptions ORDER BY position`,
      );
      return found.map(subscriptionOf);
    },

    async claim(entries, at) {
      const stamp = isoParam(at, 'alert claim');
      if (entries.length === 0) return [];
      const wanted = distinct(entries);
      const claimed = await inTransaction(pool, 'claim alerts', async (client) => {
        // Inserted in one order whatever order each caller names them in, so two replicas
        // claiming overlapping pairs wait on each other rather than deadlock.
        const inserted = await rows<AlertClaim>(
          client,
          'claim alerts',
          `INSERT INTO alert_claims (key, channel, at)
           SELECT w.key, w.channel, $3::timestamptz FROM unnest($1::text[], $2::text[]) AS w(key, channel)
           WHERE NOT EXISTS (SELECT 1 FROM alert_claims c WHERE c.key = w.key AND c.channel = '')
           ORDER BY w.key, w.channel
           ON CONFLICT (key, channel) DO NOTHING
           RETURNING key, channel`,
          [wanted.map((e) => e.key), wanted.map((e) => e.channel), stamp],
        );
        const got = new Set(inserted.map((e) => `${e.channel}\u0000${e.key}`));
        const added = wanted.filter((e) => got.has(`${e.channel}\u0000${e.key}`));
        // More new pairs than the cap keeps: the earliest named would be trimmed at once, so
        // they are not claimed, as in the embedded store.
        const cut = added.slice(0, Math.max(0, added.length - cap));
        if (cut.length > 0) {
          await deleteClaims(client, 'claim alerts', cut);
        }
        return added.slice(cut.length);
      });
      if (claimed.length > 0) await trimClaims(claimed);
      return claimed;
    },

    async release(entries) {
      if (entries.length === 0) return;
      await deleteClaims(pool, 'release alert claims', distinct(entries));
    },

    async sentKeys() {
      const found = await rows<{ key: string }>(
        pool,
        'list the alerts sent',
        'SELECT key FROM alert_claims GROUP BY key ORDER BY min(at), key',
      );
      return new Set(found.map((r) => r.key));
    },

    async clear(keys) {
      if (keys.length === 0) return;
      await inTransaction(pool, 'clear alerts', async (client) => {
        await rows(client, 'clear alerts', 'DELETE FROM alert_claims WHERE key = ANY($1::text[])', [
          [...keys],
        ]);
        await rows(client, 'clear alerts', 'DELETE FROM alert_suppressions WHERE key = ANY($1::text[])', [
          [...keys],
        ]);
      });
    },

    async acknowledge(key, by, at) {
      const stamp = isoParam(at, 'alert acknowledgement');
      await rows(
        pool,
        `acknowledge the alert ${key}`,
        `INSERT INTO alert_suppressions (key, kind, by, at) VALUES ($1, 'ack', $2, $3::timestamptz)
         ON CONFLICT (key, kind) DO UPDATE SET by = EXCLUDED.by, at = EXCLUDED.at`,
        [key, by, stamp],
      );
      await trimSuppressions('ack');
    },

    async snooze(key, by, until) {
      const stamp = isoParam(until, 'alert snooze');
      // The embedded store's snooze has no time of its own: the server's orders the trim.
      await rows(
        pool,
        `snooze the alert ${key}`,
        `INSERT INTO alert_suppressions (key, kind, by, at, until)
         VALUES ($1, 'snooze', $2, now(), $3::timestamptz)
         ON CONFLICT (key, kind) DO UPDATE SET by = EXCLUDED.by, at = EXCLUDED.at, until = EXCLUDED.until`,
        [key, by, stamp],
      );
      await trimSuppressions('snooze');
    },

    async isSuppressed(key, now) {
      const found = await rows<{ suppressed: boolean }>(
        pool,
        `read the suppression of the alert ${key}`,
        `SELECT EXISTS (
           SELECT 1 FROM alert_suppressions
           WHERE key = $1 AND (kind = 'ack' OR until > $2::timestamptz)
         ) AS suppressed`,
        [key, isoParam(now, 'alert suppression check')],
      );
      return found[0]?.suppressed === true;
    },

    async saveGroup(keys, at) {
      const id = alertGroupId(keys);
      await rows(
        pool,
        'save an alert group',
        `INSERT INTO alert_groups (id, keys, at) VALUES ($1, $2::jsonb, $3::timestamptz)
         ON CONFLICT (id) DO UPDATE SET keys = EXCLUDED.keys, at = EXCLUDED.at`,
        [id, jsonParam([...keys]), isoParam(at, 'alert group')],
      );
      await pruneOldest(pool, 'alert_groups', 'id', id, MAX_GROUPS);
      return id;
    },

    async group(id) {
      const found = await rows<{ keys: string[] }>(
        pool,
        `read the alert group ${id}`,
        'SELECT keys FROM alert_groups WHERE id = $1',
        [id],
      );
      return found[0]?.keys ?? null;
    },

    async claimTimes(keys) {
      const found = await rows<{ key: string; at: Date }>(
        pool,
        'read when alerts were claimed',
        'SELECT key, max(at) AS at FROM alert_claims WHERE key = ANY($1::text[]) GROUP BY key',
        [[...keys]],
      );
      return new Map(found.map((r) => [r.key, r.at.getTime()]));
    },

    async resolve(assetId, version, at) {
      // One statement: of two replicas resolving the same asset, the later event wins.
      const found = await rows<{ asset_id: string }>(
        pool,
        `record the new version of ${assetId}`,
        `INSERT INTO alert_resolutions (asset_id, version, at) VALUES ($1, $2, $3::timestamptz)
         ON CONFLICT (asset_id) DO UPDATE SET version = EXCLUDED.version, at = EXCLUDED.at
         WHERE alert_resolutions.at < EXCLUDED.at
         RETURNING asset_id`,
        [assetId, version, isoParam(at, 'alert resolution')],
      );
      await pruneOldest(pool, 'alert_resolutions', 'asset_id', assetId, cap);
      return found.length > 0;
    },

    async resolutions(assetIds) {
      const found = await rows<{ asset_id: string; version: string | null; at: Date }>(
        pool,
        'read the alert resolutions',
        'SELECT asset_id, version, at FROM alert_resolutions WHERE asset_id = ANY($1::text[])',
        [[...assetIds]],
      );
      return new Map<string, AlertResolution>(
        found.map((r) => [r.asset_id, { version: r.version, at: r.at.getTime() }]),
      );
    },

    async recordPost(entries, ref, at) {
      if (entries.length === 0) return;
      if (ref === '')
        throw new RangeError('a posted alert card needs its message reference, got an empty one');
      const pairs = distinct(entries);
      await rows(
        pool,
        'record where alert cards were posted',
        `INSERT INTO alert_posts (key, channel, ref, at)
         SELECT key, channel, $3, $4::timestamptz FROM unnest($1::text[], $2::text[]) AS p(key, channel)
         ON CONFLICT (key, channel) DO UPDATE SET ref = EXCLUDED.ref, at = EXCLUDED.at`,
        [pairs.map((e) => e.key), pairs.map((e) => e.channel), ref, isoParam(at, 'alert post')],
      );
      await pool
        .query(
          `DELETE FROM alert_posts WHERE (key, channel) IN (
             SELECT key, channel FROM alert_posts ORDER BY at, key, channel
             LIMIT greatest(0, (SELECT count(*) FROM alert_posts) - $1))`,
          [cap],
        )
        .catch(() => undefined);
    },

    async posts(keys) {
      const found = await rows<AlertPost>(
        pool,
        'read where alert cards were posted',
        'SELECT key, channel, ref FROM alert_posts WHERE key = ANY($1::text[]) ORDER BY at, key, channel',
        [[...keys]],
      );
      return found.map(({ key, channel, ref }) => ({ key, channel, ref }));
    },

    // Every read asks the database: there is nothing to re-read.
    reload: async () => undefined,
  };
}
