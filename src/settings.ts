import { z } from 'zod';

/**
 * How a setting is declared: the schema its value must pass, and what to tell an operator when it
 * does not. `config.ts` declares the common settings; each upstream declares its own in its file.
 * Nothing here may throw: a missing or wrong setting is reported on /health, never a crash.
 */
export type Settings = Record<string, readonly [z.ZodType, string]>;
export type Parsed<S extends Settings> = { [K in keyof S]: z.output<S[K][0]> };

/** An origin the OAuth library accepts as a resource: https, or http on a loopback host. */
export const canonicalOrigin = z.string().refine((value) => {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) && url.origin === value;
});
export const httpUrl = z.string().refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol));
export const nonEmpty = z.string().min(1);
export const wholeNumber = z.string().regex(/^\d+$/);
/** A whole number from `min` to `max`, both included. */
export const wholeNumberIn = (min: number, max: number) =>
  wholeNumber.refine((value) => Number(value) >= min && Number(value) <= max);
/** A binding (KV, Durable Object namespace) recognised by one of its methods. */
export const binding = (method: string) =>
  z.custom<object>((value) => typeof value === 'object' && value !== null && method in value);
/** An unset or empty variable takes the default (or stays unset). */
export const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
export const withDefault = (schema: z.ZodType<string>, value: string) =>
  z.preprocess((given) => (given === '' || given === undefined ? value : given), schema);
/** "a, b,c" → ["a", "b", "c"], lower-cased: logins, orgs, emails, domains and groups compare case-insensitively. */
export const list = optional(
  z.string().transform((value) =>
    value
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean),
  ),
);

/** Checks each setting in `env`; reports each as valid or not, never its value. */
export function checkSettings<S extends Settings>(settings: S, env: Record<string, unknown>) {
  const checks: Record<string, boolean> = {};
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, [schema, problem]] of Object.entries(settings)) {
    const parsed = schema.safeParse(env[name]);
    checks[name] = parsed.success;
    if (parsed.success) values[name] = parsed.data;
    else problems.push(problem);
  }
  return { checks, problems, values: values as Parsed<S> };
}
