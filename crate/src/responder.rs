//! Which layer answered: what a failing response says of who wrote it (a CDN, an API gateway, a
//! reverse proxy, or the application behind them), read from the headers those layers add. A 403
//! from a gateway is fixed in the gateway, not in the app, so the explanation says so, but only
//! when a header proves it: a `Server: nginx` on its own does not (nginx replaces the app's
//! `Server` on everything it proxies), nginx's own error page does (its length is fixed by the
//! status and the `Server` value). Layers the answer merely passed through are listed apart.

use serde::{Deserialize, Serialize};

use crate::exchange::Response;
use crate::headers;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layer {
    Cdn,
    Gateway,
    Proxy,
    App,
}

impl Layer {
    /// The layer in the explanation's words ("your CDN").
    pub fn words(self) -> &'static str {
        match self {
            Layer::Cdn => "CDN",
            Layer::Gateway => "API gateway",
            Layer::Proxy => "proxy",
            Layer::App => "app",
        }
    }
}

/// One layer the response names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    pub layer: Layer,
    /// The product, as users know it: "nginx", "Cloudflare", "Express".
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Responder {
    /// The layer that wrote this answer, when a header proves it.
    pub answered_by: Option<Hop>,
    /// Other layers the answer passed through (outermost first), when headers name them.
    pub through: Vec<Hop>,
    /// The header lines (and what they show) behind the claim.
    pub evidence: Vec<String>,
    /// The explanation's sentence.
    pub sentence: String,
}

/// nginx's reason phrases on its own error pages (ngx_http_special_response.c), where they differ
/// from or add to the usual ones.
fn nginx_title(status: u16) -> Option<&'static str> {
    Some(match status {
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Authorization Required",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Time-out",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Large",
        415 => "Unsupported Media Type",
        416 => "Requested Range Not Satisfiable",
        421 => "Misdirected Request",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Temporarily Unavailable",
        504 => "Gateway Time-out",
        505 => "HTTP Version Not Supported",
        507 => "Insufficient Storage",
        _ => return None,
    })
}

/// nginx pads its 4xx/5xx pages for MSIE and Chrome (`msie_padding`, on by default) with this line six
/// times, so that those browsers show the page rather than their own.
const NGINX_PADDING_LINE: &str = "<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n";

/// The byte lengths nginx's built-in error page for `status` can have when its Server header is
/// `server` ("nginx" or "nginx/1.22.1": the page's footer repeats it): plain, and padded.
fn nginx_page_lengths(status: u16, server: &str) -> Option<[usize; 2]> {
    let title = format!("{status} {}", nginx_title(status)?);
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>{server}</center>\r\n</body>\r\n</html>\r\n"
    );
    let padding = if status >= 400 { 6 * NGINX_PADDING_LINE.len() } else { 0 };
    Some([page.len(), page.len() + padding])
}

/// The byte length of HAProxy's built-in error page for `status` (its `http_err_msgs`, measured on
/// Debian's HAProxy 2.6 with `deny_status`). HAProxy sends those with `cache-control: no-cache`,
/// `content-type: text/html` and no `Server` header.
fn haproxy_page_length(status: u16) -> Option<usize> {
    Some(match status {
        400 => 90,
        401 => 112,
        403 => 93,
        404 => 83,
        405 => 146,
        407 => 112,
        408 => 110,
        410 => 114,
        413 => 106,
        425 => 80,
        429 => 117,
        500 => 97,
        501 => 136,
        502 | 503 => 107,
        504 => 92,
        _ => return None,
    })
}

const MAX_EVIDENCE_VALUE: usize = 80;

fn evidence(name: &str, value: &str) -> String {
    let value = crate::redact::display_value(name, value);
    let short: String = value.chars().take(MAX_EVIDENCE_VALUE).collect();
    format!("{name}: {short}{}", if short.len() < value.len() { "…" } else { "" })
}

fn hop(layer: Layer, name: &str) -> Hop {
    Hop { layer, name: name.to_owned() }
}

