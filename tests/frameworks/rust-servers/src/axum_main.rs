//! Axum server for the framework matrix: `axum-server PORT ORIGIN CONFIG`.
//!
//! CONFIG `broken:<failure>` selects one of the hand-written broken configurations below (they take
//! the origin they allow at run time: the page's, or the other origin for second-origin); `fixed:<key>` one of the fixed configurations that
//! tests/frameworks/adapters/axum.mjs generates into $CORS_LENS_RUST_GEN_DIR/axum_fixed.rs, each a module
//! holding the engine's snippet verbatim and the same routes and auth as its broken twin.

use axum::extract::Request;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// GET, PUT, DELETE and POST /api/submit answer 200 JSON; other methods (OPTIONS) get axum's 405.
pub fn routes() -> Router {
    async fn submit() -> impl IntoResponse {
        ([(header::CONTENT_TYPE, "application/json")], "{\"ok\":true}")
    }
    Router::new().route("/api/submit", get(submit).put(submit).delete(submit).post(submit))
}

/// The auth of the `options-auth` configurations: `Authorization: Bearer t` or 401.
pub async fn require_bearer(req: Request, next: Next) -> Response {
    if req.headers().get(header::AUTHORIZATION).is_some_and(|v| v == "Bearer t") {
        next.run(req).await
    } else {
        (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")], "{\"error\":\"unauthorized\"}").into_response()
    }
}

fn generous_methods() -> [Method; 4] {
    [Method::GET, Method::POST, Method::PUT, Method::DELETE]
}

fn generous_headers() -> [HeaderName; 3] {
    [header::CONTENT_TYPE, HeaderName::from_static("x-api-key"), header::AUTHORIZATION]
}

/// A correct tower-http configuration for the page's origin, to break one part at a time.
fn cors_for(origin: &str) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::exact(HeaderValue::from_str(origin).expect("an origin")))
        .allow_methods(generous_methods())
        .allow_headers(generous_headers())
        .allow_credentials(true)
        .max_age(Duration::from_secs(7200))
}

/// Hand-rolled CORS: `Access-Control-Allow-Origin` (and credentials) on every non-OPTIONS
/// response; with `preflight`, also a 204 for OPTIONS.
async fn hand_rolled(origin: HeaderValue, preflight: bool, req: Request, next: Next) -> Response {
    let is_options = req.method() == Method::OPTIONS;
    if is_options && !preflight {
        return next.run(req).await;
    }
    let mut res = if is_options { StatusCode::NO_CONTENT.into_response() } else { next.run(req).await };
    let h = res.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    h.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    if is_options {
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, PUT, DELETE"));
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("Content-Type, X-Api-Key, Authorization"));
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("7200"));
    }
    res
}

fn broken(failure: &str, origin: &str) -> Option<Router> {
    let value = HeaderValue::from_str(origin).expect("an origin");
    let hand = move |allow: HeaderValue, preflight: bool| {
        middleware::from_fn(move |req: Request, next: Next| hand_rolled(allow.clone(), preflight, req, next))
    };
    Some(match failure {
        // Headers on actual responses only; OPTIONS falls through to the router's 405.
        "no-options-handler" => routes().layer(hand(value, false)),
        // Auth is the outermost layer: it rejects the preflight before CorsLayer sees it.
        "options-auth" => routes().layer(cors_for(origin)).layer(middleware::from_fn(require_bearer)),
        "missing-acao" => routes(),
        // tower-http refuses `*` with credentials, so this is hand-rolled, as it is in the wild.
        "wildcard-credentials" => routes().layer(hand(HeaderValue::from_static("*"), true)),
        "header-not-allowed" => routes().layer(cors_for(origin).allow_headers([header::CONTENT_TYPE])),
        "method-not-allowed" => routes().layer(cors_for(origin).allow_methods([Method::GET, Method::POST])),
        "any-origin-header" => routes().layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::any())
                .allow_methods(generous_methods())
                .allow_headers([header::CONTENT_TYPE])
                .max_age(Duration::from_secs(7200)),
        ),
        // AllowOrigin::exact sends its origin whoever asks: right for the other origin only.
        "second-origin" => routes().layer(cors_for(origin)),
        "no-max-age" => routes().layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::exact(value))
                .allow_methods(generous_methods())
                .allow_headers(generous_headers())
                .allow_credentials(true),
        ),
        _ => return None,
    })
}

mod fixed {
    #[allow(unused_imports)]
    use super::{require_bearer, routes};
    #[allow(unused_imports)]
    use axum::{middleware, Router};

    include!(concat!(env!("CORS_LENS_RUST_GEN_DIR"), "/axum_fixed.rs"));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, port, origin, config] = &args[..] else {
        eprintln!("usage: axum-server PORT ORIGIN broken:<failure>|fixed:<key>");
        std::process::exit(2);
    };
    let app = match config.split_once(':') {
        Some(("broken", failure)) => broken(failure, origin),
        Some(("fixed", key)) => fixed::app(key),
        _ => None,
    };
    let Some(app) = app else {
        eprintln!("axum-server: unknown configuration '{config}'");
        std::process::exit(2);
    };
    let port: u16 = port.parse().expect("a port");
    tokio::runtime::Builder::new_current_thread().enable_io().build().unwrap().block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.expect("bind 127.0.0.1");
        println!("listening on 127.0.0.1:{port}");
        axum::serve(listener, app).await.unwrap();
    });
}
