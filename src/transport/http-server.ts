import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { parseListenAddress, type WardenConfig } from '../config/index.js';
import { WardenError } from '../errors/index.js';
import type { Gateway } from '../gateway/gateway.js';
import type { AuditPort } from '../gateway/ports.js';
import type { ClientSession } from '../gateway/session.js';
import type { Logger } from '../log/index.js';
import { classify, errorResponse, parseMessage } from '../mcp/jsonrpc.js';
import { isSupportedProtocolVersion } from '../mcp/protocol.js';
import { RPC, type JsonRpcErrorResponse } from '../mcp/wire.js';
import type { Principal } from '../policy/principal.js';
import { readBody } from './body.js';
import { createHostCheck, soleHost, type HostCheck } from './host-check.js';
import { Exchange, HttpSessionChannel } from './http-channel.js';
import type { AuthResult, HttpGuardPort, MetricsRenderPort } from './ports.js';

/** Options for {@link createHttpFrontEnd}. */
export interface HttpFrontEndOptions {
  config: WardenConfig;
  gateway: Gateway;
  guard: HttpGuardPort;
  audit: AuditPort;
  logger: Logger;
  metrics?: MetricsRenderPort | undefined;
  /** Extra readiness checks (the store). */
  ready?: () => boolean;
}

/** The Streamable HTTP listener. */
export interface HttpFrontEnd {
  server: Server;
  /** Starts listening; resolves with the bound address. */
  listen(): Promise<AddressInfo>;
  /** Stops accepting connections and ends open streams; resolves when every connection has closed. */
  close(): Promise<void>;
  /** Ends every remaining connection at once (after in-flight calls have drained). */
  terminate(): void;
}

/**
 * How often HTTP sessions are checked against their credentials. A session ends at most this long after its key
 * expires or its JWT's exp (plus clock skew) passes, and this plus the key index's poll interval after a revocation.
 */
export const CREDENTIAL_SWEEP_INTERVAL_MS = 1000;

const CHANNELS = new WeakMap<ClientSession, HttpSessionChannel>();
/**
 * The principal of the newest request authenticated on each session (absent: the one that opened it). A session
 * lives as long as that credential does, so a client that renews its token keeps its session.
 */
const CREDENTIALS = new WeakMap<ClientSession, Principal>();

function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers?: Record<string, string>,
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

function rpcError(
  res: ServerResponse,
  status: number,
  error: JsonRpcErrorResponse,
  headers?: Record<string, string>,
): void {
  sendJson(res, status, error, headers);
}

/**
 * True for `application/json`, with parameters or not. A prefix test would also admit `application/json-patch+json`
 * or `application/jsonl`, bodies that other parsers in front of Warden read differently.
 */
function isJsonMediaType(type: string | undefined): boolean {
  if (type === undefined) return false;
  const semicolon = type.indexOf(';');
  const essence = (semicolon === -1 ? type : type.slice(0, semicolon)).trim().toLowerCase();
  return essence === 'application/json';
}

function wardenErrorBody(error: WardenError): JsonRpcErrorResponse {
  const code =
    error.code === 'PARSE_ERROR' ? RPC.PARSE_ERROR : error.status === 400 ? RPC.INVALID_REQUEST : RPC.REFUSED;
  return errorResponse(null, code, `${error.code}: ${error.message}`);
}

