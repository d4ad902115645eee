# The wasmtime-py peer of the real-program section of `cargo xtask bench` (--only=real):
# the same programs under PyPI `wasmtime`, with a default Config, the way a Python user
# would run them. Compiled code is kept with Module.serialize in CACHE_DIR (CPython's
# compile takes minutes); a module compiled in this run reports cold_ms.
#   python wasmtime_py.py python  WASM LIB SOURCE UNIT CACHE_DIR SAMPLES UNITS
#   python wasmtime_py.py command WASM STDIN      ARGV CACHE_DIR SAMPLES UNITS
# Prints one JSON object on stdout.
import json, os, sys, time
import wasmtime
from wasmtime import Config, Engine, Linker, Module, Store, WasiConfig, FuncType, ValType

kind, wasm = sys.argv[1], sys.argv[2]
cache_dir, samples, units = sys.argv[-3], int(sys.argv[-2]), int(sys.argv[-1])
engine = Engine(Config())
version = getattr(wasmtime, "__version__", None)
if version is None:
    from importlib.metadata import version as v
    version = v("wasmtime")
artifact = os.path.join(cache_dir, "%s-%d-wasmtime-py%s.cwasm" % (
    os.path.splitext(os.path.basename(wasm))[0], os.path.getsize(wasm), version))
out = {"wasmtime_py": version}
if os.path.exists(artifact):
    module = Module.deserialize_file(engine, artifact)
    out["cold_ms"] = None
else:
    print("  [wasmtime-py] compiling %s (cold; kept in %s)" % (wasm, artifact), file=sys.stderr)
    t = time.perf_counter()
    module = Module.from_file(engine, wasm)
    out["cold_ms"] = (time.perf_counter() - t) * 1e3
    os.makedirs(cache_dir, exist_ok=True)
    with open(artifact + ".tmp", "wb") as f:
        f.write(module.serialize())
    os.rename(artifact + ".tmp", artifact)
times = []
for _ in range(4):
    t = time.perf_counter()
    Module.deserialize_file(engine, artifact)
    times.append((time.perf_counter() - t) * 1e3)
out["deserialize_file_first_ms"], out["deserialize_file_ms"] = times[0], min(times[1:])

linker = Linker(engine)
linker.define_wasi()
i32 = ValType.i32()
linker.define_func("host", "call", FuncType([i32] * 4, [i32]), lambda *a: -1)


def measure(unit):
    unit()
    ms = []
    for _ in range(samples):
        t = time.perf_counter()
        for _ in range(units):
            unit()
        ms.append((time.perf_counter() - t) * 1e3 / units)
    s = sorted(ms)
    n = len(s)
    median = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    return {"median_ms": median, "min_ms": s[0], "samples_ms": ms}


if kind == "python":
    lib, source, code = sys.argv[3], open(sys.argv[4]).read(), sys.argv[5]
    wasi = WasiConfig()
    wasi.argv = ["python"]
    wasi.preopen_dir(lib, "/usr/local/lib")
    store = Store(engine)
    store.set_wasi(wasi)
    instance = linker.instantiate(store, module)
    ex = instance.exports(store)
    ex["_initialize"](store)
    memory = ex["memory"]

    def turn(text):
        data = text.encode()
        ptr = ex["host_alloc"](store, len(data))
        memory.write(store, data, ptr)
        status = ex["turn"](store, ptr, len(data))
        if status != 0:
            raise SystemExit("turn returned %d" % status)

    turn(source)
    out["unit"] = measure(lambda: turn(code))
else:
    stdin, argv = sys.argv[3], [a for a in sys.argv[4].split(",") if a]
    name = os.path.basename(wasm)
    exits = []

    def run():
        wasi = WasiConfig()
        wasi.argv = [name] + argv
        wasi.stdin_file = stdin
        store = Store(engine)
        store.set_wasi(wasi)
        instance = linker.instantiate(store, module)
        try:
            instance.exports(store)["_start"](store)
            code = 0
        except wasmtime.ExitTrap as e:
            code = e.code
        exits.append(code)

    out["unit"] = measure(run)
    out["unit"]["exit_code"] = exits[-1]
print(json.dumps(out))
