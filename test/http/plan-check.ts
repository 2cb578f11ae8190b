/**
 * An independent check of a plan as the API returns it, against the facts the test itself sent
 * (shifts, skills, bays, catalogue, appointments), with no code of the service: not its compiler,
 * not its verifier. Times are compared on the wall clock of the ISO strings the API returns (local
 * date and HH:MM in the workshop zone) and in real minutes from Date.parse.
 */
export interface Shift { weekday: string; start: string; end: string; breaks?: { start: string; end: string }[] }
export interface TechFact { id: string; skills: Record<string, string>; efficiency?: number; ev?: boolean; shifts: Shift[] }
export interface BayFact { id: string; capabilities: string[] }
export interface OpFact { opCode: string; standardHours: number; skill: string; minLevel?: string; bayCapability?: string; splittable?: boolean }
export interface AptFact { id: string; plannedArrival: string; operations: { opCode: string; hours?: number }[] }
export interface PlannedOp { appointmentId: string; opIndex: number; opCode: string; technicianId: string; bayId: string | null; start: string; end: string }

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const LEVEL = { A: 3, B: 2, C: 1 } as Record<string, number>;
const ms = (iso: string) => Date.parse(iso);
const weekday = (localDate: string) => WEEKDAYS[new Date(`${localDate}T12:00:00Z`).getUTCDay()];

/** Local working segments (shift minus breaks) of a technician on a weekday, as HH:MM pairs. */
function segments(t: TechFact, day: string): [string, string][] {
  const out: [string, string][] = [];
  for (const sh of t.shifts.filter((x) => x.weekday === day)) {
    let from = sh.start;
    for (const b of [...(sh.breaks ?? [])].sort((x, y) => x.start.localeCompare(y.start))) {
      if (b.start > from) out.push([from, b.start]);
      from = b.end > from ? b.end : from;
    }
    if (sh.end > from) out.push([from, sh.end]);
  }
  return out;
}

/** Every violated rule, as readable strings; [] for a plan that keeps them all. */
export function checkPlan(
  plan: { assignments: PlannedOp[]; unscheduled: unknown[] },
  facts: { techs: TechFact[]; bays: BayFact[]; ops: OpFact[]; appointments: AptFact[] },
): string[] {
  const bad: string[] = [];
  const techs = new Map(facts.techs.map((t) => [t.id, t]));
  const bays = new Map(facts.bays.map((b) => [b.id, b]));
  const cat = new Map(facts.ops.map((o) => [o.opCode, o]));
  const seen = new Map<string, PlannedOp>();
  for (const a of plan.assignments) {
    const key = `${a.appointmentId}#${a.opIndex}`;
    if (seen.has(key)) bad.push(`${key} planned twice`);
    seen.set(key, a);
  }
  for (const apt of facts.appointments) {
    apt.operations.forEach((o, i) => {
      const a = seen.get(`${apt.id}#${i}`);
      if (!a) return void bad.push(`${apt.id}#${i} not planned`);
      const op = cat.get(o.opCode)!;
      const t = techs.get(a.technicianId);
      const tag = `${apt.id}#${i} (${a.opCode} ${a.start}–${a.end})`;
      if (a.opCode !== o.opCode) bad.push(`${tag}: op code ${a.opCode}, expected ${o.opCode}`);
      if (!t) return void bad.push(`${tag}: unknown technician ${a.technicianId}`);
      if ((LEVEL[t.skills[op.skill]] ?? 0) < LEVEL[op.minLevel ?? 'C']) bad.push(`${tag}: ${a.technicianId} lacks ${op.skill} ${op.minLevel ?? 'C'}`);
      if (op.bayCapability) {
        const b = a.bayId ? bays.get(a.bayId) : undefined;
        if (!b || !b.capabilities.includes(op.bayCapability)) bad.push(`${tag}: bay ${a.bayId} lacks ${op.bayCapability}`);
      } else if (a.bayId !== null) bad.push(`${tag}: needs no bay but holds ${a.bayId}`);
      if (ms(a.start) < ms(apt.plannedArrival)) bad.push(`${tag}: starts before the arrival ${apt.plannedArrival}`);
      const minutes = Math.ceil(Math.max(1, Math.round((o.hours ?? op.standardHours) * 60)) / (t.efficiency ?? 1));
      const span = (ms(a.end) - ms(a.start)) / 60_000;
      if (!op.splittable) {
        // one piece inside one working segment of the technician's day
        if (span !== minutes) bad.push(`${tag}: lasts ${span} min, planned minutes are ${minutes}`);
        const date = a.start.slice(0, 10);
        const [s, e] = [a.start.slice(11, 16), a.end.slice(11, 16)];
        const inside = a.end.slice(0, 10) === date && segments(t, weekday(date)).some(([from, to]) => s >= from && e <= to);
        if (!inside) bad.push(`${tag}: outside ${a.technicianId}'s working time`);
      } else if (span < minutes) bad.push(`${tag}: ${span} min for ${minutes} planned minutes`);
      if (i > 0) {
        const prev = seen.get(`${apt.id}#${i - 1}`);
        if (prev && ms(a.start) < ms(prev.end)) bad.push(`${tag}: starts before operation ${i - 1} of the same vehicle ends`);
      }
    });
  }
  const overlaps = (field: 'technicianId' | 'bayId') => {
    const by = new Map<string, PlannedOp[]>();
    for (const a of plan.assignments) if (a[field]) (by.get(a[field]!) ?? by.set(a[field]!, []).get(a[field]!)!).push(a);
    for (const [id, list] of by) {
      list.sort((x, y) => ms(x.start) - ms(y.start));
      for (let i = 1; i < list.length; i++)
        if (ms(list[i].start) < ms(list[i - 1].end)) bad.push(`${field} ${id}: ${list[i - 1].appointmentId}#${list[i - 1].opIndex} overlaps ${list[i].appointmentId}#${list[i].opIndex}`);
    }
  };
  overlaps('technicianId');
  overlaps('bayId');
  return bad;
}
