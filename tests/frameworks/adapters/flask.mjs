// Flask (flask-cors) on Werkzeug's server, from the shared venv.
import { AUTH_VALUE, fill, lit, pythonVenv, spawnServer, writeFiles } from '../lib.mjs';

export const id = 'flask';

// The fix goes where its placement sentence says (right after app = Flask(__name__), before the
// auth hook); the broken configurations sit after the auth hook, where they are typically added.
const TEMPLATE = `from flask import Flask, jsonify, request

app = Flask(__name__)
#FIX
#AUTH
#BROKEN


@app.route("/api/submit", methods=["GET", "PUT", "DELETE", "POST"])
def submit():
    return jsonify(ok=True)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=#PORT, threaded=True)
`;

const AUTH = `

@app.before_request
def bearer_auth():
    if request.headers.get("Authorization") != ${lit(AUTH_VALUE)}:
        return jsonify(error="unauthorized"), 401
`;

function broken(failure, app, other) {
  const o = lit(app);
  const cors = (args) => `from flask_cors import CORS\nCORS(app, ${args})`;
  switch (failure) {
    case 'no-options-handler':
      // CORS headers by hand on PUT responses only; Flask's automatic OPTIONS reply has none.
      return `

@app.after_request
def cors_on_put(response):
    if request.method == "PUT":
        response.headers["Access-Control-Allow-Origin"] = ${o}
    return response
`;
    case 'options-auth':
      // Correct CORS, but the auth hook answers the preflight with 401 first (flask-cors only decorates it).
      return cors(`origins=[${o}], methods=["PUT"], allow_headers=["Authorization", "Content-Type"]`);
    case 'missing-acao':
      return '';
    case 'wildcard-credentials':
      // flask-cors refuses '*' with credentials; this mistake is hand-written.
      return `

@app.after_request
def wildcard_cors(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Credentials"] = "true"
    return response
`;
    case 'header-not-allowed':
      return cors(`origins=[${o}], methods=["GET", "PUT"], allow_headers=["Content-Type"]`);
    case 'method-not-allowed':
      return cors(`origins=[${o}], methods=["GET", "POST"]`);
    case 'no-max-age':
      return cors(`origins=[${o}], methods=["PUT"], allow_headers=["Content-Type"]`);
    case 'any-origin-header':
      // send_wildcard: '*' itself rather than the echoed origin.
      return cors(`origins="*", send_wildcard=True, methods=["GET", "PUT"], allow_headers=["Content-Type"]`);
    case 'second-origin':
      // flask-cors sends nothing to an origin it does not allow; a fixed origin is hand-written, on
      // every answer (Flask's automatic OPTIONS reply included).
      return `
@app.after_request
def cors_for_one_origin(response):
    response.headers["Access-Control-Allow-Origin"] = ${lit(other)}
    response.headers["Vary"] = "Origin"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = "7200"
    return response
`;
    default:
      throw new Error(`unknown failure ${failure}`);
  }
}

let python = null;

export async function setup() {
  python = await pythonVenv();
}

export async function start({ failure, fixSnippet, port, appOrigin, otherOrigin, workdir }) {
  const src = fill(TEMPLATE, {
    '#FIX': fixSnippet ?? '',
    '#AUTH': failure === 'options-auth' ? AUTH : '',
    '#BROKEN': fixSnippet === null ? broken(failure, appOrigin, otherOrigin) : '',
    '#PORT': String(port),
  });
  writeFiles(workdir, { 'app.py': src });
  return spawnServer({ name: id, cmd: python, args: ['app.py'], cwd: workdir, port,
    env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' } });
}
