/**
 * Errors Node's HTTP parser raises before express sees a request (malformed request line, headers
 * over the size limit, bad chunked encoding, a request not received in time). Node's own answer
 * is a bare `400 Bad Request` without a body or request id; this writes the same status as
 * problem+json with a generated `x-request-id` (echoed in the body and the log), whenever the
 * socket can still be written, then closes the connection.
 */
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { problem, type HttpCode } from './problem.js';

/** Node's parser error codes (llhttp `HPE_*`, plus Node's own) → our problem codes. */
function codeOf(err: NodeJS.ErrnoException): { code: HttpCode; detail: string } {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { code: 'headers_too_large', detail: 'the request line and headers exceed the server limit (16 KiB)' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { code: 'request_timeout', detail: 'the request was not received completely in time' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { code: 'payload_too_large', detail: 'chunk extensions too large' };
    default:
      return { code: 'malformed_request', detail: `the request is not valid HTTP/1.1 (${err.code ?? 'parse error'}${(err as { reason?: string }).reason ? `: ${(err as { reason?: string }).reason}` : ''})` };
  }
}

export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, logger: Logger): void {
  // the peer is gone (or the response is already under way): nothing can be said
  // (Node's own rule: write only if no response of this connection has started)
  const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage;
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  const requestId = randomUUID();
  const { code, detail } = codeOf(err);
  const body = JSON.stringify({ ...problem(code, detail), requestId });
  logger.warn({ requestId, code: err.code, status: problem(code).status }, 'rejected a request Node could not parse');
  const status = problem(code).status;
  const reason = { 400: 'Bad Request', 408: 'Request Timeout', 413: 'Payload Too Large', 431: 'Request Header Fields Too Large' }[status] ?? 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\n` +
      'content-type: application/problem+json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `x-request-id: ${requestId}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
  // end() flushes then closes; a peer that never reads must not hold the socket
  setTimeout(() => socket.destroy(), 2_000).unref();
}
