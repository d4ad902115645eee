// Formats any JS value for the host console, close to what Deno and Node print:
// bigints as `1n`, typed arrays with their contents, errors with their code and stack,
// nested objects, Maps and Sets, and `[Circular]` for cycles.

const MAX_DEPTH = 4;
const MAX_ITEMS = 100;

function quote(s) {
  return JSON.stringify(s);
}

function keyText(key) {
  return typeof key === "symbol"
    ? `[${key.toString()}]`
    : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : quote(key);
}

function formatError(err) {
  let text = typeof err.stack === "string" && err.stack.length > 0
    ? err.stack
    : `${err.name}: ${err.message}`;
  const firstLine = `${err.name}: ${err.message}`;
  if (!text.startsWith(firstLine)) {
    // QuickJS stacks hold only the frames; put the name and message first.
    text = `${firstLine}\n${text}`;
  }
  const extras = [];
  for (const key of ["code", "exitCode"]) {
    if (err[key] !== undefined) extras.push(`${key}: ${inspect(err[key])}`);
  }
  if (err.cause !== undefined) extras.push(`cause: ${inspect(err.cause)}`);
  return extras.length > 0 ? `${text.trimEnd()}\n    { ${extras.join(", ")} }` : text.trimEnd();
}

function formatValue(value, depth, seen, nested) {
  switch (typeof value) {
    case "string":
      return nested ? quote(value) : value;
    case "bigint":
      return `${value}n`;
    case "number":
      return Object.is(value, -0) ? "-0" : String(value);
    case "undefined":
    case "boolean":
      return String(value);
    case "symbol":
      return value.toString();
    case "function":
      return `[Function: ${value.name || "(anonymous)"}]`;
  }
  if (value === null) return "null";
  if (value instanceof Error) return formatError(value);
  if (seen.has(value)) return "[Circular]";
  if (depth > MAX_DEPTH) return Array.isArray(value) ? "[Array]" : "[Object]";
  seen.add(value);
  try {
    const inner = (v) => formatValue(v, depth + 1, seen, true);
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const items = Array.from(value.slice(0, MAX_ITEMS), inner);
      if (value.length > MAX_ITEMS) items.push(`... ${value.length - MAX_ITEMS} more items`);
      return `${value.constructor.name}(${value.length}) [ ${items.join(", ")} ]`.replace("[  ]", "[]");
    }
    if (value instanceof ArrayBuffer) return `ArrayBuffer { byteLength: ${value.byteLength} }`;
    if (Array.isArray(value)) {
      const items = value.slice(0, MAX_ITEMS).map(inner);
      if (value.length > MAX_ITEMS) items.push(`... ${value.length - MAX_ITEMS} more items`);
      return items.length === 0 ? "[]" : `[ ${items.join(", ")} ]`;
    }
    if (value instanceof Map) {
      const items = [...value].map(([k, v]) => `${inner(k)} => ${inner(v)}`);
      return `Map(${value.size}) { ${items.join(", ")} }`.replace("{  }", "{}");
    }
    if (value instanceof Set) {
      return `Set(${value.size}) { ${[...value].map(inner).join(", ")} }`.replace("{  }", "{}");
    }
    if (value instanceof Date) return value.toISOString();
    if (value instanceof RegExp) return String(value);
    if (value instanceof Promise) return "Promise { <pending> }";
    const keys = Reflect.ownKeys(value).filter((k) =>
      Object.getOwnPropertyDescriptor(value, k)?.enumerable
    );
    const items = keys.map((k) => `${keyText(k)}: ${inner(value[k])}`);
    const ctor = value.constructor?.name;
    const prefix = ctor && ctor !== "Object" ? `${ctor} ` : "";
    return items.length === 0 ? `${prefix}{}` : `${prefix}{ ${items.join(", ")} }`;
  } finally {
    seen.delete(value);
  }
}

export function inspect(value) {
  return formatValue(value, 0, new Set(), false);
}

export function format(...args) {
  return args.map((a) => inspect(a)).join(" ");
}
