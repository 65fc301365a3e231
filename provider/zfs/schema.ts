// zod pieces the ZFS kinds share: names, property maps and sizes, each failure naming the argument and the fix.
import { z } from "zod";
import { datasetNameProblem, parseSize, propertyProblems, snapshotNameProblem, type PropertyRules } from "./properties";

/** A filesystem or volume name, by ZFS's naming rules. */
export const datasetName = z.string().superRefine((name, ctx) => {
  const problem = datasetNameProblem(name);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: `${JSON.stringify(name)} ${problem}` });
});

/** The part of a snapshot name after "@". */
export const snapshotName = z.string().superRefine((name, ctx) => {
  const problem = snapshotNameProblem(name);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: `${JSON.stringify(name)} ${problem}` });
});

/** zfs takes every value as text; numbers and booleans are accepted for convenience (true is "on"). */
const propertyValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((v) => (typeof v === "boolean" ? (v ? "on" : "off") : String(v)));

/** A `properties` map checked against the native property table and the user property rules. */
export function propertiesSchema(rules: PropertyRules) {
  return z
    .record(z.string(), propertyValue)
    .default({})
    .superRefine((properties, ctx) => {
      for (const { property, reason } of propertyProblems(properties, rules)) {
        ctx.addIssue({ code: "custom", path: [property], message: reason });
      }
    });
}

/** A size such as "10G" or 10737418240, kept as written (diff compares bytes). */
export const size = z.union([z.string(), z.number().int().nonnegative()]).transform((v, ctx) => {
  const text = String(v);
  if (parseSize(text) === undefined) {
    ctx.addIssue({ code: "custom", message: `${JSON.stringify(text)} is not a size such as 10G, 512M or 1073741824` });
    return z.NEVER;
  }
  return text;
});

/** Bytes of a size the schema accepted. */
export function bytes(text: string): bigint {
  return parseSize(text) ?? 0n;
}
