/**
 * JSON.parse plus a map from field paths ("workshop.bays[3].name") to 1-based line numbers, so
 * errors in hand-edited files (scenarios) can say where they are. A small recursive scanner over
 * the already-validated text; only used on files, never on request bodies.
 */
export function parseJsonWithLines(text: string, name = 'input'): { value: unknown; lineOf: (path: string) => number } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec(String((e as Error).message));
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : 1;
    throw new Error(`${name}:${line}: invalid JSON: ${(e as Error).message}`);
  }
  const lines = new Map<string, number>();
  let i = 0;
  let line = 1;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) {
      if (text[i] === '\n') line++;
      i++;
    }
  };
  const str = () => {
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  const val = (path: string) => {
    ws();
    lines.set(path, line);
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        const s = i;
        str();
        const key = JSON.parse(text.slice(s, i)) as string;
        ws();
        i++; // :
        val(path ? `${path}.${key}` : key);
        ws();
        if (text[i++] === '}') return;
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (let k = 0; ; k++) {
        val(`${path}[${k}]`);
        ws();
        if (text[i++] === ']') return;
      }
    } else if (c === '"') str();
    else while (i < text.length && !/[\s,\]}]/.test(text[i])) i++;
  };
  val('');
  return {
    value,
    lineOf: (path: string) => {
      for (let p = path; ; ) {
        const l = lines.get(p);
        if (l !== undefined) return l;
        const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
        if (cut <= 0) return lines.get(p.slice(0, Math.max(cut, 0))) ?? 1;
        p = p.slice(0, cut);
      }
    },
  };
}
