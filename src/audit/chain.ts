import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import { jsonString } from './canonical-json.js';
import type { AuditRecordContent } from './record.js';

/** A record's content without its position in the chain. */
export type UnchainedContent = Omit<AuditRecordContent, 'seq' | 'prevHash'>;

/** The hash the first record of a fresh log points back to. */
export const GENESIS_HASH = '0'.repeat(64);

const s = jsonString;
const n = (v: number | null): string => (v === null ? 'null' : String(v));
const t = (v: string | null): string => (v === null ? 'null' : s(v));

/**
 * The canonical JSON (RFC 8785 key order) of a record's content, built field by field because verify runs it
 * on millions of rows; `canonical-json.test.ts` pins it to the generic serialiser.
 */
export function recordContentJson(r: UnchainedContent, seq: number, prevHash: string): string {
  return (
    `{"args":${t(r.args)},"argsDigest":${t(r.argsDigest)},"authMethod":${s(r.authMethod)},` +
    `"clientAddress":${t(r.clientAddress)},"correlationId":${s(r.correlationId)},"decision":${s(r.decision)},` +
    `"durationMs":${n(r.durationMs)},"errorCode":${t(r.errorCode)},"method":${s(r.method)},"name":${t(r.name)},` +
    `"prevHash":${s(prevHash)},"principal":${s(r.principal)},"requestBytes":${n(r.requestBytes)},` +
    `"responseBytes":${n(r.responseBytes)},"rule":${t(r.rule)},"seq":${n(seq)},"sessionId":${t(r.sessionId)},` +
    `"status":${s(r.status)},"time":${n(r.time)},"upstream":${t(r.upstream)}}`
  );
}

/** SHA-256 (hex) of a record's canonical content at `seq`, which includes the previous record's hash. */
export function recordHash(r: UnchainedContent, seq: number, prevHash: string): string {
  return sha256Hex(recordContentJson(r, seq, prevHash));
}

/** SHA-256 of a string, hex. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** HMAC-SHA256 (hex) sealing the chain head at `seq`. */
export function sealMac(key: string, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`warden-audit-seal:v1\n${seq}\n${hash}`).digest('hex');
}

/** HMAC-SHA256 (hex) of a retention anchor: the hash the remaining chain starts from after pruning. */
export function anchorMac(key: string, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`warden-audit-anchor:v1\n${seq}\n${hash}`).digest('hex');
}

/** Constant-time comparison of two hex MACs. */
export function macEquals(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
