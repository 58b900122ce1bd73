// Measures one HTTP MCP endpoint at each connection count: open a session, check one echo, then load it.
import { runLoad } from './cannon.mjs';
import { processCpuMicros } from './cpu.mjs';
import { checkEcho, closeSession, mcpHeaders, openSession, toolCallBody } from './mcp-http.mjs';

/**
 * Runs the load points against a started server.
 * @param ctx the run context ({ connections, durationS, warmupS })
 * @param options { url, tool, argName, headers, mcp, session, cpuPid }: argName names the echo tool's text argument;
 *   mcp=false sends plain JSON-RPC (the floor); session=false skips initialize (stateless servers); with cpuPid,
 *   each point also reports `cpuMicrosPerCall`, the CPU time that process (all its threads) spent per 2xx reply
 *   while the point was measured (its warm-up then runs as a load of its own first)
 */
export async function measureHttp(ctx, options) {
  const { url, tool, argName = 'message', headers = {}, mcp = true, session = true } = options;
  let requestHeaders = mcp ? mcpHeaders(headers) : { 'content-type': 'application/json', ...headers };
  if (mcp && session) requestHeaders = (await openSession(url, headers)).headers;
  await checkEcho(url, requestHeaders, tool, { argName });
  const body = toolCallBody(tool, 1, argName);
  const job = { url, headers: requestHeaders, body, connectionsList: ctx.connections };
  const points =
    options.cpuPid === undefined
      ? await runLoad({ ...job, durationS: ctx.durationS, warmupS: ctx.warmupS })
      : await loadWithCpu(ctx, job, options.cpuPid);
  if (mcp && session) await closeSession(url, requestHeaders).catch(() => undefined);
  return points;
}

/** One load per connection count, each after its own warm-up, reading the process's CPU time around it. */
async function loadWithCpu(ctx, job, pid) {
  const points = [];
  for (const connections of job.connectionsList) {
    const one = { ...job, connectionsList: [connections] };
    if (ctx.warmupS > 0) await runLoad({ ...one, durationS: ctx.warmupS });
    const before = processCpuMicros(pid);
    const [p] = await runLoad({ ...one, durationS: ctx.durationS });
    points.push({ ...p, cpuMicrosPerCall: (processCpuMicros(pid) - before) / p.ok2xx });
  }
  return points;
}
