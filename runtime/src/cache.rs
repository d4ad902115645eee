//! Compiled-module reuse: identical bytes compiled again in one runtime share the compiled
//! module, and an optional on-disk cache keeps compiled code between runs.
//!
//! Disk entries live in `<dir>/<engine key>/<content hash>.cwasm`. The engine key hashes
//! Wasmtime's own compatibility hash (version, target and compiler settings), so another
//! engine never sees them. An entry is `MAGIC`, the BLAKE3 hash of the payload, then the
//! payload from `Module::serialize`; it is written to a temporary file and renamed, so a
//! reader never sees half an entry. A file that is truncated, corrupt or from another
//! Wasmtime is rejected, removed and compiled afresh. The directory is trusted like the
//! host binary itself: whoever can write it can change what runs.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;
use wasmtime::{Engine, Module};

const MAGIC: &[u8; 8] = b"EXTWASM1";

pub type ContentHash = [u8; 32];

pub fn content_hash(bytes: &[u8]) -> ContentHash {
    *blake3::hash(bytes).as_bytes()
}

/// How compiles were answered (checked by the tests).
#[cfg(test)]
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    pub memory_hits: u64,
    pub disk_hits: u64,
    pub compiled: u64,
    pub disk_rejected: u64,
}

#[derive(Default)]
pub struct ModuleCache {
    /// Live compiled modules by content, with how many module handles use each.
    live: Mutex<HashMap<ContentHash, (Module, usize)>>,
    disk: Option<DiskCache>,
    memory_hits: AtomicU64,
    disk_hits: AtomicU64,
    compiled: AtomicU64,
    disk_rejected: AtomicU64,
}

struct DiskCache {
    dir: PathBuf,
}

impl ModuleCache {
    pub fn new(engine: &Engine, dir: Option<PathBuf>) -> Self {
        let disk = dir.map(|dir| DiskCache { dir: dir.join(engine_key(engine)) });
        Self { disk, ..Self::default() }
    }

    #[cfg(test)]
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            memory_hits: self.memory_hits.load(Ordering::Relaxed),
            disk_hits: self.disk_hits.load(Ordering::Relaxed),
            compiled: self.compiled.load(Ordering::Relaxed),
            disk_rejected: self.disk_rejected.load(Ordering::Relaxed),
        }
    }

    /// The module for `bytes`: shared in memory, else from disk, else `compile`d (and
    /// then stored on disk). Each success takes one reference; `release` gives it back.
    pub fn get_or_compile(
        &self,
        engine: &Engine,
        hash: ContentHash,
        compile: impl FnOnce() -> wasmtime::Result<Module>,
    ) -> wasmtime::Result<Module> {
        if let Some((module, users)) = self.live.lock().get_mut(&hash) {
            *users += 1;
            self.memory_hits.fetch_add(1, Ordering::Relaxed);
            return Ok(module.clone());
        }
        let module = match self.disk.as_ref().and_then(|disk| self.load(disk, engine, &hash)) {
            Some(module) => {
                self.disk_hits.fetch_add(1, Ordering::Relaxed);
                module
            }
            None => {
                let module = compile()?;
                self.compiled.fetch_add(1, Ordering::Relaxed);
                if let Some(disk) = &self.disk {
                    // A cache that cannot be written only costs the next run a compile.
                    let _ = disk.store(&hash, &module);
                }
                module
            }
        };
        let mut live = self.live.lock();
        let entry = live.entry(hash).or_insert_with(|| (module, 0));
        entry.1 += 1;
        Ok(entry.0.clone())
    }

    /// A module handle with this content was dropped.
    pub fn release(&self, hash: &ContentHash) {
        let mut live = self.live.lock();
        if let Some((_, users)) = live.get_mut(hash) {
            *users -= 1;
            if *users == 0 {
                live.remove(hash);
            }
        }
    }

    fn load(&self, disk: &DiskCache, engine: &Engine, hash: &ContentHash) -> Option<Module> {
        let path = disk.path(hash);
        let file = std::fs::read(&path).ok()?;
        match disk.decode(engine, &file) {
            Some(module) => Some(module),
            None => {
                self.disk_rejected.fetch_add(1, Ordering::Relaxed);
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }
}

impl DiskCache {
    fn path(&self, hash: &ContentHash) -> PathBuf {
        self.dir.join(format!("{}.cwasm", hex(hash)))
    }

    fn decode(&self, engine: &Engine, file: &[u8]) -> Option<Module> {
        let rest = file.strip_prefix(MAGIC.as_slice())?;
        let (checksum, payload) = rest.split_at_checked(32)?;
        if blake3::hash(payload).as_bytes() != checksum {
            return None;
        }
        // SAFETY: `Module::deserialize` trusts its input to be Wasmtime's own output. The
        // payload is byte-for-byte what `store` wrote (the checksum matches), and Wasmtime
        // itself refuses output of another version or configuration.
        unsafe { Module::deserialize(engine, payload) }.ok()
    }

    fn store(&self, hash: &ContentHash, module: &Module) -> std::io::Result<()> {
        let payload = module.serialize().map_err(std::io::Error::other)?;
        let mut file = Vec::with_capacity(MAGIC.len() + 32 + payload.len());
        file.extend_from_slice(MAGIC);
        file.extend_from_slice(blake3::hash(&payload).as_bytes());
        file.extend_from_slice(&payload);
        std::fs::create_dir_all(&self.dir)?;
        let path = self.path(hash);
        let temp = path.with_extension(format!("tmp{}-{}", std::process::id(), unique()));
        std::fs::write(&temp, &file)?;
        std::fs::rename(&temp, &path).inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })
    }
}

