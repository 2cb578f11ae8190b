/**
 * Probes, the OpenAPI document and its rendered documentation. /docs is Redoc's standalone bundle
 * served from node_modules (no CDN: the page loads only this server's assets and /openapi.json).
 */
import { createRequire } from 'node:module';
import type { AppContext } from '../../app/context.js';
import { DomainError } from '../../app/errors.js';
import { OpenApiDocument } from '../../model/responses.js';
import { reply, type Api } from '../api.js';
import { z } from 'zod';

export const DOCS_ASSET = '/docs/redoc.standalone.js';

/** The page of /docs: Redoc over /openapi.json, every asset from this server. */
export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Baywise API</title>
<style>body { margin: 0; padding: 0; font-family: system-ui, sans-serif; }</style>
</head>
<body>
<redoc spec-url="/openapi.json" hide-download-button="false"></redoc>
<script src="${DOCS_ASSET}"></script>
</body>
</html>
`;

let bundlePath: string | undefined;
/** Where the installed Redoc bundle is (resolved once, on the first request of /docs). */
function redocBundle(): string {
  bundlePath ??= createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');
  return bundlePath;
}

export function registerSystemRoutes(api: Api, ctx: AppContext, opts: { isReady: () => boolean; openapi: () => unknown }) {
  api
    .add({
      method: 'get',
      path: '/healthz',
      operationId: 'getLiveness',
      tag: 'system',
      summary: 'Liveness: the process answers',
      response: z.object({ status: z.literal('ok') }),
      examples: { response: { status: 'ok' } },
      handler: () => ({ status: 'ok' }),
    })
    .add({
      method: 'get',
      path: '/readyz',
      operationId: 'getReadiness',
      tag: 'system',
      summary: 'Readiness: store reachable and not shutting down (503 otherwise)',
      response: z.object({ status: z.literal('ready'), store: z.string() }),
      examples: { response: { status: 'ready', store: 'sqlite' } },
      errors: [503],
      handler: () => {
        let storeOk = false;
        try {
          storeOk = ctx.store.ping();
        } catch {
          storeOk = false;
        }
        if (!opts.isReady() || !storeOk) throw new DomainError('unavailable', opts.isReady() ? 'store unreachable' : 'shutting down');
        return { status: 'ready', store: ctx.store.kind };
      },
    })
    .add({
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApiDocument',
      tag: 'system',
      summary: 'This API as an OpenAPI 3.1 document',
      response: OpenApiDocument,
      handler: () => reply(200, opts.openapi()),
    })
    .add({
      method: 'get',
      path: '/docs',
      operationId: 'getApiDocs',
      tag: 'system',
      summary: 'This API\'s documentation, rendered (Redoc over /openapi.json)',
      response: { mediaType: 'text/html', description: 'The documentation page' },
      handler: ({ res }) => {
        res.status(200).type('html').setHeader('cache-control', 'no-cache');
        res.send(DOCS_HTML);
      },
    })
    .add({
      method: 'get',
      path: DOCS_ASSET,
      operationId: 'getApiDocsScript',
      tag: 'system',
      summary: 'The script of the documentation page (Redoc\'s standalone bundle)',
      response: { mediaType: 'text/javascript', description: 'Redoc\'s standalone bundle' },
      handler: ({ res }) =>
        new Promise<void>((resolve, reject) => {
          res.type('text/javascript').setHeader('cache-control', 'public, max-age=3600');
          res.sendFile(redocBundle(), (err) => (err && !res.headersSent ? reject(err) : resolve()));
        }),
    });
}
