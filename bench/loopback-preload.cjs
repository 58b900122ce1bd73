'use strict';
// Preloaded (NODE_OPTIONS=--require) into peer servers whose CLIs bind every interface by default:
// the benchmark must never listen beyond loopback, so any TCP listen() is forced onto 127.0.0.1.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a --require preload is CommonJS by nature
const net = require('node:net');

const LOOPBACK_HOST = '127.0.0.1';
const original = net.Server.prototype.listen;

function isLoopback(host) {
  return host === 'localhost' || host === '::1' || (typeof host === 'string' && host.startsWith('127.'));
}

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0];
  if (first === undefined || typeof first === 'function') {
    return original.call(this, 0, LOOPBACK_HOST, ...args);
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    const port = Number(first);
    const rest = args.slice(1);
    if (typeof rest[0] === 'string' && !/^\d+$/.test(rest[0])) {
      if (!isLoopback(rest[0])) rest[0] = LOOPBACK_HOST;
      return original.call(this, port, ...rest);
    }
    return original.call(this, port, LOOPBACK_HOST, ...rest);
  }
  if (
    first !== null &&
    typeof first === 'object' &&
    !('_handle' in first) &&
    !('fd' in first) &&
    first.path === undefined
  ) {
    const options = { ...first };
    if (!isLoopback(options.host)) options.host = LOOPBACK_HOST;
    return original.call(this, options, ...args.slice(1));
  }
  return original.apply(this, args);
};
