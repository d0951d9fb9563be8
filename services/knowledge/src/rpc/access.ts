import { ROLES, type CallContext } from "@relata/platform";
import { audienceOf, type ArticleAudience } from "../domain/workflow";
import { KB_EDITORS } from "../resources";

/** Who the caller is to articles: an editor, a reader of the tenant, or a partner client (public only). */
export const audience = (ctx: CallContext): ArticleAudience => audienceOf(ctx.identity.roles, KB_EDITORS, ROLES);
