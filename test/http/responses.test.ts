/** The documented response schemas match what the service really sends (OpenAPI cannot drift). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { AtRiskResponse, AvailabilityResponse, BoardResponse, EtaResponse, PlanResponse, QuoteResponse } from '../../src/model/responses.js';
import { fixedClock, startTestServer, type TestServer } from '../helpers.js';

let s: TestServer;
let wid: string;
beforeAll(async () => {
  s = await startTestServer({ DEMO: 'true', DEMO_BOOKING_FILL: '0.3' }, { clock: fixedClock(Date.parse('2026-11-24T06:00:00Z')) });
  wid = (await s.req('GET', '/v1/workshops')).body.items[0].id;
});
afterAll(() => s.close());

function conforms(schema: z.ZodObject, body: Record<string, unknown>) {
  const r = schema.safeParse(body);
  expect(r.success, JSON.stringify(r.error?.issues?.slice(0, 3))).toBe(true);
  // and nothing undocumented at the top level
  expect(Object.keys(body).filter((k) => !(k in schema.shape))).toEqual([]);
}

describe('documented responses', () => {
  it('plan, board, quote, availability, ETA and at-risk match their schemas', async () => {
    conforms(PlanResponse, (await s.req('POST', `/v1/workshops/${wid}/plan`, { seed: 1 })).body);
    conforms(PlanResponse, (await s.req('GET', `/v1/workshops/${wid}/plan`)).body);
    conforms(BoardResponse, (await s.req('GET', `/v1/workshops/${wid}/board?date=2026-11-24`)).body);
    const quote = await s.req('POST', `/v1/workshops/${wid}/quotes`, { plannedArrival: '2026-11-25T09:00:00+01:00', operations: [{ opCode: 'OIL-SVC' }] });
    conforms(QuoteResponse, quote.body);
    conforms(AvailabilityResponse, (await s.req('GET', `/v1/workshops/${wid}/availability?opCodes=OIL-SVC&from=2026-11-25&to=2026-11-26`)).body);
    const apt = (await s.req('GET', `/v1/workshops/${wid}/appointments?limit=1&from=2026-11-25`)).body.items[0];
    conforms(EtaResponse, (await s.req('GET', `/v1/appointments/${apt.id}/eta`)).body);
    conforms(AtRiskResponse, (await s.req('GET', `/v1/workshops/${wid}/at-risk`)).body);
  });
});
