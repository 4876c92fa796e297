//! Local Network Access and the failures below CORS (docs/local-network.md), on the exchanges a capture
//! holds for them, as Chromium 156 reported them in tests/e2e/extension-local-network.test.mjs; and the CLI.

use std::process::Command;

use cors_lens::exchange::AddressSpace;
use cors_lens::network_failure::NetworkFailure;
use cors_lens::reprobe::{probe_exchange, ProbeAnswer};
use cors_lens::{check, CorsError, Exchange, Verdict};

fn verdict(json: &str) -> Verdict {
    let exchange: Exchange = serde_json::from_str(json).unwrap();
    check(&exchange).unwrap()
}

/// A page Chromium treats as public at a loopback IP (declared with --ip-address-space-overrides).
const SIMPLE_GET: &str = r#"{"request": {"method": "GET", "url": "http://127.0.0.1:9312/lna/get", "origin": "ORIGIN"},
    "outcome": "failed", "net_error": "net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS"}"#;
/// webRequest says net::ERR_FAILED for both requests; DevTools' preflight entry names the LNA check.
const PREFLIGHTED_PUT: &str = r#"{"request": {"method": "PUT", "url": "http://127.0.0.1:9312/lna/put", "origin": "ORIGIN", "headers": [["X-A", "1"]]},
    "preflight": {"request_headers": [["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "x-a"]],
      "response": null, "net_error": "net::ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS"},
    "outcome": "failed", "net_error": "net::ERR_FAILED"}"#;

fn from(origin: &str, json: &str) -> Verdict {
    verdict(&json.replace("ORIGIN", origin))
}

#[test]
fn a_secure_public_page_without_the_permission_is_denied_with_chromiums_line() {
    for json in [SIMPLE_GET, PREFLIGHTED_PUT] {
        let v = from("http://127.0.0.1:9311", json);
        assert_eq!(v.error, Some(CorsError::LocalNetworkAccessPermissionDenied), "{json}");
        assert_eq!(v.failed_parameter.as_deref(), Some(""));
        let url = if json == SIMPLE_GET { "http://127.0.0.1:9312/lna/get" } else { "http://127.0.0.1:9312/lna/put" };
        assert_eq!(
            v.console.as_ref().unwrap().chromium,
            Some(format!("Access to fetch at '{url}' from origin 'http://127.0.0.1:9311' has been blocked by CORS policy: Permission was denied for this request to access the `loopback` address space."))
        );
        assert_eq!(v.console.as_ref().unwrap().firefox, None, "Firefox does not block it");
        assert!(!v.server_fix);
        let lna = v.local_network.as_ref().unwrap();
        assert_eq!((lna.page, lna.target, lna.secure_context), (Some(AddressSpace::Public), Some(AddressSpace::Loopback), true));
        assert!(lna.because.iter().any(|b| b.contains("treats the page as public")), "{:?}", lna.because);
        assert!(v.explanation.details.contains("Access-Control-Allow-Private-Network no longer does anything"));
        assert!(v.explanation.browser_differences.iter().any(|d| d.contains("Firefox has no Local Network Access checks")));
        let client_fix = v.explanation.client_fix.unwrap();
        assert!(client_fix.contains("Apps on device") && client_fix.contains("targetAddressSpace: 'loopback'"), "{client_fix}");
    }
}

#[test]
fn an_insecure_public_page_is_refused_whatever_the_permission() {
    for json in [SIMPLE_GET, PREFLIGHTED_PUT] {
        let v = from("http://app.public.test:9313", json);
        assert_eq!(v.error, Some(CorsError::InsecureLocalNetwork));
        assert!(v.console.unwrap().chromium.unwrap().ends_with(
            "has been blocked by CORS policy: The request client is not a secure context and the resource is in more-private address space `loopback`."
        ));
        assert!(v.explanation.client_fix.unwrap().contains("HTTPS"));
    }
    // An answer from the target means nothing enforced LNA (a policy, an older browser): CORS decides.
    let answered = verdict(r#"{"request": {"method": "GET", "url": "http://127.0.0.1:9312/x", "origin": "http://app.public.test",
        "initiator_address_space": "public"}, "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}, "outcome": "succeeded"}"#);
    assert!(answered.allowed && answered.error.is_none());
}

#[test]
fn spaces_come_from_ips_and_a_granted_permission_lets_cors_run() {
    let request = r#""method": "GET", "url": "http://printer.lan/status", "origin": "https://app.example.com",
        "initiator_ip": "203.0.113.7", "target_ip": "192.168.1.20""#;
    let denied = verdict(&format!(r#"{{"request": {{{request}}}, "outcome": "failed"}}"#));
    assert_eq!(denied.error, Some(CorsError::LocalNetworkAccessPermissionDenied));
    assert!(denied.console.unwrap().chromium.unwrap().ends_with("to access the `local` address space."));
    // Granted: LNA passes, and the CORS check decides as usual.
    let granted = verdict(&format!(
        r#"{{"request": {{{request}, "local_network_permission": "granted"}}, "response": {{"status": 200, "headers": []}}, "outcome": "failed"}}"#
    ));
    assert_eq!(granted.error, Some(CorsError::MissingAllowOriginHeader));
    assert!(granted.server_fix);
    // Any answer from the target means LNA let it through: the CORS failure is the error.
    let answered = verdict(&format!(
        r#"{{"request": {{{}}}, "preflight": {{"response": {{"status": 404, "headers": []}}}}, "outcome": "failed"}}"#,
        request.replace(r#""method": "GET""#, r#""method": "PUT""#)
    ));
    assert_eq!(answered.error, Some(CorsError::PreflightMissingAllowOriginHeader));
    assert_eq!(answered.local_network.unwrap().permission, Some(cors_lens::exchange::Permission::Granted));
    // A connection refused before LNA could look is not an LNA refusal.
    let refused = verdict(&format!(r#"{{"request": {{{request}}}, "outcome": "failed", "net_error": "net::ERR_CONNECTION_REFUSED"}}"#));
    assert_eq!((refused.error, refused.network_failure), (None, Some(NetworkFailure::ConnectionRefused)));
    // A local page calling loopback is not a local network request in Chromium 156.
    let local = verdict(r#"{"request": {"method": "GET", "url": "http://127.0.0.1:1/x", "origin": "http://192.168.1.5",
        "initiator_ip": "192.168.1.5"}, "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}, "outcome": "succeeded"}"#);
    assert!(local.allowed && local.local_network.is_none());
}

#[test]
fn a_declared_target_space_that_does_not_match_is_invalid() {
    let v = verdict(r#"{"request": {"method": "GET", "url": "http://10.0.0.2/x", "origin": "https://app.example.com",
        "initiator_address_space": "public", "declared_target_address_space": "loopback", "local_network_permission": "granted"}, "outcome": "failed"}"#);
    assert_eq!(v.error, Some(CorsError::InvalidLocalNetworkAccess));
    assert!(v.console.unwrap().chromium.unwrap().ends_with("Request had a target IP address space of `loopback` yet the resource is in address space `local`."));
    assert!(v.explanation.client_fix.unwrap().contains("targetAddressSpace: 'local'"));
}

#[test]
fn the_live_probe_is_judged_as_the_page_would_be() {
    let captured: Exchange = serde_json::from_str(&PREFLIGHTED_PUT.replace("ORIGIN", "http://127.0.0.1:9311")).unwrap();
    let answer = ProbeAnswer {
        request_headers: vec![],
        status: Some(204),
        headers: vec![("Access-Control-Allow-Origin".into(), "*".into()), ("Access-Control-Allow-Methods".into(), "PUT".into()), ("Access-Control-Allow-Headers".into(), "x-a".into())],
        error: None,
    };
    let v = check(&probe_exchange(&captured, &answer)).unwrap();
    assert!(!v.allowed, "the server's answer passes, but the page still cannot reach it");
    assert_eq!(v.error, Some(CorsError::LocalNetworkAccessPermissionDenied));
    assert!(v.explanation.details.contains("exempt from Local Network Access"));
}

#[test]
fn failures_below_cors_are_named_never_invented_as_cors_errors() {
    for (error, kind, words) in [
        ("net::ERR_BLOCKED_BY_CLIENT", NetworkFailure::BlockedByClient, "extension"),
        ("net::ERR_CONNECTION_REFUSED", NetworkFailure::ConnectionRefused, "no server listens"),
        ("net::ERR_NAME_NOT_RESOLVED", NetworkFailure::NameNotResolved, "DNS"),
        ("net::ERR_CERT_AUTHORITY_INVALID", NetworkFailure::Tls, "certificate"),
        ("net::ERR_TIMED_OUT", NetworkFailure::TimedOut, "timeout"),
        ("net::ERR_ABORTED", NetworkFailure::Cancelled, "aborted"),
        ("net::ERR_CONNECTION_RESET", NetworkFailure::ConnectionReset, "dropped the connection"),
        ("net::ERR_BLOCKED_BY_CSP", NetworkFailure::ContentSecurityPolicy, "connect-src"),
    ] {
        let v = verdict(&format!(
            r#"{{"request": {{"method": "GET", "url": "http://api.example.com/x", "origin": "http://app.example.com"}}, "outcome": "failed", "net_error": "{error}"}}"#
        ));
        assert_eq!(v.network_failure, Some(kind), "{error}");
        assert_eq!((v.error, v.console.is_some(), v.allowed, v.undetermined, v.server_fix), (None, false, false, false, false), "{error}");
        assert_eq!(v.summary, kind.label());
        assert!(v.explanation.details.contains(words) && v.explanation.details.contains("This is not CORS"), "{error}: {}", v.explanation.details);
        assert!(v.explanation.client_fix.is_some());
    }
    // A preflight that failed below HTTP keeps Chromium's name for it, and says what the network error means.
    let refused = verdict(r#"{"request": {"method": "PUT", "url": "http://api.example.com/x", "origin": "http://app.example.com", "headers": [["X-A", "1"]]},
        "preflight": {"request_headers": [["Access-Control-Request-Method", "PUT"]], "response": null, "net_error": "net::ERR_CONNECTION_REFUSED"},
        "outcome": "failed", "net_error": "net::ERR_FAILED"}"#);
    assert_eq!((refused.error, refused.network_failure), (Some(CorsError::PreflightNetworkError), Some(NetworkFailure::ConnectionRefused)));
    assert_eq!(refused.console.unwrap().chromium.unwrap(), "Failed to load resource: net::ERR_CONNECTION_REFUSED");
    assert_eq!(refused.summary, NetworkFailure::ConnectionRefused.label());
    assert!(!refused.server_fix && refused.explanation.summary.starts_with("The preflight OPTIONS /x failed: Nothing accepts connections"), "{}", refused.explanation.summary);
    // An HTTPS page calling http:// that got nothing back: mixed content, whatever the capture's error.
    let mixed = verdict(r#"{"request": {"method": "GET", "url": "http://api.example.com/x", "origin": "https://app.example.com"}, "outcome": "failed"}"#);
    assert_eq!(mixed.network_failure, Some(NetworkFailure::MixedContent));
    // net::ERR_FAILED names nothing; a CORS error on a response stays the CORS error.
    let generic = verdict(r#"{"request": {"method": "GET", "url": "http://api.example.com/x", "origin": "http://app.example.com"}, "outcome": "failed", "net_error": "net::ERR_FAILED"}"#);
    assert_eq!((generic.network_failure, generic.undetermined), (None, true));
    let cors = verdict(r#"{"request": {"method": "GET", "url": "http://api.example.com/x", "origin": "http://app.example.com"},
        "response": {"status": 500, "headers": []}, "outcome": "failed", "net_error": "net::ERR_FAILED"}"#);
    assert_eq!((cors.error, cors.network_failure), (Some(CorsError::MissingAllowOriginHeader), None));
}

#[test]
fn exchanges_without_the_new_fields_still_read() {
    let v = verdict(r#"{"request": {"method": "GET", "url": "http://api.example.com/x", "origin": "http://app.example.com"},
        "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "*"]]}, "outcome": "succeeded"}"#);
    assert!(v.allowed && v.server_fix && v.local_network.is_none() && v.network_failure.is_none());
    let json = serde_json::to_value(&v).unwrap();
    assert!(json.get("local_network").is_none() && json.get("network_failure").is_none());
}

fn cli(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cors-lens")).args(args).current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).output().unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn the_cli_names_lna_and_offers_no_server_snippet() {
    let (ok, text, _) = cli(&["check", "--text", "--fix", "nginx", "examples/local-network-denied.json"]);
    assert!(ok);
    assert!(text.starts_with("BLOCKED (LocalNetworkAccessPermissionDenied, request stage)"), "{text}");
    assert!(text.contains("Permission was denied for this request to access the `loopback` address space."));
    assert!(text.contains("Client fix: The user grants the permission"));
    assert!(text.contains("No server fix") && !text.contains("add_header"), "{text}");
    let (ok, _, err) = cli(&["fix", "express", "examples/local-network-denied.json"]);
    assert!(!ok && err.contains("no server change fixes this"), "{err}");
}

#[test]
fn the_cli_says_what_a_blocker_did() {
    let (ok, text, _) = cli(&["check", "--text", "examples/blocked-by-client.json"]);
    assert!(ok);
    assert!(text.starts_with("FAILED, NOT CORS (Blocked by an extension (ad or privacy blocker))"), "{text}");
    assert!(!text.contains("What the browser printed"));
    let (_, json, _) = cli(&["check", "examples/blocked-by-client.json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!((v["network_failure"].as_str(), v["error"].is_null(), v["server_fix"].as_bool()), (Some("blocked_by_client"), true, Some(false)));
}
