//! Replays a committed fuzz corpus through its target's check on the stable toolchain, so every
//! input the fuzzer once found interesting keeps passing in the ordinary test run.

use std::path::Path;

/// Runs `check` on every file of `fuzz/corpus/<target>`; the number of inputs replayed.
pub fn replay(target: &str, check: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the corpus {} is committed: {e}", dir.display()));
    let mut replayed = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        check(&std::fs::read(&path).unwrap());
        replayed += 1;
    }
    assert!(replayed > 0, "{} holds no inputs", dir.display());
    replayed
}
