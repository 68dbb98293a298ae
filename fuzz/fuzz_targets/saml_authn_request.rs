#![no_main]
//! Fuzz target `saml_authn_request`: see poort::fuzzing::saml_authn_request.

libfuzzer_sys::fuzz_target!(|data: &[u8]| poort::fuzzing::saml_authn_request(data));
