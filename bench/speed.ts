/**
 * Latency a client sees, at the default settings, on the demo workshop (issue 12, "fast by
 * default"). The service runs in its own process (planning in its engine worker thread, as
 * deployed); one client sends requests one at a time and times each round trip:
 *
 *   - GET /healthz: the same server's trivial endpoint, the baseline of this run;
 *   - a plan read with nothing changed since the last one;
 *   - a floor event (check-in, start, pause, resume, finish on today's and tomorrow's repair
 *     orders, at the server clock, so at instants with seconds and milliseconds): its answer
 *     carries the new ETA, so this is event → ETA;
 *   - availability right after a booking: the client takes a slot from availability, books it
 *     through the capacity-checked booking, and asks for availability again (the booking
 *     invalidated the cached answer).
 *
 * Prints p50/p90/p99/max per request kind and the ratio of each p50 to the baseline's, with the
 * issue's targets (event → ETA p99 ≤ 50 ms, availability after a booking p99 ≤ 100 ms, plan read
 * ≤ 10 ms); any 5xx fails the run.
 *
 *   npx tsx bench/speed.ts [--events 150] [--bookings 40] [--reads 300]
 */
import { startService } from './service.js';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const EVENTS = arg('events', 150);
const BOOKINGS = arg('bookings', 40);
const READS = arg('reads', 300);

// default settings: only where to listen and store; the demo workshop as a first start loads it
const startDefault = () =>
  startService({ DEMO: 'true' }, { name: 'speed', unset: ['SOLVER_TIME_LIMIT_MS', 'SOLVER_MAX_ITERATIONS', 'ENGINE_THREADS', 'DEMO_BOOKING_FILL', 'CLIENT_CLOCK'] });

let fivexx = 0;
async function call(url: string, init?: { method?: string; body?: unknown }): Promise<{ ms: number; status: number; body: any }> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: init?.method ?? 'GET',
    ...(init?.body !== undefined ? { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } } : {}),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status >= 500) {
    fivexx++;
    console.error(`${init?.method ?? 'GET'} ${url} → ${res.status} ${text.slice(0, 300)}`);
  }
  return { ms, status: res.status, body: text ? JSON.parse(text) : undefined };
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN;
};

async function main() {
  const svc = await startDefault();
  const samples = new Map<string, number[]>();
  const add = (k: string, ms: number) => (samples.get(k) ?? samples.set(k, []).get(k)!).push(ms);
  try {
    const u = svc.url;
    const wid = (await call(`${u}/v1/workshops`)).body.items[0].id as string;
    const techs = (await call(`${u}/v1/workshops/${wid}/technicians`)).body.items as { id: string }[];
    const booked = (await call(`${u}/v1/workshops/${wid}/appointments?status=booked&limit=200`)).body;
    console.log(`speed bench: demo workshop ${wid}, ${booked.total} booked repair orders, ${techs.length} technicians; default settings; one client, sequential`);
    // warm-up: the first plan, the promise context, the JIT
    for (let i = 0; i < 20; i++) await call(`${u}/healthz`);
    await call(`${u}/v1/workshops/${wid}/plan`);
    await call(`${u}/v1/workshops/${wid}/availability?opCodes=OIL-SVC`);

    // baseline and plan reads, interleaved so both see the same machine
    for (let i = 0; i < READS; i++) {
      add('GET /healthz (baseline)', (await call(`${u}/healthz`)).ms);
      const r = await call(`${u}/v1/workshops/${wid}/plan`);
      if (i === 0) console.log(`plan: ${r.body.assignments?.length} assignments, stats ${JSON.stringify(r.body.stats)}`);
      add('GET plan, nothing changed', r.ms);
    }

    // floor events on the repair orders arriving first: check in, start, pause, resume, finish
    const orders = (booked.items as { id: string; plannedArrival: string; operations: unknown[] }[]).sort((a, b) => a.plannedArrival.localeCompare(b.plannedArrival));
    let sent = 0;
    let k = 0;
    const script = (opIndex: number, tech: string) => [
      { type: 'op_started', opIndex, technicianId: tech },
      { type: 'op_paused', opIndex, reason: 'waiting_approval' },
      { type: 'op_resumed', opIndex },
      { type: 'op_finished', opIndex },
    ];
    for (const o of orders) {
      if (sent >= EVENTS) break;
      const evs = [{ type: 'checked_in' }, ...o.operations.flatMap((_, i) => script(i, techs[k++ % techs.length].id))];
      for (const ev of evs) {
        if (sent >= EVENTS) break;
        const r = await call(`${u}/v1/appointments/${o.id}/events`, { method: 'POST', body: ev });
        if (r.status !== 201) { console.error(`event ${ev.type} → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`); break; }
        if (!r.body.eta) throw new Error('the event answer carries no ETA');
        add('POST event → ETA', r.ms);
        add('healthz between events', (await call(`${u}/healthz`)).ms);
        sent++;
      }
    }
    if (sent < EVENTS) console.warn(`only ${sent} of ${EVENTS} events were sent: the event figures rest on fewer samples`);

    // availability right after a capacity-checked booking
    let booked2 = 0, refused = 0;
    for (let i = 0; booked2 < BOOKINGS && i < BOOKINGS * 3; i++) {
      const av = await call(`${u}/v1/workshops/${wid}/availability?opCodes=OIL-SVC`);
      const slots = (av.body.slots ?? []) as { start: string }[];
      if (!slots.length) break;
      const slot = slots[(i * 7) % slots.length];
      const b = await call(`${u}/v1/workshops/${wid}/appointments`, {
        method: 'POST',
        body: { customer: { name: `Bench ${i}` }, vehicle: { plate: `B-SP ${i}` }, plannedArrival: slot.start, transport: 'drop_off', operations: [{ opCode: 'OIL-SVC' }] },
      });
      if (b.status !== 201) { refused++; continue; }
      booked2++;
      add('POST booking (capacity-checked)', b.ms);
      add('GET availability after a booking', (await call(`${u}/v1/workshops/${wid}/availability?opCodes=OIL-SVC`)).ms);
      add('GET availability unchanged (cached)', (await call(`${u}/v1/workshops/${wid}/availability?opCodes=OIL-SVC`)).ms);
    }
    if (refused) console.log(`${refused} booking(s) refused (slot taken meanwhile)`);

    const base = pct(samples.get('GET /healthz (baseline)')!, 50);
    const targets: Record<string, [number, number]> = {
      'POST event → ETA': [99, 50],
      'GET availability after a booking': [99, 100],
      'GET plan, nothing changed': [99, 10],
    };
    console.log('\nrequest                                  n   p50 ms   p90 ms   p99 ms   max ms   p50/baseline   target');
    for (const [name, xs] of samples) {
      const t = targets[name];
      const p = t ? pct(xs, t[0]) : NaN;
      const verdict = t ? `p${t[0]} ≤ ${t[1]} ms: ${p <= t[1] ? 'met' : 'MISSED'}` : '';
      console.log(
        `${name.padEnd(38)}${String(xs.length).padStart(5)}${pct(xs, 50).toFixed(1).padStart(9)}${pct(xs, 90).toFixed(1).padStart(9)}${pct(xs, 99).toFixed(1).padStart(9)}${Math.max(...xs).toFixed(1).padStart(9)}${(pct(xs, 50) / base).toFixed(1).padStart(14)}   ${verdict}`,
      );
    }
    if (fivexx) {
      console.error(`\n${fivexx} 5xx responses`);
      process.exitCode = 1;
    }
  } finally {
    await svc.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
