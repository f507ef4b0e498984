import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthqa.settings")

django_application = get_wsgi_application()

# After get_wsgi_application(): the page cache reads models, which need the app registry.
from healthqa.pagecache.middleware import PageCacheApp  # noqa: E402

application = PageCacheApp(django_application)
