import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateBookings, readScenarioFile } from '../../src/app/demo.js';
import { parseJsonWithLines } from '../../src/lib/json-lines.js';

describe('scenario files', () => {
  it('the demo dealership validates and matches the design figures', () => {
    const s = readScenarioFile('scenarios/demo-dealership.json');
    expect(s.bays).toHaveLength(12);
    expect(s.technicians.length).toBeGreaterThanOrEqual(12);
    expect(s.operations.length).toBeGreaterThanOrEqual(25);
    const bookings = generateBookings(s, '2026-11-23', { days: 14, fill: 0.8, seed: 1 });
    const again = generateBookings(s, '2026-11-23', { days: 14, fill: 0.8, seed: 1 });
    expect(again).toEqual(bookings); // seeded: reproducible
    const waiters = bookings.filter((b) => b.transport === 'waiter').length / bookings.length;
    expect(waiters).toBeGreaterThan(0.2);
    expect(bookings.every((b) => !b.plannedArrival.startsWith('2026-11-29'))).toBe(true); // Sunday closed
  });

  it('reports errors with file line and field path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scn-'));
    try {
      const text = readFileSync('scenarios/demo-dealership.json', 'utf8').replace('"timeZone": "Europe/Berlin"', '"timeZone": "Europe/Nowhere"');
      const file = join(dir, 'bad.json');
      writeFileSync(file, text);
      const line = text.split('\n').findIndex((l) => l.includes('Europe/Nowhere')) + 1;
      expect(() => readScenarioFile(file)).toThrow(`bad.json:${line}: workshop.timeZone: not an IANA time zone`);
      writeFileSync(file, '{\n  "name": "x",\n  oops\n}');
      expect(() => readScenarioFile(file)).toThrow(/bad\.json:3: invalid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('maps nested paths to lines', () => {
    const { lineOf } = parseJsonWithLines('{\n "a": [\n  {"b": 1},\n  {\n   "c": "x"\n  }\n ]\n}');
    expect(lineOf('a[1].c')).toBe(5);
    expect(lineOf('a[0].b')).toBe(3);
    expect(lineOf('a[1].missing')).toBe(4);
  });
});
