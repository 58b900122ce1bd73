export {
  classify,
  errorResponse,
  exceedsDepth,
  isResponse,
  notification,
  parseMessage,
  resultResponse,
  MAX_JSON_DEPTH,
} from './jsonrpc.js';
export type { Classified, Parsed } from './jsonrpc.js';
export {
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  isSupportedProtocolVersion,
  negotiateProtocolVersion,
} from './protocol.js';
export { RPC } from './wire.js';
export type {
  JsonRpcErrorObject,
  JsonRpcErrorResponse,
  JsonRpcId,
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcResponse,
  JsonRpcResultResponse,
  ToolAnnotations,
  ToolContent,
  ToolDefinition,
  ToolResult,
} from './wire.js';
