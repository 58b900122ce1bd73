import { isAbsolute } from 'node:path';

/**
 * `value` as the caller's cwd would name it when a program reads it after changing into `dir` (git -C, tar -C):
 * relative names are checked where the program will really open them.
 */
export function underDirectory(dir: string, value: string): string {
  if (dir === '' || isAbsolute(value)) return value;
  // An empty name after a directory change means that directory itself.
  return value === '' ? dir : `${dir}/${value}`;
}
