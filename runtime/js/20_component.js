// The JS side of components in `runtime:wasm`: `ComponentInstance`, its `exports`
// object, resource objects, and the byte form values cross the op boundary in.
//
// A classic script loaded by 10_wasm.js, which passes in what the two share (ops, the
// error helpers, option checks); it returns the component API for the module namespace.
// The value layout is described in runtime/src/component/wire.rs; both sides must agree.
(function () {
  "use strict";
  return function components(shared) {
    const { core, ops, ErrorCode, wasmError, named, rethrow, invoke, describe, isHandle, CapturedOutput } = shared;
    const { checkInstantiateOptions, callOptions, optionsError } = shared;

    // ---- the byte form ------------------------------------------------------------

    const T_UNDEFINED = 0, T_NULL = 1, T_FALSE = 2, T_TRUE = 3, T_NUMBER = 4, T_BIGINT = 5;
    const T_STRING = 6, T_BYTES = 7, T_ARRAY = 8, T_OBJECT = 9, T_RESOURCE = 10, T_OTHER = 11;
    const MAX_DEPTH = 200;
    const LEAD_ERR = 1;
    const LEAD_REQUEST = 2;
    const ANSWER_VALUE = 0, ANSWER_THREW = 1, ANSWER_ERR_PAYLOAD = 2, ANSWER_TIMEOUT = 3;
    const { settleWithin, TIMED_OUT, DROPPED } = shared;

    /** Writes values into a growing buffer. */
    class Writer {
      constructor() {
        this.bytes = new Uint8Array(256);
        this.view = new DataView(this.bytes.buffer);
        this.at = 0;
      }
      room(n) {
        if (this.at + n <= this.bytes.length) return;
        let size = this.bytes.length * 2;
        while (size < this.at + n) size *= 2;
        const grown = new Uint8Array(size);
        grown.set(this.bytes.subarray(0, this.at));
        this.bytes = grown;
        this.view = new DataView(grown.buffer);
      }
      tag(t) {
        this.room(1);
        this.bytes[this.at++] = t;
      }
      u32(n) {
        this.room(4);
        this.view.setUint32(this.at, n, true);
        this.at += 4;
      }
      raw(data) {
        this.u32(data.length);
        this.room(data.length);
        this.bytes.set(data, this.at);
        this.at += data.length;
      }
      text(s) {
        this.raw(core.encode(s));
      }
      done() {
        return this.bytes.slice(0, this.at);
      }
    }

    /**
     * Write one JS value. Reading an object's properties may run user code (a getter, a
     * Proxy trap): it runs here, before the call, and a throw from it is the caller's.
     */
    function writeValue(w, value, depth) {
      if (depth > MAX_DEPTH) {
        throw wasmError(ErrorCode.TypeError, `a value nested more than ${MAX_DEPTH} levels deep`);
      }
      switch (typeof value) {
        case "undefined":
          return w.tag(T_UNDEFINED);
        case "boolean":
          return w.tag(value ? T_TRUE : T_FALSE);
        case "number":
          w.tag(T_NUMBER);
          w.room(8);
          w.view.setFloat64(w.at, value, true);
          w.at += 8;
          return;
        case "bigint":
          w.tag(T_BIGINT);
          return w.text(value.toString());
        case "string":
          w.tag(T_STRING);
          return w.text(value);
        case "object": {
          if (value === null) return w.tag(T_NULL);
          const resource = resourceHandles.get(value);
          if (resource !== undefined) {
            if (resource.instance !== w.instance) {
              w.tag(T_OTHER);
              return w.text("a resource of another component instance");
            }
            // 0 is never a live handle: a dropped resource is refused by the Rust side.
            w.tag(T_RESOURCE);
            return w.u32(resource.dropped ? 0 : resource.handle);
          }
          if (value instanceof Uint8Array) {
            w.tag(T_BYTES);
            return w.raw(value);
          }
          if (Array.isArray(value)) {
            // The length is read once: a getter that changes it must not desync the count.
            const length = value.length;
            w.tag(T_ARRAY);
            w.u32(length);
            for (let i = 0; i < length; i++) writeValue(w, value[i], depth + 1);
            return;
          }
          const keys = Object.keys(value);
          w.tag(T_OBJECT);
          w.u32(keys.length);
          for (const key of keys) {
            w.text(key);
            writeValue(w, value[key], depth + 1);
          }
          return;
        }
        default:
          w.tag(T_OTHER);
          return w.text(typeof value === "function" ? "a function" : typeof value);
      }
    }

    /** One writer for every call (encoding is synchronous, and `done` copies out), unless a
     * getter starts another call while it is in use: that one gets a writer of its own. */
    const argsWriter = new Writer();

    /** The arguments of `what("name")` in the byte form; a value that cannot be read is 5007. */
    function encodeArgs(what, name, args, instance) {
      const w = argsWriter.busy ? new Writer() : argsWriter;
      w.at = 0;
      w.instance = instance;
      w.busy = true;
      try {
        w.u32(args.length);
        for (let i = 0; i < args.length; i++) writeValue(w, args[i], 0);
      } catch (error) {
        if (error instanceof shared.WasmError) {
          error.message = `${what}("${name}"): ${error.message}`;
          throw error;
        }
        const thrown = error instanceof Error ? error.message : typeof error === "object" ? describe(error) : String(error);
        const failed = wasmError(ErrorCode.TypeError, `${what}("${name}"): reading an argument threw: ${thrown}`);
        failed.cause = error;
        throw failed;
      } finally {
        w.busy = false;
      }
      return w.bytes.slice(0, w.at);
    }

    /** Scratch for reading a little-endian f64 without a DataView (each costs an object). */
    const scratch = new Uint8Array(8);
    const scratchF64 = new Float64Array(scratch.buffer);
    const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

    /** A result (after its lead byte): plain values without a Reader, which costs objects. */
    function readResult(out, instance) {
      switch (out[1]) {
        case T_UNDEFINED:
          return undefined;
        case T_TRUE:
          return true;
        case T_FALSE:
          return false;
        case T_NUMBER:
          if (littleEndian && out.length === 10) {
            scratch.set(out.subarray(2, 10));
            return scratchF64[0];
          }
          break;
        case T_STRING:
        case T_BIGINT: {
          const len = (out[2] | (out[3] << 8) | (out[4] << 16) | (out[5] << 24)) >>> 0;
          if (out.length !== 6 + len) break;
          const text = core.decode(out.subarray(6));
          return out[1] === T_STRING ? text : BigInt(text);
        }
      }
      const reader = new Reader(out, instance);
      reader.at = 1;
      return reader.value();
    }

    function encodeValue(value) {
      const w = new Writer();
      writeValue(w, value, 0);
      return w.done();
    }

    /** Reads values written by runtime/src/component/values.rs. */
    class Reader {
      constructor(bytes, instance) {
        this.bytes = bytes;
        this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        this.at = 0;
        this.instance = instance;
      }
      u32() {
        const n = this.view.getUint32(this.at, true);
        this.at += 4;
        return n;
      }
      text() {
        const len = this.u32();
        const s = core.decode(this.bytes.subarray(this.at, this.at + len));
        this.at += len;
        return s;
      }
      value() {
        const tag = this.bytes[this.at++];
        switch (tag) {
          case T_UNDEFINED:
            return undefined;
          case T_NULL:
            return null;
          case T_FALSE:
            return false;
          case T_TRUE:
            return true;
          case T_NUMBER: {
            const n = this.view.getFloat64(this.at, true);
            this.at += 8;
            return n;
          }
          case T_BIGINT:
            return BigInt(this.text());
          case T_STRING:
            return this.text();
          case T_BYTES: {
            const len = this.u32();
            const out = this.bytes.slice(this.at, this.at + len);
            this.at += len;
            return out;
          }
          case T_ARRAY: {
            const count = this.u32();
            const out = new Array(count);
            for (let i = 0; i < count; i++) out[i] = this.value();
            return out;
          }
          case T_OBJECT: {
            const count = this.u32();
            const out = {};
            for (let i = 0; i < count; i++) {
              const key = this.text();
              out[key] = this.value();
            }
            return out;
          }
          case T_RESOURCE: {
            const handle = this.u32();
            return this.instance.resource(handle, this.text());
          }
          default:
            throw wasmError(ErrorCode.InternalError, `component result: unknown tag ${tag}`);
        }
      }
    }

    // ---- resources ----------------------------------------------------------------

    /** Resource object -> { instance id, handle, dropped }: never read as a property. */
    const resourceHandles = new WeakMap();

    /** A resource object collected without `drop()` is dropped then, off the JS thread (the
     * held value is its state, which does not reference the object). */
    const collected = new FinalizationRegistry((state) => {
      if (state.dropped) return;
      state.dropped = true;
      // The instance may be gone already: nothing is left to drop then.
      ops.op_wasm_component_resource_release(state.instance, state.handle).then(undefined, () => {});
    });

    class ComponentResource {
      drop() {
        const state = resourceHandles.get(this);
        if (state === undefined) {
          throw wasmError(ErrorCode.TypeError, "drop: not a resource of a component instance");
        }
        if (state.dropped) return;
        state.dropped = true;
        collected.unregister(state);
        try {
          ops.op_wasm_component_resource_drop(state.instance, state.handle);
        } catch (error) {
          rethrow(error);
        }
      }
      [Symbol.dispose]() {
        this.drop();
      }
    }

    /** The class of the resource `key` of one instance, with its methods. */
    function resourceClass(functions, key, call) {
      const name = key.slice(key.indexOf("#") + 1);
      const cls = class extends ComponentResource {};
      Object.defineProperty(cls, "name", { value: pascalCase(name) });
      for (const f of functions) {
        if (f.resource !== key || f.kind !== "method") continue;
        Object.defineProperty(cls.prototype, f.member, {
          configurable: true,
          writable: true,
          value: function (...args) {
            return call(f.name, [this, ...args]);
          },
        });
      }
      return cls;
    }

    // ---- instances ------------------------------------------------------------------

    function notForComponents(what, instead) {
      return wasmError(ErrorCode.ComponentUnsupported, `${what} does not apply to a component instance${instead}`);
    }

    class ComponentInstance {
      #id;
      #functions;
      #byName;
      #exports;
      #classes = new Map();
      #stdout;
      #stderr;
      #dropped = false;
      /** For a component with JS imports: the host functions, by import index, and names. */
      #host;
      /** Hosted calls run one after another: each waits for this, the previous one's end. */
      #chain = Promise.resolve();
      /** Host functions of this instance running or awaited now. */
      #hostBusy = 0;
      /** Rejecters of the host promises being awaited, for `drop`. */
      #waits = new Set();
      constructor(id, host) {
        this.#id = isHandle(id) ? id : 0;
        this.#host = host instanceof ComponentHost ? host : undefined;
      }
      /** The export list, fetched on first use. */
      #table() {
        if (this.#byName === undefined) {
          let functions;
          try {
            functions = ops.op_wasm_component_functions(this.#id);
          } catch (error) {
            rethrow(error);
          }
          const byName = new Map();
          functions.forEach((f, index) => {
            f.index = index;
            byName.set(f.name, f);
          });
          for (const f of functions) {
            if (f.alias !== undefined && f.alias !== null && !byName.has(f.alias)) byName.set(f.alias, f);
          }
          this.#functions = functions;
          this.#byName = byName;
        }
        return this.#byName;
      }
      /** A resource object for a handle the instance returned. */
      resource(handle, key) {
        let cls = this.#classes.get(key);
        if (cls === undefined) {
          this.#table();
          cls = resourceClass(this.#functions, key, (name, args) => this.#call("call", name, args, undefined));
          this.#classes.set(key, cls);
        }
        const object = new cls();
        const state = { instance: this.#id, handle, dropped: false };
        resourceHandles.set(object, state);
        collected.register(object, state, state);
        return object;
      }
      /**
       * A call by name: a promise of the result. Not an async function, and the result is
       * read in one `then`: each async layer costs a call about a microsecond in QuickJS.
       */
      #call(what, name, args, options) {
        let f;
        let encoded;
        try {
          f = this.#lookup(what, name);
          encoded = encodeArgs(what, name, args, this.#id);
        } catch (error) {
          return Promise.reject(error);
        }
        const done = (out) => this.#result(name, out);
        if (this.#host !== undefined) return this.#hosted(what, name, f.index, encoded, options ?? {}).then(done);
        const call = options === undefined
          ? ops.op_wasm_component_call(this.#id, f.index, encoded)
          : ops.op_wasm_component_call_with(this.#id, f.index, encoded, options);
        return call.then(done, rethrow);
      }
      #lookup(what, name) {
        if (typeof name !== "string") {
          throw wasmError(ErrorCode.ExportNotFound, `${what}: the function name must be a string, got ${describe(name)}`);
        }
        const f = this.#table().get(name);
        if (f === undefined) {
          throw wasmError(ErrorCode.ExportNotFound, `${what}: the component exports no function named "${name}"${this.#hint(name)}`);
        }
        return f;
      }
      /** The call's result from its byte form; an err result throws 5014 with its payload. */
      #result(name, bytes) {
        const out = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
        const value = readResult(out, this);
        if (out[0] === LEAD_ERR) {
          const error = wasmError(ErrorCode.ErrorResult, `"${name}" returned err: ${errText(value)}`);
          error.payload = value;
          throw error;
        }
        return value;
      }
      /**
       * A call of an instance with JS imports, after the hosted calls issued before it. One
       * issued while a host function of the instance runs or is awaited fails at once: it
       * may come from that host function, which would then wait for itself (a component
       * instance cannot be re-entered from its imports), as operations on a core instance do.
       */
      async #hosted(what, name, index, encoded, options) {
        if (this.#hostBusy > 0) {
          throw wasmError(
            ErrorCode.CallError,
            `${what}("${name}"): a host function of this component instance is running or awaited; a component instance cannot be re-entered from its imports`,
          );
        }
        const previous = this.#chain;
        let done;
        this.#chain = new Promise((resolve) => (done = resolve));
        try {
          await previous;
          const timeoutMs = options.timeoutMs ?? this.#host.timeoutMs;
          const deadline = typeof timeoutMs === "number" ? Date.now() + timeoutMs : Infinity;
          return await this.#drive(ops.op_wasm_component_call_hosted(this.#id, index, encoded, options), deadline);
        } finally {
          done();
        }
      }
      /**
       * Serve a hosted call's host requests until it finishes: each request runs its host
       * function (awaiting a promise it returns) and answers with the next op, which
       * resolves to the next event.
       */
      async #drive(first, deadline) {
        const host = this.#host;
        let event;
        let thrown;
        try {
          event = new Uint8Array(await first);
          while (event[0] === LEAD_REQUEST) {
            const reader = new Reader(event, this);
            reader.at = 1;
            const request = reader.u32();
            const index = reader.u32();
            const count = reader.u32();
            const args = new Array(count);
            for (let i = 0; i < count; i++) args[i] = reader.value();
            let how = ANSWER_VALUE;
            let answer;
            this.#hostBusy++;
            try {
              let result = host.functions[index].apply(undefined, args);
              if (result !== null && typeof result === "object" && typeof result.then === "function") {
                result = await settleWithin(Promise.resolve(result), deadline, this.#waits);
              }
              answer = encodeValue(result);
            } catch (error) {
              if (error === DROPPED) {
                throw wasmError(ErrorCode.InvalidInstanceHandle, "the component instance was dropped while its call waited for a host function");
              }
              if (error === TIMED_OUT) {
                how = ANSWER_TIMEOUT;
                answer = new Uint8Array(0);
              } else if (host.returnsResult[index] && error !== null && typeof error === "object" && Object.hasOwn(error, "payload")) {
                how = ANSWER_ERR_PAYLOAD;
                answer = encodeValue(error.payload);
              } else {
                how = ANSWER_THREW;
                thrown = { error };
                answer = core.encode(error instanceof Error ? error.message : describe(error));
              }
            } finally {
              this.#hostBusy--;
            }
            event = new Uint8Array(await ops.op_wasm_component_host_answer(this.#id, request, how, answer));
          }
        } catch (error) {
          // The call failed: a host function's throw becomes the cause of its 5002.
          if (thrown !== undefined && error instanceof shared.WasmError && error.cause === undefined) error.cause = thrown.error;
          rethrow(error);
        }
        return event;
      }
      #hint(name) {
        const names = [...this.#byName.keys()];
        const near = names.filter((n) => n.endsWith(`#${name}`) || n.endsWith(`.${name}`));
        const listed = (near.length > 0 ? near : names).slice(0, 12).map((n) => `"${n}"`).join(", ");
        return names.length === 0 ? " (it exports no functions)" : ` (${near.length > 0 ? "did you mean" : "it exports"} ${listed})`;
      }
      call(name, ...args) {
        return this.#call("call", name, args, undefined);
      }
      callWith(name, args, options) {
        let checked;
        try {
          if (!Array.isArray(args)) {
            throw wasmError(ErrorCode.TypeError, `callWith: args must be an array, got ${describe(args)}`);
          }
          checked = callOptions(options, "callWith");
        } catch (error) {
          return Promise.reject(error);
        }
        return this.#call("callWith", name, args, checked);
      }
      async run(options) {
        const checked = (() => {
          try {
            return callOptions(options, "run");
          } catch (error) {
            throw optionsError(error, "run");
          }
        })();
        if (this.#host === undefined) {
          try {
            return await invoke(ops.op_wasm_component_run, this.#id, checked);
          } catch (error) {
            throw optionsError(error, "run");
          }
        }
        // With JS imports the run goes through the hosted call path: ok is 0, err 1, and an
        // exit its code (as op_wasm_component_run maps them).
        const run = [...this.#table().keys()].find((name) => /^wasi:cli\/run@0\.2\.[^#]*#run$/.test(name));
        if (run === undefined) {
          throw wasmError(ErrorCode.ExportNotFound, "run: the component exports no `wasi:cli/run` interface: it is not a WASI command (call its exports with instance.call instead)");
        }
        try {
          await this.#call("run", run, [], checked);
          return 0;
        } catch (error) {
          if (error instanceof shared.WasmError && error.code === ErrorCode.ErrorResult) return 1;
          if (error instanceof shared.WasmError && typeof error.exitCode === "number") return error.exitCode;
          throw error;
        }
      }
      get exports() {
        return (this.#exports ??= this.#makeExports());
      }
      #makeExports() {
        this.#table();
        const call = (name) => (...args) => this.#call("call", name, args, undefined);
        const exports = {};
        const interfaces = new Map();
        for (const f of this.#functions) {
          if (f.interface === undefined || f.interface === null) {
            if (f.kind === "func") exports[f.member] = call(f.name);
            continue;
          }
          let target = interfaces.get(f.interface);
          if (target === undefined) {
            target = {};
            interfaces.set(f.interface, target);
            exports[f.interface] = target;
          }
          if (f.kind === "func") {
            target[f.member] = call(f.name);
          } else if (f.kind === "constructor" || f.kind === "static") {
            const holder = (target[pascalCase(f.resource.slice(f.resource.indexOf("#") + 1))] ??= {});
            holder[f.member] = call(f.name);
          }
        }
        // Each interface also by the camelCase of its short name, when no other has it.
        const short = new Map();
        for (const name of interfaces.keys()) {
          const bare = camelCase(name.replace(/@.*$/, "").replace(/^.*[/:]/, ""));
          short.set(bare, short.has(bare) ? null : name);
        }
        for (const [bare, name] of short) {
          if (name !== null && !(bare in exports)) exports[bare] = interfaces.get(name);
        }
        return Object.freeze(exports);
      }
      get stdout() {
        return (this.#stdout ??= new CapturedOutput(this.#id, 1, ops.op_wasm_component_take_output));
      }
      get stderr() {
        return (this.#stderr ??= new CapturedOutput(this.#id, 2, ops.op_wasm_component_take_output));
      }
      get memory() {
        throw notForComponents("memory", ": a component shares no memory; pass values to its functions");
      }
      callSync() {
        throw notForComponents("callSync", ": component calls are async; use call");
      }
      getFunction() {
        throw notForComponents("getFunction", ": use instance.exports");
      }
      callBatch() {
        throw notForComponents("callBatch", ": use call");
      }
      getGlobal() {
        throw notForComponents("getGlobal", ": a component exports no globals to the host");
      }
      getExports() {
        throw notForComponents("getExports", ": use instance.exports, or componentTypes for its types");
      }
      async getFuel() {
        return await invoke(ops.op_wasm_component_get_fuel, this.#id);
      }
      async setFuel(fuel) {
        await invoke(ops.op_wasm_component_set_fuel, this.#id, typeof fuel === "number" ? fuel : NaN);
      }
      [Symbol.asyncDispose]() {
        if (this.#dropped) return Promise.resolve();
        return this.drop();
      }
      drop() {
        this.#dropped = true;
        // Calls waiting on host promises fail now (their wasm is unwound with the instance).
        for (const dropped of [...this.#waits]) dropped();
        try {
          ops.op_wasm_component_drop(this.#id);
        } catch (error) {
          return Promise.reject(named(error));
        }
        return Promise.resolve();
      }
    }

    function errText(value) {
      if (typeof value === "string") return JSON.stringify(value.length > 200 ? value.slice(0, 200) + "..." : value);
      if (value === undefined) return "(no payload)";
      return `${describe(value)} (see error.payload)`;
    }

    /** jco's camelCase: `x-coord` -> `xCoord` (runtime/src/component/values.rs, camel_case). */
    function camelCase(kebab) {
      return kebab
        .split("-")
        .map((word, i) => (word === "" ? "" : (i === 0 ? word[0].toLowerCase() : word[0].toUpperCase()) + word.slice(1)))
        .join("");
    }

    function pascalCase(kebab) {
      const camel = camelCase(kebab);
      return camel === "" ? camel : camel[0].toUpperCase() + camel.slice(1);
    }

    // ---- entry points ------------------------------------------------------------------

    /** Cache of handle -> kind; handles are never reused, so an answer never goes stale. */
    const kinds = new Map();

    function isComponent(handle) {
      let kind = kinds.get(handle);
      if (kind === undefined) {
        try {
          kind = ops.op_wasm_module_kind(handle);
        } catch (error) {
          rethrow(error);
        }
        kinds.set(handle, kind);
      }
      return kind === 1;
    }

    function moduleKind(moduleId) {
      return isComponent(shared.handleOf(moduleId, ErrorCode.InvalidModuleHandle, "moduleKind")) ? "component" : "module";
    }

    function componentTypes(moduleId) {
      const handle = shared.handleOf(moduleId, ErrorCode.InvalidModuleHandle, "componentTypes");
      try {
        return ops.op_wasm_module_component_types(handle);
      } catch (error) {
        rethrow(error);
      }
    }

    async function instantiateComponent(moduleId, options) {
      const handle = shared.handleOf(moduleId, ErrorCode.InvalidModuleHandle, "instantiateComponent");
      if (!isComponent(handle)) {
        throw wasmError(ErrorCode.ComponentUnsupported, `instantiateComponent: module handle ${handle} is a core module; use instantiate`);
      }
      return await createComponent(handle, options);
    }

    /** The host functions of a component instance, by import index. */
    class ComponentHost {
      constructor(functions, returnsResult, timeoutMs) {
        this.functions = functions;
        this.returnsResult = returnsResult;
        /** The instance's `timeoutMs`, which bounds host waits too. */
        this.timeoutMs = timeoutMs;
      }
    }

    /**
     * The functions `imports` gives for the component's imports: by interface name (exact,
     * or without its version) and camelCase member, or at the top level by camelCase name
     * for a function the world imports directly. Every import must be given (5001).
     */
    function hostFor(handle, imports, timeoutMs) {
      if (imports === null || typeof imports !== "object" || Array.isArray(imports)) {
        throw wasmError(ErrorCode.InstantiateError, `instantiate: imports must be an object, got ${describe(imports)}`);
      }
      let declared;
      try {
        declared = ops.op_wasm_module_component_imports(handle);
      } catch (error) {
        rethrow(error);
      }
      const functions = [];
      const returnsResult = [];
      const missing = [];
      for (const f of declared) {
        let holder = imports;
        if (f.interface !== undefined && f.interface !== null) {
          const bare = f.interface.replace(/@[^/]*$/, "");
          holder = Object.hasOwn(imports, f.interface) ? imports[f.interface] : Object.hasOwn(imports, bare) ? imports[bare] : undefined;
        }
        const fn = holder !== null && typeof holder === "object" && Object.hasOwn(holder, f.member) ? holder[f.member] : undefined;
        if (typeof fn !== "function") {
          missing.push(`${f.name} (as ${f.interface ? `imports["${f.interface}"].` : "imports."}${f.member}${fn === undefined ? "" : `: ${describe(fn)} is not a function`})`);
        }
        functions.push(fn);
        returnsResult.push(f.returnsResult === true);
      }
      if (missing.length > 0) {
        throw wasmError(ErrorCode.InstantiateError, `instantiate: the component imports functions that \`imports\` does not give: ${missing.join(", ")}`);
      }
      // What `imports` gives beyond that is a mistake (a misspelt name), not something to ignore.
      const known = new Set();
      for (const f of declared) {
        if (f.interface === undefined || f.interface === null) {
          known.add(f.member);
        } else {
          for (const key of [f.interface, f.interface.replace(/@[^/]*$/, "")]) known.add(key), known.add(`${key}\u0000${f.member}`);
        }
      }
      const extra = [];
      for (const key of Object.keys(imports)) {
        if (!known.has(key)) {
          extra.push(`"${key}"`);
          continue;
        }
        const holder = imports[key];
        if (typeof holder === "function" || holder === null || typeof holder !== "object") continue;
        for (const member of Object.keys(holder)) {
          if (!known.has(`${key}\u0000${member}`)) extra.push(`"${key}".${member}`);
        }
      }
      if (extra.length > 0) {
        throw wasmError(ErrorCode.InstantiateError, `instantiate: \`imports\` gives what the component does not import: ${extra.join(", ")}`);
      }
      return new ComponentHost(functions, returnsResult, timeoutMs);
    }

    async function createComponent(handle, options) {
      if (options === undefined) options = {};
      if (options === null || typeof options !== "object") {
        throw wasmError(ErrorCode.WasiError, `instantiate: options must be an object, got ${describe(options)}`);
      }
      checkInstantiateOptions(options);
      const { imports, ...rest } = options;
      const host = imports === undefined ? undefined : hostFor(handle, imports, rest.timeoutMs);
      let id;
      try {
        id = await invoke(ops.op_wasm_component_create, handle, rest, host !== undefined);
      } catch (error) {
        if (error instanceof shared.WasmError) throw error;
        throw wasmError(ErrorCode.WasiError, `instantiate: invalid options: ${error.message}`);
      }
      return new ComponentInstance(id, host);
    }

    return {
      ComponentInstance,
      ComponentResource,
      moduleKind,
      componentTypes,
      instantiateComponent,
      isComponent,
      createComponent,
    };
  };
})();
