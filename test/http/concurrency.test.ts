/**
 * The capacity guarantee under concurrent writers, seen from outside: a client that has received
 * the acknowledgement of a capacity write (an absence, a technician taken off the floor, a
 * cancellation) must never get a booking decided on the capacity before it. That is what a
 * sequential replay in real-time order would accept; a stale plan installed under a newer
 * revision breaks it (issue 10, finding 1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Rng } from '../../src/lib/random.js';
import { startTestServer, WORKSHOP, type TestServer } from './../helpers.js';

const DAYS = ['2026-11-24', '2026-11-25']; // Tuesday, Wednesday (the test clock is Monday 07:00 Berlin)
const tech = (name: string) => ({
  name,
  skills: { maintenance: 'A' },
  shifts: ['mon', 'tue', 'wed', 'thu', 'fri'].map((weekday) => ({ weekday, start: '08:00', end: '16:00' })),
});

async function seed(s: TestServer, techs: string[], fillers: number) {
  const w = await s.req('POST', '/v1/workshops', WORKSHOP);
  const id = w.body.id as string;
  for (let i = 0; i < techs.length + 1; i++) await s.req('POST', `/v1/workshops/${id}/bays`, { name: `Bay ${i + 1}`, capabilities: ['lift'] });
  const ids: Record<string, string> = {};
  for (const n of techs) ids[n] = (await s.req('POST', `/v1/workshops/${id}/technicians`, tech(n))).body.id;
  await s.req('POST', `/v1/workshops/${id}/operations`, { opCode: 'OIL-SVC', name: 'Oil service', standardHours: 0.5, skill: 'maintenance', bayCapability: 'lift' });
  // recorded promises later in the week make every replan a real search (it yields to the event loop)
  for (let i = 0; i < fillers; i++)
    await s.req('POST', `/v1/workshops/${id}/appointments`, {
      customer: { name: `Filler ${i}` }, vehicle: {}, transport: 'drop_off',
      plannedArrival: `2026-11-2${6 + (i % 2)}T08:00:00+01:00`, promisedAt: `2026-11-2${6 + (i % 2)}T17:00:00+01:00`,
      operations: [{ opCode: 'OIL-SVC' }],
    });
  return { id, techs: ids };
}

const booking = (arrival: string, transport: 'waiter' | 'drop_off', i: number) => ({
  customer: { name: `Customer ${i}` }, vehicle: { plate: `B-C ${i}` }, plannedArrival: arrival, transport, operations: [{ opCode: 'OIL-SVC' }],
});

interface Planned { technicianId: string; start: string; end: string }
const overlaps = (p: Planned, from: string, to: string) => Date.parse(p.start) < Date.parse(to) && Date.parse(p.end) > Date.parse(from);

let s: TestServer | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const dir = mkdtempSync(join(tmpdir(), 'baywise-conc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
// the guarantee holds wherever the engine runs: on the HTTP thread (in-memory store) or in a worker (database file)
const ENGINES: [string, () => Record<string, string>][] = [
  ['in-process engine', () => ({})],
  ['worker engine', () => ({ DATA_PATH: join(dir, `c${files++}.db`), ENGINE_THREADS: '1' })],
];

describe.each(ENGINES)('capacity writes and bookings of one workshop (%s)', (_name, engineEnv) => {
  it('a booking sent after an absence was acknowledged never plans work on the absent technician (finding 1)', async () => {
    // a search long enough that the first booking's replan is still running when the absence arrives
    s = await startTestServer({ SOLVER_MAX_ITERATIONS: '30000', ...engineEnv() });
    const { id, techs } = await seed(s, ['Anna', 'Ben'], 40);
    const ben = techs.Ben;
    const first = s.req('POST', `/v1/workshops/${id}/appointments`, booking('2026-11-24T08:00:00+01:00', 'waiter', 0));
    await new Promise((r) => setTimeout(r, 30));
    const absence = await s.req('POST', `/v1/workshops/${id}/technicians/${ben}/absence`, { from: '2026-11-24T07:00:00+01:00', to: '2026-11-24T18:00:00+01:00', reason: 'sick' });
    expect(absence.status).toBe(201);
    const later: Planned[][] = [];
    for (let i = 1; i <= 6; i++) {
      const r = await s.req('POST', `/v1/workshops/${id}/appointments`, booking(`2026-11-24T08:${String(i * 5).padStart(2, '0')}:00+01:00`, 'waiter', i));
      expect([201, 409]).toContain(r.status);
      if (r.status === 201) later.push(r.body.quote.plannedOperations);
    }
    expect((await first).status).toBe(201);
    expect(later.length).toBeGreaterThan(0);
    for (const ops of later) for (const p of ops) expect(p.technicianId).not.toBe(ben);
    // and a fresh replan agrees: nothing of Tuesday sits on Ben
    const plan = await s.req('POST', `/v1/workshops/${id}/plan`, {});
    const onBen = plan.body.assignments.filter((a: Planned) => a.technicianId === ben && overlaps(a, '2026-11-24T07:00:00+01:00', '2026-11-24T18:00:00+01:00'));
    expect(onBen).toEqual([]);
  });

  it('random interleavings of bookings and capacity writes keep real-time order (property)', async () => {
    s = await startTestServer({ SOLVER_MAX_ITERATIONS: '20000', ...engineEnv() });
    const server = s;
    for (const seed0 of [1, 2]) {
      const rng = new Rng(seed0);
      const { id, techs } = await seed(server, ['Anna', 'Ben', 'Cem'], 30);
      const names = Object.keys(techs);
      type Write = { kind: 'absence' | 'inactive'; tech: string; from: string; to: string; ackAt: number };
      const writes: Write[] = [];
      const bookings: { sentAt: number; ops: Planned[] }[] = [];
      const booked: string[] = [];
      const cancels: { id: string; ackAt: number }[] = [];
      let n = 0;
      const tasks: Promise<void>[] = [];
      // rounds of a few concurrent requests: within a round writes and bookings race, and the
      // next round's bookings are sent after the previous round's writes were acknowledged
      // each round opens with a booking (whose replan sees the previous round's writes) and races
      // a capacity write and one more random request against it
      for (let k = 0; k < 24; k++) {
        if (k % 3 === 0) await Promise.all(tasks);
        const roll = k % 3 === 0 ? 0 : k % 3 === 1 ? 0.65 + rng.next() * 0.25 : rng.next();
        await new Promise((r) => setTimeout(r, Math.floor(rng.next() * 40)));
        if (roll < 0.65) {
          const day = DAYS[Math.floor(rng.next() * DAYS.length)];
          const minute = 8 * 60 + 15 * Math.floor(rng.next() * 28);
          const arrival = `${day}T${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00+01:00`;
          const i = n++;
          const sentAt = performance.now();
          tasks.push(
            server.req('POST', `/v1/workshops/${id}/appointments`, booking(arrival, rng.next() < 0.4 ? 'waiter' : 'drop_off', i)).then((r) => {
              expect([201, 409]).toContain(r.status);
              if (r.status === 201) {
                bookings.push({ sentAt, ops: r.body.quote.plannedOperations });
                booked.push(r.body.id);
              }
            }),
          );
        } else if (roll < 0.85) {
          const name = names[Math.floor(rng.next() * names.length)];
          const day = DAYS[Math.floor(rng.next() * DAYS.length)];
          const from = `${day}T${rng.next() < 0.5 ? '07' : '12'}:00:00+01:00`;
          const to = `${day}T${from.slice(11, 13) === '07' ? '12' : '18'}:00:00+01:00`;
          tasks.push(
            server.req('POST', `/v1/workshops/${id}/technicians/${techs[name]}/absence`, { from, to }).then((r) => {
              expect(r.status).toBe(201);
              writes.push({ kind: 'absence', tech: techs[name], from, to, ackAt: performance.now() });
            }),
          );
        } else if (roll < 0.9) {
          const name = names[Math.floor(rng.next() * names.length)];
          tasks.push(
            server.req('PATCH', `/v1/workshops/${id}/technicians/${techs[name]}`, { active: false }).then((r) => {
              expect(r.status).toBe(200);
              writes.push({ kind: 'inactive', tech: techs[name], from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', ackAt: performance.now() });
            }),
          );
        } else if (booked.length) {
          const victim = booked[Math.floor(rng.next() * booked.length)];
          tasks.push(
            server.req('PATCH', `/v1/appointments/${victim}`, { status: 'cancelled' }).then((r) => {
              expect([200, 409]).toContain(r.status);
              if (r.status === 200) cancels.push({ id: victim, ackAt: performance.now() });
            }),
          );
        }
      }
      await Promise.all(tasks);
      // every booking decided after a capacity write was acknowledged honours it
      let checked = 0;
      for (const b of bookings)
        for (const wr of writes)
          if (wr.ackAt < b.sentAt) {
            checked++;
            for (const p of b.ops) expect(p.technicianId === wr.tech && overlaps(p, wr.from, wr.to), `${wr.kind} of ${wr.tech} ignored (seed ${seed0})`).toBe(false);
          }
      expect(checked).toBeGreaterThan(0);
    }
  });
});
