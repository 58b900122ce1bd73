// Measures one HTTP MCP endpoint at each connection count: open a session, check one echo, then load it.
import { runLoad } from './cannon.mjs';
import { checkEcho, closeSession, mcpHeaders, openSession, toolCallBody } from './mcp-http.mjs';

/**
 * Runs the load points against a started server.
 * @param ctx the run context ({ connections, durationS, warmupS })
 * @param options { url, tool, argName, headers, mcp, session }: argName names the echo tool's text argument;
 *   mcp=false sends plain JSON-RPC (the floor); session=false skips initialize (stateless servers)
 */
export async function measureHttp(ctx, options) {
  const { url, tool, argName = 'message', headers = {}, mcp = true, session = true } = options;
  let requestHeaders = mcp ? mcpHeaders(headers) : { 'content-type': 'application/json', ...headers };
  if (mcp && session) requestHeaders = (await openSession(url, headers)).headers;
  await checkEcho(url, requestHeaders, tool, { argName });
  const body = toolCallBody(tool, 1, argName);
  const job = { url, headers: requestHeaders, body, connectionsList: ctx.connections };
  const points = await runLoad({ ...job, durationS: ctx.durationS, warmupS: ctx.warmupS });
  if (mcp && session) await closeSession(url, requestHeaders).catch(() => undefined);
  return points;
}
