import { describe, expect, it } from 'vitest';
import { checkConfigText } from './load.js';

const base = { baseDir: '/srv/warden', env: {} };

describe('resolveConfigPaths', () => {
  it('reads TLS files relative to the config folder, never to the directory Warden starts in', () => {
    const { config, problems } = checkConfigText(
      'listen:\n  tls: { cert: tls/server.pem, key: ./tls/server.key, clientCa: ca.pem }\n',
      base,
    );
    expect(problems).toEqual([]);
    expect(config?.listen.tls).toEqual({
      cert: '/srv/warden/tls/server.pem',
      key: '/srv/warden/tls/server.key',
      clientCa: '/srv/warden/ca.pem',
    });
  });

  it('mounts relative sandbox paths from the config folder and leaves absolute ones alone', () => {
    const { config } = checkConfigText(
      'upstreams:\n  s:\n    command: node\n    sandbox: { paths: [app, /opt/lib], writable: [../data] }\n',
      base,
    );
    expect(config?.upstreams.s).toMatchObject({
      sandbox: { paths: ['/srv/warden/app', '/opt/lib'], writable: ['/srv/data'], network: false },
    });
  });

  it('leaves a config without TLS or sandboxes as it was', () => {
    const { config } = checkConfigText('upstreams:\n  r: { url: "https://x.test/mcp" }\n', base);
    expect(config?.listen.tls).toBeUndefined();
    expect(config?.upstreams.r).toMatchObject({ url: 'https://x.test/mcp' });
  });
});
