//! Actix Web server for the framework matrix: `actix-server PORT ORIGIN CONFIG`.
//!
//! CONFIG `broken:<failure>` selects one of the hand-written broken configurations below (they take
//! the origin they allow at run time: the page's, or the other origin for second-origin); `fixed:<key>` one of the fixed configurations that
//! tests/frameworks/adapters/actix.mjs generates into $CORS_LENS_RUST_GEN_DIR/actix_fixed.rs, each a module
//! holding the engine's snippet verbatim and the same routes and auth as its broken twin.

use actix_cors::Cors;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, App, Error, HttpResponse, HttpServer};

/// GET, PUT, DELETE and POST /api/submit answer 200 JSON; OPTIONS gets 405.
pub fn routes(cfg: &mut web::ServiceConfig) {
    async fn submit() -> HttpResponse {
        HttpResponse::Ok().content_type("application/json").body("{\"ok\":true}")
    }
    cfg.service(
        web::resource("/api/submit")
            .route(web::get().to(submit))
            .route(web::put().to(submit))
            .route(web::delete().to(submit))
            .route(web::post().to(submit))
            .default_service(web::to(|| async { HttpResponse::MethodNotAllowed().finish() })),
    );
}

/// The auth of the `options-auth` configurations: `Authorization: Bearer t` or 401.
pub async fn require_bearer<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, Error> {
    if req.headers().get(header::AUTHORIZATION).is_some_and(|v| v == "Bearer t") {
        Ok(next.call(req).await?.map_into_left_body())
    } else {
        let res = HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
            .body("{\"error\":\"unauthorized\"}");
        Ok(req.into_response(res).map_into_right_body())
    }
}

/// A correct actix-cors configuration for the page's origin, to break one part at a time.
fn cors_for(origin: &str) -> Cors {
    Cors::default()
        .allowed_origin(origin)
        .allowed_methods(["GET", "POST", "PUT", "DELETE"])
        .allowed_headers(["Content-Type", "X-Api-Key", "Authorization"])
        .supports_credentials()
        .max_age(7200)
}

/// Hand-rolled CORS: `Access-Control-Allow-Origin` (and, unless the origin is `*` without them,
/// credentials) on every non-OPTIONS response; with `preflight`, also a 204 for OPTIONS that allows
/// `allow_headers`.
async fn hand_rolled<B: MessageBody + 'static>(
    origin: HeaderValue,
    preflight: bool,
    credentials: bool,
    allow_headers: &'static str,
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, Error> {
    let is_options = req.method() == Method::OPTIONS;
    if is_options && !preflight {
        return Ok(next.call(req).await?.map_into_left_body());
    }
    let mut res = if is_options {
        req.into_response(HttpResponse::new(StatusCode::NO_CONTENT)).map_into_right_body()
    } else {
        next.call(req).await?.map_into_left_body()
    };
    let h = res.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if credentials {
        h.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
    }
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    if is_options {
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static("GET, POST, PUT, DELETE"));
        h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(allow_headers));
        h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("7200"));
    }
    Ok(res)
}

const GENEROUS_HEADERS: &str = "Content-Type, X-Api-Key, Authorization";

/// Serves one configuration; `app!` keeps each App's concrete middleware type out of signatures.
macro_rules! serve {
    ($port:expr, $app:expr) => {{
        let server = HttpServer::new($app).workers(1).bind(("127.0.0.1", $port))?;
        println!("listening on 127.0.0.1:{}", $port);
        server.run().await
    }};
}

async fn broken(failure: &str, origin: String, port: u16) -> std::io::Result<()> {
    let value = HeaderValue::from_str(&origin).expect("an origin");
    match failure {
        // Headers on actual responses only; OPTIONS falls through to the resource's 405.
        "no-options-handler" => serve!(port, move || {
            let v = value.clone();
            App::new().configure(routes).wrap(from_fn(move |req, next| hand_rolled(v.clone(), false, true, GENEROUS_HEADERS, req, next)))
        }),
        // Auth is the outermost middleware (registered last): it rejects the preflight first.
        "options-auth" => serve!(port, move || App::new().configure(routes).wrap(cors_for(&origin)).wrap(from_fn(require_bearer))),
        "missing-acao" => serve!(port, || App::new().configure(routes)),
        // actix-cors refuses `*` with credentials, so this is hand-rolled, as it is in the wild.
        "wildcard-credentials" => serve!(port, || App::new()
            .configure(routes)
            .wrap(from_fn(|req, next| hand_rolled(HeaderValue::from_static("*"), true, true, GENEROUS_HEADERS, req, next)))),
        "header-not-allowed" => serve!(port, move || {
            let cors = Cors::default()
                .allowed_origin(&origin)
                .allowed_methods(["GET", "POST", "PUT", "DELETE"])
                .allowed_headers(["Content-Type"])
                .supports_credentials()
                .max_age(7200);
            App::new().configure(routes).wrap(cors)
        }),
        // (allowed_methods adds to the set, so this one is built from scratch.)
        "method-not-allowed" => serve!(port, move || {
            let cors = Cors::default()
                .allowed_origin(&origin)
                .allowed_methods(["GET", "POST"])
                .allowed_headers(["Content-Type", "X-Api-Key", "Authorization"])
                .supports_credentials()
                .max_age(7200);
            App::new().configure(routes).wrap(cors)
        }),
        "no-max-age" => serve!(port, move || App::new().configure(routes).wrap(cors_for(&origin).max_age(None))),
        // actix-cors answers a header it does not allow with 400 and no CORS headers, which would hide
        // the `*`: hand-rolled, without credentials (they never go with `*`).
        "any-origin-header" => serve!(port, || App::new()
            .configure(routes)
            .wrap(from_fn(|req, next| hand_rolled(HeaderValue::from_static("*"), true, false, "Content-Type", req, next)))),
        // actix-cors answers an origin it does not allow with 400 and no CORS headers; a server that
        // names one fixed origin whoever asks is hand-rolled.
        "second-origin" => serve!(port, move || {
            let v = value.clone();
            App::new().configure(routes).wrap(from_fn(move |req, next| hand_rolled(v.clone(), true, true, GENEROUS_HEADERS, req, next)))
        }),
        _ => {
            eprintln!("actix-server: unknown failure '{failure}'");
            std::process::exit(2);
        }
    }
}

/// A fixed configuration: the snippet's `cors()` registered with the App's last `.wrap(...)`, after
/// the auth middleware when the failure has one (the snippet's placement). One function for every
/// fixed configuration keeps the per-configuration code (and so the rebuilds) small.
pub async fn serve_fixed(port: u16, cors: fn() -> Cors, auth: bool) -> std::io::Result<()> {
    if auth {
        serve!(port, move || App::new().configure(routes).wrap(from_fn(require_bearer)).wrap(cors()))
    } else {
        serve!(port, move || App::new().configure(routes).wrap(cors()))
    }
}

mod fixed {
    #[allow(unused_imports)]
    use super::serve_fixed;

    include!(concat!(env!("CORS_LENS_RUST_GEN_DIR"), "/actix_fixed.rs"));
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, port, origin, config] = &args[..] else {
        eprintln!("usage: actix-server PORT ORIGIN broken:<failure>|fixed:<key>");
        std::process::exit(2);
    };
    let port: u16 = port.parse().expect("a port");
    match config.split_once(':') {
        Some(("broken", failure)) => broken(failure, origin.clone(), port).await,
        Some(("fixed", key)) => fixed::serve(key, port).await,
        _ => {
            eprintln!("actix-server: unknown configuration '{config}'");
            std::process::exit(2);
        }
    }
}
