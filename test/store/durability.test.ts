/**
 * What the README promises (an acknowledged write is on disk) is what the store is set to: in WAL
 * mode, `synchronous = FULL` fsyncs the log at every commit, before the 2xx; NORMAL would fsync
 * only at checkpoints, so a power loss could drop acknowledged writes. (Process crashes are the
 * kill -9 round of test/lifecycle.test.ts; bench/durability.ts measures FULL's cost.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite.js';

describe('SQLite durability settings', () => {
  it('opens a file store in WAL mode with synchronous = FULL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baywise-sync-'));
    try {
      const s = openSqliteStore(join(dir, 'b.db'));
      expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(s.db.pragma('synchronous', { simple: true })).toBe(2); // 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA
      s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
