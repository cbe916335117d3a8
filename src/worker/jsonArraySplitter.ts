/**
 * Splits a JSON array that arrives in pieces into its top-level elements, each parsed with the
 * native JSON.parse as soon as it is complete. Only strings and nesting are tracked, so the scan is
 * a single cheap pass, and memory holds one element at a time (bounded by `maxElementLength`).
 * A streaming JSON library would tokenize every value in JavaScript, which is slower than letting
 * JSON.parse read each element.
 */

const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;

export class JsonArraySplitter {
  private started = false;
  private finished = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The incomplete element so far (text from earlier pieces). */
  private pending = '';
  private elementCount = 0;

  constructor(
    private readonly onElement: (element: unknown, length: number) => void,
    private readonly maxElementLength = 4 * 1024 * 1024,
  ) {}

  /** Feeds the next piece; throws an Error with a plain message when the text is not a JSON array. */
  push(piece: string): void {
    let start = 0;
    let i = 0;
    const length = piece.length;
    while (i < length) {
      const c = piece.charCodeAt(i);
      if (!this.started) {
        if (c === OPEN_BRACKET) {
          this.started = true;
          start = i + 1;
        } else if (!isWhitespace(c)) throw new Error('the body is not a JSON array');
        i++;
        continue;
      }
      if (this.finished) {
        if (!isWhitespace(c)) throw new Error('the body has text after its JSON array');
        i++;
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
      } else if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
      else if (c === CLOSE_BRACE || (c === CLOSE_BRACKET && this.depth > 0)) this.depth--;
      else if (this.depth === 0 && (c === COMMA || c === CLOSE_BRACKET)) {
        this.element(this.pending + piece.slice(start, i), c === CLOSE_BRACKET);
        this.pending = '';
        start = i + 1;
        if (c === CLOSE_BRACKET) this.finished = true;
      }
      i++;
    }
    if (this.started && !this.finished) {
      this.pending += piece.slice(start);
      if (this.pending.length > this.maxElementLength) throw new Error(`element ${this.elementCount + 1} is longer than ${this.maxElementLength} characters`);
    }
  }

  /** The input is complete: anything but a closed array is an error. */
  end(): number {
    if (!this.started) throw new Error('the body is empty, not a JSON array');
    if (!this.finished) throw new Error('the JSON array is cut short');
    return this.elementCount;
  }

  private element(text: string, last: boolean): void {
    if (text.length > this.maxElementLength) throw new Error(`element ${this.elementCount + 1} is longer than ${this.maxElementLength} characters`);
    if (text.trim() === '') {
      // `[]` is an empty array; an empty slot elsewhere (`[1,,2]`, `[1,]`) is not JSON.
      if (last && this.elementCount === 0) return;
      throw new Error(`element ${this.elementCount + 1} is missing`);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // JSON.parse quotes the text it choked on; the body is the server's, so it stays out of messages.
      throw new Error(`element ${this.elementCount + 1} is not valid JSON`);
    }
    this.elementCount++;
    this.onElement(value, text.length);
  }
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;
}
