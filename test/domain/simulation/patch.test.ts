import { describe, expect, it } from 'vitest';
import { applyPatch, parsePointer, PatchError } from '../../../src/domain/simulation/patch.js';

describe('JSON patch (RFC 6902 add/replace/remove)', () => {
  const doc = { a: { b: 1, 'x/y': 2, 'm~n': 3 }, list: [1, 2, 3], name: 'base' };

  it('adds, replaces and removes without touching the input', () => {
    const out = applyPatch(doc, [
      { op: 'replace', path: '/a/b', value: 10 },
      { op: 'add', path: '/a/c', value: { deep: true } },
      { op: 'add', path: '/list/-', value: 4 },
      { op: 'add', path: '/list/0', value: 0 },
      { op: 'remove', path: '/list/2' },
      { op: 'replace', path: '/a/x~1y', value: 20 },
      { op: 'remove', path: '/a/m~0n' },
    ]);
    expect(out).toEqual({ a: { b: 10, 'x/y': 20, c: { deep: true } }, list: [0, 1, 3, 4], name: 'base' });
    expect(doc).toEqual({ a: { b: 1, 'x/y': 2, 'm~n': 3 }, list: [1, 2, 3], name: 'base' });
  });

  it('values are copied, the root can be replaced', () => {
    const v = { k: [1] };
    const out = applyPatch(doc, [{ op: 'add', path: '/v', value: v }]) as typeof doc & { v: { k: number[] } };
    v.k.push(2);
    expect(out.v.k).toEqual([1]);
    expect(applyPatch(doc, [{ op: 'replace', path: '', value: 7 }])).toBe(7);
  });

  it('errors name the operation and the pointer', () => {
    const bad: [unknown, RegExp][] = [
      [{ op: 'replace', path: '/nope', value: 1 }, /operation 0 \(\/nope\): "\/nope" does not exist/],
      [{ op: 'remove', path: '/list/3' }, /index 3 is out of range/],
      [{ op: 'add', path: '/list/x', value: 1 }, /"x" is not an array index/],
      [{ op: 'add', path: '/missing/deep', value: 1 }, /"\/missing" does not exist/],
      [{ op: 'move', path: '/a', from: '/b' }, /unsupported op "move"/],
      [{ op: 'add', path: 'a/b', value: 1 }, /starts with "\/"/],
      [{ op: 'add', path: '/__proto__/x', value: 1 }, /reserved key/],
      [{ op: 'replace', path: '/a/b' }, /value is missing/],
    ];
    for (const [op, re] of bad) {
      expect(() => applyPatch(doc, [{ op: 'replace', path: '/name', value: 'ok' }, op as never])).toThrow(PatchError);
      expect(() => applyPatch(doc, [op as never])).toThrow(re);
    }
    expect(parsePointer('/a~1b/~0')).toEqual(['a/b', '~']);
    expect(() => parsePointer('/a~2')).toThrow(/invalid escape/);
  });
});
