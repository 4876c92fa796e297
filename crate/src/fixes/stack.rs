//! The stack a framework belongs to, for the fix picker and `cors-lens frameworks`: people look for
//! their server under its language or kind (a proxy, a hosted platform) before its name.

use serde::{Deserialize, Serialize};

/// In the order the picker and the CLI list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stack {
    Node,
    Python,
    Ruby,
    Go,
    Rust,
    Java,
    Dotnet,
    Php,
    Proxy,
    Platform,
}

impl Stack {
    /// The heading the picker and the CLI show.
    pub fn name(self) -> &'static str {
        match self {
            Stack::Node => "Node.js",
            Stack::Python => "Python",
            Stack::Ruby => "Ruby",
            Stack::Go => "Go",
            Stack::Rust => "Rust",
            Stack::Java => "Java",
            Stack::Dotnet => ".NET",
            Stack::Php => "PHP",
            Stack::Proxy => "Web servers and proxies",
            Stack::Platform => "Platforms (gateways, edge)",
        }
    }
}

/// The stack of a registered framework id; `None` for an id no one has placed yet (a test keeps
/// every registered one placed).
pub(crate) fn stack_of(framework: &str) -> Option<Stack> {
    Some(match framework {
        "express" | "express5" | "fastify" | "hono" | "koa" | "nestjs" | "nextjs" | "nextjs-route" => Stack::Node,
        "fastapi" | "django" | "flask" => Stack::Python,
        "rack" | "rails" => Stack::Ruby,
        "go" => Stack::Go,
        "axum" | "actix" => Stack::Rust,
        "spring" | "tomcat" => Stack::Java,
        "aspnet" => Stack::Dotnet,
        "laravel" => Stack::Php,
        "nginx" | "apache" | "caddy" | "haproxy" => Stack::Proxy,
        "apigateway" | "apigateway-rest" | "cloudflare" => Stack::Platform,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_framework_has_a_stack_and_the_list_is_grouped() {
        let list = super::super::frameworks();
        for f in &list {
            assert_eq!(Some(f.group), stack_of(&f.id), "{} is placed in a stack", f.id);
            assert_eq!(f.group_name, f.group.name());
        }
        // Each stack's frameworks are consecutive, stacks in their declared order.
        assert!(list.windows(2).all(|w| w[0].group <= w[1].group), "{list:?}");
    }
}
