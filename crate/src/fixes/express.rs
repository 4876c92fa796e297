//! Express with the `cors` package. Express 4 and 5 differ in how a catch-all OPTIONS route is
//! written (`'*'` vs `'/{*splat}'`, path-to-regexp 8).

use super::node_cors_options::{listed_origins, options, Spelling};
use super::{FixPlan, Framework, Rendered};

pub(crate) const EXPRESS4: Framework =
    Framework { id: "express", name: "Express 4 (cors package)", verified_live: true, language: "javascript", render: render4 };

pub(crate) const EXPRESS5: Framework =
    Framework { id: "express5", name: "Express 5 (cors package)", verified_live: true, language: "javascript", render: render5 };

fn render4(plan: &FixPlan) -> Rendered {
    render(plan, "'*'")
}

fn render5(plan: &FixPlan) -> Rendered {
    render(plan, "'/{*splat}'")
}

fn render(plan: &FixPlan, catch_all: &str) -> Rendered {
    let options = options(plan, &listed_origins(plan), Spelling::CorsPackage);
    let snippet = format!(
        "const cors = require('cors');\n\
         const corsOptions = {{\n{}\n}};\n\
         // Answer every preflight before any auth or routing: preflights never carry credentials.\n\
         app.options({catch_all}, cors(corsOptions));\n\
         app.use(cors(corsOptions));\n",
        options
    );
    let notes = vec![if plan.any_origin() {
        "With \"*\" the cors package answers every origin with *.".to_owned()
    } else {
        "With an array, the cors package echoes the request's origin when it is listed and adds Vary: Origin.".to_owned()
    }];
    Rendered {
        placement: "Right after `const app = express();`, before any authentication middleware and routes.".to_owned(),
        snippet,
        notes,
    }
}
