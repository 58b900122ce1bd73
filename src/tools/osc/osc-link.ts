import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { WardenError } from '../../errors/index.js';
import { decodeOscMessage, type OscMessage } from './osc-codec.js';
import type { OscTarget } from './osc-targets.js';

/** Most calls waiting for a reply at once; more are refused with CONCURRENCY_LIMITED. */
export const MAX_PENDING_REPLIES = 256;

interface Waiter {
  target: OscTarget;
  address: string;
  resolve: (message: OscMessage) => void;
  reject: (error: WardenError) => void;
}

/** Options of {@link OscLink.open}. */
export interface OscLinkOptions {
  /** Local address of the socket: 127.0.0.1 unless a target lies outside loopback. */
  bindHost: string;
  /** Local UDP port (replies from AbletonOSC go to 11001); 0 picks one. */
  replyPort: number;
}

/**
 * One UDP socket that sends OSC messages and receives replies. A reply is accepted only from the exact address
 * and port a waiting call sent to, and only for the OSC address that call expects; everything else is dropped.
 */
export class OscLink {
  readonly #socket: Socket;
  readonly #waiters: Waiter[] = [];
  #dropped = 0;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('message', (packet, remote) => this.#receive(packet, remote));
    // Errors on an unconnected UDP socket concern single datagrams (for example ICMP unreachable); keep serving.
    socket.on('error', () => {
      this.#dropped += 1;
    });
  }

  /** Binds the socket. */
  static async open(options: OscLinkOptions): Promise<OscLink> {
    const socket = createSocket({ type: 'udp4' });
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => {
        socket.close();
        const where = `${options.bindHost}:${options.replyPort}`;
        reject(
          new WardenError('CONFIG_INVALID', `cannot bind the OSC reply socket to ${where}`, { cause: error }),
        );
      };
      socket.once('error', onError);
      socket.bind(options.replyPort, options.bindHost, () => {
        socket.off('error', onError);
        resolve();
      });
    });
    socket.unref();
    return new OscLink(socket);
  }

  /** The bound local port. */
  get port(): number {
    return this.#socket.address().port;
  }

  /** Packets dropped so far: malformed, unexpected or from an address no call sent to. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Sends one packet. */
  send(target: OscTarget, packet: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#socket.send(packet, target.port, target.host, (error) => {
        if (error === null) resolve();
        else reject(new WardenError('OSC_SEND_FAILED', undefined, { cause: error }));
      });
    });
  }

  /** Sends one packet and waits up to `timeoutMs` for a reply with OSC address `address` from `target`. */
  async request(
    target: OscTarget,
    packet: Buffer,
    address: string,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<OscMessage> {
    if (this.#waiters.length >= MAX_PENDING_REPLIES) throw new WardenError('CONCURRENCY_LIMITED');
    if (signal.aborted) throw new WardenError('CANCELLED');
    let waiter: Waiter | undefined;
    const reply = new Promise<OscMessage>((resolve, reject) => {
      waiter = { target, address, resolve, reject };
      this.#waiters.push(waiter);
    });
    const timer = setTimeout(() => this.#settle(waiter, new WardenError('OSC_TIMEOUT')), timeoutMs);
    const onAbort = (): void => this.#settle(waiter, new WardenError('CANCELLED'));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await this.send(target, packet);
      return await reply;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      this.#remove(waiter);
    }
  }

  /** Closes the socket; waiting calls fail with SHUTTING_DOWN. */
  async close(): Promise<void> {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new WardenError('SHUTTING_DOWN'));
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #receive(packet: Buffer, remote: RemoteInfo): void {
    const fromTarget = this.#waiters.filter(
      (w) => w.target.host === remote.address && w.target.port === remote.port,
    );
    if (fromTarget.length === 0) {
      this.#dropped += 1;
      return;
    }
    let message: OscMessage;
    try {
      message = decodeOscMessage(packet);
    } catch {
      // Malformed datagrams from the network are dropped; a decoding fault must never take the gateway down.
      this.#dropped += 1;
      return;
    }
    const waiter = fromTarget.find((w) => w.address === message.address);
    if (waiter === undefined) {
      this.#dropped += 1;
      return;
    }
    this.#remove(waiter);
    waiter.resolve(message);
  }

  #settle(waiter: Waiter | undefined, error: WardenError): void {
    if (waiter === undefined || !this.#waiters.includes(waiter)) return;
    this.#remove(waiter);
    waiter.reject(error);
  }

  #remove(waiter: Waiter | undefined): void {
    const index = waiter === undefined ? -1 : this.#waiters.indexOf(waiter);
    if (index !== -1) this.#waiters.splice(index, 1);
  }
}
