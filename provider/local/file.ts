// local:File — a file on the machine that runs Pulumi. Id: its absolute path.
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { checkWith } from "../check";
import type { DiffResult, ResourceKind } from "../resource";

const inputsSchema = z.object({
  owner: z.string(),
  path: z.string().refine((p) => path.isAbsolute(p), { message: "must be an absolute path" }),
  content: z.string(),
  mode: z
    .string()
    .regex(/^0?[0-7]{3}$/, { message: 'must be octal permission bits such as "0644"' })
    .default("0644")
    .transform((m) => m.padStart(4, "0")),
});

export type FileInputs = z.output<typeof inputsSchema>;

export interface FileOutputs extends FileInputs {
  sha256: string;
  schemaVersion: number;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

async function write(inputs: FileInputs): Promise<FileOutputs> {
  // Written to a temporary name and renamed, so a reader never sees half a file.
  const tmp = `${inputs.path}.pulumi-${process.pid}.tmp`;
  await fs.writeFile(tmp, inputs.content, { mode: Number.parseInt(inputs.mode, 8) });
  await fs.chmod(tmp, Number.parseInt(inputs.mode, 8));
  await fs.rename(tmp, inputs.path);
  return { ...inputs, sha256: sha256(inputs.content), schemaVersion: fileKind.schemaVersion };
}

export const fileKind: ResourceKind<FileInputs, FileOutputs> = {
  schemaVersion: 1,

  async check(_olds, news) {
    return checkWith(inputsSchema, news);
  },

  async diff(_id, olds, news): Promise<DiffResult> {
    const replaces = olds.path !== news.path ? ["path"] : [];
    const changes = replaces.length > 0 || olds.content !== news.content || olds.mode !== news.mode;
    return { changes, replaces };
  },

  async create(inputs) {
    return { id: inputs.path, outs: await write(inputs) };
  },

  async read(id, props) {
    let content: string;
    let mode: string;
    try {
      content = await fs.readFile(id, "utf8");
      mode = ((await fs.stat(id)).mode & 0o777).toString(8).padStart(4, "0");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw err;
    }
    return { id, props: { ...props, path: id, content, mode, sha256: sha256(content) } };
  },

  async update(_id, _olds, news) {
    return write(news);
  },

  async delete(id) {
    await fs.rm(id, { force: true });
  },
};
