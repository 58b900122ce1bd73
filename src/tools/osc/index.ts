import type { OscConfig } from '../../config/builtins.js';
import type { ToolFamily } from '../types.js';
import { compileAddressAllowlist } from './osc-address.js';
import { OscLink } from './osc-link.js';
import { createOscSendTool } from './osc-send-tool.js';
import { isLoopbackTarget, parseOscTargets } from './osc-targets.js';

/**
 * Opens the OSC socket (on 127.0.0.1 when every target is on loopback, otherwise on all IPv4 interfaces) and
 * returns the `osc_send` tool; throws CONFIG_INVALID for malformed targets or address patterns.
 */
export async function createOscTools(config: OscConfig): Promise<ToolFamily> {
  const targets = parseOscTargets(config.targets);
  const allowed = compileAddressAllowlist(config.addresses);
  const bindHost = targets.every(isLoopbackTarget) ? '127.0.0.1' : '0.0.0.0';
  const link = await OscLink.open({ bindHost, replyPort: config.replyPort });
  return {
    tools: [createOscSendTool({ link, targets, allowed, replyTimeoutMs: config.replyTimeoutMs })],
    close: () => link.close(),
  };
}

export { OscLink, MAX_PENDING_REPLIES, type OscLinkOptions } from './osc-link.js';
export { OSC_SEND_DEFINITION, createOscSendTool, type OscSendToolOptions } from './osc-send-tool.js';
export {
  decodeOscMessage,
  encodeOscMessage,
  OscDecodeError,
  MAX_OSC_PACKET_BYTES,
  type OscArg,
  type OscMessage,
} from './osc-codec.js';
export { checkOscAddress, compileAddressAllowlist, type OscAddressAllowlist } from './osc-address.js';
export { toOscArgs, fromOscArg, MAX_OSC_ARGS, MAX_OSC_BLOB_BYTES } from './osc-args.js';
export { parseOscTarget, parseOscTargets, selectOscTarget, type OscTarget } from './osc-targets.js';
