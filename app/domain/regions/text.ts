/**
 * Tokenizer shared by the gazetteer (to build name keys) and by place recognition in complaint text and
 * profile locations, so both sides normalise identically.
 *
 * A token is a run of letters/digits (apostrophes inside a word are kept: "O'Fallon", "I'm"). For each
 * token we keep its lower-case form, whether it was Capitalised or ALL-CAPS in the original, whether a
 * `#` started it, and what separated it from the previous token: only spaces/hyphens, a comma, or some
 * other punctuation (a "break": `.`, `!`, `|`, `/`, `(`, an emoji, a line end...). A multi-word place
 * name never spans a comma or a break. URLs, @mentions and e-mail addresses are skipped entirely.
 * Dotted initials are merged ("D.C." → "dc", "U.S.A." → "usa") and the period after the abbreviations
 * St./Ste./Ft./Mt. is not a break ("St. Louis"). Diacritics are folded ("San José" → "san jose").
 */

export const CAP = 1; // first letter upper-case
export const UPPER = 2; // every letter upper-case and at least two letters
export const HASH = 4; // preceded directly by '#'
export const COMMA = 8; // a comma between the previous token and this one
export const BREAK = 16; // other punctuation between the previous token and this one (or first token)
export const DIGIT = 32; // contains a digit

export interface Tokens {
  count: number;
  /** Lower-case token text. */
  norm: string[];
  /** Name-matching form: `norm` with St/Ste/Ft/Mt expanded (Saint, Sainte, Fort, Mount). */
  key: string[];
  flags: number[];
  /** The string the offsets refer to (the input, cut at `maxChars`). */
  source: string;
  start: number[];
  end: number[];
}

const ABBREVIATIONS: Record<string, string> = { st: "saint", ste: "sainte", ft: "fort", mt: "mount" };

const NON_ASCII = /[\u0080-\uffff]/;
const MARKS = /\p{M}+/gu;

/** Fold diacritics and typographic apostrophes so "José" matches "Jose". */
export function fold(s: string): string {
  if (!NON_ASCII.test(s)) return s;
  return s
    .normalize("NFD")
    .replace(MARKS, "")
    .replace(/[\u2018\u2019\u02bc]/g, "'");
}

function isWordChar(c: number): boolean {
  if (c < 0x80) {
    return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
  }
  // Non-ASCII: letters of other scripts count as word characters; surrogates (emoji), general
  // punctuation, symbols and the no-break/ideographic spaces do not.
  if (c >= 0xd800 && c <= 0xdfff) return false;
  if (c >= 0x2000 && c <= 0x2bff) return false;
  if (c === 0xa0 || c === 0x3000 || c === 0xfeff || (c >= 0xfe00 && c <= 0xfe0f)) return false;
  if (c >= 0x80 && c <= 0xbf) return false; // Latin-1 punctuation and symbols
  if (c === 0xd7 || c === 0xf7) return false;
  return true;
}

function isUpperAscii(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLowerLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 0xdf && c <= 0xff && c !== 0xf7);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 0xa0;
}

/** Skip a non-space run (URL, e-mail, @mention) starting at i; returns the index after it. */
function skipRun(s: string, i: number): number {
  let j = i;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === 32 || c === 9 || c === 10 || c === 13) break;
    j++;
  }
  return j;
}

/** An empty token buffer for `tokenize(..., into)`: reused between calls to spare the garbage collector. */
export function tokenBuffer(): Tokens {
  return { count: 0, norm: [], key: [], flags: [], source: "", start: [], end: [] };
}

/**
 * Split `input` (its first `maxChars` characters) into tokens. With `into`, its arrays are reused and
 * only the first `count` entries are meaningful; the result is valid until the next call with it.
 */
