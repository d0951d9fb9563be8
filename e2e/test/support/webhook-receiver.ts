import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** One request the receiver got, with what the signature check said. */
export interface ReceivedWebhook {
  path: string;
  /** webhook-id: the delivery, the same on every attempt. */
  id: string;
  timestamp: number;
  /** The parsed body. */
  payload: { type: string; id: string; tenantId: string; timestamp: string; data: Record<string, any> };
  /** Verified with the `standardwebhooks` library against one of the path's secrets. */
  verified: boolean;
  /** When it arrived (ms). */
  at: number;
  status: number;
}

/** What a path answers to its n-th request (1-based), after `delayMs` (a slow endpoint). */
export type Behaviour = (n: number) => { status: number; headers?: Record<string, string>; delayMs?: number };

/**
 * A partner's endpoint in the test process: answers as each path's behaviour says (200 by
 * default) and checks every signature with the `standardwebhooks` library, as a partner would.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly secrets = new Map<string, string[]>();
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly counts = new Map<string, number>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on("request", (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const path = (req.url ?? "/").split("?")[0]!;
        const n = (receiver.counts.get(path) ?? 0) + 1;
        receiver.counts.set(path, n);
        const answer: ReturnType<Behaviour> = (receiver.behaviours.get(path) ?? (() => ({ status: 200 })))(n);
        receiver.received.push({
          path,
          id: String(req.headers["webhook-id"] ?? ""),
          timestamp: Number(req.headers["webhook-timestamp"] ?? 0),
          payload: safeJson(body),
          verified: receiver.verify(path, body, req.headers),
          at: Date.now(),
          status: answer.status,
        });
        const respond = () => {
          res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
          res.end(answer.status < 300 ? "ok" : `failing on purpose (${answer.status})`);
        };
        if (answer.delayMs) setTimeout(respond, answer.delayMs);
        else respond();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** The secrets a path's signatures are checked against (any of them verifies). */
  trust(path: string, ...secrets: string[]): void {
    this.secrets.set(path, secrets);
  }

  answer(path: string, behaviour: Behaviour): void {
    this.behaviours.set(path, behaviour);
  }

  on(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private verify(path: string, body: string, headers: IncomingHttpHeaders): boolean {
    const flat: Record<string, string> = {};
    for (const key of ["webhook-id", "webhook-timestamp", "webhook-signature"]) flat[key] = String(headers[key] ?? "");
    return (this.secrets.get(path) ?? []).some((secret) => {
      try {
        new Webhook(secret).verify(body, flat);
        return true;
      } catch {
        return false;
      }
    });
  }
}

function safeJson(text: string): ReceivedWebhook["payload"] {
  try {
    return JSON.parse(text) as ReceivedWebhook["payload"];
  } catch {
    return { type: "", id: "", tenantId: "", timestamp: "", data: { unparsed: text } };
  }
}
