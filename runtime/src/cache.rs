//! Compiled-module reuse: identical bytes compiled again in one runtime share the compiled
//! module, an optional on-disk cache keeps compiled code between runs, and `compileFile`
//! finds an unchanged file's module by the file's identity, without reading the file.
//!
//! **Entries.** Disk entries live in `<dir>/<engine key>/<content hash>.v2.cwasm`. The engine
//! key hashes Wasmtime's own compatibility hash (version, target and compiler settings), so
//! another engine never sees them. An entry is the payload from `Module::serialize` (an ELF
//! file, at offset 0 so that Wasmtime can map it as it is) followed by a trailer: the BLAKE3
//! hash of the payload, its length and `TRAILER_MAGIC`. It is written to a temporary file
//! and renamed, so a reader never sees half an entry, and never rewritten in place. A file
//! that is truncated, corrupt or from another Wasmtime is rejected, removed and compiled
//! afresh. An entry is only ever written from the module compiled from the bytes whose hash
//! names it, so an entry never holds code for other bytes than its name says. Entries of the
//! first format (`<hash>.cwasm`, a prefix instead of a trailer) are converted when met.
//!
//! **Loading without re-hashing.** A load opens the entry once, checks its trailer, and hands
//! the open file to `Module::deserialize_open_file`, which maps it instead of copying it. The
//! payload checksum is verified on the first load of an entry; the entry's file identity at
//! that moment (device, inode, size, mtime and ctime to the nanosecond; `file_identity.rs`)
//! is remembered, in memory and in the path records below, and a later load of an entry
//! with that same identity skips the checksum. Only identities whose times are settled (two
//! seconds old) are remembered, so a change within the filesystem's timestamp granularity
//! cannot hide behind an unchanged identity.
//!
//! **Path records.** `compileFile` keeps, per canonical path, the identity the file had when
//! it was read and the content hash of the bytes read (`paths/<hash of the path>.rec` beside
//! the entries, and in memory). While the file's identity is unchanged, its module is the
//! entry of that hash: no read, no hash, no scan. A record trusts that a file whose device,
//! inode, size, mtime and ctime are unchanged holds the same bytes. The kernel sets ctime on
//! every write and attribute change and `touch`/`utimes` cannot set it back, and a record is
//! only made from a read during which the identity did not change and whose times were
//! settled. It can be fooled by: a write that bypasses the filesystem (the block device, a
//! disk image edited offline), the system clock set back to the very nanosecond of the
//! recorded ctime, a network or FUSE filesystem that does not keep mtime and ctime (or
//! serves stale attributes from a client-side cache), and whoever can write the cache
//! directory. A record points at a content hash only; it can make `compileFile` serve the
//! module of the bytes the file held before, never put wrong code into an entry.
//!
//! The directory is trusted like the host binary itself: whoever can write it can change
//! what runs. See `docs/compile-cache.md`.

use std::collections::HashMap;
use std::fs::File;
use std::hash::{Hash, Hasher};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use parking_lot::Mutex;
use wasmtime::component::Component;
use wasmtime::{Engine, Module};

use crate::compile_progress::{CompileProgress, ProgressReporter};
use crate::file_identity::{FileIdentity, PathRecord};

/// The prefix of first-format entries, read only to convert them.
const MAGIC_V1: &[u8; 8] = b"EXTWASM1";
/// The last 8 bytes of an entry.
const TRAILER_MAGIC: &[u8; 8] = b"EXTWASM2";
/// BLAKE3 of the payload, payload length (u64 LE), `TRAILER_MAGIC`.
const TRAILER_LEN: u64 = 32 + 8 + 8;

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
    /// Entries whose payload checksum was computed on load.
    pub entries_hashed: u64,
}

/// What the cache holds: compiled core modules (`Module`) or components (`Component`),
/// each with Wasmtime's own serialized form.
pub trait Artifact: Clone + Sized {
    fn serialize(&self) -> wasmtime::Result<Vec<u8>>;
    /// # Safety
    /// `bytes` must be this type's own `serialize` output (see `Module::deserialize`).
    unsafe fn deserialize(engine: &Engine, bytes: &[u8]) -> wasmtime::Result<Self>;
    /// # Safety
    /// As `deserialize`, for the first `payload_len` bytes of `file`, which must not change
    /// while the artifact lives.
    unsafe fn deserialize_open_file(engine: &Engine, file: File, payload_len: u64) -> Option<Self>;
}

