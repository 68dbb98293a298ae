#![no_main]
//! Fuzz target `jose`: see poort::fuzzing::jose.

libfuzzer_sys::fuzz_target!(|data: &[u8]| poort::fuzzing::jose(data));
