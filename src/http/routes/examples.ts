/**
 * Examples of the API documentation, taken from the demo (scenarios/demo-dealership.json, the
 * service started with DEMO=true on Tuesday 2026-11-24 07:00 in Berlin). Request examples are
 * typed by their schemas; a test (test/http/openapi.test.ts) parses every request and response
 * example with the route's own schemas, so an example cannot drift from the contract.
 */
import type { z } from 'zod';
import type { AppointmentInput, BayInput, FloorEvent, OperationInput, TechnicianInput, WorkshopInput } from '../../model/workshop.js';

const WS = 'ws_f2dc86e265134c37a1ff';
const APT = 'apt_6d1eb514d54549ad9317';
const TECH = 'tech_c6df9d4f76974221bfcc';
const BAY = 'bay_eef8f1ca985643adaf52';
const meta = (id: string, extra: Record<string, unknown> = {}) => ({ id, ...extra, version: 1, createdAt: '2026-11-24T06:00:00.000Z', updatedAt: '2026-11-24T06:00:00.000Z' });
const problem = (code: string, title: string, status: number, detail: string, instance: string, extra: Record<string, unknown> = {}) => ({
  type: `/problems/${code}`,
  title,
  status,
  code,
  detail,
  ...extra,
  instance,
  requestId: '6a4966d0-b6b4-4902-911e-cc528b059c93',
});

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;
const workshopInput: z.input<typeof WorkshopInput> = {
  name: 'Baywise Demo Motors',
  timeZone: 'Europe/Berlin',
  openingHours: { ...Object.fromEntries(weekdays.map((d) => [d, [{ start: '07:00', end: '19:00' }]])), sat: [{ start: '08:00', end: '14:00' }], sun: [] },
  closedDates: ['2026-12-24', '2026-12-25', '2026-12-26', '2026-12-31', '2027-01-01'],
  slotMinutes: 15,
  policy: { targetOnTime: 0.9, handoverBufferMinutes: 15, waiterWeight: 3, priorityWeight: 2 },
  reception: { advisors: 3, checkInMinutes: 8, checkInCv: 0.6, walkInsPerDay: 6, noShowRate: 0.12, waitTargetMinutes: 10, waitTargetShare: 0.8 },
  lanes: [{ id: 'express', name: 'Express lane', opCodes: ['OIL-SVC', 'TYRE-SWAP', 'WIPERS', 'BATT-REPL', 'BRK-FLUID'], servers: 2 }],
};

const bayInput: z.input<typeof BayInput> = { name: 'Lift 1', capabilities: ['lift'] };
const technicianInput: z.input<typeof TechnicianInput> = {
  name: 'Anna Keller',
  skills: { maintenance: 'A', brakes: 'A', tyres: 'A', diagnosis: 'B', electrical: 'B' },
  evCertified: true,
  efficiency: 1.15,
  shifts: [
    ...weekdays.map((weekday) => ({ weekday, start: '07:30', end: '16:30', breaks: [{ start: '12:00', end: '12:30' }] })),
    { weekday: 'sat' as const, start: '08:00', end: '13:30', breaks: [] },
  ],
};
const operationInput: z.input<typeof OperationInput> = {
  opCode: 'OIL-SVC',
  name: 'Oil and filter service',
  standardHours: 0.5,
  skill: 'maintenance',
  minLevel: 'C',
  requiresEv: false,
  bayCapability: 'lift',
  cv: 0.25,
};

const bookingRequest: z.input<typeof AppointmentInput> = {
  customer: { name: 'Jonas Weber', phone: '+49 30 5550123' },
  vehicle: { plate: 'B-JW 2041', make: 'Volkswagen', model: 'Golf' },
  plannedArrival: '2026-11-25T08:00:00+01:00',
  transport: 'drop_off',
  operations: [{ opCode: 'OIL-SVC' }],
};

const quote = {
  arrival: '2026-11-25T08:00:00+01:00',
  transport: 'drop_off',
  promisedReadyBy: '2026-11-25T09:00:00+01:00',
  target: 0.9,
  onTimeProbability: 0.963,
  quantiles: { p50: '2026-11-25T08:44:00+01:00', p80: '2026-11-25T08:51:00+01:00', p90: '2026-11-25T08:55:00+01:00', p95: '2026-11-25T08:59:00+01:00' },
  plannedFinish: '2026-11-25T08:45:00+01:00',
  bottleneck: { kind: 'own_work', id: null, name: null, share: 1 },
  plannedOperations: [{ opCode: 'OIL-SVC', technicianId: TECH, bayId: BAY, start: '2026-11-25T08:00:00+01:00', end: '2026-11-25T08:30:00+01:00' }],
  effectOnExistingPromises: { affected: 3, belowTarget: [] },
  bookable: true,
  samples: 2000,
};

const appointment = {
  ...meta(APT, { workshopId: WS }),
  customer: { name: 'Jonas Weber', phone: '+49 30 5550123' },
  vehicle: { plate: 'B-JW 2041', make: 'Volkswagen', model: 'Golf', ev: false },
  plannedArrival: '2026-11-25T08:00:00+01:00',
  transport: 'drop_off',
  operations: [{ opCode: 'OIL-SVC', status: 'pending' }],
  priority: 'normal',
  promisedAt: '2026-11-25T09:00:00+01:00',
  status: 'booked',
};

