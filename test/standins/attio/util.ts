// Small runtime-neutral helpers (no Node-only APIs): type guards, a seeded PRNG,
// UUIDs and Attio's timestamp / date formats.

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeType(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

export function randomUuid(): string {
  return crypto.randomUUID();
}

/** Random hex string from the platform CSPRNG (tokens, codes). */
export function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Deterministic PRNG (mulberry32) so the seed is identical on every start. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  float(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.float() * items.length)];
    if (item === undefined) throw new Error('Rng.pick on an empty list');
    return item;
  }

  /** Up to `count` distinct items, in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0) {
      const index = Math.floor(this.float() * pool.length);
      const [item] = pool.splice(index, 1);
      if (item !== undefined) out.push(item);
    }
    return out;
  }

  uuid(): string {
    const bytes: number[] = [];
    for (let i = 0; i < 16; i++) bytes.push(Math.floor(this.float() * 256));
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
    const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}

/** Attio renders timestamps with nanosecond precision: 2023-01-02T13:00:00.000000000Z */
export function toAttioTimestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export function nowTimestamp(): string {
  return toAttioTimestamp(new Date());
}

const ISO_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

interface ParsedInstant {
  /** Milliseconds since epoch of the instant, whole seconds only. */
  secondsMs: number;
  /** Nine-digit fraction of a second. */
  fraction: string;
  hasTime: boolean;
  hasZone: boolean;
  /** The calendar date as written, before any zone shift. */
  localDate: string;
}

function parseInstant(input: string): ParsedInstant | null {
  const m = ISO_RE.exec(input.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCMonth() !== month - 1) return null; // e.g. 2023-02-31
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
  }
  const secondsMs = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  return {
    secondsMs,
    fraction: (m[7] ?? '').padEnd(9, '0'),
    hasTime: m[4] !== undefined,
    hasZone: zone !== undefined,
    localDate: `${m[1]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
  };
}

/** Coerces Attio timestamp input ("2023", "2023-01-02T13:00+02:00", ...) to Attio's UTC form. */
export function normalizeTimestamp(input: string): string | null {
  const parsed = parseInstant(input);
  if (!parsed) return null;
  const iso = new Date(parsed.secondsMs).toISOString().slice(0, 19);
  return `${iso}.${parsed.fraction}Z`;
}

/** Coerces Attio date input to YYYY-MM-DD; a time with a zone is shifted to UTC first. */
export function normalizeDate(input: string): string | null {
  const parsed = parseInstant(input);
  if (!parsed) return null;
  if (parsed.hasTime && parsed.hasZone) {
    return new Date(parsed.secondsMs).toISOString().slice(0, 10);
  }
  return parsed.localDate;
}

/** Epoch milliseconds for comparisons of timestamps in filters. */
export function timestampToMs(input: string): number | null {
  const parsed = parseInstant(input);
  if (!parsed) return null;
  return parsed.secondsMs + Number(parsed.fraction.slice(0, 3));
}

/** Root domain: the label before the public suffix (simplified list of two-part suffixes). */
const TWO_PART_SUFFIXES = new Set(['co.uk', 'org.uk', 'ac.uk', 'com.au', 'co.nz', 'co.jp', 'com.br', 'co.in']);

export function rootDomainOf(domain: string): string {
  const labels = domain.split('.').filter((l) => l.length > 0);
  if (labels.length <= 2) return labels.join('.');
  const lastTwo = labels.slice(-2).join('.');
  if (TWO_PART_SUFFIXES.has(lastTwo)) return labels.slice(-3).join('.');
  return lastTwo;
}

/** A plaintext rendering of the small markdown subset Attio supports in notes. */
export function markdownToPlaintext(markdown: string): string {
  return markdown
    .split('\n')
    .map((line) =>
      line
        .replace(/^#{1,3}\s+/, '')
        .replace(/^\s*[-*+]\s+/, '')
        .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1')
        .replace(/(\*\*|__|~~|==)(.+?)\1/g, '$2')
        .replace(/([*_])(.+?)\1/g, '$2'),
    )
    .join('\n');
}
