import { DEFAULT_REOPEN_WINDOW_DAYS } from "./case-lifecycle";

/** A tenant's settings of the Service (`_id` is the tenant id); absent: the defaults. */
export interface SettingsRecord {
  _id: string;
  tenantId: string;
  reopenWindowDays: number;
  version: number;
  updatedAt: Date;
}

export interface CurrentSettings {
  reopenWindowDays: number;
  /** 0 while the tenant uses the defaults. */
  version: number;
}

export const DEFAULT_SETTINGS: CurrentSettings = { reopenWindowDays: DEFAULT_REOPEN_WINDOW_DAYS, version: 0 };
