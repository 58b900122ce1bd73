import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isWardenError } from '../../errors/index.js';
import type { BuiltinTool, ToolFamily } from '../types.js';
import { decodeOscMessage, encodeOscMessage, type OscMessage } from './osc-codec.js';
import { createOscTools } from './index.js';

interface Device {
  socket: Socket;
  port: number;
  received: Array<{ message: OscMessage; from: RemoteInfo }>;
  next(): Promise<{ message: OscMessage; from: RemoteInfo }>;
}

async function bindUdp(): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return socket;
}

async function startDevice(): Promise<Device> {
  const socket = await bindUdp();
  const received: Device['received'] = [];
  const waiting: Array<(entry: Device['received'][number]) => void> = [];
  socket.on('message', (packet, from) => {
    const entry = { message: decodeOscMessage(packet), from };
    received.push(entry);
    waiting.shift()?.(entry);
  });
  return {
    socket,
    port: socket.address().port,
    received,
    next: () => new Promise((resolve) => waiting.push(resolve)),
  };
}

function sendFrom(socket: Socket, to: RemoteInfo, packet: Buffer): Promise<void> {
  return new Promise((resolve, reject) =>
    socket.send(packet, to.port, to.address, (error) => (error === null ? resolve() : reject(error))),
  );
}

const sockets: Socket[] = [];
let device: Device;
let family: ToolFamily;
let tool: BuiltinTool;
const ctx = { signal: new AbortController().signal, requestId: 'osc-1' };

beforeEach(async () => {
  device = await startDevice();
  sockets.push(device.socket);
  family = await createOscTools({
    targets: [`127.0.0.1:${device.port}`, '127.0.0.1:9'],
    addresses: ['/live/**'],
    replyTimeoutMs: 300,
    replyPort: 0,
  });
  tool = family.tools[0]!;
});

afterEach(async () => {
  await family.close?.();
  for (const socket of sockets.splice(0)) socket.close();
});

