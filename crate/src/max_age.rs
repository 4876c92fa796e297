//! `Access-Control-Max-Age` (fetch spec §CORS-preflight cache: `delta-seconds`, default 5 s when
//! absent or unparsable) as each browser actually reads it, with its cap:
//! Chromium 7200 s (`preflight_result.cc`), Firefox 86400 s (`nsCORSListenerProxy.cpp`),
//! Safari 600 s (`CrossOriginPreflightResultCache.cpp`).

use std::borrow::Cow;

use crate::browser::Browser;
use crate::exchange::HeaderList;
use crate::headers;
use crate::verdict::{MaxAge, MaxAgeByBrowser, MaxAgeReading};

pub const DEFAULT_SECONDS: u32 = 5;
pub const CHROMIUM_CAP: u32 = 7200;
pub const FIREFOX_CAP: u32 = 86400;
pub const SAFARI_CAP: u32 = 600;

/// Reads the header from a preflight response for all three browsers.
pub fn read(response_headers: &HeaderList) -> MaxAgeByBrowser {
    let header = headers::get(response_headers, "access-control-max-age");
    MaxAgeByBrowser {
        chromium: chromium(header.as_deref()),
        firefox: firefox(header.as_deref()),
        safari: safari(header.as_deref()),
        header: header.map(Cow::into_owned),
    }
}

fn missing(cap: u32) -> MaxAge {
    MaxAge { seconds: DEFAULT_SECONDS, reading: MaxAgeReading::Missing, cap }
}

/// A signed integer with an optional sign and nothing else, like `base::StringToInt64` and
/// WebKit's `parseInteger`; overflow is a parse failure, as in both.
fn parse_signed(value: &str) -> Option<i64> {
    let (negative, digits) = match value.as_bytes().first()? {
        b'-' => (true, &value[1..]),
        b'+' => (false, &value[1..]),
        _ => (false, value),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let magnitude = digits.bytes().try_fold(0i64, |n, d| n.checked_mul(10)?.checked_add(i64::from(d - b'0')))?;
    Some(if negative { -magnitude } else { magnitude })
}

/// Chromium and Safari share the shape: unparsable → default, ≤ 0 → not cached, above cap → cap.
fn clamp_signed(value: Option<&str>, cap: u32) -> MaxAge {
    let Some(value) = value else { return missing(cap) };
    match parse_signed(value) {
        None => MaxAge { seconds: DEFAULT_SECONDS, reading: MaxAgeReading::Unparsable, cap },
        Some(n) if n <= 0 => MaxAge { seconds: 0, reading: MaxAgeReading::NotCached, cap },
        Some(n) if n > i64::from(cap) => MaxAge { seconds: cap, reading: MaxAgeReading::Capped, cap },
        Some(n) => MaxAge { seconds: n as u32, reading: MaxAgeReading::Parsed, cap },
    }
}

/// The header as `browser` reads it.
pub fn of(browser: Browser, value: Option<&str>) -> MaxAge {
    match browser {
        Browser::Chromium => chromium(value),
        Browser::Firefox => firefox(value),
        Browser::Safari => safari(value),
    }
}

pub fn chromium(value: Option<&str>) -> MaxAge {
    clamp_signed(value, CHROMIUM_CAP)
}

pub fn safari(value: Option<&str>) -> MaxAge {
    clamp_signed(value, SAFARI_CAP)
}

/// Firefox accepts digits only; anything else, or 0, means the result is not cached at all. An
/// empty value counts as absent (`nsCORSListenerProxy.cpp AddResultToCache`).
pub fn firefox(value: Option<&str>) -> MaxAge {
    let Some(value) = value.filter(|v| !v.is_empty()) else { return missing(FIREFOX_CAP) };
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return MaxAge { seconds: 0, reading: MaxAgeReading::Unparsable, cap: FIREFOX_CAP };
    }
    // Digits only, so the only parse failure left is overflow: far above the cap.
    match parse_signed(value).unwrap_or(i64::MAX) {
        0 => MaxAge { seconds: 0, reading: MaxAgeReading::NotCached, cap: FIREFOX_CAP },
        n if n > i64::from(FIREFOX_CAP) => MaxAge { seconds: FIREFOX_CAP, reading: MaxAgeReading::Capped, cap: FIREFOX_CAP },
        n => MaxAge { seconds: n as u32, reading: MaxAgeReading::Parsed, cap: FIREFOX_CAP },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use MaxAgeReading::*;

    fn secs(m: MaxAge) -> (u32, MaxAgeReading) {
        (m.seconds, m.reading)
    }

    #[test]
    fn defaults_and_caps_per_browser() {
        assert_eq!(secs(chromium(None)), (5, Missing));
        assert_eq!(secs(chromium(Some("600"))), (600, Parsed));
        assert_eq!(secs(chromium(Some("86400"))), (7200, Capped));
        assert_eq!(secs(firefox(Some("86400"))), (86400, Parsed));
        assert_eq!(secs(firefox(Some("100000"))), (86400, Capped));
        assert_eq!(secs(safari(Some("7200"))), (600, Capped));
    }

    #[test]
    fn unparsable_values() {
        assert_eq!(secs(chromium(Some("10.5"))), (5, Unparsable));
        assert_eq!(secs(chromium(Some("600, 600"))), (5, Unparsable));
        assert_eq!(secs(firefox(Some("10.5"))), (0, Unparsable));
        assert_eq!(secs(safari(Some("abc"))), (5, Unparsable));
        assert_eq!(secs(chromium(Some("99999999999999999999999"))), (5, Unparsable));
        assert_eq!(secs(firefox(Some("99999999999999999999999"))), (86400, Capped));
        assert_eq!(secs(firefox(Some(""))), (5, Missing));
    }

    #[test]
    fn zero_and_negative_are_not_cached() {
        assert_eq!(secs(chromium(Some("0"))), (0, NotCached));
        assert_eq!(secs(chromium(Some("-1"))), (0, NotCached));
        assert_eq!(secs(firefox(Some("0"))), (0, NotCached));
        assert_eq!(secs(firefox(Some("-1"))), (0, Unparsable));
    }
}
