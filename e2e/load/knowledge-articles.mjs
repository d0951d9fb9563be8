#!/usr/bin/env node
// bench.sh's helper for the search benchmark: the published articles it searches.
//
//   node e2e/load/knowledge-articles.mjs preload N   make sure tenant BENCH_TENANT (acme) has N
//        published articles of product "bench-kb" (made over the Knowledge-Base's gRPC, written
//        by one editor and approved by another, as through the API), then wait until the search
//        index holds all of them; prints {"existing":E,"made":M,"indexed":I,"seconds":S}
//
// They are kept between runs (making 10,000 takes minutes): a later run makes only what is
// missing. Their words come from a fixed vocabulary in English, German and Russian, so a
// search for one of them matches a realistic share of the articles. KNOWLEDGE_GRPC_PORT,
// FERRETDB_PORT and OPENSEARCH_URL (or OPENSEARCH_PORT) from deploy/env.sh.
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { VOCABULARY, CATEGORIES, PRODUCT, LANGUAGES } from "./knowledge-vocabulary.mjs";

const require = createRequire(fileURLToPath(new URL("../../package.json", import.meta.url)));
const { openChannel, promiseClients } = require("@relata/platform");
const { knowledgeServices } = require("@relata/knowledge/client");
const { MongoClient } = require("mongodb");

const tenant = process.env.BENCH_TENANT || "acme";
const address = `127.0.0.1:${process.env.KNOWLEDGE_GRPC_PORT || "50053"}`;
const mongo = `mongodb://127.0.0.1:${process.env.FERRETDB_PORT || "27017"}/`;
const engine = process.env.OPENSEARCH_URL || `http://127.0.0.1:${process.env.OPENSEARCH_PORT || "9200"}`;
const alias = process.env.SEARCH_INDEX_ALIAS || "relata-knowledge-articles";
const [command, arg] = process.argv.slice(2);

const who = (subject, roles) => ({ identity: { tenantId: tenant, subject, roles, requestId: randomUUID() } });
const writer = () => who("bench-kb-writer", ["kb-editor"]);
const reviewer = () => who("bench-kb-reviewer", ["kb-editor"]);

/** A deterministic pseudo-random sequence, so article n always has the same text. */
function random(seed) {
  let x = seed * 2654435761 + 1;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
}

function article(n) {
  const next = random(n + 1);
  const language = LANGUAGES[n % LANGUAGES.length];
  const words = VOCABULARY[language];
  const sentence = (k) => Array.from({ length: k }, () => words[Math.floor(next() * words.length)]).join(" ");
  return {
    title: `${sentence(4)} ${n}`,
    summary: sentence(12),
    body: Array.from({ length: 6 }, () => sentence(18) + ".").join("\n\n"),
    category: CATEGORIES[n % CATEGORIES.length],
    tags: { values: [] },
    language,
    product: PRODUCT,
    visibility: n % 4 === 0 ? "ARTICLE_VISIBILITY_PUBLIC" : "ARTICLE_VISIBILITY_INTERNAL",
    variantGroup: "",
    idempotencyKey: `bench-kb-${n}`,
  };
}

async function indexed() {
  const res = await fetch(`${engine}/${alias}/_count`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: { bool: { filter: [{ term: { tenantId: tenant } }, { term: { product: PRODUCT } }] } } }),
  });
  if (res.status === 404) return 0;
  if (!res.ok) throw new Error(`count in ${engine}/${alias}: ${res.status} ${await res.text()}`);
  return (await res.json()).count;
}

async function preload(total) {
  const start = Date.now();
  const db = await MongoClient.connect(mongo, { serverSelectionTimeoutMS: 5000 });
  const articles = db.db(process.env.BENCH_KNOWLEDGE_DB || "relata_knowledge").collection("articles");
  // Which of 0..total-1 exist already (their idempotency keys), published or not.
  const rows = await articles.find({ tenantId: tenant, product: PRODUCT }, { projection: { idempotencyKey: 1, status: 1 } }).toArray();
  const done = new Map(rows.map((r) => [r.idempotencyKey, r.status]));
  await db.close();
  const channel = openChannel(address);
  const kb = promiseClients(knowledgeServices, channel, { defaultTimeoutMs: 30_000 });
  let made = 0;
  let next = 0;
  async function worker() {
    for (;;) {
      const n = next++;
      if (n >= total) return;
      const status = done.get(`bench-kb-${n}`);
      if (status === "published") continue;
      // The create is idempotent by key: an article made by a run cut short is found again.
      const a = await kb.articles.createArticle(article(n), writer());
      if (a.status === "ARTICLE_STATUS_DRAFT") await kb.articles.submitArticle({ id: a.id, expectedVersion: "0", comment: "" }, writer());
      if (a.status !== "ARTICLE_STATUS_PUBLISHED") await kb.articles.approveArticle({ id: a.id, expectedVersion: "0", comment: "" }, reviewer());
      made++;
      if (made % 1000 === 0) console.error(`[bench] knowledge: ${made} articles made`);
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker));
  channel.close();
  // The index is fed from the article events: wait until it holds every one.
  let count = await indexed();
  const deadline = Date.now() + 15 * 60_000;
  while (count < total && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 2000));
    count = await indexed();
  }
  console.log(JSON.stringify({ existing: rows.length, made, indexed: count, seconds: Math.round((Date.now() - start) / 1000) }));
  if (count < total) process.exitCode = 1;
}

if (command === "preload" && Number(arg) > 0) await preload(Number(arg));
else {
  console.error("usage: knowledge-articles.mjs preload N");
  process.exitCode = 2;
}
