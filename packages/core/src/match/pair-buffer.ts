/** A growable list of scored pairs in typed arrays: millions of candidates without an object each. */
export class PairBuffer {
  left = new Int32Array(1024);
  right = new Int32Array(1024);
  score = new Float64Array(1024);
  length = 0;

  push(i: number, j: number, score: number): void {
    if (this.length === this.left.length) {
      const size = this.left.length * 2;
      const l = new Int32Array(size);
      l.set(this.left);
      this.left = l;
      const r = new Int32Array(size);
      r.set(this.right);
      this.right = r;
      const s = new Float64Array(size);
      s.set(this.score);
      this.score = s;
    }
    this.left[this.length] = i;
    this.right[this.length] = j;
    this.score[this.length] = score;
    this.length++;
  }

  /** Indices of the pairs ordered by `key` ascending, then by score descending. */
  order(key: (pairIndex: number) => number = () => 0): Uint32Array {
    const idx = new Uint32Array(this.length);
    for (let k = 0; k < this.length; k++) idx[k] = k;
    const keys = new Float64Array(this.length);
    for (let k = 0; k < this.length; k++) keys[k] = key(k);
    return idx.sort((a, b) => keys[a]! - keys[b]! || this.score[b]! - this.score[a]! || a - b);
  }
}
