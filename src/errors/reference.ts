import { ERROR_CODES } from './codes.js';

/** docs/errors.md, generated from the catalogue so that the two always agree. */
export function errorsReferenceMarkdown(): string {
  const rows = Object.entries(ERROR_CODES).map(
    ([code, { status, message }]) => `| \`${code}\` | ${status} | ${message} |`,
  );
  return [
    '# Error codes',
    '',
    'Every error Warden reports carries one of these stable codes. Clients see `CODE: short reason`: in a tool',
    'result with `isError: true` for tool failures and policy denials, or in a JSON-RPC error where the protocol',
    'requires one (the HTTP status applies to refusals before routing, such as authentication and rate limits).',
    'Generated from `src/errors/codes.ts` by `npm run docs`; a test keeps the two in agreement.',
    '',
    '| code | HTTP status | meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
