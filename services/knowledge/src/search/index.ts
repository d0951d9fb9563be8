import type { Client } from "@opensearch-project/opensearch";
import type { Article } from "@relata/proto/knowledge/v1/article";
import type { ArticleChanged } from "@relata/proto/events/v1/knowledge";
import { plainText } from "../domain/markdown";
import { articleVisibility } from "../resources";
import { FIELD_BOOST, indexDefinition, LANGUAGE_FIELDS, languageField, TEXT_FIELDS, type LanguageField } from "./analysis";
import { statusOf } from "./engine";

/** What the index holds of a published article (the version readers see). */
export interface ArticleDocument {
  tenantId: string;
  articleId: string;
  variantGroup: string;
  category?: string;
  language: string;
  product?: string;
  visibility: string;
  tags: string[];
  publishedVersion: number;
  publishedAt?: string;
  title: string;
  summary: string;
  [languageText: string]: unknown;
}

/** One index operation an ArticleChanged event asks for. */
export type IndexOperation =
  | { kind: "index"; id: string; version: number; document: ArticleDocument }
  | { kind: "delete"; id: string; version: number };

/** The document id of an article: tenant-qualified, so no two tenants' articles ever share one. */
export const documentId = (tenantId: string, articleId: string) => `${tenantId}:${articleId}`;

/**
 * The operation an article event asks for: the published version indexed, or the document
 * removed when none is served (a draft, archived, deleted). The external version is the
 * article record's version, which every write raises: the engine keeps the newest and refuses
 * an older one, so events applied twice or out of order (redeliveries, a replay) change nothing.
 */
export function indexOperation(event: ArticleChanged): IndexOperation | null {
  const a = event.article;
  const tenantId = event.meta?.tenantId;
  if (!a?.id || !tenantId) return null;
  const id = documentId(tenantId, a.id);
  const version = Number(a.version);
  const p = event.published;
  if (!p) return { kind: "delete", id, version };
  return { kind: "index", id, version, document: articleDocument(tenantId, p) };
}

export function articleDocument(tenantId: string, p: Article): ArticleDocument {
  const lang = languageField(p.language);
  const document: ArticleDocument = {
    tenantId,
    articleId: p.id,
    variantGroup: p.variantGroup,
    language: p.language,
    visibility: articleVisibility.fromProto(p.visibility) ?? "internal",
    tags: p.tags?.values ?? [],
    publishedVersion: p.contentVersion,
    title: p.title,
    summary: p.summary,
    [`title_${lang}`]: p.title,
    [`summary_${lang}`]: p.summary,
    [`body_${lang}`]: plainText(p.body),
  };
  if (p.category) document.category = p.category;
  if (p.product) document.product = p.product;
  if (p.publishedAt) document.publishedAt = p.publishedAt;
  return document;
}

/** The query fields of a language (or of every language), boosted: "title_de^3". */
export function queryFields(language?: string): string[] {
  const langs: readonly LanguageField[] = language ? [languageField(language)] : LANGUAGE_FIELDS;
  return langs.flatMap((l) => TEXT_FIELDS.map((f) => `${f}_${l}^${FIELD_BOOST[f]}`));
}

/**
 * The articles index behind an alias: writes and searches go through the alias, and a rebuild
 * fills a new index before moving the alias to it in one step.
 */
export class ArticleIndex {
  constructor(
    readonly client: Client,
    readonly alias: string,
  ) {}

  /** Creates the first index and its alias when the alias does not exist yet. */
  async ensure(): Promise<void> {
    const exists = await this.client.indices.existsAlias({ name: this.alias });
    if (exists.body) return;
    const index = await this.createIndex();
    try {
      await this.client.indices.putAlias({ index, name: this.alias });
    } catch (err) {
      // Another replica made the alias first: ours is left unused.
      await this.client.indices.delete({ index }).catch(() => undefined);
      if (statusOf(err) !== 400) throw err;
    }
  }

  /** A new, empty physical index named after the alias and the time. */
  async createIndex(): Promise<string> {
    const index = `${this.alias}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
    await this.client.indices.create({ index, body: indexDefinition() as never });
    return index;
  }

  /** The physical indexes the alias points at. */
  async aliasedIndexes(): Promise<string[]> {
    const res = await this.client.indices.getAlias({ name: this.alias }).catch((err: unknown) => {
      if (statusOf(err) === 404) return { body: {} };
      throw err;
    });
    return Object.keys(res.body as Record<string, unknown>);
  }

  /** Moves the alias to `index` in one step and deletes the indexes it pointed at. */
  async moveAliasTo(index: string): Promise<void> {
    const old = (await this.aliasedIndexes()).filter((i) => i !== index);
    await this.client.indices.updateAliases({
      body: { actions: [...old.map((i) => ({ remove: { index: i, alias: this.alias } })), { add: { index, alias: this.alias } }] },
    });
    for (const i of old) await this.client.indices.delete({ index: i }).catch(() => undefined);
  }

  /** Applies one event's operation (to the alias, or to `index` during a rebuild); an older version is a no-op. */
  async apply(op: IndexOperation, index = this.alias): Promise<void> {
    try {
      if (op.kind === "index") {
        // Through the alias only while it exists: never an index made on the fly with guessed mappings.
        await this.client.index({ index, id: op.id, version: op.version, version_type: "external", body: op.document, require_alias: index === this.alias });
      } else {
        await this.client.delete({ index, id: op.id, version: op.version, version_type: "external" });
      }
    } catch (err) {
      // 409: the index holds this version or a newer one already; 404: nothing to delete.
      if (statusOf(err) === 409 || (op.kind === "delete" && statusOf(err) === 404)) return;
      throw err;
    }
  }

  /** Applies many operations in one request (a replay), ignoring versions the index already passed. */
  async applyAll(ops: IndexOperation[], index = this.alias): Promise<void> {
    if (ops.length === 0) return;
    const body: unknown[] = [];
    for (const op of ops) {
      const meta = { _index: index, _id: op.id, version: op.version, version_type: "external" };
      if (op.kind === "index") body.push({ index: meta }, op.document);
      else body.push({ delete: meta });
    }
    const res = await this.client.bulk({ body: body as never, refresh: false, require_alias: index === this.alias });
    const result = res.body as { errors: boolean; items: Record<string, { status: number; error?: unknown }>[] };
    if (!result.errors) return;
    for (const item of result.items) {
      const [kind, outcome] = Object.entries(item)[0]!;
      if (outcome.status === 409 || (kind === "delete" && outcome.status === 404) || outcome.status < 300) continue;
      throw new Error(`bulk ${kind} failed with ${outcome.status}: ${JSON.stringify(outcome.error).slice(0, 300)}`);
    }
  }

  /** Makes what was written visible to searches now (tests, a rebuild's end). */
  async refresh(index = this.alias): Promise<void> {
    await this.client.indices.refresh({ index });
  }
}
