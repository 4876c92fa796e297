// Django (django-cors-headers) under `manage.py runserver --noreload`, from the shared venv.
import { AUTH_VALUE, fill, lit, pythonVenv, spawnServer, writeFiles } from '../lib.mjs';

export const id = 'django';

// settings.py: the broken CORS configuration where a developer would write it; the fix where its
// placement sentence says (the end of settings.py).
const SETTINGS = `SECRET_KEY = "cors-lens-matrix"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "urls"
USE_TZ = True
INSTALLED_APPS = []
MIDDLEWARE = [#AUTH]
#BROKEN
#FIX
`;

const URLS = `from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods


@csrf_exempt
@require_http_methods(["GET", "PUT", "DELETE", "POST"])
def submit(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("api/submit", submit)]
`;

const MW = `from django.http import JsonResponse


class BearerAuth:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.headers.get("Authorization") != ${lit(AUTH_VALUE)}:
            return JsonResponse({"error": "unauthorized"}, status=401)
        return self.get_response(request)


class CorsOnPutOnly:
    """Hand-written CORS headers on PUT responses only."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "PUT":
            response["Access-Control-Allow-Origin"] = request.headers.get("Origin", "")
        return response


class FixedOriginCors:
    """Hand-written: django-cors-headers sends nothing to an origin it does not allow."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.http import HttpResponse
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, POST, PUT, DELETE"
            response["Access-Control-Allow-Headers"] = "Content-Type"
            response["Access-Control-Max-Age"] = "7200"
        else:
            response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = settings.FIXED_CORS_ORIGIN
        response["Vary"] = "Origin"
        return response


class WildcardCors:
    """Hand-written: django-cors-headers echoes the origin when credentials are allowed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Credentials"] = "true"
        return response
`;

function broken(failure, app, other) {
  const o = lit(app);
  const corsheaders = (lines) => `INSTALLED_APPS += ["corsheaders"]
MIDDLEWARE += ["corsheaders.middleware.CorsMiddleware"]
CORS_ALLOWED_ORIGINS = [${o}]
${lines}`;
  switch (failure) {
    case 'no-options-handler':
      // The view allows GET, PUT, DELETE, POST: the preflight gets 405 without CORS headers.
      return 'MIDDLEWARE += ["appmw.CorsOnPutOnly"]';
    case 'options-auth':
      // Correct CORS, but its middleware comes after the auth middleware.
      return corsheaders('CORS_ALLOW_METHODS = ["PUT"]\nCORS_ALLOW_HEADERS = ["authorization", "content-type"]');
    case 'missing-acao':
      return '';
    case 'wildcard-credentials':
      return 'MIDDLEWARE += ["appmw.WildcardCors"]';
    case 'header-not-allowed':
      return corsheaders('CORS_ALLOW_METHODS = ["GET", "PUT"]\nCORS_ALLOW_HEADERS = ["content-type"]');
    case 'method-not-allowed':
      return corsheaders('CORS_ALLOW_METHODS = ["GET", "POST"]');
    case 'no-max-age':
      // The package's default is 86400; 0 sends no Max-Age.
      return corsheaders('CORS_ALLOW_METHODS = ["PUT"]\nCORS_ALLOW_HEADERS = ["content-type"]\nCORS_PREFLIGHT_MAX_AGE = 0');
    case 'any-origin-header':
      // Without credentials the package answers every origin with '*'.
      return `INSTALLED_APPS += ["corsheaders"]
MIDDLEWARE += ["corsheaders.middleware.CorsMiddleware"]
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "PUT"]
CORS_ALLOW_HEADERS = ["content-type"]`;
    case 'second-origin':
      return `MIDDLEWARE += ["appmw.FixedOriginCors"]\nFIXED_CORS_ORIGIN = ${lit(other)}`;
    default:
      throw new Error(`unknown failure ${failure}`);
  }
}

const MANAGE = `import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
from django.core.management import execute_from_command_line

execute_from_command_line(sys.argv)
`;

let python = null;

export async function setup() {
  python = await pythonVenv();
}

export async function start({ failure, fixSnippet, port, appOrigin, otherOrigin, workdir }) {
  const settings = fill(SETTINGS, {
    '#AUTH': failure === 'options-auth' ? '"appmw.BearerAuth"' : '',
    '#BROKEN': fixSnippet === null ? broken(failure, appOrigin, otherOrigin) : '',
    '#FIX': fixSnippet ?? '',
  });
  writeFiles(workdir, { 'settings.py': settings, 'urls.py': URLS, 'appmw.py': MW, 'manage.py': MANAGE });
  return spawnServer({ name: id, cmd: python, args: ['manage.py', 'runserver', `127.0.0.1:${port}`, '--noreload', '--skip-checks'],
    cwd: workdir, port, env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1' } });
}
