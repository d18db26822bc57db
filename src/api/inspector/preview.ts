/** The longest preview of one message's values, in characters. */
export const PREVIEW_CHARS = 240;
/** Values visited per preview: a huge payload costs the same as a small one. */
const PREVIEW_NODES = 64;
const STRING_CHARS = 80;
const DEPTH = 3;

/**
 * A short, one-line text of `values` for the inspector's timeline (`[1, {"a": "b"}, Map(2)]`), in time
 * and size bounded whatever they are: at most {@link PREVIEW_NODES} values visited, long strings and
 * deep or large containers cut with `…`. Never throws (getters are not run: own data properties only).
 */
export function previewOf(values: readonly unknown[]): string {
  const budget = { nodes: PREVIEW_NODES, out: [] as string[], length: 0 };
  write(budget, values, 0);
  const text = budget.out.join('');
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}

interface Budget {
  nodes: number;
  readonly out: string[];
  length: number;
}

function put(budget: Budget, text: string): void {
  budget.out.push(text);
  budget.length += text.length;
}

/** Whether there is room for more; past it, writers stop at once. */
function full(budget: Budget): boolean {
  return budget.nodes <= 0 || budget.length > PREVIEW_CHARS;
}

function write(budget: Budget, value: unknown, depth: number): void {
  budget.nodes -= 1;
  switch (typeof value) {
    case 'string':
      put(budget, JSON.stringify(value.length > STRING_CHARS ? `${value.slice(0, STRING_CHARS)}…` : value));
      return;
    case 'number':
      put(budget, Object.is(value, -0) ? '-0' : String(value));
      return;
    case 'bigint':
      put(budget, `${value}n`);
      return;
    case 'undefined':
    case 'boolean':
      put(budget, String(value));
      return;
    case 'object':
      break;
    default:
      put(budget, typeof value);
      return;
  }
  if (value === null) {
    put(budget, 'null');
    return;
  }
  try {
    writeObject(budget, value, depth);
  } catch {
    put(budget, '?');
  }
}

function writeObject(budget: Budget, value: object, depth: number): void {
  const short = shortForm(value, depth);
  if (short !== undefined) {
    put(budget, short);
    return;
  }
  if (Array.isArray(value)) {
    writeList(budget, '[', ']', value.length, (i) => write(budget, value[i], depth + 1));
    return;
  }
  const keys = Object.keys(value);
  writeList(budget, '{', '}', keys.length, (i) => {
    const key = keys[i]!;
    put(budget, `${JSON.stringify(key.length > STRING_CHARS ? key.slice(0, STRING_CHARS) : key)}: `);
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor && 'value' in descriptor) write(budget, descriptor.value, depth + 1);
    else put(budget, '(getter)');
  });
}

/** The one-word text of an object shown without its contents; `undefined` for arrays and plain objects. */
function shortForm(value: object, depth: number): string | undefined {
  if (Array.isArray(value)) return depth >= DEPTH ? `Array(${value.length})` : undefined;
  if (ArrayBuffer.isView(value)) {
    return `${value.constructor?.name ?? 'ArrayBufferView'}(${value.byteLength} bytes)`;
  }
  if (value instanceof ArrayBuffer) return `ArrayBuffer(${value.byteLength} bytes)`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof RegExp) return String(value);
  if (value instanceof Error) return `${value.name}: ${value.message.slice(0, STRING_CHARS)}`;
  if (value instanceof Map) return `Map(${value.size})`;
  if (value instanceof Set) return `Set(${value.size})`;
  return depth >= DEPTH ? '{…}' : undefined;
}

function writeList(
  budget: Budget,
  open: string,
  close: string,
  count: number,
  item: (index: number) => void,
): void {
  put(budget, open);
  for (let i = 0; i < count; i++) {
    if (full(budget)) {
      put(budget, '…');
      break;
    }
    if (i > 0) put(budget, ', ');
    item(i);
  }
  put(budget, close);
}