const floorEvent: z.input<typeof FloorEvent> = { type: 'checked_in', at: '2026-11-25T07:55:00+01:00' };
const checkedIn = { ...appointment, version: 2, updatedAt: '2026-11-25T06:55:00.000Z', status: 'checked_in', checkedInAt: '2026-11-25T07:55:00+01:00' };

export const EXAMPLES = {
  workshopInput,
  workshop: { ...meta(WS), ...workshopInput, policy: { ...workshopInput.policy, waiterMaxWaitMinutes: 180, promiseHeadroom: 0.03 } },
  bay: { input: bayInput, output: { ...meta(BAY, { workshopId: WS }), ...bayInput, active: true } },
  technician: { input: technicianInput, output: { ...meta(TECH, { workshopId: WS }), ...technicianInput, absences: [], active: true } },
  operation: { input: operationInput, output: { ...meta('op_0039bdd912524f88a26e', { workshopId: WS }), ...operationInput, splittable: false, parallel: false } },
  appointment,
  bookingRequest,
  booked: { ...appointment, quote },
  quoteRequest: { plannedArrival: bookingRequest.plannedArrival, operations: bookingRequest.operations, transport: 'drop_off' as const },
  quote,
  capacityExhausted: problem('capacity_exhausted', 'No capacity left for this request', 409, 'a waiter would wait more than 180 minutes', `/v1/workshops/${WS}/appointments`, {
    reason: 'waiter_wait_too_long',
    alternatives: [
      { start: '2026-11-24T13:15:00+01:00', promisedReadyBy: '2026-11-24T17:05:00+01:00', onTimeProbability: 0.93 },
      { start: '2026-11-25T07:00:00+01:00', promisedReadyBy: '2026-11-25T10:40:00+01:00', onTimeProbability: 0.94 },
    ],
  }),
  illegalTransition: problem('illegal_transition', 'Illegal status transition', 409, 'a repair order cannot go from checked_in to delivered', `/v1/appointments/${APT}`, {
    from: 'checked_in',
    to: 'delivered',
    allowed: ['in_progress', 'ready', 'cancelled'],
  }),
  illegalEvent: problem('illegal_transition', 'Illegal status transition', 409, 'op_started is not possible while delivered', `/v1/appointments/${APT}/events`, { from: 'delivered', allowed: [] }),
  validationFailed: problem('validation_failed', 'Request validation failed', 400, 'The request is not valid', `/v1/workshops/${WS}/quotes`, {
    errors: [
      { path: 'plannedArrival', message: 'expected an ISO 8601 date-time with offset, e.g. 2026-11-24T08:30:00+01:00', code: 'invalid_format' },
      { path: 'operations', message: 'Too small: expected array to have >=1 items', code: 'too_small' },
    ],
  }),
  unknownOpCode: problem('unknown_reference', 'Unknown reference', 422, 'unknown op code(s) in the catalogue of this workshop', `/v1/workshops/${WS}/quotes`, {
    errors: [{ path: 'operations[1].opCode', message: 'op code BRAKE-PADS-F is not in the catalogue', code: 'unknown_op_code' }],
  }),
  floorEvent,
  floorEventResult: {
    eventId: 1,
    appointment: checkedIn,
    eta: {
      appointmentId: APT,
      status: 'checked_in',
      promisedAt: '2026-11-25T09:00:00+01:00',
      asOf: '2026-11-25T07:55:00+01:00',
      forecast: { p50: '2026-11-25T08:42:00+01:00', p80: '2026-11-25T08:49:00+01:00', p90: '2026-11-25T08:53:00+01:00', p95: '2026-11-25T08:57:00+01:00' },
      probabilityOnTime: 0.962,
      bottleneck: { kind: 'own_work', id: null, name: null, share: 1 },
      operations: [{ opIndex: 0, opCode: 'OIL-SVC', status: 'pending', technicianId: TECH, plannedStart: '2026-11-25T08:00:00+01:00', plannedEnd: '2026-11-25T08:30:00+01:00' }],
    },
  },
  estimateRequest: { model: 'mmc' as const, arrivalRate: 0.5, serviceRate: 0.125, servers: 5, waitThresholds: [10] },
  estimate: {
    model: 'mmc',
    servers: 5,
    stable: true,
    offeredLoad: 4,
    utilisation: 0.8,
    probWait: 0.554,
    meanWait: 4.43,
    meanQueue: 2.22,
    meanInSystem: 6.22,
    meanSojourn: 12.43,
    waitTail: [{ t: 10, p: 0.159 }],
    waitQuantiles: [{ q: 0.5, t: 0.82 }, { q: 0.8, t: 8.15 }, { q: 0.9, t: 13.7 }, { q: 0.95, t: 19.24 }],
  },
  walkInEta: {
    workshopId: WS,
    lane: { id: 'express', name: 'Express lane', servers: 2 },
    at: '2026-11-24T08:30:00+01:00',
    state: { inService: 1, queued: 2 },
    method: 'monte-carlo',
    wait: { meanMinutes: 21.4, quantiles: { p50: 18, p80: 33, p90: 41, p95: 48 }, within: [{ t: 10, p: 0.31 }, { t: 30, p: 0.76 }, { t: 60, p: 0.98 }] },
    readyBy: { p50: '2026-11-24T09:33:00+01:00', p80: '2026-11-24T09:52:00+01:00', p90: '2026-11-24T10:02:00+01:00', p95: '2026-11-24T10:10:00+01:00' },
    promise: '2026-11-24T10:05:00+01:00',
    target: 0.9,
    closesAt: '2026-11-24T19:00:00+01:00',
    probReadyBeforeClose: 1,
  },
};
