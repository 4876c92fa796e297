//! Whose rules a verdict follows. The browsers agree on most of CORS; where they differ (check
//! order, the `Origin` a preflight carries after a redirect, wording) the engine decides as the
//! chosen browser does, and runs the others' rules to say where they would differ.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Browser {
    /// Chromium and the browsers built on it (Chrome, Edge, Opera, Brave).
    #[default]
    Chromium,
    Firefox,
    /// Safari and WebKit, where their rules are known.
    Safari,
}

impl Browser {
    pub const ALL: [Browser; 3] = [Browser::Chromium, Browser::Firefox, Browser::Safari];

    /// The lower-case name the CLI and the JSON use.
    pub fn name(self) -> &'static str {
        match self {
            Browser::Chromium => "chromium",
            Browser::Firefox => "firefox",
            Browser::Safari => "safari",
        }
    }

    /// The name for a person.
    pub fn title(self) -> &'static str {
        match self {
            Browser::Chromium => "Chromium",
            Browser::Firefox => "Firefox",
            Browser::Safari => "Safari",
        }
    }

    pub fn from_name(name: &str) -> Option<Browser> {
        Browser::ALL.into_iter().find(|b| b.name().eq_ignore_ascii_case(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for browser in Browser::ALL {
            assert_eq!(Browser::from_name(browser.name()), Some(browser));
            assert_eq!(serde_json::to_string(&browser).unwrap(), format!("\"{}\"", browser.name()));
        }
        assert_eq!(Browser::from_name("Firefox"), Some(Browser::Firefox));
        assert_eq!(Browser::from_name("edge"), None);
    }
}
