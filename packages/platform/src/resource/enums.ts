import { z } from "zod";

/** The word of a proto string enum value: "LEAD_SOURCE_WEB_FORM" with prefix "LEAD_SOURCE_" is "web_form". */
export type EnumWord<E extends string, P extends string> = E extends `${P}UNSPECIFIED` ? never : E extends `${P}${infer W}` ? Lowercase<W> : never;

/**
 * The one codec between a generated proto string enum ("LEAD_STATUS_NEW") and the short
 * lower-case word ("new") that the API, the records and the rules speak. It is derived from the
 * generated enum, so a value added to the proto appears everywhere without a second list.
 */
export interface EnumCodec<E extends string = string, W extends string = string> {
  readonly prefix: string;
  /** Every word, in proto order, UNSPECIFIED left out. */
  readonly words: readonly [W, ...W[]];
  /** The API's schema of a word. */
  readonly schema: z.ZodType<W>;
  toProto(word: W): E;
  /** The word; undefined for UNSPECIFIED and for values this build does not know. */
  fromProto(value: E | string | undefined): W | undefined;
}

export function enumCodec<E extends string, P extends string>(values: Record<string, E>, prefix: P): EnumCodec<E, EnumWord<E, P>> {
  type W = EnumWord<E, P>;
  const toProto = new Map<string, E>();
  for (const value of Object.values(values)) {
    if (value === `${prefix}UNSPECIFIED` || !value.startsWith(prefix)) continue;
    toProto.set(value.slice(prefix.length).toLowerCase(), value);
  }
  const words = [...toProto.keys()] as W[];
  if (words.length === 0) throw new Error(`enum with prefix ${prefix} has no values`);
  const toWord = new Map([...toProto].map(([word, value]) => [value as string, word as W]));
  return {
    prefix,
    words: words as [W, ...W[]],
    schema: z.enum(words as [W, ...W[]]) as unknown as z.ZodType<W>,
    toProto(word) {
      const value = toProto.get(word);
      if (!value) throw new Error(`unknown ${prefix} word ${word}`);
      return value;
    },
    fromProto(value) {
      return value === undefined ? undefined : toWord.get(value);
    },
  };
}
