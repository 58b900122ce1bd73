import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log/index.js';
import type { Principal } from '../policy/principal.js';
import type { UpstreamClient } from '../upstream/index.js';
import { ClientSession } from './session.js';
import { Subscriptions } from './subscriptions.js';

const URI = 'mini://m/readme';
const PRINCIPAL: Principal = { id: 'alice', groups: [], scopes: [], authMethod: 'api-key' };

/** An upstream that records what it is asked and answers each request only when the test says so. */
function scriptedUpstream(name = 'm') {
  const asked: string[] = [];
  const answers: Array<{ resolve(): void; reject(error: Error): void }> = [];
  const client = {
    name,
    request(method: string, params: { uri: string }) {
      asked.push(`${method} ${params.uri}`);
      return new Promise<Record<string, unknown>>((resolve, reject) => {
        answers.push({ resolve: () => resolve({}), reject });
      });
    },
  } as unknown as UpstreamClient;
  return { client, asked, answers };
}

const session = () => new ClientSession(PRINCIPAL, 'http', { send: () => true }, '127.0.0.1');
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('Subscriptions', () => {
  it('sends concurrent first subscriptions of one URI upstream once, and registers every subscriber', async () => {
    const upstream = scriptedUpstream();
    const subs = new Subscriptions(() => upstream.client, silentLogger());
    const [a, b] = [session(), session()];
    const added = [subs.add(a, URI, upstream.client), subs.add(b, URI, upstream.client)];
    await settled();
    expect(upstream.asked).toEqual([`resources/subscribe ${URI}`]);
    upstream.answers[0]!.resolve();
    await Promise.all(added);
    expect([a.subscriptions.has(URI), b.subscriptions.has(URI)]).toEqual([true, true]);
    expect(subs.sourceOf(URI)).toBe('m');
    subs.drop(a);
    subs.drop(b);
    expect(upstream.asked).toEqual([`resources/subscribe ${URI}`, `resources/unsubscribe ${URI}`]);
  });

  it('unsubscribes again when the only subscriber ended while the upstream was answering', async () => {
    const upstream = scriptedUpstream();
    const subs = new Subscriptions(() => upstream.client, silentLogger());
    const gone = session();
    const added = subs.add(gone, URI, upstream.client);
    await settled();
    gone.close();
    subs.drop(gone);
    upstream.answers[0]!.resolve();
    await expect(added).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await settled();
    expect(upstream.asked).toEqual([`resources/subscribe ${URI}`, `resources/unsubscribe ${URI}`]);
    expect(gone.subscriptions.size).toBe(0);
    expect(subs.sourceOf(URI)).toBeUndefined();
  });

  it('keeps the subscription for a waiting session that stayed when another one ended', async () => {
    const upstream = scriptedUpstream();
    const subs = new Subscriptions(() => upstream.client, silentLogger());
    const [gone, stays] = [session(), session()];
    const added = [subs.add(gone, URI, upstream.client), subs.add(stays, URI, upstream.client)];
    await settled();
    gone.close();
    subs.drop(gone);
    upstream.answers[0]!.resolve();
    await expect(added[0]).rejects.toMatchObject({ code: 'SESSION_NOT_FOUND' });
    await added[1];
    expect(stays.subscriptions.has(URI)).toBe(true);
    expect(upstream.asked).toEqual([`resources/subscribe ${URI}`]);
  });

  it('does not register a session that unsubscribed before the upstream answered', async () => {
    const upstream = scriptedUpstream();
    const subs = new Subscriptions(() => upstream.client, silentLogger());
    const fickle = session();
    const added = subs.add(fickle, URI, upstream.client);
    await settled();
    subs.remove(fickle, URI);
    upstream.answers[0]!.resolve();
    await added;
    await settled();
    expect(fickle.subscriptions.size).toBe(0);
    expect(upstream.asked).toEqual([`resources/subscribe ${URI}`, `resources/unsubscribe ${URI}`]);
  });

  it('passes an upstream refusal to every waiting subscriber and lets a later subscription try again', async () => {
    const upstream = scriptedUpstream();
    const subs = new Subscriptions(() => upstream.client, silentLogger());
    const [a, b] = [session(), session()];
    const added = [subs.add(a, URI, upstream.client), subs.add(b, URI, upstream.client)];
    await settled();
    upstream.answers[0]!.reject(new Error('no such resource'));
    for (const result of added) await expect(result).rejects.toThrow('no such resource');
    expect(a.subscriptions.size + b.subscriptions.size).toBe(0);
    expect(subs.sourceOf(URI)).toBeUndefined();
    const again = subs.add(a, URI, upstream.client);
    await settled();
    upstream.answers[1]!.resolve();
    await again;
    expect(upstream.asked).toEqual([`resources/subscribe ${URI}`, `resources/subscribe ${URI}`]);
    expect(a.subscriptions.has(URI)).toBe(true);
  });

  it('refuses an unsubscribe naming no URI or one no upstream serves', () => {
    const subs = new Subscriptions(() => undefined, silentLogger());
    expect(() => subs.remove(session(), 42)).toThrow(expect.objectContaining({ code: 'INVALID_PARAMS' }));
    expect(() => subs.remove(session(), 'mini://x/y')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_RESOURCE' }),
    );
  });
});
