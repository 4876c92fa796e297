//! Two layers: which layer a fix changes (the app, a proxy, an API gateway, a CDN), whether that
//! is the layer the failing answer came from (responder.rs), and what the other layer must change
//! when both matter: a proxy that wrote the answer itself (its 405, its 502 page) is fixed in the
//! proxy, whatever the app does; two layers that both add Access-Control-Allow-Origin are fixed by
//! letting only one of them do it.

use serde::{Deserialize, Serialize};

use super::{Framework, FixPlan, FRAMEWORKS};
use crate::error::CorsError;
use crate::responder::{Hop, Layer};
use crate::verdict::Verdict;

/// The layer a framework's snippet changes.
pub(crate) fn layer_of(framework: &str) -> Layer {
    match framework {
        "nginx" | "apache" | "caddy" | "haproxy" => Layer::Proxy,
        "apigateway" | "apigateway-rest" => Layer::Gateway,
        "cloudflare" => Layer::Cdn,
        _ => Layer::App,
    }
}

/// The registry's template for a layer the responder named, where there is one.
fn template_for(hop: &Hop) -> Option<&'static Framework> {
    let id = match hop.name.as_str() {
        "nginx" | "OpenResty" => "nginx",
        "HAProxy" => "haproxy",
        "Amazon API Gateway" => "apigateway",
        "Cloudflare" => "cloudflare",
        _ => return None,
    };
    FRAMEWORKS.iter().find(|f| f.id == id)
}

/// What the other layer must change, beside the snippet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherLayer {
    pub layer: Layer,
    /// Who: "nginx", "your app".
    pub name: String,
    /// What to change there, in one sentence.
    pub change: String,
    /// That layer's own snippet, when it needs one (rendered from the same plan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// The fix's layer sentence and the other layer's change, from what the failing answer says of itself.
pub(crate) fn assess(template: &Framework, plan: &FixPlan, verdict: &Verdict) -> (Option<String>, Option<OtherLayer>) {
    let layer = layer_of(template.id);
    // "HAProxy", not "HAProxy (http-request return, http-after-response)", inside a sentence.
    let short_name = template.name.split(" (").next().unwrap_or(template.name);
    let duplicated = matches!(verdict.error, Some(CorsError::MultipleAllowOriginValues | CorsError::PreflightMultipleAllowOriginValues));
    let Some(responder) = verdict.explanation.responder.as_ref() else {
        return (None, duplicated.then(|| both_add_it(layer, None)));
    };
    let is_this_template = |hop: &Hop| template_for(hop).is_some_and(|f| f.id == template.id);
    match &responder.answered_by {
        // A layer in front wrote the answer: only a change there reaches it.
        Some(hop) if hop.layer != Layer::App => {
            if is_this_template(hop) {
                let note = format!("{} wrote this answer itself ({}): this fix changes {}, where it must change.", hop.name, responder.evidence.join("; "), hop.name);
                return (Some(note), duplicated.then(|| both_add_it(layer, Some(hop))));
            }
            let note = format!(
                "This answer came from your {} ({}), not from the layer this {} fix changes: pasting it alone does not change this answer.",
                hop.layer.words(),
                hop.name,
                template.name
            );
            let other = match template_for(hop) {
                Some(theirs) => {
                    let rendered = (theirs.render)(plan);
                    OtherLayer {
                        layer: hop.layer,
                        name: hop.name.clone(),
                        change: format!("{} This is the layer that must change.", rendered.placement),
                        snippet: Some(rendered.snippet),
                        language: Some(theirs.language.to_owned()),
                    }
                }
                None => OtherLayer {
                    layer: hop.layer,
                    name: hop.name.clone(),
                    change: format!("Let {} pass OPTIONS through to your app (or answer it with the CORS headers below), and add CORS headers to its own error answers.", hop.name),
                    snippet: None,
                    language: None,
                },
            };
            (Some(note), Some(other))
        }
        // The app wrote it, through a proxy: fixing the proxy also works, and two layers must not both add the headers.
        Some(hop) => {
            let proxy = responder.through.iter().find(|h| h.layer != Layer::App);
            let note = match (layer, proxy) {
                (Layer::App, _) => format!("Your app wrote this answer ({}): this fix changes the app.", responder.evidence.first().cloned().unwrap_or_default()),
                (_, Some(p)) if is_this_template(p) => format!(
                    "Your app ({}) wrote this answer and {} passed it on: this fix makes {} answer CORS for it and drops the app's own Access-Control-* headers.",
                    hop.name, p.name, p.name
                ),
                _ => format!("Your app ({}) wrote this answer: a {short_name} fix reaches it only if {short_name} sits in front of it.", hop.name),
            };
            (Some(note), duplicated.then(|| both_add_it(layer, proxy)))
        }
        None => (None, duplicated.then(|| both_add_it(layer, responder.through.iter().find(|h| h.layer != Layer::App)))),
    }
}

