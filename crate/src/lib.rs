//! CORS Lens core: re-runs the browser's CORS algorithm (WHATWG Fetch, as Chromium implements it,
//! or Firefox or Safari where their rules differ: [`Browser`]) on one captured exchange and says
//! whether CORS blocked it, at which check, and what each browser printed. Plain Rust with no browser types; `wasm/` is the only binding layer.
//!
//! Data flows one way: [`Exchange`] → [`check`] → [`Verdict`] (→ explanation → fix).

pub mod access_check;
pub mod browser;
pub mod check;
pub mod console;
pub mod error;
pub mod exchange;
pub mod explain;
pub mod expose;
pub mod fixes;
pub mod headers;
pub mod infer;
pub mod local_network;
pub mod marks;
pub mod max_age;
pub mod method;
pub mod network_failure;
pub mod order;
pub mod origin;
pub mod preflight;
#[cfg(all(feature = "probe", not(target_arch = "wasm32")))]
pub mod probe;
pub mod redact;
pub mod redirect;
pub mod replay;
pub mod reprobe;
pub mod responder;
pub mod safelist;
pub mod session;
pub mod verdict;
pub mod warning;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use browser::Browser;
pub use check::{check, check_as, InputError};
pub use error::{CorsError, Failure};
pub use exchange::Exchange;
pub use verdict::Verdict;
