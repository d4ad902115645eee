//! No spec input makes the generator panic: the real spec, mutated many ways (bytes deleted,
//! duplicated or replaced), either loads and generates or fails with diagnostics that render.

use std::path::Path;

/// A small deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(src: &str, rng: &mut Rng) -> String {
    let mut bytes = src.as_bytes().to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(bytes.len());
        let len = 1 + rng.below(40).min(bytes.len() - at);
        match rng.below(4) {
            0 => {
                bytes.drain(at..(at + len).min(bytes.len()));
            }
            1 => {
                let chunk: Vec<u8> = bytes[at..(at + len).min(bytes.len())].to_vec();
                let to = rng.below(bytes.len());
                bytes.splice(to..to, chunk);
            }
            2 => {
                const TOKENS: &[&str] =
                    &["\"", "{", "}", "=", "#true", "5000", "list<", "void", "\n", "\"Instance\"", "🦀", "/*"];
                let tok = TOKENS[rng.below(TOKENS.len())];
                bytes.splice(at..at, tok.bytes());
            }
            _ => {
                if let Some(b) = bytes.get_mut(at) {
                    *b = b' ' + (rng.next() % 94) as u8;
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Parsing the spec takes ~0.1 s in a debug build, so this stays modest.
const ROUNDS: usize = 60;

#[test]
fn mutated_specs_never_panic() {
    let spec = Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into()))
        .join("../spec/runtime-wasm.kdl");
    let src = std::fs::read_to_string(spec).expect("the spec exists");
    let mut rng = Rng(0x005e_ed0f_c0de);
    let (mut ok, mut failed) = (0, 0);
    for _ in 0..ROUNDS {
        let input = mutate(&src, &mut rng);
        match codegen::load_str("spec/runtime-wasm.kdl", &input) {
            Ok(model) => {
                ok += 1;
                // A spec that validates must also generate.
                if let Err(err) = codegen::generate(&model) {
                    panic!("{err}");
                }
            }
            Err(diagnostics) => {
                failed += 1;
                assert!(!diagnostics.errors.is_empty());
                assert!(diagnostics.render().contains("spec/runtime-wasm.kdl"));
            }
        }
    }
    assert!(failed > 0 && ok + failed == ROUNDS);
}
