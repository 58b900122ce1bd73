// CPU time read from /proc: per process, per thread, and for the whole machine. Linux only.
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

/** utime + stime of a /proc/<pid>[/task/<tid>]/stat line, in microseconds, and the command name. */
function parseStat(raw) {
  const name = raw.slice(raw.indexOf('(') + 1, raw.lastIndexOf(')'));
  const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  return { name, micros: ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_S };
}

/** CPU microseconds used so far by every thread of `pid`, together. */
export function processCpuMicros(pid) {
  return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8')).micros;
}

/** CPU microseconds used so far by each thread of `pid`, keyed by "tid name". */
export function threadCpuMicros(pid) {
  const out = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let raw;
    try {
      raw = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended
    }
    const { name, micros } = parseStat(raw);
    out.set(`${tid} ${name}`, micros);
  }
  return out;
}

/** CPU microseconds the whole machine has spent busy (every process, every core; /proc/stat's first line). */
export function machineBusyMicros() {
  const fields = readFileSync('/proc/stat', 'utf8')
    .split('\n', 1)[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return ((user + nice + system + irq + softirq + steal) * 1e6) / TICKS_PER_S;
}
