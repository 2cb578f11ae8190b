/**
 * JSON Patch (RFC 6902) subset for scenario variants: add, replace, remove with JSON Pointers
 * (RFC 6901: "/a/b/0", "~1" for "/", "~0" for "~", "-" appends to an array on add). The document is
 * never mutated: the result is a deep copy. Errors name the operation index and the pointer.
 */

export type PatchOperation =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

export class PatchError extends Error {
  constructor(readonly index: number, readonly path: string, message: string) {
    super(`patch operation ${index} (${path}): ${message}`);
    this.name = 'PatchError';
  }
}

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error('a JSON pointer starts with "/"');
  return pointer
    .slice(1)
    .split('/')
    .map((t) => {
      if (/~[^01]|~$/.test(t)) throw new Error(`invalid escape in "${t}"`);
      return t.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function arrayIndex(a: unknown[], tok: string, allowEnd: boolean): number {
  if (allowEnd && tok === '-') return a.length;
  if (!/^(0|[1-9]\d*)$/.test(tok)) throw new Error(`"${tok}" is not an array index`);
  const i = Number(tok);
  if (i > a.length || (!allowEnd && i >= a.length)) throw new Error(`index ${i} is out of range (length ${a.length})`);
  return i;
}

export function applyPatch<T>(doc: T, ops: readonly PatchOperation[]): T {
  let root: unknown = structuredClone(doc);
  ops.forEach((o, index) => {
    const path = (o as { path?: unknown }).path;
    if (typeof path !== 'string') throw new PatchError(index, String(path), 'path must be a string');
    try {
      if (!['add', 'replace', 'remove'].includes((o as { op: string }).op)) throw new Error(`unsupported op "${(o as { op: string }).op}" (add, replace, remove)`);
      if (o.op !== 'remove' && !('value' in o)) throw new Error('value is missing');
      const toks = parsePointer(path);
      if (toks.some((t) => FORBIDDEN.has(t))) throw new Error('reserved key');
      if (toks.length === 0) {
        if (o.op === 'remove') throw new Error('cannot remove the whole document');
        root = structuredClone(o.value);
        return;
      }
      let parent: unknown = root;
      for (let i = 0; i < toks.length - 1; i++) {
        const t = toks[i];
        if (Array.isArray(parent)) parent = parent[arrayIndex(parent, t, false)];
        else if (isObj(parent) && Object.hasOwn(parent, t)) parent = parent[t];
        else throw new Error(`"/${toks.slice(0, i + 1).join('/')}" does not exist`);
      }
      const last = toks[toks.length - 1];
      if (Array.isArray(parent)) {
        if (o.op === 'add') parent.splice(arrayIndex(parent, last, true), 0, structuredClone(o.value));
        else if (o.op === 'replace') parent[arrayIndex(parent, last, false)] = structuredClone(o.value);
        else parent.splice(arrayIndex(parent, last, false), 1);
      } else if (isObj(parent)) {
        if (o.op !== 'add' && !Object.hasOwn(parent, last)) throw new Error(`"${path}" does not exist`);
        if (o.op === 'remove') delete parent[last];
        else parent[last] = structuredClone(o.value);
      } else throw new Error('the parent is not an object or array');
    } catch (e) {
      if (e instanceof PatchError) throw e;
      throw new PatchError(index, path, (e as Error).message);
    }
  });
  return root as T;
}
