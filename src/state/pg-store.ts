import { createHash } from "node:crypto";
import { ToolError } from "../errors/index.js";
import { ident, inTransaction, maskPgUrl, migrate, openPool, type Pool, type PoolClient } from "../pg/index.js";
import type { AppliedState, CampaignState, HistoryEntry } from "../schema/generated/index.js";
import type { LockRequest, StateBackend } from "./backend.js";
import { checkedState, checkFormatVersion } from "./file-store.js";
import { describeHolder, isLockInfo, lockedBy, newLockInfo, type RemovedLock } from "./lock.js";
import { createStateWriter, type JournalRecord, type StateSink } from "./writer.js";

// Each entry brings the tables from the version before it; the applied version is recorded.
const MIGRATIONS = [
  (s: string) => `
    CREATE TABLE ${s}.state (id smallint PRIMARY KEY CHECK (id = 1), format_version integer NOT NULL, lineage text NOT NULL, salt text NOT NULL, serial bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE ${s}.campaigns (task_name text PRIMARY KEY, record jsonb NOT NULL);
    CREATE TABLE ${s}.history (seq bigserial PRIMARY KEY, serial bigint NOT NULL, entry jsonb NOT NULL);
    CREATE TABLE ${s}.lock_holder (id smallint PRIMARY KEY CHECK (id = 1), lock_id text NOT NULL, info jsonb NOT NULL, backend_pid integer NOT NULL);`,
];

/**
 * The applied state in PostgreSQL: one row with lineage and serial, a row per campaign, the
 * history appended. A write is one transaction that moves the serial from the one the writer
 * holds to the next (compare-and-swap): a writer holding an older serial fails and changes nothing.
 */
export async function openPgStateBackend(url: string | undefined, schema: string): Promise<StateBackend> {
  const pool = await openPool(url, "the state (state.backend: postgres)");
  const location = `${maskPgUrl(url!)} (schema ${schema})`;
  try {
    await migrate(pool, schema, "state", MIGRATIONS);
  } catch (error) {
    await pool.end();
    throw error;
  }
  const s = ident(schema);
  const lockKey = `laaffic-campaign:state:${schema}`;
  // Set when the connection holding this command's lock goes away (killed session, network):
  // from then on nothing more is written, so nothing more is sent.
  const held = { lost: false };
  return {
    kind: "postgres",
    location,
    read: () => readState(pool, s, location),
    lock: (request) => lockState(pool, s, lockKey, request, held),
    forceUnlock: (lockId) => forceUnlockState(pool, s, lockKey, lockId, location),
    writer: (initial, now) => createStateWriter(pgSink(pool, s, location, held), initial, now),
    async importState(state) {
      await inTransaction(pool, async (client) => {
        const existing = await client.query(`SELECT lineage FROM ${s}.state WHERE id = 1 FOR UPDATE`);
        if (existing.rowCount)
          throw new ToolError(
            "state-exists",
            `there is already a state in ${location} (lineage ${existing.rows[0].lineage})`,
            "migrate into another schema (state.schema), or drop that state first",
          );
        await insertWholeState(client, s, state);
      });
    },
    close: () => pool.end(),
  };
}

async function readState(pool: Pool, s: string, location: string): Promise<AppliedState | undefined> {
  // One snapshot for the three tables: a write in between cannot tear what is read.
  const state = await inTransaction(pool, async (client) => {
    await client.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const head = await client.query(`SELECT format_version, lineage, salt, serial FROM ${s}.state WHERE id = 1`);
    if (!head.rowCount) return undefined;
    const row = head.rows[0] as { format_version: number; lineage: string; salt: string; serial: string };
    checkFormatVersion({ formatVersion: row.format_version }, `the state in ${location}`);
    const campaigns = await client.query(`SELECT task_name, record FROM ${s}.campaigns ORDER BY task_name`);
    const history = await client.query(`SELECT entry FROM ${s}.history ORDER BY seq`);
    return {
      formatVersion: row.format_version,
      lineage: row.lineage,
      serial: Number(row.serial),
      salt: row.salt,
      campaigns: Object.fromEntries(
        campaigns.rows.map((r: { task_name: string; record: CampaignState }) => [r.task_name, r.record]),
      ),
      history: history.rows.map((r: { entry: HistoryEntry }) => r.entry),
    } as AppliedState;
  });
  return state === undefined
    ? undefined
    : checkedState(state, `the state in ${location}`, "restore the schema from a backup");
}

