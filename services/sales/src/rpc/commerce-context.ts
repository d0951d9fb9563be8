export type { CommerceDeps } from "../workflows/commerce-deps";
