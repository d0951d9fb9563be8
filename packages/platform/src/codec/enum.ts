import { z } from "zod";

/**
 * The word of a proto enum value: "LEAD_STATUS_WEB_FORM" with prefix "LEAD_STATUS_" is
 * "web_form"; UNSPECIFIED has none.
 */
export type EnumWord<P extends string, Prefix extends string> = P extends unknown
  ? `${P}` extends `${Prefix}UNSPECIFIED`
    ? never
    : `${P}` extends `${Prefix}${infer Rest}`
      ? Lowercase<Rest>
      : never
  : never;

/**
 * The one mapping between a proto string enum ("LEAD_STATUS_NEW") and the short lower-case
 * words that records, rules and the JSON API speak ("new"). Derived from the generated enum,
 * so a value added to the proto is known everywhere without a second list to keep in step.
 */
export interface EnumCodec<P extends string = string, W extends string = string> {
  /** "LEAD_STATUS_": the values' common prefix (`${prefix}UNSPECIFIED` is "none"). */
  readonly prefix: string;
  /** The words, in proto order, UNSPECIFIED left out. */
  readonly words: readonly [W, ...W[]];
  /** The words as a zod enum (JSON schemas, OpenAPI). */
  readonly schema: z.ZodEnum<{ [K in W]: K }>;
  /** The proto value of a word; throws for a word the enum does not have. */
  toProto(word: W): P;
  /** The word of a proto value; null for UNSPECIFIED, absent and unknown values. */
  fromProto(value: P | string | undefined): W | null;
}

export function enumCodec<P extends string, const Prefix extends string>(values: Record<string, P>, prefix: Prefix): EnumCodec<P, EnumWord<P, Prefix>> {
  type W = EnumWord<P, Prefix>;
  const toWord = new Map<string, W>();
  const toProto = new Map<string, P>();
  for (const value of Object.values(values)) {
    if (typeof value !== "string" || !value.startsWith(prefix) || value === `${prefix}UNSPECIFIED`) continue;
    const word = value.slice(prefix.length).toLowerCase() as W;
    toWord.set(value, word);
    toProto.set(word, value);
  }
  const words = [...toProto.keys()] as W[];
  if (words.length === 0) throw new Error(`enum ${prefix}* has no values besides UNSPECIFIED`);
  return {
    prefix,
    words: words as [W, ...W[]],
    schema: z.enum(words as [W, ...W[]]) as unknown as z.ZodEnum<{ [K in W]: K }>,
    toProto(word) {
      const value = toProto.get(word);
      if (!value) throw new Error(`${word} is not a word of ${prefix}*`);
      return value;
    },
    fromProto(value) {
      return (value !== undefined && toWord.get(value)) || null;
    },
  };
}
