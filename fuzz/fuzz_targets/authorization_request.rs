#![no_main]
//! Fuzz target `authorization_request`: see poort::fuzzing::authorization_request.

libfuzzer_sys::fuzz_target!(|data: &[u8]| poort::fuzzing::authorization_request(data));