impl Artifact for Module {
    fn serialize(&self) -> wasmtime::Result<Vec<u8>> {
        Module::serialize(self)
    }
    unsafe fn deserialize(engine: &Engine, bytes: &[u8]) -> wasmtime::Result<Self> {
        // SAFETY: the caller's contract.
        unsafe { Module::deserialize(engine, bytes) }
    }
    #[cfg(unix)]
    unsafe fn deserialize_open_file(engine: &Engine, file: File, _payload_len: u64) -> Option<Self> {
        // SAFETY: the caller's contract; Wasmtime maps the file instead of copying it (the
        // trailer after the ELF payload is not part of any section).
        unsafe { Module::deserialize_open_file(engine, file) }.ok()
    }
    #[cfg(not(unix))]
    unsafe fn deserialize_open_file(engine: &Engine, file: File, payload_len: u64) -> Option<Self> {
        // SAFETY: the caller's contract.
        unsafe { read_and_deserialize(engine, file, payload_len) }
    }
}

impl Artifact for Component {
    fn serialize(&self) -> wasmtime::Result<Vec<u8>> {
        Component::serialize(self)
    }
    unsafe fn deserialize(engine: &Engine, bytes: &[u8]) -> wasmtime::Result<Self> {
        // SAFETY: the caller's contract.
        unsafe { Component::deserialize(engine, bytes) }
    }
    unsafe fn deserialize_open_file(engine: &Engine, file: File, payload_len: u64) -> Option<Self> {
        // Wasmtime 48 has no `Component::deserialize_open_file`, and `deserialize_file`
        // opens the path again (another file by then, after a rename): the payload is read
        // from the file checked.
        // SAFETY: the caller's contract.
        unsafe { read_and_deserialize(engine, file, payload_len) }
    }
}

/// The payload read into memory and deserialized.
///
/// # Safety
/// As `Artifact::deserialize`, for the first `payload_len` bytes of `file`.
unsafe fn read_and_deserialize<A: Artifact>(engine: &Engine, mut file: File, payload_len: u64) -> Option<A> {
    let mut payload = Vec::new();
    file.seek(SeekFrom::Start(0)).ok()?;
    (&mut file).take(payload_len).read_to_end(&mut payload).ok()?;
    // SAFETY: the caller's contract.
    unsafe { A::deserialize(engine, &payload) }.ok()
}

/// Compiled components, in a cache of their own (their content hashes never meet a
/// module's: bytes are one or the other). Path records are for modules only.
pub type ComponentCache = ModuleCache<Component>;

pub struct ModuleCache<A: Artifact = Module> {
    /// Live compiled modules by content, with how many module handles use each.
    live: Mutex<HashMap<ContentHash, (A, usize)>>,
    disk: Option<DiskCache>,
    /// `compileFile`'s records by canonical path (the disk copy is in `DiskCache`).
    paths: Mutex<HashMap<PathBuf, PathRecord>>,
    /// Entries whose checksum passed in this process, by the identity they had then.
    verified: Mutex<HashMap<ContentHash, FileIdentity>>,
    progress: Option<ProgressReporter>,
    memory_hits: AtomicU64,
    disk_hits: AtomicU64,
    compiled: AtomicU64,
    disk_rejected: AtomicU64,
    entries_hashed: AtomicU64,
}

impl<A: Artifact> Default for ModuleCache<A> {
    fn default() -> Self {
        Self {
            live: Mutex::default(),
            disk: None,
            paths: Mutex::default(),
            verified: Mutex::default(),
            progress: None,
            memory_hits: AtomicU64::default(),
            disk_hits: AtomicU64::default(),
            compiled: AtomicU64::default(),
            disk_rejected: AtomicU64::default(),
            entries_hashed: AtomicU64::default(),
        }
    }
}

struct DiskCache {
    dir: PathBuf,
}

impl<A: Artifact> ModuleCache<A> {
    pub fn new(engine: &Engine, dir: Option<PathBuf>) -> Self {
        let disk = dir.map(|dir| DiskCache { dir: dir.join(engine_key(engine)) });
        Self { disk, ..Self::default() }
    }

    /// Tell `reporter` about compiles that run long (`compile_progress.rs`).
    pub fn with_progress(self, reporter: Option<ProgressReporter>) -> Self {
        Self { progress: reporter, ..self }
    }

    pub fn progress(&self) -> Option<&ProgressReporter> {
        self.progress.as_ref()
    }