fn unique() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stable name for the engine's compatibility: Wasmtime version, target and settings.
fn engine_key(engine: &Engine) -> String {
    struct Blake3Hasher(blake3::Hasher);
    impl Hasher for Blake3Hasher {
        fn write(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
        fn finish(&self) -> u64 {
            0
        }
    }
    let mut hasher = Blake3Hasher(blake3::Hasher::new());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    format!("wasmtime-{}", &hex(hasher.0.finalize().as_bytes())[..16])
}

/// The directory a host should use by default: `$XDG_CACHE_HOME/<app>` or
/// `$HOME/.cache/<app>`, when either is set.
pub fn default_dir(app: &str) -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| Path::new(&h).join(".cache")))?;
    Some(base.join(app).join("compile-cache"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAT: &str = r#"(module (func (export "f") (result i32) i32.const 7))"#;

    fn engine() -> Engine {
        crate::engine::new_engine().expect("engine")
    }

    fn compile(engine: &Engine) -> impl FnOnce() -> wasmtime::Result<Module> + '_ {
        move || Module::new(engine, WAT)
    }

    #[test]
    fn identical_bytes_share_one_module_until_released() {
        let engine = engine();
        let cache = ModuleCache::new(&engine, None);
        let hash = content_hash(WAT.as_bytes());
        cache.get_or_compile(&engine, hash, compile(&engine)).unwrap();
        cache.get_or_compile(&engine, hash, || panic!("must not compile twice")).unwrap();
        assert_eq!(cache.stats(), CacheStats { memory_hits: 1, compiled: 1, ..Default::default() });
        cache.release(&hash);
        cache.release(&hash);
        cache.get_or_compile(&engine, hash, compile(&engine)).unwrap();
        assert_eq!(cache.stats().compiled, 2, "released modules are not kept");
    }

    #[test]
    fn disk_entries_survive_a_new_cache_and_corruption_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let engine = engine();
        let hash = content_hash(WAT.as_bytes());
        let first = ModuleCache::new(&engine, Some(dir.path().to_path_buf()));
        first.get_or_compile(&engine, hash, compile(&engine)).unwrap();

        // A new process: a new cache over the same directory loads instead of compiling.
        let second = ModuleCache::new(&engine, Some(dir.path().to_path_buf()));
        second.get_or_compile(&engine, hash, || panic!("must load from disk")).unwrap();
        assert_eq!(second.stats().disk_hits, 1);

        // Flip one payload byte: rejected, removed, compiled again and rewritten.
        let disk = second.disk.as_ref().unwrap();
        let path = disk.path(&hash);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let third = ModuleCache::new(&engine, Some(dir.path().to_path_buf()));
        let module = third.get_or_compile(&engine, hash, compile(&engine)).unwrap();
        assert_eq!(third.stats(), CacheStats { disk_rejected: 1, compiled: 1, ..Default::default() });
        assert!(module.get_export("f").is_some());

        // A truncated file and a foreign file are rejected too.
        for junk in [&bytes[..10], b"not a cache entry at all".as_slice()] {
            std::fs::write(&path, junk).unwrap();
            let fresh = ModuleCache::new(&engine, Some(dir.path().to_path_buf()));
            fresh.get_or_compile(&engine, hash, compile(&engine)).unwrap();
            assert_eq!(fresh.stats().disk_rejected, 1);
        }
    }

    #[test]
    fn another_engine_configuration_uses_another_directory() {
        let mut config = wasmtime::Config::new();
        config.consume_fuel(false);
        let other = Engine::new(&config).unwrap();
        assert_ne!(engine_key(&engine()), engine_key(&other));
    }
}
