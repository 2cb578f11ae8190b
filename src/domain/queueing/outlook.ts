/**
 * The capacity outlook: per day of a window, the load of the booked work against the capacity of
 * the technicians on duty, by skill and by bay capability, and the M/G/c lead time of one more
 * unplanned repair order (the day's work as a queue over the open hours: c = technicians on duty,
 * service = the mean repair order's work at their efficiency). Plain data in and out; calendars are
 * built in the workshop's zone (domain/calendar).
 */
import { DateTime } from 'luxon';
import { buildCalendar, shiftsToWeekly } from '../calendar/index.js';
import { isQualified, standardMinutes, type SkillLevel } from '../rules/index.js';
import { ggc } from './index.js';

type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
interface LocalRange { start: string; end: string }

/** What the outlook needs of the workshop (the stored documents fit these shapes). */
export interface OutlookInput {
  workshop: { id: string; timeZone: string; openingHours: Record<Weekday, LocalRange[]>; closedDates: string[] };
  techs: { skills: Partial<Record<string, SkillLevel>>; evCertified: boolean; efficiency: number; shifts: { weekday: Weekday; start: string; end: string; breaks: LocalRange[] }[]; absences: { from: string; to: string }[] }[];
  bays: { capabilities: string[] }[];
  catalogue: { opCode: string; skill: string; minLevel: SkillLevel; requiresEv: boolean; standardHours: number; bayCapability?: string | null }[];
  apts: { plannedArrival: string; operations: { opCode: string; status: string; hours?: number }[] }[];
  fromMs: number;
  toMs: number;
}

const msToZoned = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true })!;

/** Work units of an outlook: a calendar build per technician and day, and the day's operations. */
export function outlookWork(i: OutlookInput): number {
  const days = Math.ceil((i.toMs - i.fromMs) / 86400_000) + 1;
  const ops = i.apts.reduce((s, a) => s + a.operations.length, 0);
  return days * (i.techs.length + 2) * 20_000 + ops * (i.techs.length + 10) * 10;
}

/** Load versus capacity per day by skill and bay capability, with the M/G/c lead time of unplanned work. */
export function outlookModel(i: OutlookInput) {
  const { workshop: w, techs, bays, apts, fromMs, toMs } = i;
  const workshopId = w.id;
  const zone = w.timeZone;
  const catalogue = new Map(i.catalogue.map((o) => [o.opCode, o]));
  const closed = new Set(w.closedDates);
  const days: unknown[] = [];
  for (let day = DateTime.fromMillis(fromMs, { zone }).startOf('day'); day.toMillis() < toMs; day = day.plus({ days: 1 })) {
    const d0 = day.toMillis();
    const d1 = day.plus({ days: 1 }).toMillis();
    const minutes = (cal: number[]) => cal.reduce((s, v, i) => s + (i % 2 ? v - cal[i - 1] : 0), 0);
    const techMinutes = techs.map((t) => ({
      t,
      min: minutes(buildCalendar({ zone, originMs: d0, fromMs: d0, toMs: d1, weekly: shiftsToWeekly(t.shifts), closedDates: closed, minus: t.absences.map((a) => [Date.parse(a.from), Date.parse(a.to)] as const) })),
    }));
    const openMin = minutes(buildCalendar({ zone, originMs: d0, fromMs: d0, toMs: d1, weekly: w.openingHours, closedDates: closed }));
    const bySkill = new Map<string, { capacity: number; load: number }>();
    for (const { t, min } of techMinutes)
      for (const skill of Object.keys(t.skills)) {
        const e = bySkill.get(skill) ?? { capacity: 0, load: 0 };
        e.capacity += min * t.efficiency; // standard minutes the technician can flag
        bySkill.set(skill, e);
      }
    const byCap = new Map<string, { capacity: number; load: number }>();
    for (const b of bays)
      for (const c of b.capabilities) {
        const e = byCap.get(c) ?? { capacity: 0, load: 0 };
        e.capacity += openMin;
        byCap.set(c, e);
      }
    const dayApts = apts.filter((a) => Date.parse(a.plannedArrival) >= d0 && Date.parse(a.plannedArrival) < d1);
    let totalLoad = 0;
    for (const a of dayApts)
      for (const o of a.operations) {
        if (o.status === 'done') continue;
        const cat = catalogue.get(o.opCode);
        if (!cat) continue;
        const std = standardMinutes(o.hours ?? cat.standardHours);
        totalLoad += std;
        const s = bySkill.get(cat.skill) ?? { capacity: 0, load: 0 };
        s.load += std;
        bySkill.set(cat.skill, s);
        if (cat.bayCapability) {
          const c = byCap.get(cat.bayCapability) ?? { capacity: 0, load: 0 };
          // bay minutes at the efficiency of a technician qualified for it (skill level and EV certification)
          c.load += std / (techs.find((t) => isQualified(t, cat))?.efficiency ?? 1);
          byCap.set(cat.bayCapability, c);
        }
      }
    const working = techMinutes.filter((x) => x.min > 0);
    const capacity = working.reduce((s, x) => s + x.min * x.t.efficiency, 0);
    const round = (x: number) => Math.round(x * 10) / 10;
    const util = (l: number, c: number) => (c > 0 ? Math.round((l / c) * 1000) / 1000 : null);
    // Lead time of one more unplanned repair order: the day's work as an M/G/c queue over the
    // open hours, c = technicians on duty, service = mean repair order work at their efficiency.
    let leadTime: unknown = null;
    if (working.length && openMin > 0 && dayApts.length) {
      const meanEff = capacity / working.reduce((s, x) => s + x.min, 0);
      const meanRo = totalLoad / dayApts.length / meanEff;
      const lambda = dayApts.length / openMin;
      const res = ggc({ arrivalRate: lambda, serviceRate: 1 / meanRo, servers: working.length, arrivalCv: 1, serviceCv: 0.7, method: 'whitt' });
      leadTime = res.stable
        ? { stable: true, method: res.method, meanWaitMinutes: round(res.meanWait), meanLeadTimeMinutes: round(res.meanWait + meanRo), utilisation: round(res.utilisation) }
        : { stable: false, method: res.method, utilisation: round(res.utilisation), growth: res.growth };
    }
    days.push({
      date: day.toISODate(),
      open: openMin > 0,
      appointments: dayApts.length,
      loadStandardMinutes: round(totalLoad),
      capacityStandardMinutes: round(capacity),
      utilisation: util(totalLoad, capacity),
      bySkill: [...bySkill].map(([skill, v]) => ({ skill, loadMinutes: round(v.load), capacityMinutes: round(v.capacity), utilisation: util(v.load, v.capacity) })),
      byBayCapability: [...byCap].map(([capability, v]) => ({ capability, loadMinutes: round(v.load), capacityMinutes: round(v.capacity), utilisation: util(v.load, v.capacity) })),
      unplannedLeadTime: leadTime,
    });
  }
  return { workshopId, from: msToZoned(fromMs, zone), to: msToZoned(toMs, zone), days };
}
