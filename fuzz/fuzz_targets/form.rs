#![no_main]
//! Fuzz target `form`: see poort::fuzzing::form.

libfuzzer_sys::fuzz_target!(|data: &[u8]| poort::fuzzing::form(data));
