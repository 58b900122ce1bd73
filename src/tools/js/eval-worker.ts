/**
 * Entry point of one evaluation worker thread: loads the QuickJS WebAssembly module once, then evaluates one
 * request at a time and answers with its outcome. A worker whose module may be damaged exits after answering.
 */
import { parentPort } from 'node:worker_threads';
import { newQuickJSWASMModule } from 'quickjs-emscripten';
import { evaluate } from './evaluate.js';
import { parseEvalRequest, type WorkerMessage } from './eval-protocol.js';

async function main(): Promise<void> {
  const port = parentPort;
  if (port === null) throw new Error('eval-worker must run in a worker thread');
  const module = await newQuickJSWASMModule();
  port.on('message', (value: unknown) => {
    const request = parseEvalRequest(value);
    if (request === undefined) {
      port.close();
      return;
    }
    const { outcome, healthy } = evaluate(module, request);
    const message: WorkerMessage = { type: 'done', id: request.id, outcome, healthy };
    port.postMessage(message);
    if (!healthy) port.close();
  });
  const ready: WorkerMessage = { type: 'ready' };
  port.postMessage(ready);
}

await main();