/** Builds the Streamable HTTP front end: /mcp (POST, GET, DELETE), health, readiness, metrics and OAuth metadata. */
export function createHttpFrontEnd(options: HttpFrontEndOptions): HttpFrontEnd {
  const { config, gateway, guard, logger } = options;
  const listen = parseListenAddress(config.listen.http);
  if (!listen) throw new WardenError('CONFIG_INVALID', 'listen.http must be host:port');
  let hostCheck: HostCheck | undefined;
  const tls = config.listen.tls;
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    void route(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'HTTP handler failed');
      if (!res.headersSent)
        rpcError(res, 500, errorResponse(null, RPC.INTERNAL_ERROR, 'INTERNAL: internal error'));
      else res.destroy();
    });
  };
  const server: Server = tls
    ? createHttpsServer(
        {
          cert: readFileSync(tls.cert),
          key: readFileSync(tls.key),
          ...(tls.clientCa
            ? { ca: readFileSync(tls.clientCa), requestCert: true, rejectUnauthorized: true }
            : {}),
        },
        handler,
      )
    : createHttpServer(handler);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.maxHeadersCount = 100;

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (!hostCheck?.hostAllowed(soleHost(req.rawHeaders)))
      return rpcError(res, 403, wardenErrorBody(new WardenError('BAD_HOST')));
    if (!hostCheck.originAllowed(req.headers.origin))
      return rpcError(res, 403, wardenErrorBody(new WardenError('BAD_ORIGIN')));
    switch (path) {
      case '/mcp':
        return mcp(req, res, url);
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz': {
        const ok = gateway.ready() && (options.ready?.() ?? true);
        return sendJson(res, ok ? 200 : 503, {
          status: ok ? 'ready' : 'not ready',
          upstreams: gateway.health(),
        });
      }
      case '/metrics': {
        if (!options.metrics) return sendJson(res, 404, { error: 'metrics disabled' });
        const { contentType, body } = await options.metrics.render();
        res.writeHead(200, { 'content-type': contentType });
        res.end(body);
        return;
      }
      case '/.well-known/oauth-protected-resource': {
        const metadata = guard.protectedResourceMetadata?.();
        return metadata
          ? sendJson(res, 200, metadata)
          : sendJson(res, 404, { error: 'not an OAuth protected resource' });
      }
      default:
        return sendJson(res, 404, { error: 'not found' });
    }
  }

  async function authenticate(
    req: IncomingMessage,
    res: ServerResponse,
    url: string,
    correlationId: string,
  ): Promise<AuthResult | undefined> {
    const socket = req.socket as TLSSocket;
    const cert =
      tls?.clientCa && typeof socket.getPeerCertificate === 'function'
        ? socket.getPeerCertificate()
        : undefined;
    try {
      return await guard.authenticate({
        headers: req.headers,
        remoteAddress: req.socket.remoteAddress ?? '',
        url,
        rawHeaders: req.rawHeaders,
        peerCertificate: cert?.fingerprint256
          ? {
              fingerprint256: cert.fingerprint256,
              subjectCN: typeof cert.subject?.CN === 'string' ? cert.subject.CN : undefined,
            }
          : undefined,
      });
    } catch (error) {
      const wardenError =
        error instanceof WardenError ? error : new WardenError('AUTH_INVALID', undefined, { cause: error });
      if (!(error instanceof WardenError))
        logger.error({ err: error }, 'authentication failed unexpectedly; denied');
      const headers: Record<string, string> = {
        'x-request-id': correlationId,
        ...guard.refusalHeaders(wardenError),
      };
      await options.audit
        .append({
          time: Date.now(),
          correlationId,
          principal: 'unknown',
          authMethod: 'none',
          clientAddress: req.socket.remoteAddress,
          method: 'auth',
          decision: 'deny',
          status: 'denied',
          errorCode: wardenError.code,
          durationMs: 0,
          requestBytes: Number(req.headers['content-length'] ?? 0) || 0,
          responseBytes: 0,
        })
        .catch((auditError: unknown) =>
          logger.error({ err: auditError }, 'audit of a refused request failed'),
        );
      req.resume();
      rpcError(res, wardenError.status, wardenErrorBody(wardenError), headers);
      return undefined;
    }
  }

  function findSession(
    req: IncomingMessage,
    res: ServerResponse,
    auth: AuthResult,
    headers: Record<string, string>,
  ): ClientSession | undefined {
    const id = req.headers['mcp-session-id'];
    if (typeof id !== 'string') {
      rpcError(res, 400, wardenErrorBody(new WardenError('SESSION_REQUIRED')), headers);
      return undefined;
    }
    const session = gateway.sessions.get(id);
    // A session belongs to the principal that opened it; anyone else is told it does not exist.
    if (
      !session ||
      session.principal.id !== auth.principal.id ||
      session.principal.authMethod !== auth.principal.authMethod
    ) {
      rpcError(res, 404, wardenErrorBody(new WardenError('SESSION_NOT_FOUND')), headers);
      return undefined;
    }
    const version = req.headers['mcp-protocol-version'];
    if (typeof version === 'string' && !isSupportedProtocolVersion(version)) {
      rpcError(res, 400, wardenErrorBody(new WardenError('UNSUPPORTED_PROTOCOL_VERSION')), headers);
      return undefined;
    }
    CREDENTIALS.set(session, auth.principal);
    return session;
  }

  async function mcp(req: IncomingMessage, res: ServerResponse, url: string): Promise<void> {
    const correlationId = guard.correlationId(req.headers);
    const auth = await authenticate(req, res, url, correlationId);
    if (!auth) return;
    const headers: Record<string, string> = { 'x-request-id': correlationId };
    if (req.method === 'POST') return post(req, res, auth, correlationId, headers);
    if (req.method === 'GET') {
      const session = findSession(req, res, auth, headers);
      if (!session) return;
      if (!String(req.headers.accept ?? '').includes('text/event-stream'))
        return rpcError(res, 406, wardenErrorBody(new WardenError('BAD_ACCEPT')), headers);
      const channel = CHANNELS.get(session);
      if (!channel) return rpcError(res, 404, wardenErrorBody(new WardenError('SESSION_NOT_FOUND')), headers);
      if (channel.getStream && !channel.getStream.destroyed)
        return rpcError(
          res,
          409,
          errorResponse(null, RPC.INVALID_REQUEST, 'a GET stream is already open for this session'),
          headers,
        );
      channel.openGetStream(res, { ...headers, 'mcp-session-id': session.id });
      return;
    }
    if (req.method === 'DELETE') {
      const session = findSession(req, res, auth, headers);
      if (!session) return;
      CHANNELS.get(session)?.close();
      gateway.closeSession(session);
      res.writeHead(200, headers);
      res.end();
      return;
    }
    res.writeHead(405, { allow: 'GET, POST, DELETE', ...headers });
    res.end();
  }

  async function post(
    req: IncomingMessage,
    res: ServerResponse,
    auth: AuthResult,
    correlationId: string,
    headers: Record<string, string>,
  ): Promise<void> {
    if (!isJsonMediaType(req.headers['content-type'])) {
      req.resume();
      return rpcError(res, 415, wardenErrorBody(new WardenError('BAD_CONTENT_TYPE')), headers);
    }
    let text: string;
    try {
      text = await readBody(req, config.listen.maxBodyBytes);
    } catch (error) {
      if (error instanceof WardenError)
        return rpcError(res, error.status, wardenErrorBody(error), { ...headers, connection: 'close' });
      throw error;
    }
    const parsed = parseMessage(text);
    if (!parsed.ok) return rpcError(res, 400, parsed.response, headers);
    if (Array.isArray(parsed.value))
      return rpcError(
        res,
        400,
        errorResponse(null, RPC.INVALID_REQUEST, 'JSON-RPC batches are not supported'),
        headers,
      );
    const message = classify(parsed.value);
    if (message.kind === 'invalid')
      return rpcError(
        res,
        400,
        errorResponse(message.id, RPC.INVALID_REQUEST, `Invalid Request: ${message.reason}`),
        headers,
      );
    let session: ClientSession | undefined;
    if (message.kind === 'request' && message.message.method === 'initialize') {
      if (!makeRoomFor(auth.principal.id))
        return rpcError(res, 503, wardenErrorBody(new WardenError('TOO_MANY_SESSIONS')), headers);
      const channel = new HttpSessionChannel();
      session = gateway.openSession(auth.principal, 'http', channel, auth.clientAddress);
      CHANNELS.set(session, channel);
    } else {
      session = findSession(req, res, auth, headers);
      if (!session) return;
    }
    const sessionHeaders = { ...headers, 'mcp-session-id': session.id };
    if (message.kind === 'notification' || message.kind === 'response') {
      if (message.kind === 'notification') gateway.handleNotification(session, message.message);
      else session.handleResponse(message.message);
      res.writeHead(202, sessionHeaders);
      res.end();
      return;
    }
    const request = message.message;
    const channel = CHANNELS.get(session);
    if (!channel) return rpcError(res, 404, wardenErrorBody(new WardenError('SESSION_NOT_FOUND')), headers);
    if (channel.exchanges.has(request.id)) {
      return rpcError(
        res,
        400,
        errorResponse(
          request.id,
          RPC.INVALID_REQUEST,
          'DUPLICATE_REQUEST_ID: a request with this id is already in flight',
        ),
        sessionHeaders,
      );
    }
    const exchange = new Exchange(
      res,
      String(req.headers.accept ?? '').includes('text/event-stream'),
      sessionHeaders,
    );
    channel.exchanges.set(request.id, exchange);
    try {
      const reply = await gateway.handleRequest(session, request, {
        correlationId,
        requestBytes: text.length,
      });
      if (reply.refusal)
        exchange.finish(reply.body, reply.refusal.status, guard.refusalHeaders(reply.refusal));
      else exchange.finish(reply.body);
    } finally {
      channel.exchanges.delete(request.id);
    }
  }

  /**
   * Keeps one principal from holding more than its share of sessions: past the cap, its least recently used idle
   * session is closed. Only a principal's own sessions are ever evicted for it.
   */
  function makeRoomFor(principalId: string): boolean {
    if (gateway.sessions.size >= config.listen.maxSessions) return false;
    let count = 0;
    let oldest: ClientSession | undefined;
    for (const session of gateway.sessions.values()) {
      if (session.transport !== 'http' || session.principal.id !== principalId) continue;
      count++;
      if (session.inflight.size === 0 && (!oldest || session.lastActiveMs < oldest.lastActiveMs))
        oldest = session;
    }
    if (count < config.listen.maxSessionsPerPrincipal) return true;
    if (!oldest) return false;
    CHANNELS.get(oldest)?.close();
    gateway.closeSession(oldest);
    return true;
  }

  const idleTimer = setInterval(() => {
    const cutoff = Date.now() - config.listen.sessionIdleMs;
    for (const session of gateway.sessions.values()) {
      const channel = CHANNELS.get(session);
      if (
        session.transport === 'http' &&
        session.lastActiveMs < cutoff &&
        session.inflight.size === 0 &&
        !channel?.getStream
      )
        gateway.closeSession(session);
    }
  }, 60_000);
  idleTimer.unref();

  /** Closes every HTTP session whose credential was revoked or has expired; a check that fails counts as lapsed. */
  function closeLapsedSessions(): void {
    for (const session of gateway.sessions.values()) {
      if (session.transport !== 'http') continue;
      const principal = CREDENTIALS.get(session) ?? session.principal;
      let valid: boolean;
      try {
        valid = guard.credentialValid(principal);
      } catch (error) {
        logger.error({ err: error }, 'credential check failed; session closed');
        valid = false;
      }
      if (valid) continue;
      CHANNELS.get(session)?.close();
      gateway.closeSession(session);
      logger.info(
        { principal: principal.id, authMethod: principal.authMethod, credentialId: principal.credentialId },
        'session closed: its credential is no longer valid',
      );
    }
  }
  const credentialTimer = setInterval(closeLapsedSessions, CREDENTIAL_SWEEP_INTERVAL_MS).unref();

  return {
    server,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(listen.port, listen.host, () => {
          const address = server.address() as AddressInfo;
          hostCheck = createHostCheck({
            listen,
            port: address.port,
            allowedHosts: config.listen.allowedHosts,
            allowedOrigins: config.listen.allowedOrigins,
            tls: tls !== undefined,
          });
          resolve(address);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        clearInterval(idleTimer);
        clearInterval(credentialTimer);
        for (const session of gateway.sessions.values()) CHANNELS.get(session)?.close();
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
    terminate: () => server.closeAllConnections(),
  };
}
