vcl 4.1;

# Varnish (7.1 or later, vanilla: only the `varnish` package) in front of HealthQA.
#
#   varnishd -a :6081 -f /path/to/deploy/varnish.vcl -s malloc,256m
#   app:  HEALTHQA_PURGE_URL=http://127.0.0.1:6081/   (then pages carry s-maxage=86400)
#
# The app marks every public page with `Surrogate-Key: healthqa question:5 ...` and, after each
# committed change, sends `PURGE /` with `Surrogate-Key: <changed keys>`; vcl_recv turns that into
# a ban on every stored object whose Surrogate-Key holds any of those keys. A PURGE carries up to
# 200 keys: with long key names raise http_req_hdr_len (-p http_req_hdr_len=64k).
#
# Varnish speaks plain HTTP: put a TLS terminator (hitch, nginx, a load balancer) in front that
# sets X-Forwarded-Proto, and do not expose this port to the Internet. Varnish appends the
# client's address to X-Forwarded-For: count it in HEALTHQA_TRUSTED_PROXY_COUNT.

import std;

# The app (gunicorn). To use another address, edit .host/.port here, or keep this file as it is
# and let your configuration management rewrite these two lines.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 5s;
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 10s;
}

# Who may PURGE (the app's hosts), and who may ask to see Surrogate-Key (X-Cache-Debug: 1).
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        call purge_by_key;
    }

    # Host required for HTTP/1.1, unknown methods piped, anything but GET/HEAD passed
    # (Varnish's own rules, called one by one so the order here stays readable).
    call vcl_req_host;
    call vcl_req_method;
    # Credentials mean a page for one person: never looked up, never stored.
    call vcl_req_authorization;

    # The admin and preview links show unpublished content to particular people.
    if (req.url ~ "^/(admin|preview)(/|$)") {
        return (pass);
    }

    # A session (signed-in staff, a reader who voted), a CSRF token (a form was shown to this
    # browser) or pending messages: the page may be this reader's own. Production cookies are
    # __Host-sessionid/__Host-csrftoken, plain-HTTP ones sessionid/csrftoken.
    if (req.http.Cookie ~ "(^|;)[[:space:]]*(__Host-)?(sessionid|csrftoken|messages)=") {
        return (pass);
    }

    # Any other cookie (analytics, consent banners) is not read by the app: dropped, so that
    # every anonymous reader shares one copy of each page.
    unset req.http.Cookie;
    return (hash);
}

# PURGE with Surrogate-Key: ban every object whose Surrogate-Key holds one of the keys as a whole
# token. The ban tests only obj.* so the ban lurker can apply it in the background.
sub purge_by_key {
    if (client.ip !~ purgers) {
        return (synth(403, "Forbidden"));
    }
    # Keys are [A-Za-z0-9_.:@-] separated by white space; anything else is refused rather than
    # pasted into a regular expression.
    set req.http.X-Purge-Keys = regsuball(req.http.Surrogate-Key, "[[:space:]]+", " ");
    set req.http.X-Purge-Keys = regsuball(req.http.X-Purge-Keys, "^ | $", "");
    if (req.http.X-Purge-Keys !~ "^[A-Za-z0-9_.:@-]+( [A-Za-z0-9_.:@-]+)*$") {
        return (synth(400, "Surrogate-Key must list keys made of A-Z a-z 0-9 _ . : @ -"));
    }
    # "question:5 topic:2" -> (^|[[:space:]])(question:5|topic:2)([[:space:]]|$); "." is the
    # only regex character keys may hold.
    set req.http.X-Purge-Keys = regsuball(req.http.X-Purge-Keys, "[.]", "[.]");
    set req.http.X-Purge-Keys = regsuball(req.http.X-Purge-Keys, " ", "|");
    # No quotes around the expression: std.ban() would keep them as part of it; it holds no
    # white space to split on.
    if (std.ban("obj.http.Surrogate-Key ~ (^|[[:space:]])(" + req.http.X-Purge-Keys +
            ")([[:space:]]|$)")) {
        return (synth(200, "Purged"));
    }
    return (synth(400, std.ban_error()));
}

sub vcl_hash {
    # Django redirects plain HTTP to HTTPS (SECURE_SSL_REDIRECT): the redirect and the page must
    # be stored apart, or one would be served for the other.
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_backend_response {
    # Never store what sets a cookie or is meant for one reader (staff pages, sessions, preview
    # links: private; search, 404, 429: no-store). Remembered as hit-for-miss for 2 minutes so
    # that requests for it go straight to the backend, while a later cacheable answer is stored.
    if (beresp.http.Set-Cookie ||
        beresp.http.Cache-Control ~ "(?i)(^|[,[:space:]])(private|no-store|no-cache)") {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Past its s-maxage a page is served for up to a minute more while a fresh copy is fetched
    # (grace), then kept for a day so that the fetch is a conditional one (If-None-Match with
    # the stored ETag): the app answers 304 and Varnish reuses the body. Purged (banned)
    # objects are dropped at once, grace or not.
    set beresp.grace = 1m;
    set beresp.keep = 1d;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The keys are for this cache only. A purger host may see them with `X-Cache-Debug: 1`
    # (the deploy tests do).
    if (!(req.http.X-Cache-Debug && client.ip ~ purgers)) {
        unset resp.http.Surrogate-Key;
    }
    # s-maxage is this cache's lifetime, kept fresh by purges; a shared cache further on would
    # get no purge, so it sees only max-age (0: revalidate, answered 304 from here).
    if (resp.http.Cache-Control ~ "s-maxage") {
        set resp.http.Cache-Control = regsuball(resp.http.Cache-Control,
            "(^|,)[[:space:]]*s-maxage=[0-9]+[[:space:]]*(,[[:space:]]*|$)", "\1");
        set resp.http.Cache-Control = regsub(resp.http.Cache-Control, ",[[:space:]]*$", "");
    }
}

sub vcl_synth {
    # PURGE answers: a short plain-text body for the app's log.
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = "" + resp.status + " " + resp.reason + {"
"};
        return (deliver);
    }
}
