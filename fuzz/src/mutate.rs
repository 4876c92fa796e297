//! Byte-level mutations with a dictionary of the protocol's own words, from a deterministic PRNG, so a
//! run is repeatable from its seed.

/// xorshift64*: small, fast, and enough for choosing mutations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E3779B97F4A7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }

    /// A number below `n` (which must not be 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Words the engine reacts to: header names and values, methods, URLs, JSON field names and values
/// of its inputs, and bytes that break text (quotes, backticks, newlines, non-ASCII, percent-escapes).
const DICTIONARY: &[&str] = &[
    "Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Allow-Methods",
    "Access-Control-Allow-Headers", "Access-Control-Max-Age", "Access-Control-Expose-Headers",
    "Access-Control-Request-Method", "Access-Control-Request-Headers", "Access-Control-Allow-Private-Network",
    "Origin", "Vary", "Location", "Content-Type", "Authorization", "Cookie", "Set-Cookie", "Range", "Accept",
    "Content-Language", "X-Test", "*", "null", "true", "false", "0", "-1", "86400", "7201", "1e308", "NaN",
    "GET", "PUT", "POST", "DELETE", "OPTIONS", "PATCH", "HEAD", "patch", "get",
    "http://127.0.0.1:8001", "https://api.example", "http://[::1]:80/", "http://user:pw@a.test/", "data:,x", "file:///x",
    "http://10.0.0.1/", "http://192.168.1.1:8080/x?y#z", ";jsessionid=ABC", "?access_token=", "&code=", "#access_token=",
    "application/json", "text/plain", "multipart/form-data; boundary=x", "bytes=0-", "Bearer ", "eyJhbGciOiJIUzI1NiJ9.eyJzIjoxfQ.c2ln",
    "\"method\"", "\"url\"", "\"origin\"", "\"headers\"", "\"preflight\"", "\"response\"", "\"redirects\"", "\"status\"",
    "\"location\"", "\"next\"", "\"credentials_mode\"", "\"mode\"", "\"include\"", "\"no-cors\"", "\"same-origin\"",
    "\"outcome\"", "\"failed\"", "\"net_error\"", "\"net::ERR_FAILED\"", "\"net::ERR_BLOCKED_BY_CLIENT\"",
    "\"initiator_ip\"", "\"target_ip\"", "\"target_address_space\"", "\"local\"", "\"loopback\"", "\"public\"",
    "\"secure_context\"", "\"local_network_permission\"", "\"request_headers\"", "\"redirect_mode\"", "\"manual\"",
    "\"event\"", "\"onBeforeRequest\"", "\"onBeforeSendHeaders\"", "\"onSendHeaders\"", "\"onHeadersReceived\"",
    "\"onBeforeRedirect\"", "\"onResponseStarted\"", "\"onCompleted\"", "\"onErrorOccurred\"", "\"requestId\"",
    "\"tabId\"", "\"timeStamp\"", "\"statusCode\"", "\"redirectUrl\"", "\"fromCache\"", "\"requestHeaders\"",
    "\"responseHeaders\"", "\"binaryValue\"", "\"snapshot\"", "\"navigate\"", "\"clear\"", "\"har\"", "\"resource_type\"",
    "\"preflight\"", "\"initiator_type\"", "\"started\"", "\"server_ip\"", "\"error\"",
    "`", "``", "|", "\\n", "\\r", "\\u0000", "\\ud800", "é", "\u{202e}", "%2F", "%", "%zz", "<img src=x>", "[x](y)",
];

fn insert(data: &mut Vec<u8>, at: usize, bytes: &[u8]) {
    data.splice(at..at, bytes.iter().copied());
}

/// One to four mutations of `data`; `other` is another corpus input to splice from.
pub fn mutate(data: &mut Vec<u8>, other: &[u8], rng: &mut Rng) {
    for _ in 0..1 + rng.below(4) {
        let len = data.len();
        match rng.below(10) {
            0 if len > 0 => {
                let at = rng.below(len);
                data[at] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let at = rng.below(len);
                data[at] = rng.next() as u8;
            }
            2 if len > 0 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(64));
                data.drain(at..at + n);
            }
            3 if len > 0 => {
                let at = rng.below(len);
                let n = 1 + rng.below((len - at).min(64));
                let copy = data[at..at + n].to_vec();
                let to = rng.below(data.len() + 1);
                insert(data, to, &copy);
            }
            4 | 5 => {
                let word = DICTIONARY[rng.below(DICTIONARY.len())].as_bytes();
                let at = rng.below(len + 1);
                insert(data, at, word);
            }
            6 if len > 0 => {
                // A string literal's content replaced by a dictionary word (keeps the JSON readable).
                let at = rng.below(len);
                if let Some(open) = data[at..].iter().position(|&b| b == b'"').map(|p| at + p + 1) {
                    if let Some(close) = data[open..].iter().position(|&b| b == b'"').map(|p| open + p) {
                        let word = DICTIONARY[rng.below(DICTIONARY.len())].trim_matches('"').as_bytes().to_vec();
                        data.splice(open..close, word);
                    }
                }
            }
            7 if len > 0 => {
                // A number replaced by an interesting one.
                let at = rng.below(len);
                if let Some(start) = data[at..].iter().position(u8::is_ascii_digit).map(|p| at + p) {
                    let end = data[start..].iter().position(|b| !b.is_ascii_digit()).map_or(data.len(), |p| start + p);
                    let numbers = ["0", "1", "199", "200", "204", "299", "300", "302", "308", "404", "65535", "65536", "4294967296", "-1", "1.5", "1e400"];
                    data.splice(start..end, numbers[rng.below(numbers.len())].bytes());
                }
            }
            8 if !other.is_empty() => {
                // A piece of another input.
                let from = rng.below(other.len());
                let n = 1 + rng.below((other.len() - from).min(256));
                let at = rng.below(len + 1);
                insert(data, at, &other[from..from + n]);
            }
            _ => {
                let at = rng.below(len + 1);
                insert(data, at, &[rng.next() as u8]);
            }
        }
    }
}
