import { describe, expect, it } from "vitest";
import { type MatchDecision, currentMatchDecisions } from "./match-decision.js";

const d = (
  decision: MatchDecision["decision"],
  localId: string,
  qboId: string | undefined,
  at: string,
): MatchDecision => ({ localId, ...(qboId === undefined ? {} : { qboId }), decision, actor: "ann", at });

describe("currentMatchDecisions", () => {
  it("keeps the latest disposition of a local customer: a later link ends an earlier 'create new'", () => {
    const now = currentMatchDecisions([d("new", "1", undefined, "t1"), d("link", "1", "58", "t2")]);
    expect(now).toEqual([d("link", "1", "58", "t2")]);
    const back = currentMatchDecisions([d("link", "1", "58", "t1"), d("new", "1", undefined, "t2")]);
    expect(back).toEqual([d("new", "1", undefined, "t2")]);
  });

  it("orders by time, not by the order given, and breaks ties by the order given", () => {
    expect(currentMatchDecisions([d("link", "1", "58", "t2"), d("new", "1", undefined, "t1")])).toEqual([
      d("link", "1", "58", "t2"),
    ]);
    expect(currentMatchDecisions([d("link", "1", "58", "t1"), d("new", "1", undefined, "t1")])).toEqual([
      d("new", "1", undefined, "t1"),
    ]);
  });

  it("keeps rejections per pair, alongside the local customer's other decisions", () => {
    const now = currentMatchDecisions([
      d("reject", "1", "58", "t1"),
      d("reject", "1", "59", "t2"),
      d("link", "1", "60", "t3"),
    ]);
    // Rejections first, the disposition last: a one-per-customer reader (last wins) keeps the link.
    expect(now).toEqual([
      d("reject", "1", "58", "t1"),
      d("reject", "1", "59", "t2"),
      d("link", "1", "60", "t3"),
    ]);
  });

  it("drops a rejection the same pair was linked after, and a link rejected after", () => {
    expect(currentMatchDecisions([d("reject", "1", "58", "t1"), d("link", "1", "58", "t2")])).toEqual([
      d("link", "1", "58", "t2"),
    ]);
    expect(currentMatchDecisions([d("link", "1", "58", "t1"), d("reject", "1", "58", "t2")])).toEqual([
      d("reject", "1", "58", "t2"),
    ]);
  });

  it("ends a link when its QBO customer is later marked inactive or linked to another customer", () => {
    expect(currentMatchDecisions([d("link", "1", "58", "t1"), d("qbo-inactivate", "", "58", "t2")])).toEqual([
      d("qbo-inactivate", "", "58", "t2"),
    ]);
    expect(currentMatchDecisions([d("link", "1", "58", "t1"), d("link", "2", "58", "t2")])).toEqual([
      d("link", "2", "58", "t2"),
    ]);
  });

  it("keeps a review only until its pair, local or QBO customer is decided", () => {
    const review = d("review", "1", "58", "t1");
    expect(currentMatchDecisions([review])).toEqual([review]);
    expect(currentMatchDecisions([review, d("reject", "1", "58", "t2")])).toEqual([
      d("reject", "1", "58", "t2"),
    ]);
    expect(currentMatchDecisions([review, d("new", "1", undefined, "t2")])).toEqual([
      d("new", "1", undefined, "t2"),
    ]);
    expect(currentMatchDecisions([review, d("link", "2", "58", "t2")])).toEqual([d("link", "2", "58", "t2")]);
    // Decided before the review opened: the review stands.
    expect(currentMatchDecisions([d("reject", "1", "57", "t0"), review])).toEqual([
      d("reject", "1", "57", "t0"),
      review,
    ]);
  });
});
