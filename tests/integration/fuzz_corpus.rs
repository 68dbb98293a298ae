//! The fuzz corpus (`fuzz/corpus/<target>/`, seeds plus what fuzzing found interesting) and
//! any crash reproducers (`fuzz/regressions/<target>/`) replayed through the fuzz entry
//! points on every `cargo test`: a parser change that panics on one of them fails here,
//! without a nightly toolchain.

use crate::helpers::repo_path;

#[test]
fn every_corpus_input_is_handled_without_a_panic() {
    let mut replayed = 0;
    for (target, run) in poort::fuzzing::TARGETS {
        for folder in ["fuzz/corpus", "fuzz/regressions"] {
            let dir = repo_path(&format!("{folder}/{target}"));
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries {
                let path = entry.expect("entry").path();
                let data = std::fs::read(&path).expect("input");
                let outcome = std::panic::catch_unwind(|| run(&data));
                assert!(outcome.is_ok(), "{target}: {} made the parser panic", path.display());
                replayed += 1;
            }
        }
        assert!(repo_path(&format!("fuzz/corpus/{target}")).is_dir(), "{target} has a corpus");
    }
    assert!(replayed >= poort::fuzzing::TARGETS.len(), "the corpus is not empty");
}
