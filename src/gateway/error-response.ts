import { WardenError, type ErrorCode } from '../errors/index.js';
import type { Logger } from '../log/index.js';
import { errorResponse } from '../mcp/jsonrpc.js';
import { RPC, type JsonRpcRequest, type JsonRpcResponse } from '../mcp/wire.js';
import { UpstreamRpcError } from '../upstream/index.js';

/** JSON-RPC codes of the Warden errors that are the client's fault; refusals are REFUSED, the rest internal. */
const RPC_CODE_OF: Partial<Record<ErrorCode, number>> = {
  INVALID_PARAMS: RPC.INVALID_PARAMS,
  UNKNOWN_PROMPT: RPC.INVALID_PARAMS,
  UNKNOWN_TOOL: RPC.INVALID_PARAMS,
  UNKNOWN_RESOURCE: RPC.RESOURCE_NOT_FOUND,
  METHOD_NOT_FOUND: RPC.METHOD_NOT_FOUND,
  INVALID_REQUEST: RPC.INVALID_REQUEST,
  DUPLICATE_REQUEST_ID: RPC.INVALID_REQUEST,
};

/** Maps a thrown value to the JSON-RPC error a client may see: never a stack or an internal detail. */
export function toErrorResponse(request: JsonRpcRequest, error: unknown, logger: Logger): JsonRpcResponse {
  if (error instanceof UpstreamRpcError) {
    return errorResponse(request.id, error.code, error.message.slice(0, 1000), error.data);
  }
  if (error instanceof WardenError) {
    const refused = error.status === 403 || error.status === 429;
    const code = RPC_CODE_OF[error.code] ?? (refused ? RPC.REFUSED : RPC.INTERNAL_ERROR);
    return errorResponse(request.id, code, `${error.code}: ${error.message}`);
  }
  logger.error({ err: error, method: request.method }, 'request failed');
  return errorResponse(request.id, RPC.INTERNAL_ERROR, 'INTERNAL: internal error');
}
