import { enumCodec } from "../../src/codec/enum";

enum LeadSource {
  LEAD_SOURCE_UNSPECIFIED = "LEAD_SOURCE_UNSPECIFIED",
  LEAD_SOURCE_MANUAL = "LEAD_SOURCE_MANUAL",
  LEAD_SOURCE_WEB_FORM = "LEAD_SOURCE_WEB_FORM",
}

describe("enum codec", () => {
  const source = enumCodec(LeadSource, "LEAD_SOURCE_");

  it("has a lower-case word for every value but UNSPECIFIED, in proto order", () => {
    expect(source.words).toEqual(["manual", "web_form"]);
  });

  it("maps both ways", () => {
    expect(source.toProto("web_form")).toBe(LeadSource.LEAD_SOURCE_WEB_FORM);
    expect(source.fromProto(LeadSource.LEAD_SOURCE_WEB_FORM)).toBe("web_form");
    for (const word of source.words) expect(source.fromProto(source.toProto(word))).toBe(word);
  });

  it("has no word for UNSPECIFIED, an absent or an unknown value", () => {
    expect(source.fromProto(LeadSource.LEAD_SOURCE_UNSPECIFIED)).toBeNull();
    expect(source.fromProto(undefined)).toBeNull();
    expect(source.fromProto("LEAD_SOURCE_FAX")).toBeNull();
    expect(source.fromProto("")).toBeNull();
  });

  it("refuses to encode a word the enum does not have", () => {
    expect(() => source.toProto("fax" as never)).toThrow(/fax/);
  });

  it("gives a zod schema of the words", () => {
    expect(source.schema.safeParse("web_form").success).toBe(true);
    expect(source.schema.safeParse("WEB_FORM").success).toBe(false);
  });
});
