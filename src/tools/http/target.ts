import { WardenError } from '../../errors/index.js';

/** Where one hop goes, after the URL checks. */
export interface FetchTarget {
  url: URL;
  /** Host name or literal address, without IPv6 brackets. */
  host: string;
  port: number;
  tls: boolean;
}

/** Options of {@link parseTarget}. */
export interface ParseTargetOptions {
  httpsOnly: boolean;
}

// Tabs and newlines are silently removed by the URL parser; refusing them keeps what was checked and what is
// shown to people the same string.
function hasControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code <= 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

/**
 * Parses and checks a URL with the WHATWG parser (which normalises decimal, octal, hex and short IPv4 forms,
 * fullwidth digits and IDNA), refusing other schemes, userinfo and plain http when `httpsOnly`.
 */
export function parseTarget(text: string, options: ParseTargetOptions): FetchTarget {
  if (hasControlOrSpace(text)) throw new WardenError('HTTP_BAD_URL');
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new WardenError('HTTP_BAD_URL', undefined, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new WardenError('HTTP_SCHEME_DENIED');
  if (options.httpsOnly && url.protocol !== 'https:')
    throw new WardenError('HTTP_SCHEME_DENIED', 'only https URLs are allowed');
  if (url.username !== '' || url.password !== '') throw new WardenError('CREDENTIAL_IN_URL');
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (host === '') throw new WardenError('HTTP_BAD_URL');
  const tls = url.protocol === 'https:';
  const port = url.port === '' ? (tls ? 443 : 80) : Number(url.port);
  if (port === 0) throw new WardenError('HTTP_BAD_URL');
  url.hash = '';
  return { url, host, port, tls };
}
