//! Hidden variables: a capture (webRequest, HAR) cannot see a request's credentials mode or which
//! API made it. When the input says `unknown`, choose the value that explains what was observed,
//! and say why.

use crate::error::CorsError;
use crate::exchange::{Client, CredentialsMode, Exchange, Outcome};
use crate::verdict::Inferred;

pub struct ClientChoice {
    pub value: Client,
    pub assumed: bool,
}

/// The API only changes wording; without a hint assume `fetch()`, the common case.
pub fn client(exchange: &Exchange) -> ClientChoice {
    match exchange.request.client {
        Client::Unknown => ClientChoice { value: Client::Fetch, assumed: true },
        known => ClientChoice { value: known, assumed: false },
    }
}

pub(crate) struct CredentialsChoice<E> {
    pub evaluation: E,
    pub inferred: Inferred,
}

/// Runs `evaluate(credentials_included)` under the known mode, or under both modes when unknown,
/// keeping the one consistent with the observed outcome; `blocked_by(evaluation)` is the error a
/// run stopped at, if any. (Generic over the run, so that inference needs nothing of check.rs.)
pub(crate) fn credentials<E>(exchange: &Exchange, evaluate: impl Fn(bool) -> E, blocked_by: impl Fn(&E) -> Option<CorsError>) -> CredentialsChoice<E> {
    let mode = exchange.request.credentials_mode;
    if mode != CredentialsMode::Unknown {
        return CredentialsChoice { evaluation: evaluate(mode == CredentialsMode::Include), inferred: Inferred::default() };
    }
    let without = evaluate(false);
    let assumed_default = |evaluation, because: &str| CredentialsChoice {
        evaluation,
        inferred: Inferred {
            credentials_mode: Some(CredentialsMode::SameOrigin),
            client: None,
            because: vec![because.to_owned()],
        },
    };
    if exchange.outcome != Outcome::Failed || blocked_by(&without).is_some() {
        return assumed_default(
            without,
            "the capture does not show the credentials mode; fetch()'s default 'same-origin' was assumed, which sends no \
             cookies cross-origin",
        );
    }
    let with = evaluate(true);
    let Some(error) = blocked_by(&with) else {
        return assumed_default(
            without,
            "the capture does not show the credentials mode, and no credentials mode explains the failure; fetch()'s \
             default 'same-origin' was assumed",
        );
    };
    let because = match error {
        CorsError::WildcardOriginNotAllowed | CorsError::PreflightWildcardOriginNotAllowed => {
            "the request failed and the response allows any origin with '*', which fails only when credentials are \
             included: so the request used credentials mode 'include' (fetch credentials: 'include' or XHR withCredentials)"
        }
        CorsError::InvalidAllowCredentials | CorsError::PreflightInvalidAllowCredentials => {
            "the request failed and the response lacks Access-Control-Allow-Credentials: true, which matters only when \
             credentials are included: so the request used credentials mode 'include'"
        }
        _ => "the request failed, and only a request with credentials mode 'include' fails these checks",
    };
    CredentialsChoice {
        evaluation: with,
        inferred: Inferred { credentials_mode: Some(CredentialsMode::Include), client: None, because: vec![because.to_owned()] },
    }
}