async function refusal(args: Record<string, unknown>): Promise<{ code: string; message: string }> {
  try {
    await tool.call(args, ctx);
  } catch (error) {
    if (isWardenError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('call unexpectedly succeeded');
}

describe('osc_send', () => {
  it('sends typed arguments to the default target', async () => {
    const arrival = device.next();
    const result = await tool.call(
      {
        address: '/live/song/set/tempo',
        args: [120, 0.5, 'x', true, false, null, { type: 'f', value: 2 }, { type: 'b', value: 'AQID' }],
      },
      ctx,
    );
    expect(result).toEqual({
      content: [
        {
          type: 'text',
          text:
            '{"sent":{"address":"/live/song/set/tempo","target":"127.0.0.1:' + device.port + '","bytes":60}}',
        },
      ],
      structuredContent: {
        sent: { address: '/live/song/set/tempo', target: `127.0.0.1:${device.port}`, bytes: 60 },
      },
    });
    const { message, from } = await arrival;
    expect(message).toEqual({
      address: '/live/song/set/tempo',
      args: [
        { type: 'i', value: 120 },
        { type: 'f', value: 0.5 },
        { type: 's', value: 'x' },
        { type: 'T' },
        { type: 'F' },
        { type: 'N' },
        { type: 'f', value: 2 },
        { type: 'b', value: new Uint8Array([1, 2, 3]) },
      ],
    });
    expect(from.address).toBe('127.0.0.1');
  });

  it('waits for the reply with the same address from the target', async () => {
    void device
      .next()
      .then(({ from }) =>
        sendFrom(
          device.socket,
          from,
          encodeOscMessage({ address: '/live/song/get/tempo', args: [{ type: 'f', value: 123.5 }] }),
        ),
      );
    const result = await tool.call({ address: '/live/song/get/tempo', args: [], awaitReply: true }, ctx);
    expect(result.structuredContent).toEqual({
      sent: { address: '/live/song/get/tempo', target: `127.0.0.1:${device.port}`, bytes: 28 },
      reply: { address: '/live/song/get/tempo', args: [123.5] },
    });
  });

  it('ignores a spoofed reply from another port and takes the genuine one', async () => {
    const spoofer = await bindUdp();
    sockets.push(spoofer);
    void device.next().then(async ({ from }) => {
      await sendFrom(
        spoofer,
        from,
        encodeOscMessage({ address: '/live/song/get/tempo', args: [{ type: 's', value: 'evil' }] }),
      );
      await new Promise((resolve) => setTimeout(resolve, 30));
      await sendFrom(
        device.socket,
        from,
        encodeOscMessage({ address: '/live/song/get/tempo', args: [{ type: 'i', value: 99 }] }),
      );
    });
    const result = await tool.call({ address: '/live/song/get/tempo', awaitReply: true }, ctx);
    expect(result.structuredContent?.['reply']).toEqual({ address: '/live/song/get/tempo', args: [99] });
  });

  it('times out with OSC_TIMEOUT when only spoofed, malformed or other-address replies arrive', async () => {
    const spoofer = await bindUdp();
    sockets.push(spoofer);
    void device.next().then(async ({ from }) => {
      await sendFrom(spoofer, from, encodeOscMessage({ address: '/live/song/get/tempo', args: [] }));
      await sendFrom(device.socket, from, Buffer.from('garbage!'));
      await sendFrom(device.socket, from, encodeOscMessage({ address: '/live/song/get/other', args: [] }));
    });
    expect(await refusal({ address: '/live/song/get/tempo', awaitReply: true })).toEqual({
      code: 'OSC_TIMEOUT',
      message: 'no OSC reply in time',
    });
  });

  it('cancels a call waiting for a reply', async () => {
    const controller = new AbortController();
    const pending = tool.call(
      { address: '/live/song/get/tempo', awaitReply: true },
      { ...ctx, signal: controller.signal },
    );
    await device.next();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('sends to another configured target when named', async () => {
    const result = await tool.call({ address: '/live/x', target: '127.0.0.1:9' }, ctx);
    expect(result.structuredContent).toEqual({
      sent: { address: '/live/x', target: '127.0.0.1:9', bytes: 12 },
    });
  });

  it('refuses a target that is not configured with OSC_TARGET_DENIED and sends nothing', async () => {
    for (const target of [
      '127.0.0.1:1',
      '10.0.0.1:11000',
      `localhost:${device.port + 1}`,
      'example.com:11000',
      '',
    ]) {
      expect(await refusal({ address: '/live/x', target })).toEqual({
        code: 'OSC_TARGET_DENIED',
        message: 'OSC target is not in builtins.osc.targets',
      });
    }
    expect(device.received).toEqual([]);
  });

  it('refuses an address outside the allowlist with OSC_ADDRESS_DENIED', async () => {
    for (const address of ['/lives/x', '/other', '/LIVE/x']) {
      expect(await refusal({ address })).toEqual({
        code: 'OSC_ADDRESS_DENIED',
        message: 'OSC address is not in builtins.osc.addresses',
      });
    }
    expect(device.received).toEqual([]);
  });

  it('refuses pattern characters in the sent address with OSC_ADDRESS_DENIED', async () => {
    for (const address of [
      '/live/*',
      '/live/**',
      '/live/?',
      '/live/[ab]',
      '/live/{a,b}',
      '/live/a b',
      '/live/#1',
      'live/x',
    ]) {
      expect((await refusal({ address })).code).toBe('OSC_ADDRESS_DENIED');
    }
    expect(device.received).toEqual([]);
  });

  it('refuses wrong argument types with OSC_BAD_ARGS', async () => {
    const cases: Array<[unknown, string]> = [
      ['not-an-array', 'osc_send takes {address, args[], target?, awaitReply?}'],
      [[[1, 2]], 'argument 0: expected a number, string, boolean, null or {type, value}'],
      [[{ value: 1 }], 'argument 0: expected a number, string, boolean, null or {type, value}'],
      [[{ type: 'x', value: 1 }], 'argument 0: expected a number, string, boolean, null or {type, value}'],
      [[1, 2 ** 31], 'argument 1: not a 32-bit integer'],
      [[{ type: 'i', value: 1.5 }], 'argument 0: not a 32-bit integer'],
      [[{ type: 'f', value: 1e300 }], 'argument 0: not a finite 32-bit float'],
      [[{ type: 's', value: 1 }], 'argument 0: expected a number, string, boolean, null or {type, value}'],
      [['a\u0000b'], 'argument 0: strings may not contain NUL'],
      [[{ type: 'b', value: 'not base64!' }], 'argument 0: blob must be standard base64'],
      [
        [{ type: 'T', value: false }],
        'argument 0: expected a number, string, boolean, null or {type, value}',
      ],
    ];
    for (const [args, message] of cases) {
      expect(await refusal({ address: '/live/x', args })).toEqual({ code: 'OSC_BAD_ARGS', message });
    }
    expect(await refusal({ address: '/live/x', extra: 1 })).toEqual({
      code: 'OSC_BAD_ARGS',
      message: 'osc_send takes {address, args[], target?, awaitReply?}',
    });
    expect(device.received).toEqual([]);
  });

  it('refuses oversized blobs, too many arguments and oversized messages with OSC_BAD_ARGS', async () => {
    const big = Buffer.alloc(32 * 1024 + 1).toString('base64');
    expect(await refusal({ address: '/live/x', args: [{ type: 'b', value: big }] })).toEqual({
      code: 'OSC_BAD_ARGS',
      message: 'argument 0: blob larger than 32768 bytes',
    });
    expect((await refusal({ address: '/live/x', args: new Array(257).fill(1) })).code).toBe('OSC_BAD_ARGS');
    const blob = { type: 'b', value: Buffer.alloc(32 * 1024).toString('base64') };
    expect(await refusal({ address: '/live/x', args: [blob, blob] })).toEqual({
      code: 'OSC_BAD_ARGS',
      message: 'message larger than 65000 bytes',
    });
    expect(device.received).toEqual([]);
  });
});

describe('osc_send with an AbletonOSC-style device', () => {
  it('receives replies that the device sends to the fixed reply port rather than to the source port', async () => {
    const probe = await bindUdp();
    const replyPort = probe.address().port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const osc = await createOscTools({
      targets: [`127.0.0.1:${device.port}`],
      addresses: ['/live/**'],
      replyTimeoutMs: 300,
      replyPort,
    });
    // Like AbletonOSC: answer from the listening socket to (sender address, fixed reply port), same OSC address.
    void device
      .next()
      .then(({ message, from }) =>
        sendFrom(
          device.socket,
          { ...from, port: replyPort },
          encodeOscMessage({ address: message.address, args: [{ type: 'f', value: 128 }] }),
        ),
      );
    const result = await osc.tools[0]!.call({ address: '/live/song/get/tempo', awaitReply: true }, ctx);
    expect(result.structuredContent?.['reply']).toEqual({ address: '/live/song/get/tempo', args: [128] });
    await osc.close?.();
  });
});

describe('createOscTools configuration', () => {
  it('refuses malformed targets and patterns with CONFIG_INVALID', async () => {
    for (const targets of [
      ['example.com:11000'],
      ['127.0.0.1'],
      ['127.0.0.1:0'],
      ['[::1]:11000'],
      ['127.0.0.1:70000'],
    ]) {
      await expect(
        createOscTools({ targets, addresses: ['/**'], replyTimeoutMs: 100, replyPort: 0 }),
      ).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
      });
    }
    await expect(
      createOscTools({
        targets: ['127.0.0.1:11000'],
        addresses: ['live/**'],
        replyTimeoutMs: 100,
        replyPort: 0,
      }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('binds the reply socket to 127.0.0.1:replyPort and refuses a port in use with CONFIG_INVALID', async () => {
    const holder = await bindUdp();
    const port = holder.address().port;
    const config = {
      targets: [`127.0.0.1:${device.port}`],
      addresses: ['/**'],
      replyTimeoutMs: 100,
      replyPort: port,
    };
    await expect(createOscTools(config)).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: `cannot bind the OSC reply socket to 127.0.0.1:${port}`,
    });
    await new Promise<void>((resolve) => holder.close(() => resolve()));
    const osc = await createOscTools(config);
    const arrival = device.next();
    await osc.tools[0]!.call({ address: '/ping' }, ctx);
    expect((await arrival).from).toMatchObject({ address: '127.0.0.1', port });
    await osc.close?.();
  });
});
