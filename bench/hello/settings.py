"""The framework's ceiling: a minimal Django project with one view that returns "ok"."""

SECRET_KEY = "benchmark-only-hello-app"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.hello.urls"
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}
USE_TZ = True