function pgSink(pool: Pool, s: string, location: string, held: { lost: boolean }): StateSink {
  // One statement, so one round trip and its own transaction: the serial moves only from the one
  // this writer holds (and the lineage matches), and the campaign rows and history change only then.
  const advance = `WITH head AS (UPDATE ${s}.state SET serial = $1, updated_at = now() WHERE id = 1 AND serial = $2 AND lineage = $3 RETURNING 1),
    removed AS (DELETE FROM ${s}.campaigns WHERE task_name = ANY($4::text[]) AND EXISTS (SELECT 1 FROM head)),
    upserted AS (INSERT INTO ${s}.campaigns (task_name, record) SELECT name, record FROM unnest($5::text[], $6::jsonb[]) AS t(name, record) WHERE EXISTS (SELECT 1 FROM head)
      ON CONFLICT (task_name) DO UPDATE SET record = EXCLUDED.record),
    logged AS (INSERT INTO ${s}.history (serial, entry) SELECT serial, entry FROM unnest($7::bigint[], $8::jsonb[]) WITH ORDINALITY AS t(serial, entry, n) WHERE EXISTS (SELECT 1 FROM head) ORDER BY n)
    SELECT COUNT(*)::int AS advanced FROM head`;
  // Prepared once per connection, not parsed and planned again for every write (the writes of an
  // apply follow each other: their latency is what the requests wait for). Named by its text,
  // which holds the schema, so two schemas on one connection never share a statement.
  const advanceStatement = `campaign-state-advance-${createHash("sha256").update(advance).digest("hex").slice(0, 16)}`;
  return {
    async write(record: JournalRecord, state: AppliedState) {
      if (held.lost)
        throw new ToolError(
          "state-locked",
          `this command lost its lock on the state in ${location} (its database session ended, e.g. by force-unlock); nothing more is recorded or sent`,
          "run campaign plan to see where things stand",
        );
      const changed = Object.entries(record.campaigns);
      const kept = changed.filter((e): e is [string, CampaignState] => e[1] !== null);
      const result = await pool.query({
        name: advanceStatement,
        text: advance,
        values: [
          record.serial,
          record.serial - 1,
          state.lineage,
          changed.filter(([, c]) => c === null).map(([name]) => name),
          kept.map(([name]) => name),
          kept.map(([, c]) => JSON.stringify(c)),
          record.history.map((h) => h.serial),
          record.history.map((h) => JSON.stringify(h)),
        ],
      });
      if (result.rows[0].advanced === 1) return;
      // Nothing moved: either there is no state yet (this writer creates it) or someone else wrote.
      await inTransaction(pool, async (client) => {
        const head = await client.query(`SELECT lineage, serial FROM ${s}.state WHERE id = 1 FOR UPDATE`);
        if (head.rowCount) {
          const { lineage, serial } = head.rows[0] as { lineage: string; serial: string };
          throw conflict(
            location,
            `it is at serial ${serial} of lineage ${lineage.slice(0, 8)}, this writer started from serial ${record.serial - 1} of lineage ${state.lineage.slice(0, 8)}`,
          );
        }
        // A new state: only the writer that starts from nothing creates it, whole.
        if (record.serial !== 1) throw conflict(location, "the state is gone");
        await insertWholeState(client, s, state);
      });
    },
    compact: async () => undefined, // every write already lands in the tables
  };
}

function conflict(location: string, why: string): ToolError {
  return new ToolError(
    "state-conflict",
    `the state in ${location} changed under this command (${why}); nothing was overwritten`,
    "another writer got there first: run campaign plan again and review what it shows",
  );
}

/** A whole state into a schema that holds none (its row, every campaign, the whole history). */
async function insertWholeState(client: PoolClient, s: string, state: AppliedState): Promise<void> {
  await client.query(`INSERT INTO ${s}.state (id, format_version, lineage, salt, serial) VALUES (1, $1, $2, $3, $4)`, [
    state.formatVersion,
    state.lineage,
    state.salt,
    state.serial,
  ]);
  await upsertCampaigns(client, s, Object.entries(state.campaigns));
  await appendHistory(client, s, state.history);
}

async function upsertCampaigns(
  client: PoolClient,
  s: string,
  campaigns: readonly [string, CampaignState][],
): Promise<void> {
  if (campaigns.length === 0) return;
  await client.query(
    `INSERT INTO ${s}.campaigns (task_name, record) SELECT * FROM unnest($1::text[], $2::jsonb[]) ON CONFLICT (task_name) DO UPDATE SET record = EXCLUDED.record`,
    [campaigns.map(([name]) => name), campaigns.map(([, c]) => JSON.stringify(c))],
  );
}