/// Reads what `response` says of who wrote it. `None` when it names no layer at all.
pub fn identify(response: &Response) -> Option<Responder> {
    let h = &response.headers;
    let get = |name: &str| headers::get(h, name).map(|v| v.into_owned());
    let status = response.status;
    let mut answered_by: Option<Hop> = None;
    let mut through: Vec<Hop> = Vec::new();
    let mut proof: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut pass = |hop: Hop, line: String, through: &mut Vec<Hop>| {
        if !through.contains(&hop) {
            through.push(hop);
        }
        seen.push(line);
    };
    let server = get("server");
    let server_lower = server.as_deref().unwrap_or("").to_ascii_lowercase();

    // CDNs: they sit outermost.
    if let Some(ray) = get("cf-ray") {
        let own = (520..=527).contains(&status) || status == 530;
        if let Some(mitigated) = get("cf-mitigated") {
            answered_by = Some(hop(Layer::Cdn, "Cloudflare"));
            proof.extend([evidence("CF-Mitigated", &mitigated), evidence("CF-Ray", &ray)]);
        } else if own {
            answered_by = Some(hop(Layer::Cdn, "Cloudflare"));
            proof.extend([format!("status {status} (a Cloudflare-only code)"), evidence("CF-Ray", &ray)]);
        } else {
            pass(hop(Layer::Cdn, "Cloudflare"), evidence("CF-Ray", &ray), &mut through);
        }
    }
    if let Some(id) = get("x-amz-cf-id") {
        // CloudFront keeps the origin's Server header; it writes `Server: CloudFront` only on its own answers.
        if server_lower == "cloudfront" && answered_by.is_none() {
            answered_by = Some(hop(Layer::Cdn, "CloudFront"));
            proof.extend([evidence("Server", server.as_deref().unwrap_or("")), evidence("X-Amz-Cf-Id", &id)]);
        } else {
            pass(hop(Layer::Cdn, "CloudFront"), evidence("X-Amz-Cf-Id", &id), &mut through);
        }
    }
    if let Some(served_by) = get("x-served-by").filter(|v| v.starts_with("cache-")) {
        pass(hop(Layer::Cdn, "Fastly"), evidence("X-Served-By", &served_by), &mut through);
    }
    if let Some(x_cache) = get("x-cache").filter(|v| !v.to_ascii_lowercase().contains("cloudfront")) {
        pass(hop(Layer::Cdn, "a cache"), evidence("X-Cache", &x_cache), &mut through);
    }
    if get("x-varnish").is_some() || get("via").is_some_and(|v| v.to_ascii_lowercase().contains("varnish")) {
        let line = get("x-varnish").map(|v| evidence("X-Varnish", &v)).unwrap_or_else(|| evidence("Via", &get("via").unwrap_or_default()));
        pass(hop(Layer::Cdn, "Varnish"), line, &mut through);
    }

    // API gateways.
    if let Some(kind) = get("x-amzn-errortype") {
        if answered_by.is_none() {
            answered_by = Some(hop(Layer::Gateway, "Amazon API Gateway"));
            proof.push(evidence("x-amzn-ErrorType", &kind));
        }
    } else if let Some(id) = get("x-amz-apigw-id") {
        pass(hop(Layer::Gateway, "Amazon API Gateway"), evidence("x-amz-apigw-id", &id), &mut through);
    }
    // Kong adds X-Kong-Upstream-Latency when the upstream answered, X-Kong-Response-Latency alone when Kong did.
    if let Some(upstream) = get("x-kong-upstream-latency") {
        pass(hop(Layer::Gateway, "Kong"), evidence("X-Kong-Upstream-Latency", &upstream), &mut through);
    } else if let Some(latency) = get("x-kong-response-latency") {
        if answered_by.is_none() {
            answered_by = Some(hop(Layer::Gateway, "Kong"));
            proof.push(format!("{} without X-Kong-Upstream-Latency", evidence("X-Kong-Response-Latency", &latency)));
        }
    }
    // Envoy adds x-envoy-upstream-service-time only to answers that came from the upstream.
    if server_lower == "envoy" {
        if let Some(time) = get("x-envoy-upstream-service-time") {
            pass(hop(Layer::Proxy, "Envoy"), evidence("x-envoy-upstream-service-time", &time), &mut through);
        } else if answered_by.is_none() {
            answered_by = Some(hop(Layer::Proxy, "Envoy"));
            proof.push("Server: envoy without x-envoy-upstream-service-time".to_owned());
        }
    }
    // An AWS load balancer names itself only on the answers it writes (its 4xx/5xx, fixed responses).
    if server_lower.starts_with("awselb/") && answered_by.is_none() {
        answered_by = Some(hop(Layer::Proxy, "AWS load balancer"));
        proof.push(evidence("Server", server.as_deref().unwrap_or("")));
    }

    // nginx (and OpenResty) replace the upstream's Server header: it names the proxy, not the author.
    let nginx_name = ["nginx", "openresty"].into_iter().find(|n| server_lower == *n || server_lower.starts_with(&format!("{n}/")));
    if let (Some(name), Some(server)) = (nginx_name, server.as_deref()) {
        let name = if name == "nginx" { "nginx" } else { "OpenResty" };
        let html = get("content-type").is_some_and(|v| v.eq_ignore_ascii_case("text/html"));
        let length = get("content-length").and_then(|v| v.trim().parse::<usize>().ok());
        let own_page = html && length.is_some_and(|n| nginx_page_lengths(status, server).is_some_and(|l| l.contains(&n)));
        if own_page && answered_by.is_none() {
            answered_by = Some(hop(Layer::Proxy, name));
            proof.extend([
                evidence("Server", server),
                format!("Content-Type: text/html, Content-Length: {} ({name}'s own {status} page)", length.unwrap_or(0)),
            ]);
        } else {
            pass(hop(Layer::Proxy, name), evidence("Server", server), &mut through);
        }
    } else if server.is_none()
        && answered_by.is_none()
        && get("cache-control").is_some_and(|v| v == "no-cache")
        && get("content-type").is_some_and(|v| v == "text/html")
        && get("content-length").and_then(|v| v.trim().parse::<usize>().ok()).is_some_and(|n| haproxy_page_length(status) == Some(n))
    {
        answered_by = Some(hop(Layer::Proxy, "HAProxy"));
        proof.push(format!(
            "no Server header, cache-control: no-cache, content-type: text/html, content-length: {} (HAProxy's own {status} page)",
            haproxy_page_length(status).unwrap_or(0)
        ));
    } else if let Some(via) = get("via").filter(|v| !v.to_ascii_lowercase().contains("varnish")) {
        pass(hop(Layer::Proxy, "a proxy"), evidence("Via", &via), &mut through);
    }

    // The application, where it signs its answers.
    if answered_by.is_none() {
        if let Some(powered) = get("x-powered-by") {
            answered_by = Some(hop(Layer::App, powered.split('/').next().unwrap_or(&powered).trim()));
            proof.push(evidence("X-Powered-By", &powered));
        } else if let Some(app) = ["uvicorn", "gunicorn", "werkzeug", "kestrel", "jetty", "hypercorn", "waitress", "puma", "webrick"]
            .into_iter()
            .find(|a| server_lower.starts_with(a))
        {
            let shown = server.as_deref().unwrap_or(app);
            answered_by = Some(hop(Layer::App, shown.split(['/', ' ']).next().unwrap_or(app)));
            proof.push(evidence("Server", shown));
        }
    }
    // A layer that wrote the answer is not also one it passed through.
    if let Some(author) = &answered_by {
        through.retain(|h| h != author);
    }
    if answered_by.is_none() && through.is_empty() {
        return None;
    }
    let sentence = sentence(status, answered_by.as_ref(), &through, &proof, &seen);
    proof.extend(seen);
    Some(Responder { answered_by, through, evidence: proof, sentence })
}

