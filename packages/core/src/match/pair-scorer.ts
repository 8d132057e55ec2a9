import {
  PATTERN_COUNT,
  comparePair,
  decodePattern,
  nameSimilarity,
  namesNumbersClash,
  streetLevel,
} from "./field-comparison.js";
import type { MatchWeights } from "./match-weights.js";
import type { PreparedRecords } from "./prepared-records.js";

/** A name shared by more than this many records is called common in reasons. */
const COMMON_NAME_ABOVE = 4;

/**
 * Turns comparison patterns into match probabilities: prior odds plus the evidence of every field, with
 * a term-frequency adjustment on an exact name (agreeing on a rare name counts more than on "John Smith").
 */
export class PairScorer {
  private readonly table = new Float64Array(PATTERN_COUNT);

  constructor(
    private readonly p: PreparedRecords,
    readonly weights: MatchWeights,
  ) {
    const priorLogit = Math.log2(weights.prior / (1 - weights.prior));
    for (let c = 0; c < PATTERN_COUNT; c++) {
      const levels = decodePattern(c);
      let w = priorLogit;
      for (let f = 0; f < levels.length; f++) w += weights.weight[f]![levels[f]!]!;
      this.table[c] = w;
    }
  }

  /** Evidence in bits (log2 odds) for the pair with pattern `code`. */
  logOdds(i: number, code: number): number {
    let w = this.table[code]!;
    if (code < PATTERN_COUNT / 4) {
      // Name level 0: agreeing on a name other customers share counts less, the more share it (u for an
      // exact name is the average chance two random records share one). The pair's own two copies are
      // not counted: they say nothing of how common the name is, and counting them made a name unique to
      // the pair weigh less than a merely similar one in a small company (2 of 20 records is "common").
      const others = this.p.names.count(this.p.nameId[i]!) - 2;
      const u = this.weights.u[0]![0]!;
      const freq = others / this.p.count;
      if (freq > u) w += Math.log2(u / freq);
    }
    return w;
  }

  /** Match probability in [0, 1]. */
  score(i: number, code: number): number {
    return 1 / (1 + Math.pow(2, -this.logOdds(i, code)));
  }

  /** Scores a pair from scratch (pattern included). */
  scorePair(i: number, j: number): number {
    return this.score(i, comparePair(this.p, i, j));
  }

  /**
   * Human-readable reasons for the pair's score, strongest evidence first: "same email",
   * "name 0.96 after removing 'Inc'", "phone differs".
   */
  explain(i: number, j: number): string[] {
    const p = this.p;
    const sim = new Float64Array(1);
    const levels = decodePattern(comparePair(p, i, j, sim));
    const out: { text: string; weight: number }[] = [];
    const w = (f: number): number => this.weights.weight[f]![levels[f]!]!;

    const removed = [...new Set([...p.nameRemoved[i]!, ...p.nameRemoved[j]!])];
    const notes: string[] = [];
    if (removed.length > 0)
      notes.push(`after removing ${removed.map((r) => `'${displayWord(r)}'`).join(", ")}`);
    if (p.nameReordered[i] !== p.nameReordered[j]) notes.push("after reading 'Last, First' as 'First Last'");
    const note = notes.length > 0 ? ` ${notes.join(" and ")}` : "";
    if (levels[0] === 0) {
      const n = p.names.count(p.nameId[i]!);
      const common = n > COMMON_NAME_ABOVE ? ` (common: ${n} customers share it)` : "";
      out.push({ text: `same name${note}${common}`, weight: w(0) });
    } else if (levels[0]! <= 2) {
      out.push({ text: `name ${sim[0]!.toFixed(2)}${note}`, weight: w(0) });
    } else if (namesNumbersClash(p, i, j)) {
      out.push({
        text: `names carry different numbers (${p.nameNumbers[i]} / ${p.nameNumbers[j]})`,
        weight: w(0),
      });
    } else out.push({ text: `names differ (${sim[0]!.toFixed(2)})`, weight: w(0) });

    const contact = (
      f: number,
      label: string,
      ids: Int32Array,
      dict: { count(id: number): number },
    ): void => {
      const l = levels[f]!;
      if (l === 0) out.push({ text: `same ${label}`, weight: w(f) });
      else if (l === 1)
        out.push({ text: `same ${label}, shared by ${dict.count(ids[i]!)} customers`, weight: w(f) });
      else if (l === 2) out.push({ text: `${label} differs`, weight: w(f) });
    };
    contact(1, "email", p.emailId, p.emails);
    contact(2, "phone", p.phoneId, p.phones);

    if (levels[3] === 0) out.push({ text: "same street address", weight: w(3) });
    else if (levels[3] === 1) {
      const s = streetLevel(p, i, j);
      out.push({
        text:
          s.similarity === 1
            ? "same street address, different unit"
            : `street address similar (${s.similarity.toFixed(2)})`,
        weight: w(3),
      });
    } else if (levels[3] === 2) out.push({ text: "street address differs", weight: w(3) });
    if (levels[4] === 0) out.push({ text: "same postcode", weight: w(4) });
    else if (levels[4] === 1) out.push({ text: "postcode differs", weight: w(4) });
    return out.sort((a, b) => b.weight - a.weight).map((r) => r.text);
  }

  /** Recomputes the name similarity alone (for callers that report it). */
  nameSimilarity(i: number, j: number): number {
    return nameSimilarity(this.p, i, j);
  }
}

const DISPLAY: Record<string, string> = {
  llc: "LLC",
  llp: "LLP",
  pllc: "PLLC",
  plc: "PLC",
  pc: "PC",
  pa: "PA",
  gmbh: "GmbH",
};
function displayWord(w: string): string {
  return DISPLAY[w] ?? (w.startsWith("(") ? w : w.charAt(0).toUpperCase() + w.slice(1));
}
