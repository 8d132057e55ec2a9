/**
 * Interns strings to dense integer ids and counts how often each occurs, so equality is an integer
 * compare and term frequencies are an array lookup.
 */
export class ValueDictionary {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  private counts = new Int32Array(1024);

  /** The id of `value`, counting one more occurrence. */
  add(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(value, id);
      this.values.push(value);
      if (id >= this.counts.length) {
        const grown = new Int32Array(this.counts.length * 2);
        grown.set(this.counts);
        this.counts = grown;
      }
    }
    this.counts[id]! += 1;
    return id;
  }

  /** The id of `value` without counting it, or -1 when unseen. */
  idOf(value: string): number {
    return this.ids.get(value) ?? -1;
  }

  count(id: number): number {
    return id < 0 ? 0 : (this.counts[id] ?? 0);
  }

  get size(): number {
    return this.values.length;
  }
}
