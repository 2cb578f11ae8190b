/**
 * Worker-thread entry of the simulation: runs replications sent by the pool (src/app/simulations.ts)
 * and posts progress (per simulated day) and results. The only module of the simulation that
 * touches Node APIs (worker_threads message plumbing); the engine itself stays pure.
 */
import { parentPort } from 'node:worker_threads';
import { simulateReplication } from './engine.js';
import type { SimWorld } from './types.js';

export interface WorkerTask {
  task: number;
  world: SimWorld;
  seed: number;
  replication: number;
  solverIterations?: number;
}

export type WorkerMessage =
  | { type: 'progress'; task: number; done: number; total: number }
  | { type: 'result'; task: number; result: Awaited<ReturnType<typeof simulateReplication>>; ms: number }
  | { type: 'error'; task: number; message: string };

const port = parentPort;
if (port) {
  // worlds are cached by identity of the first task that carried them (large scenario, many replications)
  const worlds = new Map<string, SimWorld>();
  port.on('message', async (msg: WorkerTask & { worldId?: string }) => {
    const t0 = performance.now();
    try {
      let world = msg.world;
      if (msg.worldId) {
        if (world) worlds.set(msg.worldId, world);
        else world = worlds.get(msg.worldId)!;
      }
      const result = await simulateReplication(world, {
        seed: msg.seed,
        replication: msg.replication,
        solverIterations: msg.solverIterations,
        onDay: (done, total) => port.postMessage({ type: 'progress', task: msg.task, done, total } satisfies WorkerMessage),
      });
      port.postMessage({ type: 'result', task: msg.task, result, ms: performance.now() - t0 } satisfies WorkerMessage);
    } catch (e) {
      port.postMessage({ type: 'error', task: msg.task, message: (e as Error).stack ?? String(e) } satisfies WorkerMessage);
    }
  });
}
