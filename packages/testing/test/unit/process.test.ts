import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { spawnProcess, type SpawnedProcess, type SpawnOptions } from "../../src/process";
import { waitFor } from "../../src/wait";

// A child that starts a grandchild, prints its pid, and serves TCP on a port it reports.
const SCRIPT = `
const { spawn } = require("node:child_process");
const net = require("node:net");
const grandchild = spawn("sleep", ["300"], { stdio: "ignore" });
console.log("grandchild " + grandchild.pid);
console.error("to stderr: " + process.env.GREETING);
if (process.env.CRASH) { console.error("cannot start: " + process.env.CRASH); process.exit(3); }
const server = net.createServer((s) => s.end()).listen(0, "127.0.0.1", () => console.log("port " + server.address().port));
if (process.env.STUBBORN) process.on("SIGTERM", () => console.log("ignoring SIGTERM"));
`;

/** Running and not a zombie (an exited process stays listed until its parent reaps it). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** A SIGKILL is delivered asynchronously: give the kernel a moment. */
const gone = (pid: number) => waitFor(async () => !running(pid), { timeoutMs: 2_000, intervalMs: 10, what: `process ${pid} to end` });

function answers(port: number | undefined): Promise<boolean> {
  if (port === undefined) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.destroy();
      resolve(true);
    });
    socket.on("error", () => resolve(false));
  });
}

const numberAfter = (label: string, text: string) => {
  const m = new RegExp(`${label} (\\d+)`).exec(text);
  return m ? Number(m[1]) : undefined;
};

const fixture = (overrides: Partial<SpawnOptions> = {}) =>
  spawnProcess({
    name: "fixture",
    command: process.execPath,
    args: ["-e", SCRIPT],
    env: { GREETING: "hello" },
    ready: (child) => answers(numberAfter("port", child.logs())),
    readyTimeoutMs: 10_000,
    ...overrides,
  });

const started: SpawnedProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((c) => c.kill()));
});

const describeLinux = process.platform === "linux" ? describe : describe.skip;

describeLinux("spawnProcess", () => {
  it("waits until ready, captures both streams, and stops the whole process group", async () => {
    const child = await fixture();
    started.push(child);
    expect(child.logs()).toContain("to stderr: hello");
    const grandchild = numberAfter("grandchild", child.logs())!;
    expect(running(child.pid)).toBe(true);
    expect(running(grandchild)).toBe(true);

    await child.stop();
    expect(child.exitStatus()).toEqual({ code: null, signal: "SIGTERM" });
    expect(running(child.pid)).toBe(false);
    await gone(grandchild);
    await child.stop(); // a second stop is harmless
  });

  it("sends SIGKILL when SIGTERM is ignored", async () => {
    const child = await fixture({ env: { STUBBORN: "1" }, stopTimeoutMs: 300 });
    started.push(child);
    const t0 = Date.now();
    await child.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    expect(child.exitStatus()).toEqual({ code: null, signal: "SIGKILL" });
    expect(child.logs()).toContain("ignoring SIGTERM");
  });

  it("kill() ends the group at once", async () => {
    const child = await fixture();
    started.push(child);
    await child.kill();
    expect(child.exitStatus()?.signal).toBe("SIGKILL");
    await gone(numberAfter("grandchild", child.logs())!);
  });

  it("rejects with the output when the child exits before it is ready", async () => {
    await expect(fixture({ env: { CRASH: "no database" } })).rejects.toThrow(
      /fixture exited \(exit code 3\) before it was ready\n--- last output of fixture ---\n[^]*cannot start: no database/,
    );
  });

  it("rejects with the output, and leaves nothing behind, when it is not ready in time", async () => {
    let seen: SpawnedProcess | undefined;
    await expect(
      fixture({
        readyTimeoutMs: 300,
        ready: async (child) => {
          seen = child;
          return false;
        },
      }),
    ).rejects.toThrow(/timed out after 300 ms [^]*waiting for fixture to be ready\n--- last output of fixture ---/);
    expect(seen!.exitStatus()?.signal).toBe("SIGKILL");
    await gone(numberAfter("grandchild", seen!.logs())!);
  });

  it("starts without a readiness check and passes the environment through", async () => {
    const child = await spawnProcess({
      name: "echo",
      command: process.execPath,
      args: ["-e", "console.log(process.env.A + ' ' + (process.env.HOME === undefined))"],
      env: { A: "set", HOME: undefined },
    });
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(child.logs()).toBe("set true\n");
  });

  it("names a command that does not exist", async () => {
    await expect(spawnProcess({ name: "ghost", command: "/nonexistent/relata-ghost" })).rejects.toThrow(
      /cannot start ghost \(\/nonexistent\/relata-ghost\): .*ENOENT/,
    );
  });
});
