import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "healthqa.settings")

from healthqa.pagecache.middleware import PageCacheApp  # noqa: E402  (needs the settings module set)

application = PageCacheApp(get_wsgi_application())
