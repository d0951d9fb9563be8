import type { Role } from "@relata/platform";

/** Who runs Marketing: builds segments and lists, records consent, runs campaigns, sets scoring rules. */
export const MARKETERS: readonly Role[] = ["tenant-admin", "marketer"];
/** Who reads what campaigns achieved (results, responses): the marketers and the sales managers they hand leads to. */
export const RESULT_READERS: readonly Role[] = ["tenant-admin", "marketer", "sales-manager"];
/** Who works a phone campaign's call list: the reps it is distributed to, and the marketers. */
export const CALLERS: readonly Role[] = ["tenant-admin", "marketer", "sales-rep", "sales-manager"];
