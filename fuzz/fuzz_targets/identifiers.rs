#![no_main]
//! Fuzz target `identifiers`: see poort::fuzzing::identifiers.

libfuzzer_sys::fuzz_target!(|data: &[u8]| poort::fuzzing::identifiers(data));
