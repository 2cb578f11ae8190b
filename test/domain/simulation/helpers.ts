/** Tiny scenarios built in code for the simulation tests. */
import { Scenario } from '../../../src/model/scenario.js';

const WK = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

/** 2 lifts, 2 technicians, three op codes: fast to simulate, busy enough to queue. */
export function tinyScenario(over: Record<string, unknown> = {}): Scenario {
  return Scenario.parse({
    name: 'Tiny garage',
    workshop: {
      name: 'Tiny', timeZone: 'Europe/Berlin',
      openingHours: Object.fromEntries(WK.map((d) => [d, [{ start: '08:00', end: '17:00' }]])),
      reception: { advisors: 1, checkInMinutes: 6, checkInCv: 0.5 },
    },
    bays: [{ name: 'Lift 1', capabilities: ['lift'] }, { name: 'Lift 2', capabilities: ['lift'] }],
    technicians: [
      { name: 'A', skills: { maintenance: 'A', brakes: 'A' }, efficiency: 1.1, shifts: WK.map((weekday) => ({ weekday, start: '08:00', end: '17:00', breaks: [{ start: '12:00', end: '12:30' }] })) },
      { name: 'B', skills: { maintenance: 'B', brakes: 'B' }, efficiency: 0.95, shifts: WK.map((weekday) => ({ weekday, start: '08:00', end: '17:00', breaks: [{ start: '12:30', end: '13:00' }] })) },
    ],
    operations: [
      { opCode: 'OIL-SVC', name: 'Oil service', standardHours: 0.5, skill: 'maintenance', bayCapability: 'lift', cv: 0.25 },
      { opCode: 'BRK-PADS-F', name: 'Front brake pads', standardHours: 1.2, skill: 'brakes', bayCapability: 'lift', cv: 0.3 },
      { opCode: 'INSP-MAJOR', name: 'Major inspection', standardHours: 2.5, skill: 'maintenance', bayCapability: 'lift', cv: 0.35, splittable: true },
    ],
    demand: {
      appointmentsPerDay: { mon: 5, tue: 5, wed: 5, thu: 5, fri: 4 },
      arrivalProfile: { '08': 4, '09': 2, '10': 1, '13': 1 },
      jobMix: [
        { name: 'Oil', opCodes: ['OIL-SVC'], weight: 4 },
        { name: 'Brakes', opCodes: ['BRK-PADS-F'], weight: 3 },
        { name: 'Service and brakes', opCodes: ['INSP-MAJOR', 'BRK-PADS-F'], weight: 2 },
      ],
      walkInsPerDay: 1.5,
      partsEtaShare: 0.1,
      absenceRate: 0.05,
      comebackRate: 0.05,
      truth: { opCodes: { 'BRK-PADS-F': { bias: 1.15, cv: 0.4 } } },
    },
    ...over,
  });
}

/** A pure M/M/c queue: Poisson walk-ins around the clock, exponential service, c lane servers, no appointments. */
export function mmcScenario(c: number, walkInsPerDay: number, serviceHours: number): Scenario {
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  return Scenario.parse({
    name: `M/M/${c} express lane`,
    workshop: {
      name: 'Lane', timeZone: 'UTC',
      openingHours: Object.fromEntries(days.map((d) => [d, [{ start: '00:00', end: '24:00' }]])),
      reception: { advisors: 100, checkInMinutes: 1, checkInCv: 0 },
      lanes: [{ id: 'express', name: 'Express', opCodes: ['EXP'], servers: c }],
    },
    bays: [],
    technicians: [],
    operations: [{ opCode: 'EXP', name: 'Express job', standardHours: serviceHours, skill: 'maintenance', cv: 1 }],
    demand: {
      appointmentsPerDay: {},
      arrivalProfile: { '00': 1 },
      walkInProfile: Object.fromEntries(Array.from({ length: 24 }, (_, h) => [String(h).padStart(2, '0'), 1])),
      jobMix: [{ name: 'Express', opCodes: ['EXP'], weight: 1 }],
      walkInsPerDay,
      noShowRate: 0,
      truth: { default: { bias: 1, cv: 1, distribution: 'gamma' } },
    },
  });
}