export function tokenize(input: string, maxChars = 4000, into?: Tokens): Tokens {
  const s = input.length > maxChars ? input.slice(0, maxChars) : input;
  const t = into ?? tokenBuffer();
  const { norm, key, flags, start, end } = t;
  let k = 0; // tokens so far
  const n = s.length;
  const lowerAll = s.toLowerCase(); // same length for almost every input; checked before use
  let pending = BREAK; // separator flags for the next token
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (!isWordChar(c)) {
      if (c === 44 /* , */) pending |= COMMA;
      else if (c === 35 /* # */) {
        const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (isWordChar(next)) {
          pending |= HASH;
          i++;
          continue;
        }
        pending |= BREAK;
      } else if (c === 64 /* @ */) {
        // @mention, or the domain of an e-mail address: drop the run; drop an adjacent local part too.
        if (k > 0 && end[k - 1] === i) k--;
        i = skipRun(s, i);
        pending |= BREAK;
        continue;
      } else if (!isSpace(c) && c !== 45 /* - */ && c !== 0x2010 && c !== 0x2011) {
        pending |= BREAK;
      }
      i++;
      continue;
    }
    // URL or www.-address: skip it whole.
    if ((c === 104 || c === 72 || c === 119 || c === 87) && isUrlAt(s, i)) {
      i = skipRun(s, i);
      pending |= BREAK;
      continue;
    }
    const tokenStart = i;
    let f = pending;
    pending = 0;
    // Dotted initials: D.C. / U.S.A. / N.Y.
    if (
      i + 2 < n &&
      s.charCodeAt(i + 1) === 46 &&
      isWordChar(s.charCodeAt(i + 2)) &&
      (i + 3 >= n || !isWordChar(s.charCodeAt(i + 3)))
    ) {
      let j = i;
      let letters = "";
      let allUpper = true;
      while (j < n && isWordChar(s.charCodeAt(j)) && (j + 1 >= n || !isWordChar(s.charCodeAt(j + 1)))) {
        letters += s[j];
        if (!isUpperAscii(s.charCodeAt(j))) allUpper = false;
        j++;
        if (j < n && s.charCodeAt(j) === 46) j++;
        else break;
      }
      const lower = letters.toLowerCase();
      if (allUpper) f |= UPPER | CAP;
      norm[k] = lower;
      key[k] = lower;
      flags[k] = f;
      start[k] = tokenStart;
      end[k] = j;
      k++;
      i = j;
      continue;
    }
    let hasLower = false;
    let nonAscii = false;
    let letters = 0;
    let j = i;
    while (j < n) {
      const d = s.charCodeAt(j);
      if (isWordChar(d)) {
        if (d >= 48 && d <= 57) f |= DIGIT;
        else {
          letters++;
          if (isLowerLetter(d)) hasLower = true;
          if (d >= 0x80) nonAscii = true;
        }
        j++;
      } else if ((d === 39 || d === 0x2019) && j + 1 < n && isWordChar(s.charCodeAt(j + 1)) && j > i) {
        if (d === 0x2019) nonAscii = true;
        j++;
      } else break;
    }
    const upperFirst = isUpperAscii(c) || (c >= 0xc0 && c <= 0xde && c !== 0xd7);
    if (upperFirst) f |= CAP;
    if (letters >= 2 && !hasLower && upperFirst) f |= UPPER;
    // Only the rare token with non-ASCII letters is folded ("José" → "jose", "d’Alene" → "d'alene").
    const lower = nonAscii
      ? fold(s.slice(i, j)).toLowerCase()
      : lowerAll.length === n
        ? lowerAll.slice(i, j)
        : s.slice(i, j).toLowerCase();
    const abbr = ABBREVIATIONS[lower];
    if (abbr !== undefined && j < n && s.charCodeAt(j) === 46) j++; // "St." — the period is not a break
    norm[k] = lower;
    key[k] = abbr ?? lower;
    flags[k] = f;
    start[k] = tokenStart;
    end[k] = j;
    k++;
    i = j;
  }
  t.count = k;
  t.source = s;
  if (!into) {
    for (const a of [norm, key, flags, start, end]) a.length = k;
  }
  return t;
}

function isUrlAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i) | 0x20;
  if (c === 119 /* w */)
    return (
      (s.charCodeAt(i + 1) | 0x20) === 119 &&
      (s.charCodeAt(i + 2) | 0x20) === 119 &&
      s.charCodeAt(i + 3) === 46
    );
  if (
    (s.charCodeAt(i + 1) | 0x20) !== 116 ||
    (s.charCodeAt(i + 2) | 0x20) !== 116 ||
    (s.charCodeAt(i + 3) | 0x20) !== 112
  )
    return false;
  const k = (s.charCodeAt(i + 4) | 0x20) === 115 ? i + 5 : i + 4;
  return s.charCodeAt(k) === 58 && s.charCodeAt(k + 1) === 47 && s.charCodeAt(k + 2) === 47;
}

const SIMPLE_NAME = /^[A-Za-z]+(?: [A-Za-z]+)*$/;

/** The `key` tokens of a place name; a fast path for plain names ("Kansas City") used at load. */
export function nameTokens(name: string): string[] {
  if (!SIMPLE_NAME.test(name)) return tokenize(name, 300).key;
  const parts = name.toLowerCase().split(" ");
  for (let i = 0; i < parts.length; i++) parts[i] = ABBREVIATIONS[parts[i]] ?? parts[i];
  return parts;
}

/** The name key of a place name: its tokens' `key` forms joined by single spaces ("St. Louis" → "saint louis"). */
export function nameKey(name: string): string {
  return nameTokens(name).join(" ");
}

/** Whether a multi-token span [from, to) can be one name: no comma or break inside it. */
export function isContiguous(t: Tokens, from: number, to: number): boolean {
  for (let k = from + 1; k < to; k++) {
    if ((t.flags[k] & (COMMA | BREAK | HASH)) !== 0) return false;
  }
  return true;
}