async function appendHistory(client: PoolClient, s: string, history: readonly HistoryEntry[]): Promise<void> {
  if (history.length === 0) return;
  // In order: seq is how the history is read back.
  await client.query(
    `INSERT INTO ${s}.history (serial, entry) SELECT serial, entry FROM unnest($1::bigint[], $2::jsonb[]) WITH ORDINALITY AS t(serial, entry, n) ORDER BY n`,
    [history.map((h) => h.serial), history.map((h) => JSON.stringify(h))],
  );
}

/**
 * A session-level advisory lock held by one connection for the whole command, plus a row saying
 * who holds it. The lock dies with the connection: a killed holder frees it without anyone's help.
 */
async function lockState(pool: Pool, s: string, lockKey: string, request: LockRequest, held: { lost: boolean }) {
  const client = await pool.connect();
  let released = false;
  const lose = (): void => {
    if (!released) held.lost = true;
  };
  // A checked-out client that loses its server emits 'error': without a listener that would end
  // the process; with it, the command only stops writing.
  client.on("error", lose);
  client.on("end", lose);
  try {
    // The holder writes its row just after taking the lock: a loser that looks in between sees an
    // old row (or none), so it looks again for a moment before naming who holds the lock.
    for (let attempt = 0; ; attempt++) {
      const taken = await client.query("SELECT pg_try_advisory_lock(hashtext($1)) AS ok", [lockKey]);
      if (taken.rows[0].ok) break;
      const holder = await client.query(
        `SELECT h.info FROM ${s}.lock_holder h WHERE h.id = 1 AND ${holdsAdvisoryLock("h.backend_pid", "$1")}`,
        [lockKey],
      );
      if (holder.rowCount || attempt >= 20) {
        client.release();
        const info: unknown = holder.rows[0]?.info;
        if (!isLockInfo(info))
          throw new ToolError(
            "state-locked",
            "the state is locked by a command that does not say who it is",
            "try again in a moment",
          );
        throw lockedBy(info, false);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const info = newLockInfo(request);
    await client.query(
      `INSERT INTO ${s}.lock_holder (id, lock_id, info, backend_pid) VALUES (1, $1, $2, pg_backend_pid()) ON CONFLICT (id) DO UPDATE SET lock_id = EXCLUDED.lock_id, info = EXCLUDED.info, backend_pid = EXCLUDED.backend_pid`,
      [info.id, JSON.stringify(info)],
    );
    return {
      info,
      release: async () => {
        released = true;
        try {
          await client.query(`DELETE FROM ${s}.lock_holder WHERE lock_id = $1`, [info.id]);
          await client.query("SELECT pg_advisory_unlock(hashtext($1))", [lockKey]);
          client.release();
        } catch (error) {
          // The connection is gone, and the lock with it: drop the client rather than reuse it.
          client.release(error as Error);
        }
      },
    };
  } catch (error) {
    if (error instanceof ToolError) throw error;
    client.release(error as Error);
    throw error;
  }
}

/** Whether the session `pid` holds the advisory lock taken with `key` (its low 32 bits are pg_locks.objid). */
const holdsAdvisoryLock = (pid: string, key: string): string =>
  `EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.pid = ${pid} AND l.objid = (hashtext(${key})::bigint & 4294967295)::oid)`;

/** For a hung but connected holder: ends its database session (which frees the lock), by lock id only. */
async function forceUnlockState(
  pool: Pool,
  s: string,
  lockKey: string,
  lockId: string,
  location: string,
): Promise<RemovedLock> {
  const holder = await pool.query(`SELECT lock_id, info, backend_pid FROM ${s}.lock_holder WHERE id = 1`);
  const row = holder.rows[0] as { lock_id: string; info: unknown; backend_pid: number } | undefined;
  if (!row) throw new ToolError("not-found", `there is no lock on the state in ${location}`, "nothing to unlock");
  if (row.lock_id !== lockId)
    throw new ToolError(
      "lock-mismatch",
      `the lock on the state in ${location} has id ${row.lock_id}, not ${lockId}`,
      "pass the id printed by the command that found the state locked",
    );
  const stillHeld = await pool.query(`SELECT ${holdsAdvisoryLock("$1", "$2")} AS held`, [row.backend_pid, lockKey]);
  if (stillHeld.rows[0].held) await pool.query("SELECT pg_terminate_backend($1)", [row.backend_pid]);
  await pool.query(`DELETE FROM ${s}.lock_holder WHERE lock_id = $1`, [lockId]);
  return isLockInfo(row.info)
    ? { id: row.lock_id, holder: describeHolder(row.info), info: row.info }
    : { id: row.lock_id, holder: "its holder row cannot be read" };
}
