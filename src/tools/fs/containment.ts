import path from 'node:path';

/** True when `candidate` is `parent` or lies beneath it; separator-aware, so `/w/project` never admits `/w/project2`. */
export function isWithin(parent: string, candidate: string): boolean {
  if (candidate === parent) return true;
  const prefix = parent.endsWith(path.sep) ? parent : parent + path.sep;
  return candidate.startsWith(prefix);
}

/** The path of `candidate` relative to `parent` with `/` separators, `''` for the parent itself. */
export function relativeTo(parent: string, candidate: string): string {
  return path.relative(parent, candidate).split(path.sep).join('/');
}

/** How a relative path is shown to clients: `.` for a root. */
export function displayPath(rel: string): string {
  return rel === '' ? '.' : rel;
}
