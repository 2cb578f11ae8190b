/**
 * Makespan fast path: tabu search for the flexible job shop in the spirit of Mastrolilli &
 * Gambardella (2000) on the disjunctive graph, with typed arrays.
 *
 * Applies to models without calendars that bind, bays, fixed ops, or non-chain precedences
 * (e.g. every FJSP benchmark instance). State: machine per op + machine sequences as linked lists.
 * Each iteration recomputes heads r and tails q exactly (O(n)), takes one critical path, and
 * evaluates with head/tail estimates:
 *  - block moves: move an op of a critical block to the front or the back of its block
 *    (includes the N5 swaps of the first/last pairs);
 *  - reassignment of a critical op to another qualified machine at the best insertion slot
 *    among the cycle-free ones (slot u|w with r(u) < r(v)+p(v) and q(w) < q(v)+p(v)).
 * Tabu attributes: reversed arcs (a before b forbidden) and (op, machine) pairs left; aspiration by
 * the best makespan. After a long stall it restarts from the best solution with a small random kick.
 */
import { Pacer } from './pacer.js';
import type { Rng } from '../../lib/random.js';
import type { SchedulingModel } from './model.js';

export interface TabuInit { mach: Int32Array; start: Float64Array }
export interface TabuOpts { deadline: number; maxIterations: number; rng: Rng; signal?: AbortSignal; lowerBound: () => number }
export interface TabuOut { mach: Int32Array; start: Float64Array; end: Float64Array; makespan: number; iterations: number; timeToBest: number; aborted: boolean; initial: number }

const HUGE = 2 ** 40;

/** True when the model is a pure flexible job shop (calendars never bind; chains; no bays, no fixed). */
export function fastPathEligible(model: SchedulingModel): boolean {
  if (model.bays.length > 0 && model.ops.some((o) => o.bays !== null)) return false;
  const n = model.ops.length;
  if (n === 0 || n > 3000) return false;
  let sumMax = 0, maxRel = 0;
  for (const o of model.ops) {
    if (o.fixed || o.parallel || o.bays !== null || o.alternatives.length === 0) return false;
    sumMax += Math.max(...o.alternatives.map((a) => a.minutes));
    maxRel = Math.max(maxRel, o.release, model.jobs[o.job]?.release ?? 0);
  }
  for (const t of model.techs) {
    if (t.overtime && t.overtime.length) return false;
    if (t.work.length !== 2 || t.work[0] > 0 || t.work[1] < maxRel + sumMax) return false;
  }
  for (const j of model.jobs) {
    for (let k = 0; k < j.ops.length; k++) {
      const o = model.ops[j.ops[k]];
      if (o.job !== model.jobs.indexOf(j)) return false;
      if (k === 0 ? o.preds.length !== 0 : o.preds.length !== 1 || o.preds[0] !== j.ops[k - 1]) return false;
    }
  }
  return model.jobs.reduce((s, j) => s + j.ops.length, 0) === n;
}