fn names(hops: &[Hop]) -> String {
    hops.iter().map(|h| h.name.as_str()).collect::<Vec<_>>().join(", then ")
}

fn sentence(status: u16, author: Option<&Hop>, through: &[Hop], proof: &[String], seen: &[String]) -> String {
    let via = if through.is_empty() { String::new() } else { format!(" It passed through {} ({}).", names(through), seen.join("; ")) };
    match author {
        // Who wrote the answer is proven; who set or removed its headers on the way is not.
        // A proxy that adds no header of its own (HAProxy) is invisible here: the app is not blamed for the headers either.
        Some(hop) if hop.layer == Layer::App && through.is_empty() => {
            format!("This {status} came from your app ({}); no layer in front of it shows in the headers.", proof.join("; "))
        }
        Some(hop) if hop.layer == Layer::App => format!(
            "This {status} was written by your app ({}) and passed through {} ({}), which can add or remove headers on the way: its CORS headers come from the app, from {}, or from both.",
            proof.join("; "),
            names(through),
            seen.join("; "),
            names(through)
        ),
        Some(hop) => {
            let gateway_error = matches!(status, 502..=504);
            let then = if gateway_error {
                format!(
                    "{} got no usable answer from your app (its {status} means the app is down, slow or unreachable), and its error page carries no CORS headers: fix the app's availability, and have {} add CORS headers to its own errors so your script can read them.",
                    hop.name, hop.name
                )
            } else {
                format!("Change {}'s configuration: a change in the app does not reach this answer.", hop.name)
            };
            format!("This {status} came from your {} ({}), not from your app: {}. {then}{via}", hop.layer.words(), hop.name, proof.join("; "))
        }
        None => format!(
            "The answer passed through {} ({}); nothing in it shows whether that layer or your app wrote this {status}.",
            names(through),
            seen.join("; ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, pairs: &[(&str, &str)]) -> Response {
        Response { status, headers: pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect() }
    }

    #[test]
    fn nginx_own_405_page_names_nginx() {
        // Captured from Debian's nginx 1.22.1: `if ($request_method !~ ^(GET|PUT)$) { return 405; }`.
        let r = identify(&response(405, &[("Server", "nginx/1.22.1"), ("Date", "Sun, 06 Dec 2026 05:24:36 GMT"),
            ("Content-Type", "text/html"), ("Content-Length", "157"), ("Connection", "keep-alive")])).unwrap();
        assert_eq!(r.answered_by, Some(hop(Layer::Proxy, "nginx")));
        assert!(r.through.is_empty());
        assert_eq!(r.sentence, "This 405 came from your proxy (nginx), not from your app: Server: nginx/1.22.1; Content-Type: text/html, \
            Content-Length: 157 (nginx's own 405 page). Change nginx's configuration: a change in the app does not reach this answer.");
    }

    #[test]
    fn nginx_page_lengths_match_what_nginx_sends() {
        // Measured on nginx 1.22.1 (server_tokens on) with curl, and as Chromium got them (padded).
        assert_eq!(nginx_page_lengths(405, "nginx/1.22.1"), Some([157, 559]));
        assert_eq!(nginx_page_lengths(502, "nginx/1.22.1"), Some([157, 559]));
        assert_eq!(nginx_page_lengths(413, "nginx/1.22.1").map(|l| l[0]), Some(183));
        assert_eq!(nginx_page_lengths(403, "nginx/1.22.1").map(|l| l[0]), Some(153));
        assert_eq!(nginx_page_lengths(403, "nginx").map(|l| l[0]), Some(146));
        assert_eq!(nginx_page_lengths(302, "nginx"), Some([138, 138]), "no padding below 400");
        assert_eq!(nginx_page_lengths(299, "nginx"), None);
    }

    #[test]
    fn nginx_502_says_the_app_is_unreachable() {
        // As Chromium received it (framework matrix, nginx-express × proxy-error-page): the padded page.
        let r = identify(&response(502, &[("Server", "nginx/1.22.1"), ("Date", "Sun, 06 Dec 2026 05:33:24 GMT"),
            ("Content-Type", "text/html"), ("Content-Length", "559"), ("Connection", "keep-alive")])).unwrap();
        assert_eq!(r.answered_by, Some(hop(Layer::Proxy, "nginx")));
        assert!(r.sentence.contains("nginx got no usable answer from your app (its 502 means the app is down, slow or unreachable)"), "{}", r.sentence);
    }

    #[test]
    fn server_nginx_alone_is_not_proof() {
        // Express behind nginx: nginx rewrote Server, the app signed X-Powered-By.
        let r = identify(&response(401, &[("Server", "nginx/1.22.1"), ("Content-Type", "application/json; charset=utf-8"),
            ("Content-Length", "24"), ("X-Powered-By", "Express"), ("ETag", "W/\"18-abc\"")])).unwrap();
        assert_eq!(r.answered_by, Some(hop(Layer::App, "Express")));
        assert_eq!(r.through, [hop(Layer::Proxy, "nginx")]);
        assert_eq!(r.sentence, "This 401 was written by your app (X-Powered-By: Express) and passed through nginx (Server: nginx/1.22.1), \
            which can add or remove headers on the way: its CORS headers come from the app, from nginx, or from both.");
        // Straight from the app: nothing in front.
        let r = identify(&response(405, &[("Server", "uvicorn"), ("Content-Type", "application/json")])).unwrap();
        assert_eq!(r.sentence, "This 405 came from your app (Server: uvicorn); no layer in front of it shows in the headers.");
        // No signature at all: nginx is on the path, the author is unknown, and the sentence says so.
        let r = identify(&response(404, &[("Server", "nginx"), ("Content-Type", "application/json"), ("Content-Length", "9")])).unwrap();
        assert_eq!(r.answered_by, None);
        assert_eq!(r.sentence, "The answer passed through nginx (Server: nginx); nothing in it shows whether that layer or your app wrote this 404.");
        // An HTML page of another length is not nginx's own.
        let r = identify(&response(405, &[("Server", "nginx/1.22.1"), ("Content-Type", "text/html"), ("Content-Length", "158")])).unwrap();
        assert_eq!(r.answered_by, None);
    }

    #[test]
    fn haproxy_own_pages_name_haproxy() {
        // Captured from Debian's HAProxy 2.6: `http-request deny deny_status 405`, and a backend that is down.
        let r = identify(&response(405, &[("content-length", "146"), ("cache-control", "no-cache"), ("content-type", "text/html")])).unwrap();
        assert_eq!(r.answered_by, Some(hop(Layer::Proxy, "HAProxy")));
        let r = identify(&response(503, &[("content-length", "107"), ("cache-control", "no-cache"), ("content-type", "text/html")])).unwrap();
        assert_eq!(r.answered_by, Some(hop(Layer::Proxy, "HAProxy")));
        // The same shape with a Server header, or another length, is not HAProxy's page.
        assert_eq!(identify(&response(405, &[("Server", "gunicorn"), ("content-length", "146"), ("cache-control", "no-cache"),
            ("content-type", "text/html")])).and_then(|r| r.answered_by), Some(hop(Layer::App, "gunicorn")));
        assert_eq!(identify(&response(405, &[("content-length", "147"), ("cache-control", "no-cache"), ("content-type", "text/html")])), None);
    }

    #[test]
    fn cloudflare_own_codes_and_challenges_but_not_a_proxied_answer() {
        let proxied = identify(&response(403, &[("Server", "cloudflare"), ("CF-Ray", "8f1e2d3c4b5a6978-FRA"),
            ("Content-Type", "application/json")])).unwrap();
        assert_eq!(proxied.answered_by, None);
        assert_eq!(proxied.through, [hop(Layer::Cdn, "Cloudflare")]);
        let challenge = identify(&response(403, &[("Server", "cloudflare"), ("CF-Ray", "8f1e2d3c4b5a6978-FRA"),
            ("cf-mitigated", "challenge"), ("Content-Type", "text/html; charset=UTF-8")])).unwrap();
        assert_eq!(challenge.answered_by, Some(hop(Layer::Cdn, "Cloudflare")));
        assert!(challenge.sentence.starts_with("This 403 came from your CDN (Cloudflare), not from your app: CF-Mitigated: challenge;"), "{}", challenge.sentence);
        let origin_down = identify(&response(522, &[("Server", "cloudflare"), ("CF-Ray", "8f1e2d3c4b5a6978-FRA")])).unwrap();
        assert_eq!(origin_down.answered_by, Some(hop(Layer::Cdn, "Cloudflare")));
    }

    #[test]
    fn cloudfront_own_error_and_pass_through() {
        let own = identify(&response(403, &[("Server", "CloudFront"), ("X-Cache", "Error from cloudfront"),
            ("Via", "1.1 0a1b2c3d4e5f.cloudfront.net (CloudFront)"), ("X-Amz-Cf-Pop", "FRA56-P5"),
            ("X-Amz-Cf-Id", "Vq3Z9k0mC1n2b3v4x5z6a7s8d9f0g1h2j3k4l5==")])).unwrap();
        assert_eq!(own.answered_by, Some(hop(Layer::Cdn, "CloudFront")));
        let passed = identify(&response(403, &[("Server", "uvicorn"), ("X-Cache", "Error from cloudfront"),
            ("X-Amz-Cf-Id", "Vq3Z9k0mC1n2b3v4x5z6a7s8d9f0g1h2j3k4l5==")])).unwrap();
        assert_eq!(passed.answered_by, Some(hop(Layer::App, "uvicorn")));
        assert_eq!(passed.through, [hop(Layer::Cdn, "CloudFront")]);
    }

    #[test]
    fn gateways_that_answer_themselves() {
        let apigw = identify(&response(403, &[("x-amzn-RequestId", "3f1c…"), ("x-amzn-ErrorType", "MissingAuthenticationTokenException"),
            ("x-amz-apigw-id", "Ab1CdEfGhIjKlM=")])).unwrap();
        assert_eq!(apigw.answered_by, Some(hop(Layer::Gateway, "Amazon API Gateway")));
        let kong = identify(&response(401, &[("Server", "kong/3.6.1"), ("X-Kong-Response-Latency", "1"),
            ("Content-Type", "application/json; charset=utf-8")])).unwrap();
        assert_eq!(kong.answered_by, Some(hop(Layer::Gateway, "Kong")));
        let through_kong = identify(&response(401, &[("X-Kong-Upstream-Latency", "12"), ("X-Kong-Proxy-Latency", "0"),
            ("Via", "kong/3.6.1")])).unwrap();
        assert_eq!(through_kong.answered_by, None);
        assert_eq!(through_kong.through[0], hop(Layer::Gateway, "Kong"));
        let envoy = identify(&response(503, &[("Server", "envoy"), ("Content-Type", "text/plain"), ("Content-Length", "19")])).unwrap();
        assert_eq!(envoy.answered_by, Some(hop(Layer::Proxy, "Envoy")));
        let elb = identify(&response(502, &[("Server", "awselb/2.0"), ("Content-Type", "text/html")])).unwrap();
        assert_eq!(elb.answered_by, Some(hop(Layer::Proxy, "AWS load balancer")));
    }

    #[test]
    fn fastly_and_an_unsigned_app_name_no_author() {
        let r = identify(&response(404, &[("X-Served-By", "cache-fra-eddf8230062-FRA"), ("X-Cache", "MISS"), ("Via", "1.1 varnish")])).unwrap();
        assert_eq!(r.answered_by, None);
        assert_eq!(r.through.iter().map(|h| h.name.as_str()).collect::<Vec<_>>(), ["Fastly", "a cache", "Varnish"]);
        assert_eq!(identify(&response(404, &[("Content-Type", "application/json")])), None);
    }

    #[test]
    fn evidence_values_are_cut_short() {
        let long = "x".repeat(500);
        let r = identify(&response(404, &[("Via", &long)])).unwrap();
        assert!(r.sentence.len() < 300, "{}", r.sentence);
    }
}
