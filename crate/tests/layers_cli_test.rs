//! `cors-lens check --text --fix` on nginx's own 405 to a preflight (examples/proxy-405.json, the
//! framework matrix's nginx-express capture with readable hosts): the explanation names nginx, and a
//! fix says which layer it changes and, for the app's fix, what nginx must change.

use std::process::Command;

fn check_text(framework: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_cors-lens"))
        .args(["check", "--text", "--fix", framework, "examples/proxy-405.json"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("the binary runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn nginx_own_405_names_nginx_and_its_fix_changes_nginx() {
    let text = check_text("nginx");
    assert!(text.contains("This 405 came from your proxy (nginx), not from your app"), "{text}");
    assert!(text.contains("Fix for nginx (add_header) (verified on a live server; changes your proxy):\n  nginx wrote this answer itself"), "{text}");
    assert!(!text.contains("And in "), "nginx's fix needs no other layer: {text}");
}

#[test]
fn the_apps_fix_says_it_does_not_reach_nginx_and_gives_nginx_snippet() {
    let text = check_text("express");
    assert!(text.contains("changes your app):\n  This answer came from your proxy (nginx), not from the layer this Express 4"), "{text}");
    let other = text.split("And in nginx: ").nth(1).expect("the other layer's change");
    assert!(other.contains("    add_header Access-Control-Allow-Origin \"https://app.example.com\" always;"), "{other}");
    assert!(other.contains("    proxy_hide_header Access-Control-Allow-Origin;"), "{other}");
}
