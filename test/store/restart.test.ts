import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openSqliteStore } from '../../src/store/sqlite.js';
import { APPOINTMENT, seedSmallWorkshop, startTestServer } from '../helpers.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'baywise-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('SQLite store', () => {
  it('keeps everything acknowledged with a 2xx across a restart', async () => {
    const path = join(tmp(), 'nested', 'baywise.db');
    const s1 = await startTestServer({ DATA_PATH: path });
    const w = await seedSmallWorkshop(s1);
    const patched = await s1.req('PATCH', `/v1/appointments/${w.aptId}`, { status: 'checked_in' });
    expect(patched.status).toBe(200);
    const extra = await s1.req('POST', `/v1/workshops/${w.id}/appointments`, { ...APPOINTMENT, notes: 'after patch' });
    const before = {
      ws: (await s1.req('GET', `/v1/workshops/${w.id}`)).body,
      tech: (await s1.req('GET', `/v1/workshops/${w.id}/technicians/${w.techId}`)).body,
      apts: (await s1.req('GET', `/v1/workshops/${w.id}/appointments`)).body,
    };
    await s1.close();

    const s2 = await startTestServer({ DATA_PATH: path });
    expect((await s2.req('GET', `/v1/workshops/${w.id}`)).body).toEqual(before.ws);
    expect((await s2.req('GET', `/v1/workshops/${w.id}/technicians/${w.techId}`)).body).toEqual(before.tech);
    expect((await s2.req('GET', `/v1/workshops/${w.id}/appointments`)).body).toEqual(before.apts);
    expect((await s2.req('GET', `/v1/appointments/${extra.body.id}`)).body.notes).toBe('after patch');
    expect((await s2.req('GET', `/v1/appointments/${w.aptId}`)).body.status).toBe('checked_in');
    await s2.close();
  });

  it('runs versioned migrations once, in order, in WAL mode', () => {
    const path = join(tmp(), 'm.db');
    const a = openSqliteStore(path);
    expect(a.migrated).toEqual({ from: 0, to: MIGRATIONS[MIGRATIONS.length - 1].version });
    expect(a.db.pragma('journal_mode', { simple: true })).toBe('wal');
    a.close();
    const b = openSqliteStore(path);
    expect(b.migrated.from).toBe(b.migrated.to);
    b.close();
    // a database at version 1 is brought forward without touching its data
    const raw = new Database(join(tmp(), 'old.db'));
    raw.exec(MIGRATIONS[0].sql);
    raw.pragma('user_version = 1');
    raw.prepare(`INSERT INTO workshops (id, data, version, created_at, updated_at) VALUES ('ws_old', '{"id":"ws_old"}', 1, 'x', 'x')`).run();
    const file = raw.name;
    raw.close();
    const c = openSqliteStore(file);
    expect(c.migrated).toEqual({ from: 1, to: MIGRATIONS[MIGRATIONS.length - 1].version });
    expect(c.workshops.get('ws_old')).toEqual({ id: 'ws_old' });
    c.close();
  });

  it('rolls back a failed transaction completely', () => {
    const s = openSqliteStore(':memory:');
    const now = new Date().toISOString();
    expect(() =>
      s.transaction(() => {
        s.workshops.insert({ id: 'ws_tx', version: 1, createdAt: now, updatedAt: now } as never);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.workshops.get('ws_tx')).toBeUndefined();
    s.close();
  });
});
