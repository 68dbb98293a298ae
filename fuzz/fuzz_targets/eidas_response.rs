#![no_main]
//! Fuzz target `eidas_response`: see poort::fuzzing::eidas_response.

libfuzzer_sys::fuzz_target!(|data: &[u8]| poort::fuzzing::eidas_response(data));
