import { status as GrpcStatus } from "@grpc/grpc-js";
import { StateConflict } from "@relata/platform";
import { chooseAssignee, decideAssignment, decideTake, memberForTurn, memberWithFewestOpen } from "../../src/domain/queue";

const members = ["ann", "bob", "cy", "dee"];

describe("round robin by turn", () => {
  it("gives turn 1 to the first member and cycles in the queue's order", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((turn) => memberForTurn(members, turn))).toEqual(["ann", "bob", "cy", "dee", "ann", "bob", "cy", "dee", "ann"]);
  });

  it("spreads any run of distinct turns evenly: 20 turns over 4 members give 5 each", () => {
    const counts = new Map<string, number>();
    for (let turn = 37; turn < 57; turn++) {
      const member = memberForTurn(members, turn)!;
      counts.set(member, (counts.get(member) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual([5, 5, 5, 5]);
  });

  it("has nobody to pick in an empty queue, and copes with any integer turn", () => {
    expect(memberForTurn([], 1)).toBeUndefined();
    expect(memberForTurn(members, 0)).toBe("dee");
    expect(memberForTurn(members, -2)).toBe("bob");
  });
});

describe("fewest open cases", () => {
  it("picks the member with the fewest open cases; a member with none counted has none", () => {
    expect(memberWithFewestOpen(members, new Map([["ann", 3], ["bob", 1], ["cy", 2], ["dee", 4]]), 1)).toBe("bob");
    expect(memberWithFewestOpen(members, new Map([["ann", 3], ["bob", 1], ["cy", 2]]), 7)).toBe("dee");
  });

  it("breaks ties round robin among the tied members, in the queue's order", () => {
    const counts = new Map([["ann", 2], ["bob", 1], ["cy", 2], ["dee", 1]]);
    expect([1, 2, 3, 4].map((turn) => memberWithFewestOpen(members, counts, turn))).toEqual(["bob", "dee", "bob", "dee"]);
    expect(memberWithFewestOpen(members, new Map(), 3)).toBe("cy");
  });

  it("has nobody to pick in an empty queue", () => {
    expect(memberWithFewestOpen([], new Map(), 1)).toBeUndefined();
  });
});

describe("choosing the assignee by the queue's rule", () => {
  it("follows the rule of the queue", () => {
    const counts = new Map([["ann", 1], ["bob", 0], ["cy", 1], ["dee", 1]]);
    expect(chooseAssignee({ memberIds: members, assignmentRule: "round_robin", active: true }, { turn: 3, openCounts: counts })).toBe("cy");
    expect(chooseAssignee({ memberIds: members, assignmentRule: "fewest_open", active: true }, { turn: 3, openCounts: counts })).toBe("bob");
  });

  it("assigns nobody from an inactive or empty queue", () => {
    expect(chooseAssignee({ memberIds: members, assignmentRule: "round_robin", active: false }, { turn: 1 })).toBeUndefined();
    expect(chooseAssignee({ memberIds: [], assignmentRule: "fewest_open", active: true }, { turn: 1 })).toBeUndefined();
  });
});

describe("taking a case", () => {
  const queue = { memberIds: ["ann", "bob"] };
  const open = { ownerId: "", queueId: "q1", open: true };

  it("gives an unowned open case to a member of its queue", () => {
    expect(decideTake(open, queue, "bob")).toEqual({ ownerId: "bob", queueId: "q1" });
  });

  it("changes nothing when the agent owns it already", () => {
    expect(decideTake({ ...open, ownerId: "bob" }, queue, "bob")).toBeNull();
  });

  it("refuses with a conflict a case someone else owns, or one no longer open", () => {
    expect(() => decideTake({ ...open, ownerId: "ann" }, queue, "bob")).toThrow(StateConflict);
    expect(() => decideTake({ ...open, ownerId: "ann" }, queue, "bob")).toThrow(expect.objectContaining({ field: "owner_id" }));
    expect(() => decideTake({ ...open, open: false }, queue, "bob")).toThrow(expect.objectContaining({ field: "status" }));
  });

  it("refuses an agent outside the queue (forbidden) and a case in no queue (conflict)", () => {
    expect(() => decideTake(open, queue, "cy")).toThrow(expect.objectContaining({ code: GrpcStatus.PERMISSION_DENIED, field: "queue_id" }));
    expect(() => decideTake({ ...open, queueId: "" }, undefined, "bob")).toThrow(StateConflict);
  });
});

describe("a manager's assignment", () => {
  const current = { ownerId: "ann", queueId: "q1" };

  it("gives the case to another agent in the same queue", () => {
    expect(decideAssignment(current, { ownerId: "bob" })).toEqual({ next: { ownerId: "bob", queueId: "q1" }, reassignByQueue: false });
  });

  it("moves it to another queue without an owner, for that queue's rule to assign", () => {
    expect(decideAssignment(current, { queueId: "q2" })).toEqual({ next: { ownerId: "", queueId: "q2" }, reassignByQueue: true });
  });

  it("moves it to another queue and agent at once", () => {
    expect(decideAssignment(current, { ownerId: "cy", queueId: "q2" })).toEqual({ next: { ownerId: "cy", queueId: "q2" }, reassignByQueue: false });
  });

  it("changes nothing when the placement is the same, and refuses an empty assignment", () => {
    expect(decideAssignment(current, { ownerId: "ann", queueId: "q1" })).toBeNull();
    expect(decideAssignment(current, { queueId: "q1" })).toBeNull();
    expect(() => decideAssignment(current, {})).toThrow(expect.objectContaining({ field: "owner_id" }));
  });
});
