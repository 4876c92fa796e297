// FastAPI (Starlette CORSMiddleware) under uvicorn, from the shared venv.
import { AUTH_VALUE, fill, lit, pythonVenv, spawnServer, writeFiles } from '../lib.mjs';

export const id = 'fastapi';

// Starlette runs the most recently added middleware first. The broken configurations sit where a
// developer would first write them (right after app = FastAPI()); the fix goes where its placement
// sentence says: after every other middleware, at the end.
const TEMPLATE = `from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

app = FastAPI()
#BROKEN
#AUTH


@app.api_route("/api/submit", methods=["GET", "PUT", "DELETE", "POST"])
async def submit():
    return {"ok": True}


#FIX
`;

const AUTH = `
@app.middleware("http")
async def bearer_auth(request: Request, call_next):
    if request.headers.get("authorization") != ${lit(AUTH_VALUE)}:
        return JSONResponse({"error": "unauthorized"}, status_code=401)
    return await call_next(request)
`;

function broken(failure, app, other) {
  const o = lit(app);
  const cors = (args) => `from fastapi.middleware.cors import CORSMiddleware\napp.add_middleware(CORSMiddleware, ${args})`;
  switch (failure) {
    case 'no-options-handler':
      // CORS headers by hand on PUT responses only; the route has no OPTIONS, so the preflight gets 405.
      return `
@app.middleware("http")
async def cors_on_put(request: Request, call_next):
    response = await call_next(request)
    if request.method == "PUT":
        response.headers["Access-Control-Allow-Origin"] = ${o}
    return response
`;
    case 'options-auth':
      // Correct CORS, added before the auth middleware, so auth wraps it and rejects the preflight.
      return cors(`allow_origins=[${o}], allow_methods=["PUT"], allow_headers=["Authorization", "Content-Type"]`);
    case 'missing-acao':
      return '';
    case 'wildcard-credentials':
      // Starlette echoes the origin when credentials are allowed; this mistake is hand-written.
      return `
@app.middleware("http")
async def wildcard_cors(request: Request, call_next):
    response = await call_next(request)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Credentials"] = "true"
    return response
`;
    case 'header-not-allowed':
      return cors(`allow_origins=[${o}], allow_methods=["GET", "PUT"], allow_headers=["Content-Type"]`);
    case 'method-not-allowed':
      return cors(`allow_origins=[${o}], allow_methods=["GET", "POST"]`);
    case 'no-max-age':
      // CORSMiddleware always sends Max-Age (600 by default); a hand-written CORS layer without it.
      return `
@app.middleware("http")
async def cors_without_max_age(request: Request, call_next):
    if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
        return Response(status_code=204, headers={
            "Access-Control-Allow-Origin": ${o},
            "Access-Control-Allow-Methods": "PUT",
            "Access-Control-Allow-Headers": "Content-Type",
        })
    response = await call_next(request)
    response.headers["Access-Control-Allow-Origin"] = ${o}
    return response
`;
    case 'any-origin-header':
      return cors(`allow_origins=["*"], allow_methods=["GET", "PUT"], allow_headers=["Content-Type"]`);
    case 'second-origin':
      // CORSMiddleware sends nothing to an origin it does not allow; a fixed origin is hand-written.
      return `
@app.middleware("http")
async def cors_for_one_origin(request: Request, call_next):
    cors = {"Access-Control-Allow-Origin": ${lit(other)}, "Vary": "Origin"}
    if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
        return Response(status_code=204, headers={
            **cors,
            "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": "7200",
        })
    response = await call_next(request)
    response.headers.update(cors)
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
  });
  writeFiles(workdir, { 'app.py': src });
  return spawnServer({ name: id, cmd: python, args: ['-m', 'uvicorn', 'app:app', '--host', '127.0.0.1', '--port', String(port),
    '--log-level', 'warning', '--no-access-log'], cwd: workdir, port, env: { PYTHONDONTWRITEBYTECODE: '1' } });
}
