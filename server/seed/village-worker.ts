// Worker thread of the scale seed: generates and encodes villages on request, so that on a
// 2-core machine one core generates while the other writes (SQLite) or PostgreSQL inserts.
// Messages in: a village index. Messages out: 'ready' once, then one ScaleVillage per request,
// in request order, with the encoded buffers transferred rather than copied.
import { parentPort, workerData } from 'node:worker_threads';
import { encodePart } from './encode';
import { scaleVillageBuilder, type ScaleContext, type ScaleVillage } from './scale-village';

const port = parentPort;
if (!port) throw new Error('village-worker.ts runs as a worker thread only');
const { ctx } = workerData as { ctx: ScaleContext };
const build = scaleVillageBuilder(ctx);

port.on('message', (g: number) => {
  const v = build(g);
  // Encoded rows cross the thread boundary as one buffer per table, not as objects to clone.
  const blocks = v.parts.map(encodePart);
  const encoded: ScaleVillage = { ...v, parts: blocks.map((block) => ({ table: block.table, block })) };
  // encodeRows allocates outside Node's shared pool, so each block's ArrayBuffer is its own.
  port.postMessage(encoded, blocks.map((b) => b.data.buffer as ArrayBuffer));
});
port.postMessage('ready');
