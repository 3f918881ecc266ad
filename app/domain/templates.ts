/**
 * Status update templates: `{placeholder}` substitution with `{{` / `}}` for literal braces, the list of
 * problems a template has (unknown placeholders, placeholders without a value, stray braces), and the
 * human formatters for the values that go into them (region lists, times in a zone). Pure and
 * browser-safe: the composer renders previews with the same code the server saves with.
 */

export { DEFAULT_TEMPLATES, type DefaultTemplate } from "./default-templates";

export const PLACEHOLDERS = [
  "regions",
  "eta",
  "incident_url",
  "next_update",
  "topic",
  "org",
  "incident_title",
  "severity",
  "status",
  "update_number",
] as const;
export type PlaceholderName = (typeof PLACEHOLDERS)[number];

export type TemplateValues = Partial<Record<PlaceholderName, string | number | null>>;

export interface TemplateProblem {
  kind: "unknown" | "missing" | "syntax";
  /** The placeholder's name, or the stray brace for a syntax problem. */
  placeholder: string;
  /** UTF-16 index of the problem in the template text. */
  index: number;
  message: string;
}

type Token =
  | { type: "text"; text: string }
  | { type: "placeholder"; name: string; index: number; raw: string }
  | { type: "stray"; brace: string; index: number };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function tokenize(template: string): Token[] {
  const tokens: Token[] = [];
  let text = "";
  let i = 0;
  const flush = () => {
    if (text) tokens.push({ type: "text", text });
    text = "";
  };
  while (i < template.length) {
    const two = template.slice(i, i + 2);
    if (two === "{{" || two === "}}") {
      text += two[0];
      i += 2;
      continue;
    }
    const char = template[i];
    if (char === "{") {
      const close = template.indexOf("}", i + 1);
      const name = close === -1 ? "" : template.slice(i + 1, close);
      if (NAME.test(name)) {
        flush();
        tokens.push({ type: "placeholder", name, index: i, raw: template.slice(i, close + 1) });
        i = close + 1;
        continue;
      }
    }
    if (char === "{" || char === "}") {
      flush();
      tokens.push({ type: "stray", brace: char, index: i });
      text += char;
    } else {
      text += char;
    }
    i++;
  }
  flush();
  return tokens;
}

function isPlaceholderName(name: string): name is PlaceholderName {
  return (PLACEHOLDERS as readonly string[]).includes(name);
}

function hasValue(value: string | number | null | undefined): value is string | number {
  return value !== undefined && value !== null && String(value).trim() !== "";
}

function structuralProblems(tokens: Token[]): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const token of tokens) {
    if (token.type === "stray") {
      problems.push({
        kind: "syntax",
        placeholder: token.brace,
        index: token.index,
        message: `A lone "${token.brace}" at ${token.index}: write "${token.brace}${token.brace}" for a literal brace`,
      });
    } else if (token.type === "placeholder" && !isPlaceholderName(token.name)) {
      problems.push({
        kind: "unknown",
        placeholder: token.name,
        index: token.index,
        message: `Unknown placeholder {${token.name}}; known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
      });
    }
  }
  return problems;
}

/** The placeholder names a template uses, known or not, each once, in order of first use. */
export function placeholdersOf(template: string): string[] {
  const names = tokenize(template).flatMap((t) => (t.type === "placeholder" ? [t.name] : []));
  return [...new Set(names)];
}

/** What is wrong with a template whatever the values: unknown placeholders and stray braces. */
export function templateProblems(template: string): TemplateProblem[] {
  return structuralProblems(tokenize(template));
}

export interface RenderedTemplate {
  text: string;
  /** Unknown placeholders and stray braces, then placeholders without a value (left as written). */
  problems: TemplateProblem[];
}

export function renderTemplate(template: string, values: TemplateValues): RenderedTemplate {
  const tokens = tokenize(template);
  const problems = structuralProblems(tokens);
  let text = "";
  for (const token of tokens) {
    if (token.type === "text") {
      text += token.text;
    } else if (token.type === "placeholder") {
      const value = isPlaceholderName(token.name) ? values[token.name] : undefined;
      if (hasValue(value)) {
        text += String(value);
        continue;
      }
      text += token.raw;
      if (isPlaceholderName(token.name)) {
        problems.push({
          kind: "missing",
          placeholder: token.name,
          index: token.index,
          message: `{${token.name}} has no value yet`,
        });
      }
    }
  }
  return { text, problems };
}

/** "California", "California and Nevada", "California, Nevada and Oregon"; past `max`, the first two and "N other states". */
export function formatRegionList(names: string[], { max = 4, others = "other states" } = {}): string {
  if (names.length === 0) return "";
  if (names.length === 1) return names[0];
  if (names.length > max) return `${names[0]}, ${names[1]} and ${names.length - 2} ${others}`;
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

function calendarDay(date: Date, timeZone: string): number {
  const [year, month, day] = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  })
    .format(date)
    .split("-")
    .map(Number);
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

function parseInstant(iso: string): Date {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not a date and time: ${iso}`);
  return date;
}

/**
 * A time as people read it in `timeZone`: "3:30 PM PST"; with `now`, a later day is named:
 * "9:00 AM PST tomorrow", "9:00 AM PST on Nov 5".
 */
export function formatTime(iso: string, timeZone: string, { now }: { now?: string | Date } = {}): string {
  const date = parseInstant(iso);
  const clock = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  })
    .format(date)
    .replace(/[\u202f\u00a0]/g, " "); // some ICU versions put a narrow no-break space before AM/PM
  if (now === undefined) return clock;
  const days =
    calendarDay(date, timeZone) - calendarDay(typeof now === "string" ? parseInstant(now) : now, timeZone);
  if (days === 0) return clock;
  if (days === 1) return `${clock} tomorrow`;
  const day = new Intl.DateTimeFormat("en-US", { timeZone, month: "short", day: "numeric" }).format(date);
  return `${clock} on ${day}`;
}

/** A promised time: "by 3:30 PM PST". */
export function formatDeadline(iso: string, timeZone: string, options: { now?: string | Date } = {}): string {
  return `by ${formatTime(iso, timeZone, options)}`;
}
