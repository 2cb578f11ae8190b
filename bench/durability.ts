/**
 * What `synchronous = FULL` costs: acknowledged catalogue writes (POST …/operations, one
 * transaction each, through the real HTTP server on a file store in the temp directory) with FULL
 * (the store's setting: every commit is fsynced before the 2xx) against NORMAL (WAL fsynced only
 * at checkpoints: a power loss can drop the last acknowledged commits), in alternating rounds of
 * the same run, with /healthz as the baseline of the same server.
 *
 *   npx tsx bench/durability.ts [--rounds 4] [--writes 400] [--concurrency 1,8]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const ROUNDS = Number(arg('rounds', '4'));
const WRITES = Number(arg('writes', '400'));
const CONCURRENCY = arg('concurrency', '1,8').split(',').map(Number);

const dir = mkdtempSync(join(tmpdir(), 'baywise-durability-'));
const s = await startServer(loadConfig({ PORT: '0', DATA_PATH: join(dir, 'bench.db'), DEMO: 'false', LOG_LEVEL: 'silent' }), { logger: pino({ level: 'silent' }) });
const db = (s.store as unknown as { db: { pragma(p: string, o?: { simple: boolean }): unknown } }).db;
console.log(`store: ${join(dir, 'bench.db')}, synchronous as opened = ${db.pragma('synchronous', { simple: true })} (2 = FULL, 1 = NORMAL)`);

const post = (path: string, body: unknown) =>
  fetch(s.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const created = await post('/v1/workshops', { name: 'Bench', timeZone: 'Europe/Berlin', openingHours: { mon: [{ start: '07:00', end: '18:00' }] } });
if (created.status !== 201) throw new Error(`workshop: HTTP ${created.status} ${await created.text()}`);
const ws = (await created.json()) as { id: string };

let seq = 0;
/** n requests from `concurrency` clients; returns requests/s and per-request latencies (ms) */
async function run(n: number, concurrency: number, one: () => Promise<Response>) {
  const lat: number[] = [];
  let left = n;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        const t = performance.now();
        const r = await one();
        const text = await r.text();
        if (r.status >= 300) throw new Error(`HTTP ${r.status} ${text}`);
        lat.push(performance.now() - t);
      }
    }),
  );
  const wall = performance.now() - t0;
  lat.sort((a, b) => a - b);
  return { perSec: (n / wall) * 1000, p50: lat[Math.floor(lat.length / 2)], p99: lat[Math.floor(lat.length * 0.99)] };
}
const write = () => post(`/v1/workshops/${ws.id}/operations`, { opCode: `B${seq++}`, name: 'Bench op', standardHours: 0.5, skill: 'maintenance' });
const health = () => fetch(s.url + '/healthz');

await run(200, 4, write); // warm-up
await run(500, 4, health);
type Fig = { perSec: number; p50: number; p99: number };
const results: Record<string, Fig[]> = {};
for (let r = 0; r < ROUNDS; r++) {
  for (const c of CONCURRENCY) {
    (results[`healthz c=${c}`] ??= []).push(await run(WRITES, c, health));
    for (const mode of r % 2 ? ['NORMAL', 'FULL'] : ['FULL', 'NORMAL']) {
      db.pragma(`synchronous = ${mode}`);
      (results[`write ${mode} c=${c}`] ??= []).push(await run(WRITES, c, write));
    }
  }
}
db.pragma('synchronous = FULL');

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x: number) => x.toFixed(x < 10 ? 2 : 0);
console.log(`\n${ROUNDS} rounds × ${WRITES} requests, medians over rounds (catalogue POSTs: one transaction each)`);
console.log('series'.padEnd(22), 'req/s'.padStart(8), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8));
for (const [k, v] of Object.entries(results)) console.log(k.padEnd(22), f(med(v.map((x) => x.perSec))).padStart(8), f(med(v.map((x) => x.p50))).padStart(8), f(med(v.map((x) => x.p99))).padStart(8));
for (const c of CONCURRENCY) {
  const full = med(results[`write FULL c=${c}`].map((x) => x.perSec));
  const normal = med(results[`write NORMAL c=${c}`].map((x) => x.perSec));
  const hz = med(results[`healthz c=${c}`].map((x) => x.perSec));
  console.log(`c=${c}: FULL ${f(full)}/s vs NORMAL ${f(normal)}/s (FULL = ${(full / normal).toFixed(2)}× NORMAL; /healthz ${f(hz)}/s)`);
}
await s.close();
rmSync(dir, { recursive: true, force: true });
