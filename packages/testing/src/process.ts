import { spawn } from "node:child_process";
import { waitFor } from "./wait";

/**
 * Runs a program (typically a service under test) as a child process in a process group of its
 * own, with its output captured, and stops it together with everything it started.
 */

export interface SpawnOptions {
  /** A short name for messages ("sales"). */
  name: string;
  command: string;
  args?: readonly string[];
  /** Added to this process's environment; a variable set to undefined is removed. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /**
   * Resolves to true once the process is ready; spawnProcess resolves only then. It is given
   * the handle, so it can also look at the output (`child.logs()`).
   */
  ready?: (child: SpawnedProcess) => Promise<boolean>;
  /** How long to wait for `ready` (default 30 s). */
  readyTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before it sends SIGKILL (default 10 s). */
  stopTimeoutMs?: number;
  /** Also copy the output to this process's stderr, each line prefixed with the name. */
  echo?: boolean;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedProcess {
  readonly name: string;
  /** The pid of the child, which is also its process group id. */
  readonly pid: number;
  /** Settles when the child has exited. */
  readonly exited: Promise<ExitStatus>;
  /** How the child exited, or undefined while it runs. */
  exitStatus(): ExitStatus | undefined;
  /** SIGTERM to the process group, SIGKILL if it is still there after stopTimeoutMs. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL to the process group; resolves when the child has exited. Idempotent. */
  kill(): Promise<void>;
  /** Everything the child wrote to stdout and stderr so far, interleaved as it arrived. */
  logs(): string;
}

const MAX_LOG_CHARS = 4 * 1024 * 1024;
const live = new Set<SpawnedProcess>();
let exitHookInstalled = false;

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test run that ends without stopping its children must not leave them behind.
  process.on("exit", () => {
    for (const child of live) signalGroup(child.pid, "SIGKILL");
  });
}

function describeExit(status: ExitStatus): string {
  return status.signal ? `killed by ${status.signal}` : `exit code ${status.code}`;
}

function tail(text: string, lines = 40): string {
  return text.split("\n").slice(-lines).join("\n");
}

/** Starts the program; when `ready` is given, resolves once it answers (or rejects with its output). */
export async function spawnProcess(options: SpawnOptions): Promise<SpawnedProcess> {
  const { name, command, args = [], cwd, ready, readyTimeoutMs = 30_000, stopTimeoutMs = 10_000, echo = false } = options;
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }

  // detached: the child calls setsid(), so its pid is its process group id.
  const child = spawn(command, [...args], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });

  let output = "";
  let dropped = 0;
  const append = (chunk: string) => {
    output += chunk;
    if (output.length > MAX_LOG_CHARS) {
      const cut = output.length - MAX_LOG_CHARS / 2;
      dropped += cut;
      output = output.slice(cut);
    }
    if (echo) process.stderr.write(chunk.replace(/^(?=.)/gm, `[${name}] `));
  };
  child.stdout.setEncoding("utf8").on("data", append);
  child.stderr.setEncoding("utf8").on("data", append);

  let status: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => {
      status = { code, signal };
      resolve(status);
    });
  });

  if (child.pid === undefined) {
    const err = await new Promise<Error>((resolve) => child.once("error", resolve));
    throw new Error(`cannot start ${name} (${command}): ${err.message}`);
  }
  child.on("error", () => undefined); // errors after spawn (a failed kill) are not fatal here
  const pid = child.pid;

  const handle: SpawnedProcess = {
    name,
    pid,
    exited,
    exitStatus: () => status,
    logs: () => (dropped > 0 ? `[${dropped} earlier characters dropped]\n` : "") + output,
    async kill() {
      signalGroup(pid, "SIGKILL");
      await exited;
      live.delete(handle);
    },
    async stop() {
      if (status === undefined) {
        signalGroup(pid, "SIGTERM");
        let timer: NodeJS.Timeout | undefined;
        const stopped = await Promise.race([
          exited.then(() => true),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(false), stopTimeoutMs);
          }),
        ]);
        clearTimeout(timer);
        if (!stopped) signalGroup(pid, "SIGKILL");
        await exited;
      }
      // Whatever the child started and left behind in its group goes too.
      signalGroup(pid, "SIGKILL");
      live.delete(handle);
    },
  };
  installExitHook();
  live.add(handle);

  if (ready) {
    try {
      await waitFor(async () => status !== undefined || (await ready(handle)), {
        timeoutMs: readyTimeoutMs,
        intervalMs: 100,
        what: `${name} to be ready`,
      });
    } catch (err) {
      await handle.kill();
      throw new Error(`${(err as Error).message}\n--- last output of ${name} ---\n${tail(handle.logs())}`);
    }
    if (status !== undefined) {
      signalGroup(pid, "SIGKILL");
      live.delete(handle);
      throw new Error(`${name} exited (${describeExit(status)}) before it was ready\n--- last output of ${name} ---\n${tail(handle.logs())}`);
    }
  }
  return handle;
}
