import { describe, expect, it } from 'vitest';
import { extractCredential } from './credentials.js';
import { rejectCredentialsInUrl } from './credentials-in-url.js';

const KEY = `wdn_${'A'.repeat(43)}`;

describe('extractCredential', () => {
  it('reads Bearer (any case) and X-API-Key, and nothing when absent', () => {
    expect(extractCredential({ authorization: `Bearer ${KEY}` })).toBe(KEY);
    expect(extractCredential({ authorization: `bearer ${KEY}` })).toBe(KEY);
    expect(extractCredential({ 'x-api-key': KEY })).toBe(KEY);
    expect(extractCredential({ authorization: `Bearer ${KEY}`, 'x-api-key': KEY })).toBe(KEY);
    expect(extractCredential({})).toBeUndefined();
  });

  it('refuses two Authorization lines, which Node folds to the first', () => {
    const headers = { authorization: `Bearer ${KEY}` };
    expect(extractCredential(headers, ['Host', 'h', 'Authorization', `Bearer ${KEY}`])).toBe(KEY);
    for (const second of [`Bearer ${KEY}`, 'Bearer wdn_other', 'Basic eDp5']) {
      expect(() =>
        extractCredential(headers, ['Authorization', `Bearer ${KEY}`, 'authorization', second]),
      ).toThrow(expect.objectContaining({ code: 'AUTH_INVALID', message: 'malformed Authorization header' }));
    }
  });

  it('refuses other schemes, empty, duplicated and conflicting values', () => {
    for (const headers of [
      { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: `Bearer ${KEY} extra` },
      { authorization: `Bearer ${KEY},${KEY}` },
      { 'x-api-key': '' },
      { 'x-api-key': `${KEY}, ${KEY}` },
      { 'x-api-key': [KEY, KEY] },
      { authorization: `Bearer ${KEY}`, 'x-api-key': `wdn_${'B'.repeat(43)}` },
      { authorization: `Bearer ${'x'.repeat(20_000)}` },
    ]) {
      expect(() => extractCredential(headers), JSON.stringify(headers).slice(0, 80)).toThrow(
        expect.objectContaining({ code: 'AUTH_INVALID' }),
      );
    }
  });
});

describe('rejectCredentialsInUrl', () => {
  it('accepts ordinary URLs', () => {
    expect(() => rejectCredentialsInUrl('/mcp')).not.toThrow();
    expect(() => rejectCredentialsInUrl('/mcp?session=abc&cursor=2')).not.toThrow();
  });

  it('refuses keys and tokens in the query string, under any name or spelling', () => {
    for (const url of [
      `/mcp?api_key=${KEY}`,
      `/mcp?x=${KEY}`,
      '/mcp?access_token=abc',
      '/mcp?TOKEN=abc',
      '/mcp?apiKey=abc',
      '/mcp?q=eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.sig',
      `/mcp/${KEY}`,
      `/mcp?k=${encodeURIComponent(KEY)}`,
      '/mcp?a=wdn%5Fabc',
      'http://user:pass@host/mcp',
    ]) {
      expect(() => rejectCredentialsInUrl(url), url).toThrow(
        expect.objectContaining({ code: 'CREDENTIAL_IN_URL' }),
      );
    }
  });
});
