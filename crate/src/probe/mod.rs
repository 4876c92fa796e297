//! `cors-lens probe`: the browser's requests for one call of a page, sent to the live server, and the
//! engine's verdict on what came back (walk.rs); and `--policy`, which probes every endpoint of a
//! policy file from the origins that must work and those that must not (audit.rs). Native only: the
//! extension sends its own probe through the browser (reprobe.rs).

pub mod attacks;
pub mod audit;
pub mod cli;
pub mod client;
pub mod policy;
pub mod report;
pub mod request;
pub mod walk;

pub use cli::{main, ProbeArgs};
