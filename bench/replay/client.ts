/**
 * The replay's HTTP client: loopback only, JSON in and out, `asOf` on every request that has a
 * simulated "now", and a tally of every answer (5xx must stay 0; unexpected 4xx are kept for the
 * report with their problem detail).
 */
export interface Answer<T = any> {
  status: number;
  body: T;
}

export interface Tally {
  requests: number;
  byStatus: Record<string, number>;
  serverErrors: { method: string; path: string; status: number; detail: string }[];
  unexpected: { method: string; path: string; status: number; detail: string }[];
  ms: number;
}

export function newTally(): Tally {
  return { requests: 0, byStatus: {}, serverErrors: [], unexpected: [], ms: 0 };
}

/** Ids in order of first appearance, so that two runs' traces can be compared line by line. */
function normaliser() {
  const ids = new Map<string, string>();
  const VOLATILE = new Set(['stats', 'createdAt', 'updatedAt', 'requestId', 'instance', 'elapsedMs', 'computeMs']);
  return (x: unknown) =>
    JSON.stringify(x, (k, v) => (VOLATILE.has(k) ? undefined : v))?.replace(/\b(ws|apt|tech|bay|op)_[0-9a-f]{8,}\b/g, (id) => {
      if (!ids.has(id)) ids.set(id, `${id.split('_')[0]}#${ids.size}`);
      return ids.get(id)!;
    }) ?? '';
}

export class Client {
  /** with REPLAY_TRACE set: one line per request and answer, ids normalised (for diffing two runs) */
  readonly trace: string[] | null = process.env.REPLAY_TRACE ? [] : null;
  private norm = normaliser();

  constructor(
    readonly base: string,
    readonly tally: Tally,
  ) {
    const u = new URL(base);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) throw new Error(`the replay only talks to loopback, not ${u.hostname}`);
  }

  /**
   * One request. `asOf` (epoch ms, formatted by `iso`) goes in the query string; `expect` lists
   * the statuses the caller handles (others are tallied as unexpected).
   */
  async call<T = any>(method: string, path: string, opts: { body?: unknown; asOf?: string; expect?: number[]; query?: Record<string, string> } = {}): Promise<Answer<T>> {
    const q = new URLSearchParams(opts.query ?? {});
    if (opts.asOf) q.set('asOf', opts.asOf);
    const qs = q.toString();
    const url = `${this.base}${path}${qs ? `?${qs}` : ''}`;
    const t0 = performance.now();
    let res: Response;
    for (let attempt = 1; ; attempt++) {
      res = await fetch(url, {
        method,
        headers: opts.body !== undefined ? { 'content-type': 'application/json' } : {},
        body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      });
      // 503 = the engine is busy or a booking was overtaken: the documented answer is to retry
      if (res.status !== 503 || attempt >= 5) break;
      this.count(503);
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
    this.tally.ms += performance.now() - t0;
    const text = await res.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: kept as text */
    }
    this.count(res.status);
    this.trace?.push(`${method} ${this.norm(path)} ${opts.asOf ?? ''} ${this.norm(opts.body)} → ${res.status} ${this.norm(body)}`);
    const ok = res.status >= 200 && res.status < 300;
    const detail = typeof body === 'object' && body ? `${body.code ?? ''}: ${body.detail ?? body.title ?? ''} ${body.errors ? JSON.stringify(body.errors).slice(0, 200) : ''}` : String(body).slice(0, 200);
    if (res.status >= 500) this.tally.serverErrors.push({ method, path, status: res.status, detail });
    else if (!ok && !(opts.expect ?? []).includes(res.status)) this.tally.unexpected.push({ method, path, status: res.status, detail });
    return { status: res.status, body };
  }

  private count(status: number) {
    this.tally.requests++;
    this.tally.byStatus[status] = (this.tally.byStatus[status] ?? 0) + 1;
  }
}
