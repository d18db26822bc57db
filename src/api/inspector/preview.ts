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
  const budget: Budget = { nodes: PREVIEW_NODES, text: '' };
  write(budget, values, 0);
  const text = budget.text;
  return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text;
}

interface Budget {
  nodes: number;
  text: string;
}

/** Whether there is room for more; past it, writers stop at once. */
function full(budget: Budget): boolean {
  return budget.nodes <= 0 || budget.text.length > PREVIEW_CHARS;
}

function quote(text: string): string {
  return JSON.stringify(text.length > STRING_CHARS ? `${text.slice(0, STRING_CHARS)}…` : text);
}

function write(budget: Budget, value: unknown, depth: number): void {
  budget.nodes -= 1;
  switch (typeof value) {
    case 'string':
      budget.text += quote(value);
      return;
    case 'number':
      budget.text += Object.is(value, -0) ? '-0' : String(value);
      return;
    case 'bigint':
      budget.text += `${value}n`;
      return;
    case 'undefined':
    case 'boolean':
      budget.text += String(value);
      return;
    case 'object':
      break;
    default:
      budget.text += typeof value;
      return;
  }
  if (value === null) {
    budget.text += 'null';
    return;
  }
  try {
    writeObject(budget, value, depth);
  } catch {
    budget.text += '?';
  }
}

function writeObject(budget: Budget, value: object, depth: number): void {
  const short = shortForm(value, depth);
  if (short !== undefined) {
    budget.text += short;
    return;
  }
  if (Array.isArray(value)) {
    budget.text += '[';
    for (let i = 0; i < value.length; i++) {
      if (full(budget)) {
        budget.text += '…';
        break;
      }
      if (i > 0) budget.text += ', ';
      write(budget, value[i], depth + 1);
    }
    budget.text += ']';
    return;
  }
  budget.text += '{';
  let first = true;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (full(budget)) {
      budget.text += '…';
      break;
    }
    if (!first) budget.text += ', ';
    first = false;
    budget.text += `${quote(key)}: `;
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor && 'value' in descriptor) write(budget, descriptor.value, depth + 1);
    else budget.text += '(getter)';
  }
  budget.text += '}';
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