export async function fjspTabu(model: SchedulingModel, init: TabuInit, opts: TabuOpts): Promise<TabuOut> {
  const t0 = performance.now();
  const rng = opts.rng;
  const n = model.ops.length;
  const m = model.techs.length;
  const jp = new Int32Array(n).fill(-1), js = new Int32Array(n).fill(-1);
  const rel = new Float64Array(n);
  for (const j of model.jobs) {
    for (let k = 0; k < j.ops.length; k++) {
      const o = j.ops[k];
      if (k > 0) jp[o] = j.ops[k - 1];
      if (k + 1 < j.ops.length) js[o] = j.ops[k + 1];
      rel[o] = Math.max(model.ops[o].release, j.release);
    }
  }
  const dur = new Int32Array(n * m); // 0 = not eligible
  const altM: Int32Array[] = [];
  for (let v = 0; v < n; v++) {
    const alts = model.ops[v].alternatives;
    altM.push(Int32Array.from(alts.map((a) => a.tech)));
    for (const a of alts) dur[v * m + a.tech] = a.minutes;
  }

  // ---- state
  const mach = init.mach.slice();
  const p = new Int32Array(n);
  const mp = new Int32Array(n).fill(-1), ms = new Int32Array(n).fill(-1);
  const head = new Int32Array(m).fill(-1), tailM = new Int32Array(m).fill(-1);
  const r = new Float64Array(n), q = new Float64Array(n);
  const topo = new Int32Array(n), indeg = new Int32Array(n), stack = new Int32Array(n);
  let cmax = 0;

  const buildFrom = (mc: Int32Array, start: Float64Array) => {
    mach.set(mc);
    head.fill(-1); tailM.fill(-1); mp.fill(-1); ms.fill(-1);
    const byM: number[][] = Array.from({ length: m }, () => []);
    for (let v = 0; v < n; v++) { p[v] = dur[v * m + mach[v]]; byM[mach[v]].push(v); }
    for (let k = 0; k < m; k++) {
      const l = byM[k].sort((a, b) => start[a] - start[b] || a - b);
      for (let i = 0; i < l.length; i++) {
        mp[l[i]] = i > 0 ? l[i - 1] : -1;
        ms[l[i]] = i + 1 < l.length ? l[i + 1] : -1;
      }
      head[k] = l.length ? l[0] : -1;
      tailM[k] = l.length ? l[l.length - 1] : -1;
    }
  };

  const computeRQ = (): boolean => {
    let sp = 0;
    for (let v = 0; v < n; v++) {
      indeg[v] = (jp[v] >= 0 ? 1 : 0) + (mp[v] >= 0 ? 1 : 0);
      if (indeg[v] === 0) stack[sp++] = v;
    }
    let cnt = 0;
    cmax = 0;
    while (sp > 0) {
      const v = stack[--sp];
      topo[cnt++] = v;
      let s = rel[v];
      const a = jp[v], b = mp[v];
      if (a >= 0 && r[a] + p[a] > s) s = r[a] + p[a];
      if (b >= 0 && r[b] + p[b] > s) s = r[b] + p[b];
      r[v] = s;
      if (s + p[v] > cmax) cmax = s + p[v];
      const c = js[v], d = ms[v];
      if (c >= 0 && --indeg[c] === 0) stack[sp++] = c;
      if (d >= 0 && --indeg[d] === 0) stack[sp++] = d;
    }
    if (cnt < n) return false;
    for (let i = n - 1; i >= 0; i--) {
      const v = topo[i];
      let t = 0;
      const c = js[v], d = ms[v];
      if (c >= 0 && q[c] + p[c] > t) t = q[c] + p[c];
      if (d >= 0 && q[d] + p[d] > t) t = q[d] + p[d];
      q[v] = t;
    }
    return true;
  };

  const unlink = (v: number) => {
    const a = mp[v], b = ms[v], k = mach[v];
    if (a >= 0) ms[a] = b; else head[k] = b;
    if (b >= 0) mp[b] = a; else tailM[k] = a;
    mp[v] = -1; ms[v] = -1;
  };
  /** insert v on machine k right after u (u = -1: at the front) */
  const linkAfter = (v: number, k: number, u: number) => {
    mach[v] = k;
    p[v] = dur[v * m + k];
    const b = u >= 0 ? ms[u] : head[k];
    mp[v] = u; ms[v] = b;
    if (u >= 0) ms[u] = v; else head[k] = v;
    if (b >= 0) mp[b] = v; else tailM[k] = v;
  };

  buildFrom(init.mach, init.start);
  if (!computeRQ()) throw new Error('fjspTabu: initial solution has a cycle');
  const initial = cmax;

  // ---- best
  let bestC = cmax;
  const bestMach = mach.slice(), bestStart = r.slice();
  let timeToBest = performance.now() - t0;

  // ---- tabu memory
  const tabuArc = new Int32Array(n * n);
  const tabuMach = new Int32Array(n * m);
  const tBase = 2 + Math.round(Math.sqrt(n) / 2);
  const tSpan = tBase + Math.round(n / m / 2) + 1;
  const tenure = () => tBase + rng.int(tSpan);

  // ---- candidate buffers
  const path: number[] = [];
  // candidate encoding: kind 0 = to block front, 1 = to block back, 2 = reassign
  const cKind: number[] = [], cV: number[] = [], cA: number[] = [], cB: number[] = [], cEst: number[] = [];
  const seg: number[] = [];
  const rr: number[] = [];

  const evalSeg = (pre: number, post: number): number => {
    let prevEnd = pre >= 0 ? r[pre] + p[pre] : 0;
    for (let i = 0; i < seg.length; i++) {
      const y = seg[i];
      let s = rel[y];
      const a = jp[y];
      if (a >= 0 && r[a] + p[a] > s) s = r[a] + p[a];
      if (prevEnd > s) s = prevEnd;
      rr[i] = s;
      prevEnd = s + p[y];
    }
    let next = post >= 0 ? p[post] + q[post] : 0;
    let est = 0;
    for (let i = seg.length - 1; i >= 0; i--) {
      const y = seg[i];
      const c = js[y];
      let qq = c >= 0 ? p[c] + q[c] : 0;
      if (next > qq) qq = next;
      if (rr[i] + p[y] + qq > est) est = rr[i] + p[y] + qq;
      next = qq + p[y];
    }
    return est;
  };

  let iterations = 0;
  const pacer = new Pacer(opts.deadline, opts.signal);
  let lastImprove = 0;
  // short stalls + stronger kicks measured slightly better on Mk06/07/10 than long walks (noisy, 2 seeds)
  const stallLimit = Math.max(800, 4 * n);

  while (iterations < opts.maxIterations && bestC > opts.lowerBound()) {
    // the hot loop checks its budget every 64 iterations
    if ((iterations & 63) === 0 && !(await pacer.proceed())) break;
    iterations++;

    // restart from the best with a kick after a long stall
    if (iterations - lastImprove > stallLimit) {
      buildFrom(bestMach, bestStart);
      computeRQ();
      tabuArc.fill(0); tabuMach.fill(0);
      const kicks = 4 + rng.int(8);
      for (let k = 0; k < kicks; k++) {
        const v = rng.int(n);
        const alts = altM[v];
        if (alts.length < 2) continue;
        const nk = alts[rng.int(alts.length)];
        if (nk === mach[v]) continue;
        // insert at a random cycle-free slot on nk (conditions on the current heads/tails)
        const rv = r[v], pv = p[v], qv = q[v];
        const slots: number[] = [];
        for (let u = -1, w = head[nk]; ; u = w, w = ms[w]) {
          if (u >= 0 && r[u] >= rv + pv) break;
          if (w < 0 || q[w] < qv + pv) slots.push(u);
          if (w < 0) break;
        }
        if (!slots.length) continue;
        unlink(v);
        linkAfter(v, nk, slots[rng.int(slots.length)]);
        if (!computeRQ()) { buildFrom(bestMach, bestStart); computeRQ(); }
      }
      lastImprove = iterations;
    }

    // ---- one critical path (random tie-breaks)
    path.length = 0;
    let v = -1;
    {
      let cnt = 0;
      for (let x = 0; x < n; x++) if (r[x] + p[x] === cmax && rng.int(++cnt) === 0) v = x;
    }
    while (v >= 0) {
      path.push(v);
      const a = jp[v], b = mp[v];
      const ja = a >= 0 && r[a] + p[a] === r[v];
      const mb = b >= 0 && r[b] + p[b] === r[v];
      v = ja && mb ? (rng.next() < 0.5 ? a : b) : ja ? a : mb ? b : -1;
    }
    path.reverse();

    cKind.length = 0; cV.length = 0; cA.length = 0; cB.length = 0; cEst.length = 0;
    // ---- block moves
    let i0 = 0;
    while (i0 < path.length) {
      let i1 = i0;
      while (i1 + 1 < path.length && ms[path[i1]] === path[i1 + 1]) i1++;
      const k = i1 - i0 + 1;
      if (k >= 2) {
        const pre = mp[path[i0]], post = ms[path[i1]];
        // move b_i to front
        for (let i = i0 + 1; i <= i1; i++) {
          const bi = path[i];
          let bad = false;
          seg.length = 0; seg.push(bi);
          for (let j = i0; j < i; j++) { if (path[j] === jp[bi]) bad = true; seg.push(path[j]); }
          if (bad) continue;
          cKind.push(0); cV.push(bi); cA.push(path[i0]); cB.push(i - i0); cEst.push(evalSeg(pre, ms[bi]));
        }
        // move b_i to back
        for (let i = i0; i < i1; i++) {
          const bi = path[i];
          if (i === i0 && i1 - i0 === 1) continue; // same swap as moving b_1 to the front
          let bad = false;
          seg.length = 0;
          for (let j = i + 1; j <= i1; j++) { if (path[j] === js[bi]) bad = true; seg.push(path[j]); }
          seg.push(bi);
          if (bad) continue;
          cKind.push(1); cV.push(bi); cA.push(path[i1]); cB.push(i1 - i); cEst.push(evalSeg(mp[bi], post));
        }
      }
      i0 = i1 + 1;
    }
    // ---- reassignments of critical ops
    for (let i = 0; i < path.length; i++) {
      const x = path[i];
      const alts = altM[x];
      if (alts.length < 2) continue;
      const rx = r[x], px = p[x], qx = q[x];
      const a = jp[x], c = js[x];
      const jpEnd = Math.max(rel[x], a >= 0 ? r[a] + p[a] : 0);
      const jsT = c >= 0 ? p[c] + q[c] : 0;
      for (let t = 0; t < alts.length; t++) {
        const k = alts[t];
        if (k === mach[x]) continue;
        const pk = dur[x * m + k];
        let bestE = HUGE, bestU = -2;
        let u = -1;
        let w = head[k];
        for (;;) {
          // slot between u and w
          if (u >= 0 && r[u] >= rx + px) break;
          if (w < 0 || q[w] < qx + px) {
            const left = Math.max(jpEnd, u >= 0 ? r[u] + p[u] : 0);
            const right = Math.max(jsT, w >= 0 ? p[w] + q[w] : 0);
            const e = left + pk + right;
            if (e < bestE) { bestE = e; bestU = u; }
          }
          if (w < 0) break;
          u = w; w = ms[w];
        }
        if (bestU === -2) continue;
        cKind.push(2); cV.push(x); cA.push(k); cB.push(bestU); cEst.push(bestE);
      }
    }
    if (cKind.length === 0) break; // no neighbour: the critical path is a single job chain → optimal

    // ---- choose: best admissible (non-tabu or aspirating), random ties; fall back to random
    const isTabu = (ci: number): boolean => {
      const kind = cKind[ci], x = cV[ci];
      if (kind === 2) return tabuMach[x * m + cA[ci]] > iterations;
      if (kind === 0) {
        for (let y = cA[ci], c = 0; c < cB[ci]; y = ms[y], c++) if (tabuArc[x * n + y] > iterations) return true;
      } else {
        for (let y = ms[x], c = 0; c < cB[ci]; y = ms[y], c++) if (tabuArc[y * n + x] > iterations) return true;
      }
      return false;
    };
    let applied = false;
    for (let attempt = 0; attempt < 4 && !applied; attempt++) {
      let ch = -1, chE = HUGE, ties = 0;
      for (let ci = 0; ci < cKind.length; ci++) {
        const e = cEst[ci];
        if (e >= HUGE) continue;
        if (e > chE) continue;
        if (e >= bestC && isTabu(ci)) continue;
        if (e < chE) { chE = e; ch = ci; ties = 1; } else if (rng.int(++ties) === 0) ch = ci;
      }
      if (ch < 0) {
        const live: number[] = [];
        for (let ci = 0; ci < cKind.length; ci++) if (cEst[ci] < HUGE) live.push(ci);
        if (!live.length) break;
        ch = live[rng.int(live.length)];
      }
      // apply
      const kind = cKind[ch], x = cV[ch];
      const oldM = mach[x], oldPrev = mp[x];
      const tn = tenure();
      const touched: number[] = [];
      if (kind === 0) {
        for (let y = cA[ch], c = 0; c < cB[ch]; y = ms[y], c++) touched.push(y);
        const anchor = mp[cA[ch]];
        unlink(x);
        linkAfter(x, oldM, anchor);
      } else if (kind === 1) {
        for (let y = ms[x], c = 0; c < cB[ch]; y = ms[y], c++) touched.push(y);
        const anchor = cA[ch];
        unlink(x);
        linkAfter(x, oldM, anchor);
      } else {
        unlink(x);
        linkAfter(x, cA[ch], cB[ch]);
      }
      if (computeRQ()) {
        applied = true;
        if (kind === 0) for (const y of touched) tabuArc[y * n + x] = iterations + tn;
        else if (kind === 1) for (const y of touched) tabuArc[x * n + y] = iterations + tn;
        else tabuMach[x * m + oldM] = iterations + tn;
      } else {
        // cycle: undo and drop this candidate
        unlink(x);
        linkAfter(x, oldM, oldPrev);
        computeRQ();
        cEst[ch] = HUGE;
      }
    }
    if (!applied) { lastImprove = Math.min(lastImprove, iterations - stallLimit); continue; }
    if (cmax < bestC) {
      bestC = cmax;
      bestMach.set(mach);
      bestStart.set(r);
      timeToBest = performance.now() - t0;
      lastImprove = iterations;
    }
  }

  buildFrom(bestMach, bestStart);
  computeRQ();
  const start = new Float64Array(n), end = new Float64Array(n);
  for (let x = 0; x < n; x++) { start[x] = r[x]; end[x] = r[x] + p[x]; }
  return { mach: mach.slice(), start, end, makespan: cmax, iterations, timeToBest, aborted: pacer.aborted, initial };
}
