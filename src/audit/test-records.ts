import type { AuditRecordInput } from './record.js';

/** A complete, valid record for tests; `i` varies the correlation id and arguments. */
export function sampleRecord(i: number, overrides: Partial<AuditRecordInput> = {}): AuditRecordInput {
  return {
    time: 1_700_000_000_000 + i,
    correlationId: `req-${i}`,
    principal: i % 2 === 0 ? 'alice' : 'bob',
    authMethod: 'api-key',
    clientAddress: '127.0.0.1',
    sessionId: 'session-1',
    method: 'tools/call',
    name: i % 3 === 0 ? 'fs_read' : 'shell_run',
    args: { path: `/workspace/file-${i}.txt`, n: i },
    decision: 'allow',
    rule: 'default',
    status: 'ok',
    durationMs: 1.5,
    requestBytes: 120,
    responseBytes: 480,
    ...overrides,
  };
}
