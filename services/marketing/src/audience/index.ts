import { StateConflict } from "@relata/platform";
import type { AudienceReader } from "../domain/types";

/**
 * The audience is being built (its projection from Sales' events lands with segments): until
 * then a launch that needs it is refused rather than launched to nobody.
 */
export const audienceNotBuilt: AudienceReader = {
  targets() {
    throw new StateConflict("the audience is not available yet");
  },
  people() {
    return Promise.reject(new StateConflict("the audience is not available yet"));
  },
};
