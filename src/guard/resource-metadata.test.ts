import { describe, expect, it } from 'vitest';
import { authConfigSchema } from '../config/access.js';
import { checkAuthMode } from './auth-mode.js';
import { protectedResourceMetadata, resourceMetadataUrl, wwwAuthenticate } from './resource-metadata.js';

const jwtAuth = authConfigSchema.parse({
  mode: 'jwt',
  resource: 'https://warden.example/mcp',
  jwt: {
    issuer: 'https://idp.example',
    audience: 'https://warden.example/mcp',
    jwksUrl: 'https://idp.example/jwks',
  },
});

describe('protected-resource metadata (RFC 9728)', () => {
  it('names the resource and its authorization server', () => {
    expect(protectedResourceMetadata(jwtAuth)).toEqual({
      resource: 'https://warden.example/mcp',
      authorization_servers: ['https://idp.example'],
      bearer_methods_supported: ['header'],
      resource_name: 'Warden',
    });
    expect(protectedResourceMetadata(authConfigSchema.parse({}), 'http://127.0.0.1:8787/mcp')).toEqual({
      resource: 'http://127.0.0.1:8787/mcp',
      bearer_methods_supported: ['header'],
      resource_name: 'Warden',
    });
  });

  it('points WWW-Authenticate at the metadata document', () => {
    const url = resourceMetadataUrl('https://warden.example/mcp');
    expect(url).toBe('https://warden.example/.well-known/oauth-protected-resource');
    expect(wwwAuthenticate(url)).toBe(
      'Bearer resource_metadata="https://warden.example/.well-known/oauth-protected-resource"',
    );
    expect(wwwAuthenticate(url, 'invalid_token')).toBe(
      'Bearer error="invalid_token", resource_metadata="https://warden.example/.well-known/oauth-protected-resource"',
    );
  });

  it('cannot be used to inject header syntax', () => {
    expect(wwwAuthenticate('https://x/"a\\b\r\nX: y')).toBe(
      'Bearer resource_metadata="https://x/\\"a\\\\bX: y"',
    );
  });
});

describe('checkAuthMode', () => {
  it('refuses mode none off loopback, allows it on loopback', () => {
    const none = authConfigSchema.parse({ mode: 'none' });
    expect(() => checkAuthMode(none, false)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => checkAuthMode(none, true)).not.toThrow();
  });

  it('refuses mode jwt without settings and accepts api-key anywhere', () => {
    expect(() => checkAuthMode(authConfigSchema.parse({ mode: 'jwt' }), true)).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => checkAuthMode(authConfigSchema.parse({}), false)).not.toThrow();
    expect(() => checkAuthMode(jwtAuth, false)).not.toThrow();
  });
});
