// Process groups of every upstream child, so that even an abrupt exit of Warden kills them.
const groups = new Set<number>();
let hooked = false;

function killAll(): void {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') groups.delete(pid);
    }
  }
}

/** Registers a child's process group to be killed if Warden exits while it runs. */
export function trackChild(pid: number): void {
  groups.add(pid);
  if (!hooked) {
    hooked = true;
    process.on('exit', killAll);
  }
}

/** Forgets a child that has exited. */
export function untrackChild(pid: number): void {
  groups.delete(pid);
}
