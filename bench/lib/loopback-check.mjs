// Verifies that a process tree listens on loopback only (the benchmark's network rule is absolute).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { descendants } from './proc.mjs';

const TCP_LISTEN_STATE = '0A';
const IPV6_LOOPBACK_HEX = '00000000000000000000000001000000';
const IPV4_MAPPED_PREFIX_HEX = '0000000000000000FFFF0000';

function socketInodes(pids) {
  const inodes = new Set();
  for (const pid of pids) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch (error) {
      if (error?.code !== 'ENOENT') throw error;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]);
      } catch (error) {
        if (error?.code !== 'ENOENT') throw error;
      }
    }
  }
  return inodes;
}

function isLoopbackHex(hex) {
  if (hex.length === 8) return hex.endsWith('7F');
  if (hex === IPV6_LOOPBACK_HEX) return true;
  return hex.startsWith(IPV4_MAPPED_PREFIX_HEX) && hex.endsWith('7F');
}

/** Returns the non-loopback listening addresses (hex, as in /proc/net/tcp*) held by `pid` or its descendants. */
export function nonLoopbackListeners(pid) {
  const inodes = socketInodes([pid, ...descendants(pid)]);
  const bad = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const rows = readFileSync(table, 'utf8').trim().split('\n').slice(1);
    for (const row of rows) {
      const cols = row.trim().split(/\s+/);
      const [address] = (cols[1] ?? '').split(':');
      if (cols[3] === TCP_LISTEN_STATE && inodes.has(cols[9]) && !isLoopbackHex(address ?? ''))
        bad.push(cols[1]);
    }
  }
  return bad;
}

/** Throws when `pid`'s tree listens anywhere but loopback. */
export function assertLoopbackOnly(pid, label) {
  const bad = nonLoopbackListeners(pid);
  if (bad.length > 0) throw new Error(`${label} listens beyond loopback (${bad.join(', ')})`);
}
