import * as z from 'zod';
import { WardenError } from '../../errors/index.js';
import type { ToolDefinition, ToolResult } from '../../mcp/wire.js';
import type { BuiltinTool, ToolCallContext } from '../types.js';
import { checkOscAddress, type OscAddressAllowlist } from './osc-address.js';
import { toOscArgs, fromOscArg } from './osc-args.js';
import { MAX_OSC_PACKET_BYTES, encodeOscMessage } from './osc-codec.js';
import type { OscLink } from './osc-link.js';
import { selectOscTarget, type OscTarget } from './osc-targets.js';

/** What `osc_send` needs besides its arguments. */
export interface OscSendToolOptions {
  link: OscLink;
  targets: readonly OscTarget[];
  allowed: OscAddressAllowlist;
  replyTimeoutMs: number;
}

const argsSchema = z.strictObject({
  address: z.string(),
  args: z.array(z.unknown()).default([]),
  target: z.string().optional(),
  awaitReply: z.boolean().default(false),
});

/** The MCP definition of `osc_send`. */
export const OSC_SEND_DEFINITION: ToolDefinition = {
  name: 'osc_send',
  title: 'Send an OSC message',
  description:
    'Sends one Open Sound Control message over UDP to an allowlisted device (for example Ableton Live through ' +
    'AbletonOSC) and optionally waits for its reply. Integers are sent as int32, other numbers as float32, ' +
    'strings, booleans and null as s/T/F/N; {type, value} picks a type explicitly (blobs "b" as base64).',
  inputSchema: {
    type: 'object',
    properties: {
      address: { type: 'string', description: 'OSC address, such as /live/song/set/tempo.' },
      args: {
        type: 'array',
        description:
          'Arguments: numbers, strings, booleans, null, or {type: "i"|"f"|"s"|"b"|"T"|"F"|"N", value}.',
        items: {},
      },
      target: { type: 'string', description: 'host:port of a configured target; default: the first one.' },
      awaitReply: {
        type: 'boolean',
        description: 'Wait for a reply with the same OSC address from the target.',
      },
    },
    required: ['address'],
    additionalProperties: false,
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
};

/** Builds the `osc_send` tool. */
export function createOscSendTool(options: OscSendToolOptions): BuiltinTool {
  return {
    definition: OSC_SEND_DEFINITION,
    async call(raw: Record<string, unknown>, ctx: ToolCallContext): Promise<ToolResult> {
      const parsed = argsSchema.safeParse(raw);
      if (!parsed.success) {
        throw new WardenError('OSC_BAD_ARGS', 'osc_send takes {address, args[], target?, awaitReply?}');
      }
      const { address, target: requested, awaitReply } = parsed.data;
      checkOscAddress(address);
      if (!options.allowed(address))
        throw new WardenError('OSC_ADDRESS_DENIED', 'OSC address is not in builtins.osc.addresses');
      const target = selectOscTarget(options.targets, requested);
      const packet = encodeOscMessage({ address, args: toOscArgs(parsed.data.args) });
      if (packet.length > MAX_OSC_PACKET_BYTES) {
        throw new WardenError('OSC_BAD_ARGS', `message larger than ${MAX_OSC_PACKET_BYTES} bytes`);
      }
      const sent = { address, target: target.name, bytes: packet.length };
      if (!awaitReply) {
        await options.link.send(target, packet);
        return resultOf({ sent });
      }
      const reply = await options.link.request(target, packet, address, options.replyTimeoutMs, ctx.signal);
      return resultOf({ sent, reply: { address: reply.address, args: reply.args.map(fromOscArg) } });
    },
  };
}

function resultOf(structuredContent: Record<string, unknown>): ToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(structuredContent) }], structuredContent };
}
