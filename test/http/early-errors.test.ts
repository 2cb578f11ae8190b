/**
 * Requests Node's HTTP parser refuses before express sees them, sent over raw sockets to the real
 * server: each answer is problem+json with a request id (header and body), then the connection closes.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ REQUEST_TIMEOUT_MS: '500' });
});
afterAll(() => s.close());

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: any;
  raw: string;
}

/** Writes the bytes (a string or several pieces with pauses) and reads until the server closes. */
function raw(pieces: string | string[], pauseMs = 0): Promise<RawAnswer[]> {
  const { port } = s;
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1');
    let text = '';
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => (text += d));
    sock.on('error', reject);
    sock.on('close', () => resolve(parseAll(text)));
    sock.setTimeout(10_000, () => sock.destroy(new Error('no answer: ' + text)));
    const list = typeof pieces === 'string' ? [pieces] : pieces;
    void (async () => {
      for (const p of list) {
        if (sock.destroyed) return;
        sock.write(p);
        if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
      }
    })();
  });
}

function parseAll(text: string): RawAnswer[] {
  const out: RawAnswer[] = [];
  let rest = text;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers: Record<string, string> = {};
    for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
    const len = Number(headers['content-length'] ?? 0);
    const bodyText = rest.slice(end + 4, end + 4 + len);
    let body: unknown = bodyText;
    try {
      body = JSON.parse(bodyText);
    } catch {
      /* not JSON */
    }
    out.push({ status: Number(statusLine.split(' ')[1]), headers, body, raw: rest.slice(0, end + 4 + len) });
    rest = rest.slice(end + 4 + len);
  }
  return out;
}

function expectProblem(a: RawAnswer, status: number, code: string) {
  expect(a.status).toBe(status);
  expect(a.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(a.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(a.headers.connection).toBe('close');
  expect(a.body).toMatchObject({ type: `/problems/${code}`, status, code, requestId: a.headers['x-request-id'] });
  expect(typeof a.body.title).toBe('string');
}

describe("Node's early errors", () => {
  it('a malformed request line is a 400 problem with a request id', async () => {
    const [a, more] = await raw('GARBAGE / NOT-HTTP\r\n\r\n');
    expectProblem(a, 400, 'malformed_request');
    expect(more).toBeUndefined();
  });

  it('headers over the size limit are a 431 problem', async () => {
    const [a] = await raw(`GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expectProblem(a, 431, 'headers_too_large');
  });

  it('broken chunked encoding is a 400 problem', async () => {
    const [a] = await raw('POST /v1/workshops HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n');
    expectProblem(a, 400, 'malformed_request');
  });

  it('a request not sent completely within REQUEST_TIMEOUT_MS is a 408 problem', async () => {
    const [a] = await raw(['GET /healthz HTTP/1.1\r\n', 'host: x\r\n'], 50); // ... and never the blank line
    expectProblem(a, 408, 'request_timeout');
  });

  it('after a good request on a keep-alive connection, garbage gets its problem too', async () => {
    const [ok, bad] = await raw(['GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n', 'BROKEN\r\n\r\n'], 200);
    expect(ok.status).toBe(200);
    expect(ok.headers['x-request-id']).toBeTruthy();
    expectProblem(bad, 400, 'malformed_request');
    expect(bad.headers['x-request-id']).not.toBe(ok.headers['x-request-id']);
  });

  it('the server goes on answering afterwards', async () => {
    expect((await s.req('GET', '/healthz')).status).toBe(200);
  });
});
