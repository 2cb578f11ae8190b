/**
 * Clients can generate from the contract: openapi-typescript turns the served /openapi.json into
 * TypeScript types, and a small client written against them type-checks with the project's
 * TypeScript (strict). The client also holds lines that must NOT type-check (@ts-expect-error):
 * types that had decayed to `any` or lost their enums would fail the test too.
 * Offline: openapi-typescript reads the document from this test's own server.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const NO_NETWORK = { ...process.env, HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1,localhost' };

const CLIENT = `
import type { components, operations, paths } from './api.js';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type BookRequest = NonNullable<operations['bookAppointment']['requestBody']>['content']['application/json'];
type Booked = Json<operations['bookAppointment']['responses'][201]>;
type Refused = operations['bookAppointment']['responses'][409]['content']['application/problem+json'];
type Availability = Json<paths['/v1/workshops/{workshopId}/availability']['get']['responses'][200]>;
type AvailabilityQuery = NonNullable<operations['getAvailability']['parameters']['query']>;

export async function book(base: string, workshopId: string, body: BookRequest): Promise<Booked | Refused> {
  const res = await fetch(base + '/v1/workshops/' + encodeURIComponent(workshopId) + '/appointments', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Booked | Refused;
}

export function promiseOf(r: Booked | Refused): string | undefined {
  if ('code' in r && typeof r.code === 'string') {
    const alternatives = r.alternatives; // an RFC 9457 extension member: allowed by the Problem schema
    return Array.isArray(alternatives) ? undefined : r.detail;
  }
  const booked = r as Booked;
  const p: string | undefined = booked.quote?.promisedReadyBy;
  const status: 'booked' | 'checked_in' | 'in_progress' | 'ready' | 'delivered' | 'cancelled' | 'no_show' = booked.status;
  return p ?? status;
}

export function firstSlot(a: Availability): string | undefined {
  const slot = a.slots[0];
  const p: number = slot.onTimeProbability;
  return p > 0 ? slot.promisedReadyBy : undefined;
}

export const request: BookRequest = {
  customer: { name: 'Jonas Weber', phone: '+49 30 5550123' },
  vehicle: { plate: 'B-JW 2041' },
  plannedArrival: '2026-11-25T08:00:00+01:00',
  transport: 'drop_off',
  operations: [{ opCode: 'OIL-SVC' }],
};
export const query: AvailabilityQuery = { opCodes: 'OIL-SVC,BRK-PADS-F', from: '2026-11-25' };
export const problem: components['schemas']['Problem'] = { type: '/problems/not_found', title: 'Resource not found', status: 404, code: 'not_found', anyExtension: 1 };

// @ts-expect-error transport is an enum of the STAR transportation options
export const badTransport: BookRequest = { ...request, transport: 'teleport' };
// @ts-expect-error operations are required
export const noOperations: BookRequest = { customer: request.customer, vehicle: request.vehicle, plannedArrival: request.plannedArrival };
// @ts-expect-error a slot's probability is a number
export const badSlot: Availability['slots'][number]['onTimeProbability'] = 'high';
// @ts-expect-error a Problem has a numeric status
export const badProblem: components['schemas']['Problem'] = { ...problem, status: '404' };
`;

let s: TestServer;
let dir: string;
beforeAll(async () => {
  s = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'baywise-client-'));
});
afterAll(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the served OpenAPI document generates a typed client', () => {
  it('openapi-typescript succeeds on /openapi.json and a small client type-checks against the generated types', async () => {
    await run(process.execPath, [join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), `${s.url}/openapi.json`, '-o', join(dir, 'api.d.ts')], {
      env: NO_NETWORK,
      timeout: 60_000,
    });
    const types = readFileSync(join(dir, 'api.d.ts'), 'utf8');
    expect(types).toContain('bookAppointment: {');
    expect(types).toContain('Problem: {');
    writeFileSync(join(dir, 'client.ts'), CLIENT);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'], types: [], skipLibCheck: false },
        files: ['api.d.ts', 'client.ts'],
      }),
    );
    const tsc = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { timeout: 120_000 }).then(
      () => ({ ok: true, out: '' }),
      (e: { stdout?: string; stderr?: string }) => ({ ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
    );
    expect(tsc.out).toBe('');
    expect(tsc.ok).toBe(true);
  }, 180_000);
});
