import { limitLookups } from './lookup-limit.js';
import type { ResolvedAddress, Resolver } from './safe-lookup.js';

/** A scripted DNS for tests: lookups answer (with 127.0.0.1) only when the test calls `answerAll`. */
export interface HeldResolver {
  resolve: Resolver;
  /** Names that reached the resolver, queued or not. */
  reached: string[];
  /** Names actually looked up (given a slot). */
  asked: string[];
  answerAll: () => void;
}

/** A resolver behind {@link limitLookups} with `maxConcurrent` slots, over a DNS that answers when told to. */
export function heldResolver(maxConcurrent: number): HeldResolver {
  const reached: string[] = [];
  const asked: string[] = [];
  const pending: (() => void)[] = [];
  const limited = limitLookups(
    (host: string) =>
      new Promise<ResolvedAddress[]>((done) => {
        asked.push(host);
        pending.push(() => done([{ address: '127.0.0.1', family: 4 }]));
      }),
    { maxConcurrent },
  );
  const resolve: Resolver = (host, signal) => {
    reached.push(host);
    return limited(host, signal);
  };
  return { resolve, reached, asked, answerAll: () => pending.splice(0).forEach((answer) => answer()) };
}
