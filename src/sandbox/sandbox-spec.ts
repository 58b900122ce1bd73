/** What one sandboxed process may see and do. */
export interface SandboxSpec {
  /** Absolute program path (or a bare name looked up in `env.PATH` inside the sandbox). */
  command: string;
  /** Arguments after the program. */
  args: readonly string[];
  /** Host paths visible read-only at the same location. */
  readOnly: readonly string[];
  /** Host paths visible read-write at the same location. */
  writable: readonly string[];
  /** Share the host network namespace; otherwise only a private loopback exists. */
  network: boolean;
  /** The complete environment of the child; nothing else is inherited. */
  env: Readonly<Record<string, string>>;
  /** Working directory inside the sandbox; it must be visible. */
  cwd: string;
}
