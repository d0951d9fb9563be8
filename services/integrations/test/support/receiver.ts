import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** One request the receiver got, with what the Standard Webhooks library made of its signature. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  /** The payload's `id` (the event id) and `type`. */
  eventId: string;
  type: string;
  /** The secrets (by position in secretsFor's answer) whose verification succeeded. */
  verifiedWith: number[];
  /** What the receiver answered. */
  status: number;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Answer only after this long (a slow endpoint). */
  delayMs?: number;
}

/**
 * A local HTTP endpoint for webhook tests: each path answers from its own script (the next answer
 * per request, the last one repeated) and every request is verified with the `standardwebhooks`
 * library against the secrets the test says the path has.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, Answer[]>();
  private readonly secrets = new Map<string, string[]>();
  private server?: Server;
  private readonly delayed = new Set<NodeJS.Timeout>();
  private port = 0;

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const path = (req.url ?? "/").split("?")[0]!;
        const body = Buffer.concat(chunks).toString("utf8");
        const script = this.scripts.get(path) ?? [{ status: 204 }];
        const answer = script.length > 1 ? script.shift()! : script[0]!;
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]));
        const verifiedWith: number[] = [];
        (this.secrets.get(path) ?? []).forEach((secret, i) => {
          try {
            new Webhook(secret).verify(body, headers);
            verifiedWith.push(i);
          } catch {
            /* not signed with this one */
          }
        });
        let parsed: { id?: string; type?: string } = {};
        try {
          parsed = JSON.parse(body) as typeof parsed;
        } catch {
          /* not JSON: recorded as it is */
        }
        this.received.push({ path, headers: req.headers, body, at: Date.now(), eventId: parsed.id ?? "", type: parsed.type ?? "", verifiedWith, status: answer.status });
        const reply = () => {
          res.writeHead(answer.status, answer.headers ?? {});
          res.end(answer.body ?? "");
        };
        if (answer.delayMs) {
          const timer = setTimeout(() => {
            this.delayed.delete(timer);
            reply();
          }, answer.delayMs);
          this.delayed.add(timer);
        } else reply();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The URL of a path of this receiver (http on 127.0.0.1: the test stack allows that network). */
  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** What a path answers, in order (the last answer repeats). */
  script(path: string, answers: Answer[]): void {
    this.scripts.set(path, [...answers]);
  }

  /** The secrets a path's requests are verified with. */
  expectSecrets(path: string, secrets: string[]): void {
    this.secrets.set(path, secrets);
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    for (const timer of this.delayed) clearTimeout(timer);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
