// Input validation shared by every kind: zod reports every failure at once, as {property, reason}.
import type { z } from "zod";
import type { CheckFailure, CheckResult } from "./resource";

/** The engine's placeholder for a value not known during preview (the same string in every Pulumi SDK). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `value` is, or contains, a value that is unknown during preview. */
export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** The value at `path`, or undefined. */
function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** A zod issue is moot during preview when its property, or anything above it, is not known yet. */
function touchesUnknown(root: unknown, path: readonly PropertyKey[]): boolean {
  for (let i = 0; i <= path.length; i++) {
    if (valueAt(root, path.slice(0, i)) === UNKNOWN) return true;
  }
  // A cross-field rule reports at the object; it cannot be judged while any of its fields is unknown.
  const at = valueAt(root, path);
  return at !== null && typeof at === "object" && containsUnknown(at);
}

/** Renders a zod path the way Pulumi users write properties: `properties.compression`, `ports[0].host`. */
export function propertyPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * Validates `news` against `schema`. Every failure is returned, not just the first; failures about values
 * that are unknown during preview are dropped, and the inputs then pass through as they are.
 */
export function checkWith<S extends z.ZodType>(schema: S, news: Record<string, unknown>): CheckResult<z.output<S>> {
  const parsed = schema.safeParse(news);
  if (parsed.success) return { inputs: parsed.data, failures: [] };
  const failures: CheckFailure[] = [];
  for (const issue of parsed.error.issues) {
    if (touchesUnknown(news, issue.path)) continue;
    failures.push({ property: propertyPath(issue.path), reason: issue.message });
  }
  return { inputs: news as z.output<S>, failures };
}
