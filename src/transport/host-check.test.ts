import { describe, expect, it } from 'vitest';
import { createHostCheck, soleHost } from './host-check.js';

const loopback = createHostCheck({
  listen: { host: '127.0.0.1', port: 8787 },
  port: 8787,
  allowedHosts: [],
  allowedOrigins: [],
  tls: false,
});

describe('host check', () => {
  it.each(['127.0.0.1:8787', 'localhost:8787', 'LOCALHOST:8787', '[::1]:8787'])(
    'accepts %s on a loopback listener',
    (host) => {
      expect(loopback.hostAllowed(host)).toBe(true);
    },
  );

  it.each([
    undefined,
    'evil.example.com',
    'evil.example.com:8787',
    '127.0.0.1',
    '127.0.0.1:8788',
    '127.0.0.1.evil.com:8787',
    '0.0.0.0:8787',
  ])('refuses Host %s (DNS rebinding)', (host) => {
    expect(loopback.hostAllowed(host)).toBe(false);
  });

  it('accepts no Origin and same-origin, refuses foreign origins', () => {
    expect(loopback.originAllowed(undefined)).toBe(true);
    expect(loopback.originAllowed('http://localhost:8787')).toBe(true);
    expect(loopback.originAllowed('http://evil.example.com')).toBe(false);
    expect(loopback.originAllowed('null')).toBe(false);
    expect(loopback.originAllowed('https://localhost:8787')).toBe(false);
  });

  it('accepts configured names on other listeners', () => {
    const check = createHostCheck({
      listen: { host: '0.0.0.0', port: 443 },
      port: 443,
      allowedHosts: ['mcp.example.org'],
      allowedOrigins: ['https://app.example.org'],
      tls: true,
    });
    expect(check.hostAllowed('mcp.example.org')).toBe(true);
    expect(check.hostAllowed('0.0.0.0:443')).toBe(false);
    expect(check.originAllowed('https://app.example.org')).toBe(true);
    expect(check.originAllowed('https://mcp.example.org')).toBe(true);
  });
});

describe('soleHost', () => {
  it('is the Host of a request with exactly one Host line, in any letter case', () => {
    expect(soleHost(['host', '127.0.0.1:8787', 'Accept', '*/*'])).toBe('127.0.0.1:8787');
    expect(soleHost(['HOST', 'localhost:8787'])).toBe('localhost:8787');
  });

  it('is undefined without a Host line or with two, even two equal ones', () => {
    expect(soleHost(['Accept', '*/*'])).toBeUndefined();
    expect(soleHost(['Host', '127.0.0.1:8787', 'Host', 'evil.example'])).toBeUndefined();
    expect(soleHost(['Host', 'evil.example', 'host', '127.0.0.1:8787'])).toBeUndefined();
    expect(soleHost(['Host', '127.0.0.1:8787', 'Host', '127.0.0.1:8787'])).toBeUndefined();
  });
});
