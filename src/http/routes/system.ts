import type { AppContext } from '../../app/context.js';
import { DomainError } from '../../app/errors.js';
import { reply, type Api } from '../api.js';
import { z } from 'zod';

export function registerSystemRoutes(api: Api, ctx: AppContext, opts: { isReady: () => boolean; openapi: () => unknown }) {
  api
    .add({
      method: 'get',
      path: '/healthz',
      tag: 'system',
      summary: 'Liveness: the process answers',
      response: z.object({ status: z.literal('ok') }),
      handler: () => ({ status: 'ok' }),
    })
    .add({
      method: 'get',
      path: '/readyz',
      tag: 'system',
      summary: 'Readiness: store reachable and not shutting down (503 otherwise)',
      response: z.object({ status: z.literal('ready'), store: z.string() }),
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
      tag: 'system',
      summary: 'This API as an OpenAPI 3.1 document',
      handler: () => reply(200, opts.openapi()),
    });
}
