/** Routes of the workshop model: workshops and their bays, technicians and operation catalogue. */
import { z } from 'zod';
import type { AppContext } from '../../app/context.js';
import * as uc from '../../app/catalog.js';
import { page, Pagination, PatchBody } from '../../model/common.js';
import { Bay, BayInput, Operation, OperationInput, Technician, TechnicianInput, Workshop, WorkshopInput } from '../../model/workshop.js';
import { NO_CONTENT, reply, type Api } from '../api.js';
import { EXAMPLES } from './examples.js';


export function registerCatalogRoutes(api: Api, _ctx: AppContext) {
  api
    .add({
      method: 'post',
      path: '/v1/workshops',
      operationId: 'createWorkshop',
      tag: 'workshops',
      summary: 'Create a workshop',
      body: WorkshopInput,
      status: 201,
      response: Workshop,
      examples: { request: EXAMPLES.workshopInput, response: EXAMPLES.workshop },
      handler: ({ ctx, body }) => {
        const w = uc.createWorkshop(ctx, body);
        return reply(201, w, { location: `/v1/workshops/${w.id}` });
      },
    })
    .add({
      method: 'get',
      path: '/v1/workshops',
      operationId: 'listWorkshops',
      tag: 'workshops',
      summary: 'List workshops',
      query: Pagination,
      response: page(Workshop),
      handler: ({ ctx, query }) => uc.listWorkshops(ctx, query),
    })
    .add({
      method: 'get',
      path: '/v1/workshops/:workshopId',
      operationId: 'getWorkshop',
      tag: 'workshops',
      summary: 'Read a workshop',
      response: Workshop,
      examples: { response: EXAMPLES.workshop },
      errors: [404],
      handler: ({ ctx, params }) => uc.getWorkshop(ctx, params.workshopId),
    })
    .add({
      method: 'patch',
      path: '/v1/workshops/:workshopId',
      operationId: 'updateWorkshop',
      tag: 'workshops',
      summary: 'Update a workshop (merge of top-level fields)',
      body: PatchBody,
      bodyDoc: WorkshopInput,
      response: Workshop,
      errors: [404, 409],
      handler: ({ ctx, params, body }) => uc.updateWorkshop(ctx, params.workshopId, body),
    })
    .add({
      method: 'delete',
      path: '/v1/workshops/:workshopId',
      operationId: 'deleteWorkshop',
      tag: 'workshops',
      summary: 'Delete a workshop with everything in it',
      status: 204,
      response: NO_CONTENT,
      errors: [404],
      handler: ({ ctx, params }) => {
        uc.deleteWorkshop(ctx, params.workshopId);
        return reply(204);
      },
    });

  const children = [
    { name: 'bays', key: 'bayId', tag: 'bays', label: 'bay', one: 'Bay', many: 'Bays', uc: uc.bays, input: BayInput, out: Bay, ex: EXAMPLES.bay },
    { name: 'technicians', key: 'technicianId', tag: 'technicians', label: 'technician', one: 'Technician', many: 'Technicians', uc: uc.technicians, input: TechnicianInput, out: Technician, ex: EXAMPLES.technician },
    { name: 'operations', key: 'opCode', tag: 'catalogue', label: 'catalogue operation', one: 'Operation', many: 'Operations', uc: uc.operations, input: OperationInput, out: Operation, ex: EXAMPLES.operation },
  ] as const;
  for (const c of children) {
    const base = `/v1/workshops/:workshopId/${c.name}`;
    const cases = c.uc as unknown as {
      create(ctx: AppContext, w: string, b: unknown): { id: string };
      get(ctx: AppContext, w: string, k: string): unknown;
      list(ctx: AppContext, w: string, q: { limit: number; offset: number }): unknown;
      update(ctx: AppContext, w: string, k: string, p: Record<string, unknown>): unknown;
      remove(ctx: AppContext, w: string, k: string): void;
    };
    api
      .add({
        method: 'post',
        path: base,
        operationId: `create${c.one}`,
        tag: c.tag,
        summary: `Create a ${c.label}`,
        body: c.input as z.ZodType,
        status: 201,
        response: c.out,
        examples: { request: c.ex.input, response: c.ex.output },
        errors: [404, 409],
        handler: ({ ctx, params, body }) => {
          const e = cases.create(ctx, params.workshopId, body);
          const key = c.key === 'opCode' ? (e as unknown as { opCode: string }).opCode : e.id;
          return reply(201, e, { location: `/v1/workshops/${params.workshopId}/${c.name}/${key}` });
        },
      })
      .add({
        method: 'get',
        path: base,
        operationId: `list${c.many}`,
        tag: c.tag,
        summary: `List ${c.name}`,
        query: Pagination,
        response: page(c.out),
        errors: [404],
        handler: ({ ctx, params, query }) => cases.list(ctx, params.workshopId, query),
      })
      .add({
        method: 'get',
        path: `${base}/:${c.key}`,
        operationId: `get${c.one}`,
        tag: c.tag,
        summary: `Read a ${c.label}`,
        response: c.out,
        examples: { response: c.ex.output },
        errors: [404],
        handler: ({ ctx, params }) => cases.get(ctx, params.workshopId, params[c.key]),
      })
      .add({
        method: 'patch',
        path: `${base}/:${c.key}`,
        operationId: `update${c.one}`,
        tag: c.tag,
        summary: `Update a ${c.label} (merge of top-level fields)`,
        body: PatchBody,
        bodyDoc: c.input as z.ZodType,
        response: c.out,
        errors: [404, 409],
        handler: ({ ctx, params, body }) => cases.update(ctx, params.workshopId, params[c.key], body),
      })
      .add({
        method: 'delete',
        path: `${base}/:${c.key}`,
        operationId: `delete${c.one}`,
        tag: c.tag,
        summary: `Delete a ${c.label}`,
        status: 204,
        response: NO_CONTENT,
        errors: [404, 409],
        handler: ({ ctx, params }) => {
          cases.remove(ctx, params.workshopId, params[c.key]);
          return reply(204);
        },
      });
  }
}
