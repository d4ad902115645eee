// The JS side of `runtime:wasm`: the `Instance` and `Memory` classes, the `types`
// helpers and the `WasmError` class, on top of the generated op bindings.
//
// This is a classic script (loaded lazily by deno_core's `synthetic_esm` mechanism when a
// script first imports "runtime:wasm"); the object it returns is the module namespace.
// Op names, error codes and the export list come from ext:runtime_wasm/00_bindings.js,
// which is generated from spec/runtime-wasm.kdl.
(function () {
  "use strict";
  const core = Deno.core;
  const { ops, ErrorCode, errorNames, exportNames, recordFields } = core.loadExtScript(
    "ext:runtime_wasm/00_bindings.js",
  );

  class WasmError extends Error {
    constructor(message, code, options) {
      super(message, options);
      if (code !== undefined) this.code = code;
    }
  }
  // The error's name follows its code, e.g. "CompileError"; "WasmError" before a code is set.
  Object.defineProperty(WasmError.prototype, "name", {
    configurable: true,
    get() {
      return errorNames[this.code] ?? "WasmError";
    },
    set(value) {
      // deno_core's error builder assigns the class name; the code decides instead.
      void value;
    },
  });
  core.registerErrorClass("WasmError", WasmError);

  function wasmError(code, message) {
    return new WasmError(message, code);
  }

  /** Re-throw op errors with the name that matches their code. */
  /** An error from an op, with the name its class gives it. */
  function named(error) {
    if (error instanceof WasmError && Object.hasOwn(error, "name")) {
      delete error.name;
    }
    return error;
  }

  function rethrow(error) {
    throw named(error);
  }

  async function invoke(op, ...args) {
    try {
      return await op(...args);
    } catch (error) {
      rethrow(error);
    }
  }

  // ---- values -----------------------------------------------------------------

  // Typed values are recognised by identity, never by reading a property: reading one
  // could run user code (a getter or a Proxy trap) in the middle of a call.
  const typedValues = new WeakSet();

  function typed(type, value) {
    const typedValue = Object.freeze({ type, value });
    typedValues.add(typedValue);
    return typedValue;
  }

  const types = Object.freeze({
    i32: (value) => typed("i32", value),
    i64: (value) => typed("i64", value),
    f32: (value) => typed("f32", value),
    f64: (value) => typed("f64", value),
  });

  /** What a value is, for messages; runs no user code (no getters, no Proxy traps). */
  function describe(value) {
    if (value === null) return "null";
    if (typeof value === "string") return `a string (${JSON.stringify(value.slice(0, 40))})`;
    if (typeof value !== "object") return typeof value;
    try {
      // Throws only for a revoked Proxy.
      return Array.isArray(value) ? "an array" : "an object";
    } catch {
      return "an object";
    }
  }

  /** A JS value in the wire form `CallArg` of the spec. */
  function toCallArg(value) {
    let kind = "auto";
    if (typedValues.has(value)) {
      kind = value.type;
      value = value.value;
    }
    if (typeof value === "number") return { kind, num: value };
    if (typeof value === "bigint") return { kind, big: value.toString() };
    return { kind: "invalid", desc: kind === "auto" ? describe(value) : `types.${kind}(${describe(value)})` };
  }

  // ---- slots: the function-handle wire form (see op_wasm_function_call_sync) ----------

  const SLOT = 16;
  const TYPED_KIND = { i32: 1, i64: 2, f32: 3, f64: 4 };
  const I64_MIN = -(2n ** 63n);
  const I64_END = 2n ** 63n;
  const U64_END = 2n ** 64n;

  /**
   * Slots seen through typed arrays (the machine's byte order, as the Rust side reads
   * them): byte 16*i is the kind, byte 16*i+1 the representation, and the payload is
   * element 2*i+1 of the 8-byte views.
   */
  function slotViews(bytes) {
    const buffer = bytes.buffer;
    const words = bytes.byteLength >> 3;
    return {
      bytes,
      f64: new Float64Array(buffer, bytes.byteOffset, words),
      i64: new BigInt64Array(buffer, bytes.byteOffset, words),
      u64: new BigUint64Array(buffer, bytes.byteOffset, words),
    };
  }

  /**
   * Encode `args` as slots from slot `first`. Returns false for anything the slots cannot
   * carry (strings, objects, out-of-range bigints): the caller then has the record-form
   * converter report the exact error.
   */
  function encodeArgs(args, views, first) {
    const { bytes, f64 } = views;
    for (let i = 0; i < args.length; i++) {
      let value = args[i];
      let kind = 0;
      if (typeof value === "object" && value !== null) {
        if (!typedValues.has(value)) return false;
        kind = TYPED_KIND[value.type];
        if (kind === undefined) return false;
        value = value.value;
      }
      const slot = first + i;
      bytes[slot << 4] = kind;
      if (typeof value === "number") {
        bytes[(slot << 4) + 1] = 0;
        f64[(slot << 1) + 1] = value;
      } else if (typeof value === "bigint") {
        if (value >= I64_MIN && value < I64_END) {
          bytes[(slot << 4) + 1] = 1;
          views.i64[(slot << 1) + 1] = value;
        } else if (value >= 0n && value < U64_END) {
          bytes[(slot << 4) + 1] = 2;
          views.u64[(slot << 1) + 1] = value;
        } else {
          return false;
        }
      } else {
        return false;
      }
    }
    return true;
  }

  function decodeResults(views, first, count) {
    const results = new Array(count);
    for (let i = 0; i < count; i++) {
      const slot = first + i;
      results[i] = views.bytes[slot << 4] === 1 ? views.i64[(slot << 1) + 1] : views.f64[(slot << 1) + 1];
    }
    return results;
  }

  const kCallSync = Symbol("runtime:wasm.callSync");
  const kCall = Symbol("runtime:wasm.call");
  const kCallWith = Symbol("runtime:wasm.callWith");

  /**
   * callSync for one function, specialised for the common case: every argument a plain
   * number and (when `numericResults` is the result count, not -1) no i64 result. All it
   * needs lives in this closure, which the QuickJS interpreter reads faster than private
   * fields. Anything else goes to `anyArgs`, the general path.
   */
  function plainNumberCall(id, index, paramCount, numericResults, views, anyArgs) {
    if (numberForm(paramCount, numericResults)) {
      // No buffer at all: the numbers are the op's arguments and the result its value.
      const op = ops.op_wasm_function_call_numbers_sync;
      return (args) => {
        const a = args[0], b = args[1], c = args[2], d = args[3];
        // Inline, not a helper: a JS call costs ~40 ns in this interpreter, 3% of the call.
        if (
          args.length !== paramCount || (paramCount > 0 && typeof a !== "number") ||
          (paramCount > 1 && typeof b !== "number") || (paramCount > 2 && typeof c !== "number") ||
          (paramCount > 3 && typeof d !== "number")
        ) {
          return anyArgs(args);
        }
        let result;
        try {
          result = op(id, index, paramCount, a ?? 0, b ?? 0, c ?? 0, d ?? 0);
        } catch (error) {
          throw named(error);
        }
        return numericResults === 1 ? [result] : [];
      };
    }
    const { bytes, f64 } = views;
    const op = ops.op_wasm_function_call_sync;
    return (args) => {
      if (args.length !== paramCount) return anyArgs(args);
      for (let i = 0; i < paramCount; i++) {
        const value = args[i];
        if (typeof value !== "number") return anyArgs(args);
        // Kind and representation 0: a number, converted by the parameter's type.
        bytes[i << 4] = 0;
        bytes[(i << 4) + 1] = 0;
        f64[(i << 1) + 1] = value;
      }
      let count;
      try {
        count = op(id, index, bytes);
      } catch (error) {
        throw named(error);
      }
      // Results are written over the argument slots; their kind bytes are cleared after
      // reading, since the async call's encoder expects zeroed headers (see #encode).
      if (count === 1 && numericResults === 1) {
        bytes[0] = 0;
        return [f64[1]];
      }
      const results = count === numericResults ? new Array(count) : decodeResults(views, 0, count);
      for (let i = 0; i < count; i++) {
        if (count === numericResults) results[i] = f64[(i << 1) + 1];
        bytes[i << 4] = 0;
      }
      return results;
    };
  }

  /** Whether a signature fits the number form: up to 4 parameters, at most one
   * result that is not i64 (`numericResults` is the result count, or -1 with an i64). */
  function numberForm(paramCount, numericResults) {
    return paramCount <= 4 && (numericResults === 0 || numericResults === 1);
  }

  /** The async call for one function: the number form when it fits (see plainNumberCall). */
  function plainNumberCallAsync(id, index, paramCount, numericResults, anyArgs) {
    if (!numberForm(paramCount, numericResults)) return anyArgs;
    const op = ops.op_wasm_function_call_numbers;
    return async (args) => {
      const a = args[0], b = args[1], c = args[2], d = args[3];
      if (
        args.length !== paramCount || (paramCount > 0 && typeof a !== "number") ||
        (paramCount > 1 && typeof b !== "number") || (paramCount > 2 && typeof c !== "number") ||
        (paramCount > 3 && typeof d !== "number")
      ) {
        return await anyArgs(args);
      }
      let result;
      try {
        result = await op(id, index, paramCount, a ?? 0, b ?? 0, c ?? 0, d ?? 0);
      } catch (error) {
        throw named(error);
      }
      return numericResults === 1 ? [result] : [];
    };
  }

  // ---- host functions: hosted calls driven from here (see runtime/src/host) ------------

  // What a step of a hosted call returns.
  const STEP_FINISHED = 0;
  const STEP_REQUEST = 1;
  const STEP_MOVED = 2;
  /** Finished, with the result slots in the exchange buffer from slot 1. */
  const STEP_FINISHED_IN_EXCHANGE = 3;
  /** A re-entrant call is over, its result slots in the exchange buffer from slot 1. */
  const STEP_REENTERED = 4;
  // How a host request failed (op_wasm_function_host_fail's `kind`).
  const FAIL_THREW = 1;
  const FAIL_BAD_RESULT = 2;
  const FAIL_PROMISE_IN_SYNC = 3;
  const FAIL_TIMEOUT = 4;
  // The longest description of a thrown value passed to Rust.
  const MAX_THROWN_TEXT = 500;
  const TIMED_OUT = Symbol("timed out");
  const DROPPED = Symbol("dropped");

  /** What JS keeps for an instance with host functions. */
  class HostState {
    constructor(functions, names, resultCounts, slotCount, timeoutMs) {
      this.functions = functions;
      this.names = names;
      this.resultCounts = resultCounts;
      this.exchange = slotViews(new Uint8Array((slotCount + 1) * SLOT));
      this.exchangeWords = new Uint32Array(this.exchange.bytes.buffer, 0, 2);
      this.timeoutMs = timeoutMs;
      /** The Instance, once instantiate has made it. */
      this.instance = undefined;
      /** Hosted calls whose host function is running on the JS stack now, innermost
       * last (`running[depth - 1]`): a call into the instance made meanwhile is
       * re-entrant. A depth counter instead of push and pop: cheaper per host call. */
      this.running = [];
      this.depth = 0;
      /** Rejecters of host promises being awaited, called when the instance is dropped. */
      this.waiting = new Set();
    }
  }

  /** `this` inside a host function: the calling instance's memory and the instance. */
  class HostCaller {
    #call;
    #host;
    #memory;
    constructor(call, host) {
      this.#call = call;
      this.#host = host;
    }
    /** The calling instance (undefined while its start function runs in instantiate). */
    get instance() {
      return this.#host?.instance;
    }
    get memory() {
      return (this.#memory ??= new HostMemory(this.#call));
    }
  }

  /** The calling instance's memory, synchronously, while its host function runs. */
  class HostMemory {
    #call;
    constructor(call) {
      this.#call = Number.isInteger(call) ? call : 0;
    }
    read(offset, length) {
      if (!Number.isInteger(length) || length < 0 || length > READ_NOW_LIMIT) {
        throw wasmError(ErrorCode.MemoryError, `memory.read: length must be a whole number from 0 to ${READ_NOW_LIMIT}, got ${describeNumber(length)}`);
      }
      const target = new Uint8Array(length);
      callOp(ops.op_wasm_memory_host_read, this.#call, numberArg(offset), target);
      return target;
    }
    write(offset, data) {
      callOp(ops.op_wasm_memory_host_write, this.#call, numberArg(offset), bytesOf(data, "memory.write"));
    }
    size() {
      return callOp(ops.op_wasm_memory_host_size, this.#call);
    }
  }

  /** A description of a thrown value for the error message; runs no user code. */
  function describeThrown(value) {
    let text;
    let isError = false;
    try {
      isError = value instanceof Error;
    } catch {
      // A Proxy whose getPrototypeOf trap throws: described as an object below.
    }
    if (isError) {
      let name = "Error", message = "";
      try {
        name = String(value.name);
        message = String(value.message);
      } catch {
        // A getter that throws: keep what we have.
      }
      text = message === "" ? name : `${name}: ${message}`;
    } else if (typeof value === "string") {
      text = JSON.stringify(value);
    } else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean" || value === undefined || value === null) {
      text = typeof value === "bigint" ? `${value}n` : String(value);
    } else {
      text = describe(value);
    }
    return text.length > MAX_THROWN_TEXT ? `${text.slice(0, MAX_THROWN_TEXT)}...` : text;
  }

  function isThenable(value) {
    return value !== null && (typeof value === "object" || typeof value === "function") && typeof value.then === "function";
  }

  /** Encode a host function's return value as its import's results in the exchange
   * buffer; an error message when it does not fit. */
  function writeAnswer(host, imported, value) {
    const count = host.resultCounts[imported];
    const name = host.names[imported];
    let list;
    if (count === 0) {
      list = [];
    } else if (count === 1) {
      list = Array.isArray(value) && value.length === 1 ? value : [value];
    } else if (Array.isArray(value)) {
      list = value;
    } else {
      return `host function "${name}" returned ${describe(value)}; its import declares ${count} results: return them as an array`;
    }
    if (list.length !== count) {
      return `host function "${name}" returned ${list.length} value(s); its import declares ${count} result(s)`;
    }
    host.exchangeWords[1] = count;
    if (!encodeArgs(list, host.exchange, 1)) {
      const bad = list.find((v) => typeof v !== "number" && typeof v !== "bigint" && !typedValues.has(v));
      return `host function "${name}" returned ${bad === undefined ? "a bigint outside 64 bits" : describe(bad)}; results must be numbers or bigints`;
    }
    return null;
  }

  /**
   * Wait for a host promise, bounded by the call's deadline (rejects with TIMED_OUT) and
   * by the instance's drop: `waiting` holds a rejecter per wait (DROPPED), which a drop
   * calls. Core and component instances both wait this way.
   */
  function settleWithin(promise, deadline, waiting) {
    return new Promise((resolve, reject) => {
      let timer;
      // Whichever ends the wait first clears the other, so no timer outlives it (a pending
      // timer would keep the event loop, and the script, alive).
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        waiting.delete(dropped);
      };
      const dropped = () => {
        done();
        reject(DROPPED);
      };
      waiting.add(dropped);
      if (deadline !== Infinity) {
        timer = setTimeout(() => {
          done();
          reject(TIMED_OUT);
        }, Math.max(0, deadline - Date.now()));
      }
      promise.then((value) => {
        done();
        resolve(value);
      }, (error) => {
        done();
        reject(error);
      });
    });
  }

  function deadlineOf(timeoutMs) {
    return typeof timeoutMs === "number" ? Date.now() + timeoutMs : Infinity;
  }

  /**
   * Run a hosted call to its end: step it, run each host function it asks for, answer,
   * step again. `blocking` (callSync) never awaits: a host promise fails the call.
   * Returns nothing; the caller collects the outcome. A failure throws its WasmError
   * with the thrown value as `cause`.
   */
  function driveSync(host, call) {
    const answer = syncAnswerer(host, call);
    try {
      let status = ops.op_wasm_function_host_step(call, 0, host.exchange.bytes);
      while (status !== STEP_FINISHED && status !== STEP_FINISHED_IN_EXCHANGE) status = answer();
      return status;
    } catch (error) {
      throw failedCall(call, error, answer.thrown);
    }
  }

  /**
   * Finish a re-entrant call (a call into the instance from inside one of its host
   * functions, `op_wasm_function_host_reenter`): answer the host functions it asks for,
   * sync, until it is over; its results are then in the exchange buffer from slot 1. Its
   * failure is thrown to the host function that made it; the suspended call goes on.
   */
  function driveReentry(host, call, status) {
    const answer = syncAnswerer(host, call);
    try {
      while (status === STEP_REQUEST) status = answer();
    } catch (error) {
      throw withCause(named(error), answer.thrown);
    }
    if (status !== STEP_REENTERED) throw wasmError(ErrorCode.InternalError, `a re-entrant call ended with status ${status}`);
  }

  /**
   * The answerer of one hosted call's host requests, synchronously (callSync and
   * re-entrant calls; a host function that returns a promise fails the call): a function
   * that runs the host function asked for, answers it and returns the next status. What
   * it needs is in closure variables, which the interpreter reads faster than properties;
   * `answer.thrown` is what the last failing host function threw.
   */
  function syncAnswerer(host, call) {
    const { bytes, f64, i64 } = host.exchange;
    const words = host.exchangeWords;
    const { functions, resultCounts } = host;
    const step = ops.op_wasm_function_host_step;
    // Made when a host function first runs: most calls never need it.
    let caller;
    const answer = () => {
      const imported = words[0];
      // What the host function did, worked out without any op: its own code (and a
      // hostile return value's getters or traps) can throw anywhere in here.
      let failure = 0, message = "";
      let value;
      caller ??= new HostCaller(call, host);
      try {
        // One argument, the commonest case, is passed here without a helper call.
        if (words[1] === 1 && nesting < MAX_NESTING) {
          const depth = host.depth;
          host.running[depth] = call;
          host.depth = depth + 1;
          nesting++;
          try {
            value = functions[imported].call(caller, bytes[16] === 1 ? i64[3] : f64[3]);
          } finally {
            nesting--;
            host.depth = depth;
          }
        } else {
          value = callHost(host, caller, imported, call);
        }
        if (typeof value === "number" && resultCounts[imported] === 1) {
          // The commonest answer, one number for one result, written inline.
          bytes[16] = 0;
          bytes[17] = 0;
          f64[3] = value;
          words[1] = 1;
        } else if (isThenable(value)) {
          // Nothing will wait for it: keep a later rejection from being reported as unhandled.
          Promise.resolve(value).catch(() => {});
          failure = FAIL_PROMISE_IN_SYNC;
          message = `host function "${host.names[imported]}" returned a promise; callSync (and a call made from inside a host function) cannot wait for it (use call())`;
        } else {
          const problem = writeAnswer(host, imported, value);
          if (problem !== null) [failure, message] = [FAIL_BAD_RESULT, problem];
        }
      } catch (error) {
        forget(value);
        answer.thrown = error;
        [failure, message] = [FAIL_THREW, `host function "${host.names[imported]}" threw: ${describeThrown(error)}`];
      }
      return failure === 0 ? step(call, 1, bytes) : fail(call, host, failure, message);
    };
    answer.thrown = NO_THROW;
    return answer;
  }

  /** Run host function `imported` with the request's arguments (one argument without
   * building an array, the commonest case). */
  function callHost(host, caller, imported, call) {
    const fn = host.functions[imported];
    const count = host.exchangeWords[1];
    const x = host.exchange;
    if (nesting >= MAX_NESTING) {
      throw wasmError(ErrorCode.CallError, `host functions nest more than ${MAX_NESTING} deep (wasm -> JS -> wasm -> ...); the JS stack would run out`);
    }
    nesting++;
    // While it runs, calls into the instance are re-entrant: made on this call's store.
    const depth = host.depth;
    host.running[depth] = call;
    host.depth = depth + 1;
    try {
      if (count === 1) return fn.call(caller, x.bytes[16] === 1 ? x.i64[3] : x.f64[3]);
      if (count === 0) return fn.call(caller);
      return fn.apply(caller, decodeResults(x, 1, count));
    } finally {
      nesting--;
      host.depth = depth;
    }
  }

  /** Host functions running on the JS stack now, one inside another (a host function
   * that calls into another instance whose host function ...). Past MAX_NESTING the next
   * one fails with 5002 instead of running the JS stack out, which would leave errors
   * that nothing can handle. */
  let nesting = 0;
  const MAX_NESTING = 100;

  /** A promise a host function returned that will not be awaited (the call failed
   * first): a later rejection must not be reported as unhandled. */
  function forget(value) {
    try {
      if (value instanceof Promise) value.then(undefined, () => {});
    } catch {
      // Nothing more can be done with it.
    }
  }

  function drive(host, call, deadline, decode) {
    // The first step runs here: a call that finishes at once (no host function, no
    // long run) then costs no async function and no promise of its own.
    let status;
    try {
      status = ops.op_wasm_function_host_step(call, 0, host.exchange.bytes);
    } catch (error) {
      throw failedCall(call, error, NO_THROW);
    }
    if (status === STEP_FINISHED_IN_EXCHANGE) return decode(host.exchange, 1);
    return driveOn(host, call, deadline, decode, status);
  }

  async function driveOn(host, call, deadline, decode, first) {
    let thrown = NO_THROW;
    try {
      let caller;
      let status = first;
      while (status !== STEP_FINISHED && status !== STEP_FINISHED_IN_EXCHANGE) {
        if (status === STEP_MOVED) {
          status = await ops.op_wasm_function_host_wait(call);
          if (status === STEP_FINISHED) break;
          ops.op_wasm_function_host_request(call, host.exchange.bytes);
        }
        const imported = host.exchangeWords[0];
        const name = host.names[imported];
        let failure = 0, message = "";
        let value;
        caller ??= new HostCaller(call, host);
        try {
          value = callHost(host, caller, imported, call);
          if (isThenable(value)) value = await settleWithin(Promise.resolve(value), deadline, host.waiting);
          const problem = writeAnswer(host, imported, value);
          if (problem !== null) [failure, message] = [FAIL_BAD_RESULT, problem];
        } catch (error) {
          if (error === TIMED_OUT) {
            [failure, message] = [FAIL_TIMEOUT, `ran past its timeout while host function "${name}" was pending; the instance stays usable`];
          } else if (error === DROPPED) {
            throw wasmError(ErrorCode.InvalidInstanceHandle, `the instance was dropped while the call waited for host function "${name}"`);
          } else {
            forget(value);
            thrown = error;
            [failure, message] = [FAIL_THREW, `host function "${name}" threw: ${describeThrown(error)}`];
          }
        }
        status = failure === 0 ? ops.op_wasm_function_host_step(call, 1, host.exchange.bytes) : fail(call, host, failure, message);
      }
      // Results in the exchange buffer are decoded now: once this async function returns,
      // other calls of the instance may use the buffer before the caller resumes.
      if (status === STEP_FINISHED_IN_EXCHANGE) return decode(host.exchange, 1);
      return undefined;
    } catch (error) {
      throw failedCall(call, error, thrown);
    }
  }

  /**
   * The error a failed hosted call rejects with. The call is forgotten (a no-op when the
   * runtime already did): an error from this module's own code, e.g. the JS stack running
   * out in deep wasm -> JS -> wasm recursion, must not leave the instance suspended.
   * Anything that is not a WasmError becomes a 5002 with the original as its cause.
   */
  function failedCall(call, error, thrown) {
    try {
      ops.op_wasm_function_host_cancel(call);
    } catch {
      // Nothing to do: the stack may still be nearly full; the call stays until drop.
    }
    if (!(error instanceof WasmError)) {
      const wrapped = wasmError(ErrorCode.CallError, `the call failed in the host function machinery: ${describeThrown(error)}`);
      Object.defineProperty(wrapped, "cause", { value: error, writable: true, configurable: true, enumerable: false });
      return wrapped;
    }
    return withCause(named(error), thrown);
  }

  const NO_THROW = Symbol("no throw");

  function withCause(error, thrown) {
    if (thrown !== NO_THROW && error instanceof WasmError && error.code === ErrorCode.CallError) {
      Object.defineProperty(error, "cause", { value: thrown, writable: true, configurable: true, enumerable: false });
    }
    return error;
  }

  function fail(call, host, kind, message) {
    return ops.op_wasm_function_host_fail(call, kind, core.encode(message), host.exchange.bytes);
  }

  /** A resolved export: signature known, calls pass slots. */
  class WasmFunction {
    #id;
    #index;
    #views;
    #tagged = false;
    #numericResults;
    /** callSync and call, specialised for this signature (see plainNumberCall). */
    #syncCall;
    #asyncCall;
    /** For an instance with host functions: its HostState (every call is hosted). */
    #host;
    constructor(id, name, info, host) {
      // Constructed by Instance.getFunction; a forged one gets handles that are never live.
      const valid = isHandle(id) && info !== null && typeof info === "object" && Number.isInteger(info.index);
      this.#host = host instanceof HostState ? host : undefined;
      if (!valid) info = { index: U32_MAX, params: [], results: [] };
      this.#id = valid ? id : 0;
      this.#index = info.index;
      this.name = name;
      this.params = Object.freeze(info.params);
      this.results = Object.freeze(info.results);
      this.#views = slotViews(new Uint8Array(Math.max(this.params.length, this.results.length, 1) * SLOT));
      this.#numericResults = !this.results.includes("i64");
      const numericResults = this.#numericResults ? this.results.length : -1;
      this.#syncCall = plainNumberCall(this.#id, this.#index, this.params.length, numericResults, this.#views,
        (args) => this.#callSyncAnyArgs(args));
      this.#asyncCall = plainNumberCallAsync(this.#id, this.#index, this.params.length, numericResults,
        (args) => this.#callAnyArgs(args));
      if (this.#host !== undefined) {
        this.#syncCall = (args) => this.#hostedSync(args);
        this.#asyncCall = (args) => this.#hosted(args, undefined);
      }
      Object.freeze(this);
    }

    /** callSync of an instance with host functions: driven here, to the end. */
    #hostedSync(args) {
      if (this.#host.depth > 0) return this.#reenter(args);
      const bytes = this.#encode(args);
      if (bytes === null) throw this.#argumentError(args);
      const call = callOp(ops.op_wasm_function_call_hosted, this.#id, this.#index, 1, bytes, -1, -1, true);
      if (driveSync(this.#host, call) === STEP_FINISHED_IN_EXCHANGE) return this.#decode(this.#host.exchange, 1);
      return this.#decode(slotViews(new Uint8Array(callOp(ops.op_wasm_function_host_results, call))), 0);
    }

    /**
     * A call made from inside one of the instance's host functions, while its call is
     * suspended there: run on that call's store, to the end (its own host functions
     * must not return promises), nested in it.
     */
    #reenter(args) {
      const host = this.#host;
      const bytes = this.#encode(args);
      if (bytes === null) throw this.#argumentError(args);
      const parent = host.running[host.depth - 1];
      const status = callOp(ops.op_wasm_function_host_reenter, parent, this.#id, this.#index, bytes, host.exchange.bytes);
      driveReentry(host, parent, status);
      return this.#decode(host.exchange, 1);
    }

    /** An async call (or a batch) of an instance with host functions. */
    async #hosted(args, options, batch) {
      if (this.#host.depth > 0) {
        // From inside a host function: re-entrant, so run now (a batch call by call).
        if (batch === undefined) return this.#reenter(args);
        return batch.argsList.map((each) => this.#reenter(each));
      }
      let call;
      if (batch === undefined) {
        const bytes = this.#encode(args);
        if (bytes === null) throw this.#argumentError(args);
        const fuel = options?.fuel ?? -1, timeoutMs = options?.timeoutMs ?? -1;
        call = callOp(ops.op_wasm_function_call_hosted, this.#id, this.#index, 1, bytes, fuel, timeoutMs, false);
      } else {
        call = callOp(ops.op_wasm_function_call_hosted, this.#id, this.#index, batch.count, batch.bytes, -1, -1, false);
      }
      // Results that fit come back decoded from the exchange buffer, others by an op.
      const resultWidth = this.results.length;
      const decode = batch === undefined
        ? (views, first) => this.#decode(views, first)
        : (views, first) => Array.from({ length: batch.count }, (_, i) => this.#decode(views, first + i * resultWidth));
      const done = await drive(this.#host, call, deadlineOf(options?.timeoutMs ?? this.#host.timeoutMs), decode);
      if (done !== undefined) return done;
      return decode(slotViews(new Uint8Array(callOp(ops.op_wasm_function_host_results, call))), 0);
    }

    /**
     * A bigint beyond 64 bits cannot travel in a slot, but a float parameter may still
     * hold it exactly (e.g. -(2n ** 127n)): send such a value as the number it equals.
     * Anything else is left for the converter to refuse.
     */
    #widen(args) {
      return args.map((arg, i) => {
        const isTyped = typedValues.has(arg);
        const value = isTyped ? arg.value : arg;
        const param = this.params[i];
        if (typeof value !== "bigint" || (param !== "f32" && param !== "f64")) return arg;
        const number = Number(value);
        const exact = Number.isFinite(number) && BigInt(number) === value &&
          (param === "f64" || Math.fround(number) === number);
        if (!exact) return arg;
        return isTyped ? typed(arg.type, number) : number;
      });
    }

    /** Encode into the reusable buffer, or null when the record form must be used. */
    #encode(args) {
      const n = this.params.length;
      if (args.length !== n) return null;
      const views = this.#views;
      // Plain numbers (the common case): payload only. Kind and representation bytes are
      // zero unless the previous call used bigints or types.*, which sets #tagged.
      if (!this.#tagged) {
        const f64 = views.f64;
        let i = 0;
        while (i < n && typeof args[i] === "number") {
          f64[(i << 1) + 1] = args[i];
          i++;
        }
        if (i === n) return views.bytes;
      }
      if (!encodeArgs(args, views, 0) && !encodeArgs(this.#widen(args), views, 0)) return null;
      this.#tagged = false;
      const bytes = views.bytes;
      for (let i = 0; i < n; i++) {
        if (bytes[i << 4] !== 0 || bytes[(i << 4) + 1] !== 0) this.#tagged = true;
      }
      return bytes;
    }

    /** Results of one call; i64 results need the bigint view. */
    #decode(views, first) {
      const count = this.results.length;
      if (this.#numericResults) {
        if (count === 1) return [views.f64[(first << 1) + 1]];
        const out = new Array(count);
        for (let i = 0; i < count; i++) out[i] = views.f64[((first + i) << 1) + 1];
        return out;
      }
      return decodeResults(views, first, count);
    }

    callSync(...args) {
      return this.#syncCall(args);
    }

    /** The callSync closure itself, taking the arguments as one array: Instance.callSync
     * keeps it per export name and calls it directly. */
    get [kCallSync]() {
      return this.#syncCall;
    }

    /** callSync for arguments other than plain numbers (bigints, types.*, errors). */
    #callSyncAnyArgs(args) {
      const bytes = this.#encode(args);
      if (bytes === null) throw this.#argumentError(args);
      let count;
      try {
        count = ops.op_wasm_function_call_sync(this.#id, this.#index, bytes);
      } catch (error) {
        rethrow(error);
      }
      const views = this.#views;
      const results = count === this.results.length ? this.#decode(views, 0) : decodeResults(views, 0, count);
      // The results were written over the argument slots: clear their kind bytes so the
      // next call's plain-number encoding starts from zeroed headers.
      for (let i = 0; i < count; i++) bytes[i << 4] = 0;
      return results;
    }

    call(...args) {
      return this.#asyncCall(args);
    }

    /** call with the arguments as one array (saves a spread for Instance.call). */
    [kCall](args) {
      return this.#asyncCall(args);
    }

    /** The async call for any arguments: the slot form. */
    async #callAnyArgs(args) {
      const bytes = this.#encode(args);
      if (bytes === null) throw this.#argumentError(args);
      const out = await invoke(ops.op_wasm_function_call, this.#id, this.#index, bytes);
      return this.#decode(slotViews(out), 0);
    }

    /** A call with limits of its own (Instance.callWith); `options` are checked. */
    async [kCallWith](args, options) {
      if (this.#host !== undefined) {
        try {
          return await this.#hosted(args, options);
        } catch (error) {
          throw optionsError(named(error), "callWith");
        }
      }
      const bytes = this.#encode(args);
      if (bytes === null) throw this.#argumentError(args);
      let out;
      try {
        out = await ops.op_wasm_function_call_with(this.#id, this.#index, bytes, options);
      } catch (error) {
        throw optionsError(named(error), "callWith");
      }
      return this.#decode(slotViews(out), 0);
    }

    async callBatch(argsList) {
      if (!Array.isArray(argsList)) {
        throw wasmError(ErrorCode.TypeError, `callBatch: expected an array of argument lists, got ${describe(argsList)}`);
      }
      const width = this.params.length;
      const views = slotViews(new Uint8Array(Math.max(argsList.length * width, 1) * SLOT));
      for (let call = 0; call < argsList.length; call++) {
        const args = argsList[call];
        if (!Array.isArray(args)) {
          throw wasmError(ErrorCode.TypeError, `callBatch: call ${call}: expected an argument list, got ${describe(args)}`);
        }
        if (
          args.length !== this.params.length ||
          !(encodeArgs(args, views, call * width) || encodeArgs(this.#widen(args), views, call * width))
        ) {
          throw this.#argumentError(args);
        }
      }
      if (this.#host !== undefined) {
        return await this.#hosted(undefined, undefined, { count: argsList.length, bytes: views.bytes, argsList });
      }
      const out = await invoke(ops.op_wasm_function_call_batch, this.#id, this.#index, argsList.length, views.bytes);
      const outViews = slotViews(out);
      const resultWidth = this.results.length;
      return argsList.map((_, call) => this.#decode(outViews, call * resultWidth));
    }

    /** Arguments the slots cannot carry are always an error: the converter names it. */
    #argumentError(args) {
      try {
        ops.op_wasm_function_check_args(this.#id, this.name, args.map(toCallArg));
      } catch (error) {
        rethrow(error);
      }
      return wasmError(ErrorCode.TypeError, `${this.name}: unsupported arguments`);
    }
  }



  /**
   * An exported global (Instance.getGlobal). Reads and writes go by export name: the op
   * checks the name, type and mutability against the module every time, so a forged
   * handle can do no more than getGlobal could.
   */
  class WasmGlobal {
    #id;
    constructor(id, name, info) {
      const valid = isHandle(id) && typeof name === "string" && info !== null && typeof info === "object";
      this.#id = valid ? id : 0;
      this.name = valid ? name : "";
      this.type = valid ? info.type : "i32";
      this.mutable = valid ? info.mutable === true : false;
      Object.freeze(this);
    }

    async get() {
      // A free instance answers on this thread (one slot); a busy one gives an empty
      // buffer, and the read waits for its call on a worker.
      let slot = callOp(ops.op_wasm_instance_global_get_sync, this.#id, this.name);
      if (slot.byteLength === 0) slot = await invoke(ops.op_wasm_instance_global_get, this.#id, this.name);
      return decodeResults(slotViews(new Uint8Array(slot)), 0, 1)[0];
    }

    async set(value) {
      // The record form: the converter reports every value it cannot take, as for calls.
      const arg = toCallArg(value);
      if (callOp(ops.op_wasm_instance_global_set_sync, this.#id, this.name, arg)) return;
      await invoke(ops.op_wasm_instance_global_set, this.#id, this.name, arg);
    }
  }

  function bytesOf(data, what) {
    if (data instanceof Uint8Array) return data;
    if (data instanceof ArrayBuffer) return new Uint8Array(data);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (typeof data === "string" && what === "compile") return core.encode(data);
    throw wasmError(
      what === "compile" ? ErrorCode.CompileError : ErrorCode.MemoryError,
      `${what}: expected a Uint8Array or ArrayBuffer, got ${describe(data)}`,
    );
  }

  /**
   * Check an options object against the spec's record: unknown keys are refused (serde
   * would ignore them) with the field a typo most likely meant, and numbers, booleans and
   * strings must have their declared type (serde would turn -1 or NaN into a u64 of 0).
   */
  function checkFields(value, record, what, code) {
    const fields = recordFields[record];
    for (const key of Object.keys(value)) {
      const type = Object.hasOwn(fields, key) ? fields[key] : undefined;
      if (type === undefined) {
        const known = Object.keys(fields);
        const near = known.find((k) => k.toLowerCase() === key.toLowerCase());
        const hint = near ? `; did you mean "${near}"?` : `; known options: ${known.join(", ")}`;
        throw wasmError(code, `${what}: unknown option "${key}"${hint}`);
      }
      const problem = checkScalar(value[key], type);
      if (problem !== null) throw wasmError(code, `${what}: option "${key}" ${problem}`);
    }
  }

  const U32_MAX = 0xffffffff;

  /** Why `v` does not fit the wire type `type`, or null (also for non-scalar types). */
  function checkScalar(v, type) {
    if (v === undefined) return null;
    switch (type) {
      case "u64":
        return Number.isSafeInteger(v) && v >= 0 ? null : `must be a non-negative whole number, got ${describeNumber(v)}`;
      case "u32":
        return Number.isInteger(v) && v >= 0 && v <= U32_MAX ? null : `must be a whole number from 0 to ${U32_MAX}, got ${describeNumber(v)}`;
      case "i32":
        return Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 ? null : `must be a 32-bit whole number, got ${describeNumber(v)}`;
      case "f64":
        return typeof v === "number" ? null : `must be a number, got ${describe(v)}`;
      case "bool":
        return typeof v === "boolean" ? null : `must be true or false, got ${describe(v)}`;
      case "string":
        return typeof v === "string" ? null : `must be a string, got ${describe(v)}`;
      default:
        return null;
    }
  }

  function describeNumber(v) {
    return typeof v === "number" ? String(v) : describe(v);
  }

  function checkInstantiateOptions(options) {
    checkFields(options, "InstantiateOptions", "instantiate", ErrorCode.WasiError);
    const preopens = options.preopens;
    if (preopens !== undefined && preopens !== null && typeof preopens === "object") {
      for (const [guest, preopen] of Object.entries(preopens)) {
        if (preopen !== null && typeof preopen === "object") {
          checkFields(preopen, "PreopenOptions", `instantiate: preopens["${guest}"]`, ErrorCode.WasiError);
        }
      }
    }
  }

  function isHandle(value) {
    return Number.isInteger(value) && value >= 1 && value <= U32_MAX;
  }

  function handleOf(value, code, what) {
    if (!isHandle(value)) {
      throw wasmError(code, `${what}: ${describeNumber(value)} is not a handle`);
    }
    return value;
  }

  // ---- module functions ---------------------------------------------------------

  async function compile(bytes) {
    return await invoke(ops.op_wasm_module_compile, bytesOf(bytes, "compile"));
  }

  async function compileFile(path) {
    if (typeof URL === "function" && path instanceof URL) path = decodeURIComponent(path.pathname);
    if (typeof path !== "string") {
      throw wasmError(ErrorCode.IoError, `compileFile: expected a path string, got ${describe(path)}`);
    }
    return await invoke(ops.op_wasm_module_compile_file, path);
  }

  async function dropModule(moduleId) {
    const handle = handleOf(moduleId, ErrorCode.InvalidModuleHandle, "dropModule");
    return await invoke(ops.op_wasm_module_drop, handle);
  }

  function instantiate(moduleId, options) {
    if (isHandle(moduleId)) {
      try {
        if (components.isComponent(moduleId)) return components.createComponent(moduleId, options);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (options !== null && typeof options === "object" && options.imports !== undefined) {
      return instantiateHosted(moduleId, options);
    }
    if (options === undefined && isHandle(moduleId)) {
      // No options: made here by one sync op, without an async function (0 when a start
      // function must run first, on a worker).
      let id;
      try {
        id = ops.op_wasm_instance_create_sync(moduleId);
      } catch (error) {
        return Promise.reject(named(error));
      }
      if (id !== 0) return Promise.resolve(new Instance(id));
    }
    return instantiateWith(moduleId, options === undefined ? {} : options);
  }

  async function instantiateWith(moduleId, options) {
    const handle = handleOf(moduleId, ErrorCode.InvalidModuleHandle, "instantiate");
    if (options === null || typeof options !== "object") {
      throw wasmError(ErrorCode.WasiError, `instantiate: options must be an object, got ${describe(options)}`);
    }
    checkInstantiateOptions(options);
    let id;
    try {
      id = await invoke(ops.op_wasm_instance_create, handle, options);
    } catch (error) {
      if (error instanceof WasmError) throw error;
      // Options that do not match InstantiateOptions (unknown key, wrong type).
      throw wasmError(ErrorCode.WasiError, `instantiate: invalid options: ${error.message}`);
    }
    return new Instance(id);
  }

  /** instantiate with host functions: linked, then made (and its start function run) as
   * a hosted call. */
  async function instantiateHosted(moduleId, options) {
    const handle = handleOf(moduleId, ErrorCode.InvalidModuleHandle, "instantiate");
    checkInstantiateOptions(options);
    const { imports, ...rest } = options;
    if (imports === null || typeof imports !== "object" || Array.isArray(imports)) {
      throw wasmError(ErrorCode.InstantiateError, `instantiate: imports must be an object of import modules, got ${describe(imports)}`);
    }
    const functions = [];
    const given = [];
    const refused = [];
    for (const moduleName of Object.keys(imports)) {
      const fields = imports[moduleName];
      if (fields === null || typeof fields !== "object" || Array.isArray(fields)) {
        refused.push(`"${moduleName}" (${describe(fields)}, not an object of functions)`);
        continue;
      }
      for (const name of Object.keys(fields)) {
        const fn = fields[name];
        if (typeof fn !== "function") {
          refused.push(`${moduleName}.${name} (${describe(fn)})`);
          continue;
        }
        functions.push(fn);
        given.push({ module: moduleName, name });
      }
    }
    if (refused.length > 0) {
      throw wasmError(
        ErrorCode.InstantiateError,
        `instantiate: imports can only be functions (memories, tables and globals from JS are not supported yet): ${refused.join(", ")}`,
      );
    }
    const declared = callOp(ops.op_wasm_module_imports, handle);
    let slotCount = 1;
    const resultCounts = given.map(({ module, name }) => {
      const info = declared.find((d) => d.module === module && d.name === name);
      if (info === undefined) return 0;
      slotCount = Math.max(slotCount, info.params.length, info.results.length);
      return info.results.length;
    });
    const names = given.map(({ module, name }) => `${module}.${name}`);
    const host = new HostState(functions, names, resultCounts, slotCount, rest.timeoutMs);
    // An instance with fuel (or without epoch checks) runs code of another engine kind,
    // compiled for it on first use, off this thread.
    if (rest.fuel !== undefined || rest.interruptible === false) {
      await invoke(ops.op_wasm_module_prepare_variant, handle, rest);
    }
    let call;
    try {
      call = ops.op_wasm_instance_create_hosted(handle, rest, given);
    } catch (error) {
      if (error instanceof WasmError) throw named(error);
      throw wasmError(ErrorCode.WasiError, `instantiate: invalid options: ${error.message}`);
    }
    await drive(host, call, deadlineOf(rest.timeoutMs));
    const instance = new Instance(callOp(ops.op_wasm_instance_host_created, call), host);
    host.instance = instance;
    return instance;
  }

  // ---- instances --------------------------------------------------------------------

  class Memory {
    #id;
    constructor(id) {
      this.#id = isHandle(id) ? id : 0;
    }
    async read(offset, length) {
      const len = numberArg(length);
      // Small reads on a free instance: copy straight into a new buffer on this thread.
      if (Number.isInteger(len) && len >= 0 && len <= READ_NOW_LIMIT) {
        const target = new Uint8Array(len);
        if (callOp(ops.op_wasm_memory_read_sync, this.#id, numberArg(offset), target)) return target;
      }
      return new Uint8Array(await invoke(ops.op_wasm_memory_read, this.#id, numberArg(offset), len));
    }
    async readInto(offset, target) {
      if (!(target instanceof Uint8Array)) {
        throw wasmError(ErrorCode.MemoryError, `readInto: the target must be a Uint8Array, got ${describe(target)}`);
      }
      if (!callOp(ops.op_wasm_memory_read_sync, this.#id, numberArg(offset), target)) {
        // A call holds the instance: wait for it off the JS thread, then copy.
        target.set(await this.read(offset, target.length));
      }
      return target.length;
    }
    async write(offset, data) {
      const bytes = bytesOf(data, "memory.write");
      if (callOp(ops.op_wasm_memory_write_sync, this.#id, numberArg(offset), bytes)) return;
      // The op resolves to null for its `()`; the API promises void either way.
      await invoke(ops.op_wasm_memory_write, this.#id, numberArg(offset), bytes);
    }
    async size() {
      return await invoke(ops.op_wasm_memory_size, this.#id);
    }
    async grow(deltaPages) {
      return await invoke(ops.op_wasm_memory_grow, this.#id, numberArg(deltaPages));
    }
  }

  /** Reads up to this size are answered on the JS thread when the instance is free. */
  const READ_NOW_LIMIT = 1 << 30;

  /** A sync op, with its errors named by their codes. */
  function callOp(op, ...args) {
    try {
      return op(...args);
    } catch (error) {
      rethrow(error);
    }
  }

  /** Call options that do not match CallOptions (unknown key, wrong type) are 5007. */
  function optionsError(error, what) {
    if (error instanceof WasmError) return error;
    return wasmError(ErrorCode.TypeError, `${what}: invalid options: ${error.message}`);
  }

  /** Offsets and lengths: anything that is not a number becomes NaN, refused in Rust (5006). */
  function numberArg(value) {
    return typeof value === "number" ? value : NaN;
  }

  /** A piped stdout or stderr: each read takes what was written since the last. */
  class CapturedOutput {
    #id;
    #stream;
    #take;
    constructor(id, stream, take) {
      this.#id = isHandle(id) ? id : 0;
      this.#stream = stream === 2 ? 2 : 1;
      // A component instance's streams are taken by its own op.
      this.#take = take === ops.op_wasm_component_take_output ? take : ops.op_wasm_instance_take_output;
    }
    async read() {
      return new Uint8Array(await invoke(this.#take, this.#id, this.#stream));
    }
    async text() {
      return core.decode(await this.read());
    }
  }

  function callOptions(options, what) {
    if (options === undefined) return {};
    if (options === null || typeof options !== "object" || Array.isArray(options)) {
      throw wasmError(ErrorCode.TypeError, `${what}: options must be an object, got ${describe(options)}`);
    }
    checkFields(options, "CallOptions", what, ErrorCode.TypeError);
    return options;
  }

  class Instance {
    #id;
    /** The helper objects and resolved functions, made on first use: most instances
     * never need them, and every field set in the constructor costs instantiate time. */
    #parts;
    /** HostState for an instance with host functions. */
    #host;
    #dropped = false;
    constructor(id, host) {
      this.#host = host instanceof HostState ? host : undefined;
      // Handles are whole numbers from 1; anything else (a forged 1.5, 2^32 + 1, "3")
      // becomes 0, which is never a live handle, so every use fails with 5005 instead of
      // being truncated by the op layer onto a live instance.
      this.#id = isHandle(id) ? id : 0;
    }
    #lazy() {
      return (this.#parts ??= {
        memory: undefined,
        stdout: undefined,
        stderr: undefined,
        functions: new Map(),
        syncCalls: new Map(),
      });
    }
    get memory() {
      const parts = this.#lazy();
      return (parts.memory ??= new Memory(this.#id));
    }
    get stdout() {
      const parts = this.#lazy();
      return (parts.stdout ??= new CapturedOutput(this.#id, 1));
    }
    get stderr() {
      const parts = this.#lazy();
      return (parts.stderr ??= new CapturedOutput(this.#id, 2));
    }
    async call(name, ...args) {
      return await this.#function("call", name)[kCall](args);
    }
    callSync(name, ...args) {
      // The hot path: this export's callSync closure, looked up once by name.
      const call = this.#parts?.syncCalls.get(name);
      if (call !== undefined) return call(args);
      const fn = this.#function("callSync", name);
      this.#parts.syncCalls.set(name, fn[kCallSync]);
      return fn[kCallSync](args);
    }
    getFunction(name) {
      return this.#function("getFunction", name);
    }
    async callBatch(name, argsList) {
      return await this.#function("callBatch", name).callBatch(argsList);
    }
    /** The function handle for an export, resolved on first use. */
    #function(what, name) {
      const parts = this.#parts;
      let fn = parts === undefined ? undefined : parts.functions.get(name);
      if (fn === undefined) {
        const functions = this.#lazy().functions;
        if (typeof name !== "string") {
          throw wasmError(ErrorCode.ExportNotFound, `${what}: the export name must be a string, got ${describe(name)}`);
        }
        let info;
        try {
          info = ops.op_wasm_function_get(this.#id, name);
        } catch (error) {
          rethrow(error);
        }
        fn = new WasmFunction(this.#id, name, info, this.#host);
        functions.set(name, fn);
      }
      return fn;
    }
    getGlobal(name) {
      if (typeof name !== "string") {
        throw wasmError(ErrorCode.ExportNotFound, `getGlobal: the export name must be a string, got ${describe(name)}`);
      }
      return new WasmGlobal(this.#id, name, callOp(ops.op_wasm_instance_global_resolve, this.#id, name));
    }
    async callWith(name, args, options) {
      if (!Array.isArray(args)) {
        throw wasmError(ErrorCode.TypeError, `callWith: args must be an array, got ${describe(args)}`);
      }
      const checked = callOptions(options, "callWith");
      return await this.#function("callWith", name)[kCallWith](args, checked);
    }
    async run(options) {
      try {
        if (this.#host !== undefined) {
          const checked = callOptions(options, "run");
          const call = callOp(ops.op_wasm_instance_run_hosted, this.#id, checked);
          await drive(this.#host, call, deadlineOf(checked.timeoutMs ?? this.#host.timeoutMs));
          return callOp(ops.op_wasm_instance_host_exit_code, call);
        }
        return await invoke(ops.op_wasm_instance_run, this.#id, callOptions(options, "run"));
      } catch (error) {
        throw optionsError(error, "run");
      }
    }
    async getExports() {
      return await invoke(ops.op_wasm_instance_exports, this.#id);
    }
    async setFuel(fuel) {
      return await invoke(ops.op_wasm_instance_set_fuel, this.#id, numberArg(fuel));
    }
    async getFuel() {
      return await invoke(ops.op_wasm_instance_get_fuel, this.#id);
    }
    /** `await using instance = ...`: dropped when the scope ends (once). */
    [Symbol.asyncDispose]() {
      if (this.#dropped) return Promise.resolve();
      return this.drop();
    }
    drop() {
      this.#dropped = true;
      // Forget resolved functions, so getFunction after drop asks the runtime (5005).
      this.#parts?.functions.clear();
      this.#parts?.syncCalls.clear();
      if (this.#host !== undefined) {
        // Calls waiting on host promises fail now (their wasm stacks are unwound by the op).
        for (const reject of [...this.#host.waiting]) reject();
      }
      // A sync op: no async function, so a drop costs one resolved promise.
      try {
        ops.op_wasm_instance_drop(this.#id);
      } catch (error) {
        return Promise.reject(named(error));
      }
      return Promise.resolve();
    }
  }

  // Components (20_component.js), with what they share with the module side.
  const components = core.loadExtScript("ext:runtime_wasm/20_component.js")({
    core,
    ops,
    ErrorCode,
    WasmError,
    wasmError,
    named,
    rethrow,
    invoke,
    describe,
    isHandle,
    handleOf,
    CapturedOutput,
    checkInstantiateOptions,
    callOptions,
    optionsError,
    settleWithin,
    TIMED_OUT,
    DROPPED,
  });

  const api = {
    compile,
    compileFile,
    dropModule,
    instantiate,
    instantiateComponent: components.instantiateComponent,
    moduleKind: components.moduleKind,
    componentTypes: components.componentTypes,
    ComponentInstance: components.ComponentInstance,
    ComponentResource: components.ComponentResource,
    Instance,
    Memory,
    WasmFunction,
    WasmGlobal,
    HostCaller,
    HostMemory,
    CapturedOutput,
    WasmError,
    ErrorCode,
    types,
  };
  // The generated export list and this object must agree (a generated test checks it too).
  for (const name of exportNames) {
    if (!(name in api)) throw new Error(`runtime:wasm: export ${name} is declared in the spec but not implemented`);
  }
  return api;
})();