    /// Whether compiled modules are kept on disk.
    pub fn has_disk(&self) -> bool {
        self.disk.is_some()
    }

    #[cfg(test)]
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            memory_hits: self.memory_hits.load(Ordering::Relaxed),
            disk_hits: self.disk_hits.load(Ordering::Relaxed),
            compiled: self.compiled.load(Ordering::Relaxed),
            disk_rejected: self.disk_rejected.load(Ordering::Relaxed),
            entries_hashed: self.entries_hashed.load(Ordering::Relaxed),
        }
    }

    /// The module for `bytes`: shared in memory, else from disk, else `compile`d (and
    /// then stored on disk). Each success takes one reference; `release` gives it back.
    pub fn get_or_compile(
        &self,
        engine: &Engine,
        hash: ContentHash,
        compile: impl FnOnce() -> wasmtime::Result<A>,
    ) -> wasmtime::Result<A> {
        if let Some((module, _)) = self.get(engine, hash, None) {
            return Ok(module);
        }
        let module = compile()?;
        self.compiled.fetch_add(1, Ordering::Relaxed);
        if let Some(disk) = &self.disk {
            // A cache that cannot be written only costs the next run a compile.
            let _ = disk.store(&hash, &module);
        }
        Ok(self.share(hash, module))
    }

    /// `get_or_compile` with `compile` watched for progress (`name` and `size` describe it
    /// there); also whether it was compiled now (a cache miss).
    pub fn get_or_compile_watched(
        &self,
        engine: &Engine,
        hash: ContentHash,
        name: &str,
        size: usize,
        compile: impl FnOnce() -> wasmtime::Result<A>,
    ) -> wasmtime::Result<(A, bool)> {
        let mut compiled_now = false;
        let cached = self.has_disk();
        let progress = move || CompileProgress { name: name.to_string(), bytes: size as u64, cached };
        let artifact = self.get_or_compile(engine, hash, || {
            compiled_now = true;
            crate::compile_progress::watch(self.progress(), progress, compile)
        })?;
        Ok((artifact, compiled_now))
    }

    /// The module for content `hash` if the cache has it, in memory or on disk, taking one
    /// reference. `entry` is an identity of the disk entry whose checksum passed before (a
    /// path record's); the second value is the entry's identity when it is known to pass.
    pub fn get(
        &self,
        engine: &Engine,
        hash: ContentHash,
        entry: Option<FileIdentity>,
    ) -> Option<(A, Option<FileIdentity>)> {
        if let Some((module, users)) = self.live.lock().get_mut(&hash) {
            *users += 1;
            self.memory_hits.fetch_add(1, Ordering::Relaxed);
            return Some((module.clone(), None));
        }
        let (module, entry) = self.load(self.disk.as_ref()?, engine, &hash, entry)?;
        self.disk_hits.fetch_add(1, Ordering::Relaxed);
        Some((self.share(hash, module), entry))
    }

    fn share(&self, hash: ContentHash, module: A) -> A {
        let mut live = self.live.lock();
        let entry = live.entry(hash).or_insert_with(|| (module, 0));
        entry.1 += 1;
        entry.0.clone()
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

    /// What `compileFile` recorded for this canonical path, in memory or on disk.
    pub fn path_record(&self, path: &Path) -> Option<PathRecord> {
        if let Some(record) = self.paths.lock().get(path) {
            return Some(record.clone());
        }
        let bytes = std::fs::read(self.disk.as_ref()?.record_path(path)).ok()?;
        let record = PathRecord::decode(&bytes, path)?;
        self.paths.lock().insert(path.to_path_buf(), record.clone());
        Some(record)
    }

    /// Record (in memory and on disk) what the file at `path` held while it had
    /// `record.source` as its identity. The caller makes sure that identity is settled.
    pub fn remember_path(&self, path: &Path, record: PathRecord) {
        if let Some(disk) = &self.disk {
            // A record that cannot be written only costs the next run a read and a hash.
            let _ = write_atomically(&disk.record_path(path), &[&record.encode(path)]);
        }
        self.paths.lock().insert(path.to_path_buf(), record);
    }

    fn load(
        &self,
        disk: &DiskCache,
        engine: &Engine,
        hash: &ContentHash,
        known: Option<FileIdentity>,
    ) -> Option<(A, Option<FileIdentity>)> {
        let path = disk.path(hash);
        let Ok(file) = File::open(&path) else {
            return self.convert_first_format(disk, engine, hash).map(|module| (module, None));
        };
        let identity = file.metadata().ok().and_then(|meta| FileIdentity::of(&meta));
        let trusted = identity.is_some_and(|id| known == Some(id) || self.verified.lock().get(hash) == Some(&id));
        if !trusted {
            self.entries_hashed.fetch_add(1, Ordering::Relaxed);
        }
        match disk.open(engine, file, !trusted) {
            Some(module) => {
                let passed = identity.filter(|id| trusted || id.is_settled());
                if let Some(id) = passed {
                    self.verified.lock().insert(*hash, id);
                }
                Some((module, passed))
            }
            None => {
                self.disk_rejected.fetch_add(1, Ordering::Relaxed);
                self.verified.lock().remove(hash);
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// A first-format entry of `hash`, rewritten in the current format; `None` when there
    /// is none (or it is damaged, and then removed).
    fn convert_first_format(&self, disk: &DiskCache, engine: &Engine, hash: &ContentHash) -> Option<A> {
        let old = disk.first_format_path(hash);
        let file = std::fs::read(&old).ok()?;
        let module = decode_first_format(engine, &file);
        if module.is_none() {
            self.disk_rejected.fetch_add(1, Ordering::Relaxed);
        }
        if module.as_ref().is_none_or(|module| disk.store(hash, module).is_ok()) {
            let _ = std::fs::remove_file(&old);
        }
        module
    }
}

/// A first-format entry: `MAGIC_V1`, the BLAKE3 hash of the payload, the payload.
fn decode_first_format<A: Artifact>(engine: &Engine, file: &[u8]) -> Option<A> {
    let rest = file.strip_prefix(MAGIC_V1.as_slice())?;
    let (checksum, payload) = rest.split_at_checked(32)?;
    if blake3::hash(payload).as_bytes() != checksum {
        return None;
    }
    // SAFETY: `Module::deserialize` trusts its input to be Wasmtime's own output. The
    // payload is byte-for-byte what an earlier `store` wrote (the checksum matches), and
    // Wasmtime itself refuses output of another version or configuration.
    unsafe { A::deserialize(engine, payload) }.ok()
}

impl DiskCache {
    fn path(&self, hash: &ContentHash) -> PathBuf {
        self.dir.join(format!("{}.v2.cwasm", hex(hash)))
    }

    fn first_format_path(&self, hash: &ContentHash) -> PathBuf {
        self.dir.join(format!("{}.cwasm", hex(hash)))
    }

    fn record_path(&self, path: &Path) -> PathBuf {
        let key = blake3::hash(path.as_os_str().as_encoded_bytes());
        self.dir.join("paths").join(format!("{}.rec", &hex(key.as_bytes())[..32]))
    }

    /// The module in the entry `file`, after its trailer checks out and, with `verify`,
    /// its payload checksum.
    fn open<A: Artifact>(&self, engine: &Engine, mut file: File, verify: bool) -> Option<A> {
        let size = file.metadata().ok()?.len();
        let payload_len = size.checked_sub(TRAILER_LEN)?;
        let mut trailer = [0; TRAILER_LEN as usize];
        file.seek(SeekFrom::Start(payload_len)).ok()?;
        file.read_exact(&mut trailer).ok()?;
        let (checksum, rest) = trailer.split_at(32);
        let (len, magic) = rest.split_at(8);
        if magic != TRAILER_MAGIC || u64::from_le_bytes(len.try_into().ok()?) != payload_len {
            return None;
        }
        if verify {
            file.seek(SeekFrom::Start(0)).ok()?;
            let mut hasher = blake3::Hasher::new();
            hasher.update_reader((&mut file).take(payload_len)).ok()?;
            if hasher.finalize().as_bytes() != checksum {
                return None;
            }
        }
        Self::deserialize(engine, file, payload_len)
    }

    fn deserialize<A: Artifact>(engine: &Engine, file: File, payload_len: u64) -> Option<A> {
        // SAFETY: `deserialize_open_file` trusts the file to be Wasmtime's own output and
        // to stay unchanged while the module lives. The payload is what `store` wrote: its
        // checksum passed on this load, or on an earlier one while the file had the same
        // device, inode, size, mtime and ctime (see the module doc for what that trusts).
        // Entries are replaced by rename, never written in place, so the inode does not
        // change under the module. Off Unix `open` always verifies (there is no file
        // identity). Wasmtime itself refuses output of another version or configuration.
        unsafe { A::deserialize_open_file(engine, file, payload_len) }
    }

    fn store<A: Artifact>(&self, hash: &ContentHash, module: &A) -> std::io::Result<()> {
        let payload = module.serialize().map_err(std::io::Error::other)?;
        let mut trailer = Vec::with_capacity(TRAILER_LEN as usize);
        trailer.extend_from_slice(blake3::hash(&payload).as_bytes());
        trailer.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        trailer.extend_from_slice(TRAILER_MAGIC);
        write_atomically(&self.path(hash), &[&payload, &trailer])
    }
}

/// Write `parts` to a temporary file beside `path` and rename it there.
fn write_atomically(path: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temp = path.with_extension(format!("tmp{}-{}", std::process::id(), unique()));
    let written = (|| {
        let mut file = File::create(&temp)?;
        for part in parts {
            file.write_all(part)?;
        }
        file.flush()?;
        std::fs::rename(&temp, path)
    })();
    written.inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

fn unique() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
pub fn tests_hex(bytes: &[u8]) -> String {
    hex(bytes)
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
        let cache = ModuleCache::<Module>::new(&engine, None);
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
        let first = ModuleCache::<Module>::new(&engine, Some(dir.path().to_path_buf()));
        first.get_or_compile(&engine, hash, compile(&engine)).unwrap();

        // A new process: a new cache over the same directory loads instead of compiling.
        let second = ModuleCache::<Module>::new(&engine, Some(dir.path().to_path_buf()));
        second.get_or_compile(&engine, hash, || panic!("must load from disk")).unwrap();
        assert_eq!(second.stats().disk_hits, 1);

        // Flip one payload byte: rejected, removed, compiled again and rewritten.
        let disk = second.disk.as_ref().unwrap();
        let path = disk.path(&hash);
        let mut bytes = std::fs::read(&path).unwrap();
        let middle = (bytes.len() - TRAILER_LEN as usize) / 2;
        bytes[middle] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let third = ModuleCache::<Module>::new(&engine, Some(dir.path().to_path_buf()));
        let module = third.get_or_compile(&engine, hash, compile(&engine)).unwrap();
        assert_eq!(
            third.stats(),
            CacheStats { disk_rejected: 1, compiled: 1, entries_hashed: 1, ..Default::default() }
        );
        assert!(module.get_export("f").is_some());

        // A truncated file and a foreign file are rejected too.
        for junk in [&bytes[..10], b"not a cache entry at all".as_slice()] {
            std::fs::write(&path, junk).unwrap();
            let fresh = ModuleCache::<Module>::new(&engine, Some(dir.path().to_path_buf()));
            fresh.get_or_compile(&engine, hash, compile(&engine)).unwrap();
            assert_eq!(fresh.stats().disk_rejected, 1);
        }
    }

    #[test]
    fn an_entry_is_the_serialized_module_then_a_trailer() {
        let dir = tempfile::tempdir().unwrap();
        let engine = engine();
        let hash = content_hash(WAT.as_bytes());
        let cache = ModuleCache::<Module>::new(&engine, Some(dir.path().to_path_buf()));
        let module = cache.get_or_compile(&engine, hash, compile(&engine)).unwrap();
        let bytes = std::fs::read(cache.disk.as_ref().unwrap().path(&hash)).unwrap();
        let payload = module.serialize().unwrap();
        assert!(bytes.starts_with(b"\x7fELF") && bytes.ends_with(TRAILER_MAGIC));
        assert_eq!(&bytes[..payload.len()], payload.as_slice());
        assert_eq!(&bytes[payload.len()..payload.len() + 32], blake3::hash(&payload).as_bytes());
        assert_eq!(bytes.len(), payload.len() + TRAILER_LEN as usize);
    }

    /// An entry whose checksum passed while it had a settled identity is trusted while
    /// the identity stays the same; any write to it makes it checked again.
    #[cfg(unix)]
    #[test]
    fn a_verified_entry_with_the_same_identity_is_not_hashed_again() {
        let dir = tempfile::tempdir().unwrap();
        let engine = engine();
        let hash = content_hash(WAT.as_bytes());
        ModuleCache::new(&engine, Some(dir.path().to_path_buf()))
            .get_or_compile(&engine, hash, compile(&engine))
            .unwrap();
        let cache = ModuleCache::<Module>::new(&engine, Some(dir.path().to_path_buf()));
        let path = cache.disk.as_ref().unwrap().path(&hash);
        let identity = FileIdentity::of(&std::fs::metadata(&path).unwrap()).unwrap();

        // Told the identity by a path record: no hash.
        let (_, passed) = cache.get(&engine, hash, Some(identity)).unwrap();
        assert_eq!((cache.stats().entries_hashed, passed), (0, Some(identity)));
        cache.release(&hash);

        // And trusted from then on in this process, by the same identity.
        cache.get(&engine, hash, None).unwrap();
        cache.release(&hash);
        assert_eq!(cache.stats().entries_hashed, 0);

        // Not told, and the entry is fresh (not settled): hashed every time, never trusted.
        let other = ModuleCache::<Module>::new(&engine, Some(dir.path().to_path_buf()));
        assert_eq!(other.get(&engine, hash, None).unwrap().1, None);
        other.release(&hash);
        other.get(&engine, hash, None).unwrap();
        other.release(&hash);
        assert_eq!(other.stats().entries_hashed, 2);

        // A damaged entry told with a stale identity is still caught: the write changed it.
        let mut bytes = std::fs::read(&path).unwrap();
        let middle = (bytes.len() - TRAILER_LEN as usize) / 2;
        bytes[middle] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        assert!(cache.get(&engine, hash, Some(identity)).is_none());
        assert_eq!(cache.stats().disk_rejected, 1);
    }

    #[test]
    fn a_first_format_entry_is_loaded_and_converted() {
        let dir = tempfile::tempdir().unwrap();
        let engine = engine();
        let hash = content_hash(WAT.as_bytes());
        let cache = ModuleCache::<Module>::new(&engine, Some(dir.path().to_path_buf()));
        let disk = cache.disk.as_ref().unwrap();
        let payload = Module::new(&engine, WAT).unwrap().serialize().unwrap();
        let old = [MAGIC_V1.as_slice(), blake3::hash(&payload).as_bytes(), &payload].concat();
        std::fs::create_dir_all(&disk.dir).unwrap();
        std::fs::write(disk.first_format_path(&hash), old).unwrap();
        let module = cache.get_or_compile(&engine, hash, || panic!("must load the old entry")).unwrap();
        assert!(module.get_export("f").is_some());
        assert!(!disk.first_format_path(&hash).exists() && disk.path(&hash).exists(), "converted");
        let fresh = ModuleCache::<Module>::new(&engine, Some(dir.path().to_path_buf()));
        fresh.get_or_compile(&engine, hash, || panic!("must load the new entry")).unwrap();
    }

    #[test]
    fn another_engine_configuration_uses_another_directory() {
        let mut config = wasmtime::Config::new();
        config.consume_fuel(false);
        let other = Engine::new(&config).unwrap();
        assert_ne!(engine_key(&engine()), engine_key(&other));
    }

    /// Components take the same path: compiled once, then loaded from disk by a new cache
    /// (a new process), and a damaged entry is compiled afresh.
    #[test]
    fn components_are_cached_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let engine = crate::engine::new_engine().unwrap();
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/components/types.wasm")).unwrap();
        let hash = content_hash(&bytes);
        let compile = || Component::new(&engine, &bytes);
        let first = ComponentCache::new(&engine, Some(dir.path().to_path_buf()));
        first.get_or_compile(&engine, hash, compile).unwrap();
        assert_eq!(first.stats().compiled, 1);
        let second = ComponentCache::new(&engine, Some(dir.path().to_path_buf()));
        let loaded = second.get_or_compile(&engine, hash, || panic!("must load the entry")).unwrap();
        assert_eq!(second.stats().disk_hits, 1);
        let exports = loaded.component_type().exports(&engine).map(|(name, _)| name.to_string()).collect::<Vec<_>>();
        assert!(exports.iter().any(|name| name == "greet"), "{exports:?}");
        // A damaged entry is refused and compiled again.
        let entry = second.disk.as_ref().unwrap().path(&hash);
        let mut damaged = std::fs::read(&entry).unwrap();
        damaged[100] ^= 0xff;
        std::fs::write(&entry, damaged).unwrap();
        let third = ComponentCache::new(&engine, Some(dir.path().to_path_buf()));
        third.get_or_compile(&engine, hash, compile).unwrap();
        assert_eq!((third.stats().disk_rejected, third.stats().compiled), (1, 1));
    }
}
