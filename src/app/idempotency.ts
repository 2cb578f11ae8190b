/**
 * Idempotency-Key support: the first response to a (scope, key) is stored with a hash of the
 * request; a retry with the same key and body replays it, the same key with another body is
 * refused. Keys are stored in the same transaction as the write they protect.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store/port.js';
import { DomainError } from './errors.js';

export const IDEMPOTENCY_KEY_RE = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestHash(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body ?? null)).digest('hex');
}

export function checkIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_RE.test(key))
    throw new DomainError('validation_failed', 'Idempotency-Key must be 8–128 characters of letters, digits, . _ : -', {
      errors: [{ path: 'header.idempotency-key', message: 'invalid format', code: 'invalid_format' }],
    });
  return key;
}

/** A stored response for this key, or undefined; throws when the key was used for another request. */
export function replay(store: Store, scope: string, key: string | undefined, hash: string): { status: number; body: unknown } | undefined {
  if (!key) return undefined;
  const rec = store.idempotency.get(scope, key);
  if (!rec) return undefined;
  if (rec.requestHash !== hash)
    throw new DomainError('idempotency_mismatch', 'this Idempotency-Key was used with a different request body');
  return { status: rec.status, body: JSON.parse(rec.body) };
}

export function remember(store: Store, scope: string, key: string | undefined, hash: string, status: number, body: unknown, nowIso: string): void {
  if (!key) return;
  store.idempotency.put({ scope, key, requestHash: hash, status, body: JSON.stringify(body), createdAt: nowIso });
}

/** Serialises async critical sections per key (e.g. bookings of one workshop). */
export class KeyedMutex {
  private tails = new Map<string, Promise<unknown>>();
  run<T>(key: string, fn: () => Promise<T> | T): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