/// Two layers both add Access-Control-Allow-Origin: the other layer stops adding it.
fn both_add_it(layer: Layer, proxy: Option<&Hop>) -> OtherLayer {
    let proxy_name = proxy.map_or("the proxy or gateway in front of it".to_owned(), |p| p.name.clone());
    if layer == Layer::App {
        OtherLayer {
            layer: proxy.map_or(Layer::Proxy, |p| p.layer),
            name: proxy_name.clone(),
            change: format!("Remove the Access-Control-* headers {proxy_name} adds (nginx: its add_header Access-Control-* lines): with this fix the app sends them, and two Access-Control-Allow-Origin headers fail."),
            snippet: None,
            language: None,
        }
    } else {
        OtherLayer {
            layer: Layer::App,
            name: "your app".to_owned(),
            change: "Remove the app's own CORS middleware or headers: this fix answers CORS in front of it (nginx's fix also hides the app's Access-Control-* headers), and two Access-Control-Allow-Origin headers fail.".to_owned(),
            snippet: None,
            language: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::exchange::Exchange;
    use crate::fixes::{fix, Fix};
    use crate::responder::Layer;

    fn fixed(json: &str, framework: &str) -> Fix {
        let exchange: Exchange = serde_json::from_str(json).unwrap();
        let verdict = crate::check(&exchange).unwrap();
        fix(&exchange, &verdict, framework).unwrap()
    }

    /// As Chromium captured it in the framework matrix (nginx-express × proxy-options-405).
    const NGINX_405: &str = r#"{"request": {"method": "PUT", "url": "http://127.0.0.1:41203/api/submit", "origin": "http://127.0.0.1:45905",
          "headers": [["Content-Type", "application/json"]]},
        "preflight": {"request_headers": [["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "content-type"]],
          "response": {"status": 405, "headers": [["Server", "nginx/1.22.1"], ["Content-Type", "text/html"], ["Content-Length", "559"]]}},
        "outcome": "failed"}"#;

    #[test]
    fn a_proxy_answer_is_fixed_in_the_proxy() {
        let nginx = fixed(NGINX_405, "nginx");
        assert_eq!(nginx.layer, Layer::Proxy);
        assert!(nginx.layer_note.as_deref().unwrap().starts_with("nginx wrote this answer itself (Server: nginx/1.22.1;"), "{:?}", nginx.layer_note);
        assert_eq!(nginx.other_layer, None);
        // The app's fix says it does not reach the answer, and gives nginx's snippet beside it.
        let express = fixed(NGINX_405, "express");
        assert_eq!(express.layer, Layer::App);
        assert!(express.layer_note.as_deref().unwrap().contains("came from your proxy (nginx), not from the layer this Express 4"), "{:?}", express.layer_note);
        let other = express.other_layer.unwrap();
        assert_eq!((other.layer, other.name.as_str(), other.language.as_deref()), (Layer::Proxy, "nginx", Some("nginx")));
        assert_eq!(other.snippet.as_deref(), Some(nginx.snippet.as_str()));
    }

    #[test]
    fn the_explanation_drops_app_causes_for_a_proxy_answer() {
        let exchange: Exchange = serde_json::from_str(NGINX_405).unwrap();
        let details = crate::check(&exchange).unwrap().explanation.details;
        assert!(details.starts_with("The preflight OPTIONS /api/submit got 405 Method Not Allowed with no Access-Control-Allow-Origin header. \
            This 405 came from your proxy (nginx), not from your app"), "{details}");
        assert!(!details.contains("no route handles OPTIONS"), "{details}");
    }

    #[test]
    fn duplicates_name_the_other_layer() {
        let json = r#"{"request": {"method": "GET", "url": "http://127.0.0.1:8080/api/submit", "origin": "http://127.0.0.1:3000"},
            "response": {"status": 200, "headers": [["Server", "nginx/1.22.1"], ["X-Powered-By", "Express"],
              ["Access-Control-Allow-Origin", "http://127.0.0.1:3000"], ["Access-Control-Allow-Origin", "http://127.0.0.1:3000"]]},
            "outcome": "failed"}"#;
        let nginx = fixed(json, "nginx");
        assert!(nginx.layer_note.as_deref().unwrap().starts_with("Your app (Express) wrote this answer and nginx passed it on"));
        assert_eq!(nginx.other_layer.as_ref().map(|o| o.layer), Some(Layer::App));
        let express = fixed(json, "express");
        let other = express.other_layer.unwrap();
        assert_eq!((other.layer, other.name.as_str()), (Layer::Proxy, "nginx"));
        assert!(other.change.starts_with("Remove the Access-Control-* headers nginx adds"), "{}", other.change);
    }

    #[test]
    fn no_evidence_no_layer_note() {
        let json = r#"{"request": {"method": "GET", "url": "http://127.0.0.1:8080/api/submit", "origin": "http://127.0.0.1:3000"},
            "response": {"status": 200, "headers": []}, "outcome": "failed"}"#;
        let express = fixed(json, "express");
        assert_eq!((express.layer, express.layer_note, express.other_layer), (Layer::App, None, None));
    }
}
