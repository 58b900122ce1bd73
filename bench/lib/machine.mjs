// A description of the machine and the code measured, stored beside every result.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import process from 'node:process';
import { ROOT } from './paths.mjs';

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch (error) {
    return `unknown (${error.code ?? 'git failed'})`;
  }
}

/** nproc, CPU model, memory, Node version, load average and the git commit. */
export function describeMachine() {
  return {
    nproc: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    commit: gitCommit(),
  };
}
