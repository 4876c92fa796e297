//! What each browser prints in the console for a blocked request. One file per browser's wording;
//! templates are from `cors_error_string.cc` (Chromium), `security.properties` (Firefox) and
//! `CrossOriginAccessControl.cpp` / `NetworkLoadChecker.cpp` (WebKit).

pub mod chromium;
pub mod firefox;
pub mod safari;

use crate::browser::Browser;
use crate::error::Failure;
use crate::exchange::{AddressSpace, Client, Response};
use crate::verdict::{ConsoleLines, Stage};

/// Everything a browser's message can mention about one blocked request.
pub struct Blocked<'a> {
    pub failure: &'a Failure,
    pub stage: Stage,
    pub client: Client,
    /// The URL whose load failed: the last URL of the redirect chain so far.
    pub url: &'a str,
    /// The first URL, when the request was redirected before it failed.
    pub redirected_from: Option<&'a str>,
    /// The URL of the document that made the request, when captured (else the page origin + "/").
    pub document_url: Option<&'a str>,
    /// The page's serialized origin (Chromium prints it even when the `Origin` header was tainted to null).
    pub page_origin: &'a str,
    /// The response whose check failed (preflight, redirect or final), when there was one.
    pub response: Option<&'a Response>,
    /// For a failed redirect hop: where it pointed.
    pub location: Option<&'a str>,
    /// For a disallowed header: the name as the page's script wrote it (Safari prints that).
    pub header_as_written: Option<&'a str>,
    /// For Local Network Access: the target's address space, and the one the page declared.
    pub target_space: Option<AddressSpace>,
    pub declared_space: Option<AddressSpace>,
}

/// Each browser's line for the failure its own rules found; `None` where they let the request through.
pub fn render<'a>(blocked_by: impl Fn(Browser) -> Option<Blocked<'a>>) -> ConsoleLines {
    ConsoleLines {
        chromium: blocked_by(Browser::Chromium).map(|b| one_line(chromium::line(&b))),
        firefox: blocked_by(Browser::Firefox).and_then(|b| firefox::line(&b)).map(one_line),
        safari: blocked_by(Browser::Safari).and_then(|b| safari::lines(&b)),
    }
}

/// A browser prints each message on one line, and nothing it quotes can hold a line break (a URL
/// parser removes them, HTTP forbids them in a header). A capture written by hand can: they become spaces.
/// The line's own ending stays (Chromium ends its "Unsafe attempt to load URL" message with one).
fn one_line(line: String) -> String {
    let body = line.strip_suffix('\n').unwrap_or(&line);
    if !body.contains(['\n', '\r']) {
        return line;
    }
    let ending = &line[body.len()..];
    format!("{}{ending}", body.replace(['\n', '\r'], " "))
}

#[cfg(test)]
mod tests {
    #[test]
    fn line_breaks_inside_become_spaces_and_the_lines_own_ending_stays() {
        assert_eq!(super::one_line("a\nb\r".to_owned()), "a b ");
        assert_eq!(super::one_line("a\nb\n".to_owned()), "a b\n");
        assert_eq!(super::one_line("ab\n".to_owned()), "ab\n");
    }
}
