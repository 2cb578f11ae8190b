/** The environment's configuration: defaults, bounds, and refusals with the variable's name. */
import { describe, expect, it } from 'vitest';
import { bodyLimitBytes, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('has bounded defaults', () => {
    const c = loadConfig({});
    expect(c.BODY_LIMIT).toBe('1mb');
    expect(c.SHUTDOWN_DRAIN_MS).toBeLessThan(c.SHUTDOWN_TIMEOUT_MS);
    expect(c.REQUEST_TIMEOUT_MS).toBe(30_000);
  });

  it('reads BODY_LIMIT units as express does (1024-based)', () => {
    expect(bodyLimitBytes('512b')).toBe(512);
    expect(bodyLimitBytes('256kb')).toBe(256 * 1024);
    expect(bodyLimitBytes('10mb')).toBe(10 * 1024 * 1024);
    expect(bodyLimitBytes('1gb')).toBeNaN();
    expect(loadConfig({ BODY_LIMIT: '10mb' }).BODY_LIMIT).toBe('10mb');
    expect(loadConfig({ BODY_LIMIT: '10240kb' }).BODY_LIMIT).toBe('10240kb');
  });

  it.each(['11mb', '10241kb', '20000000b', '1000000mb', '0kb', '1gb', '1.5mb', 'lots'])('refuses BODY_LIMIT=%s', (v) => {
    expect(() => loadConfig({ BODY_LIMIT: v })).toThrow(/invalid configuration: BODY_LIMIT/);
  });

  it('refuses a drain that does not fit in the shutdown timeout', () => {
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: '10000', SHUTDOWN_TIMEOUT_MS: '10000' })).toThrow(/SHUTDOWN_DRAIN_MS/);
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: '2000' })).toThrow(/SHUTDOWN_DRAIN_MS/); // the default drain is 3 s
    expect(loadConfig({ SHUTDOWN_DRAIN_MS: '0', SHUTDOWN_TIMEOUT_MS: '2000' }).SHUTDOWN_DRAIN_MS).toBe(0);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: '-1' })).toThrow(/SHUTDOWN_DRAIN_MS/);
  });

  it('refuses REQUEST_TIMEOUT_MS outside 200 ms … 5 min', () => {
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '100' })).toThrow(/REQUEST_TIMEOUT_MS/);
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '600000' })).toThrow(/REQUEST_TIMEOUT_MS/);
  });
});
