

# Django REST Framework
# https://www.django-rest-framework.org/api-guide/settings/

REST_FRAMEWORK = {
    # How clients prove who they are. Session login also keeps the browsable
    # API usable from a browser.
    "DEFAULT_AUTHENTICATION_CLASSES": [
{%- if cookiecutter.api_auth == "token" %}
        "rest_framework.authentication.TokenAuthentication",
{%- elif cookiecutter.api_auth == "jwt" %}
        "rest_framework_simplejwt.authentication.JWTAuthentication",
{%- endif %}
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Anyone may read; only authenticated users may write. Views that need
    # more (such as users/me) say so themselves.
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticatedOrReadOnly",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=20),
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # Bodies are JSON: one format the schema can describe exactly (a form cannot
    # say null or a number). Any body that cannot be read is a 400, never a 500,
    # and one larger than DATA_UPLOAD_MAX_MEMORY_SIZE a 413.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    # Every error in one JSON format, documented in the schema (api/exceptions.py).
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    # Limits per client (anonymous ones by address, others by account), counted
    # in the database so they hold for every server process at once.
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AnonRateThrottle",
        "api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="100/minute"),
        "user": env.str("API_THROTTLE_USER", default="1000/minute"),
    },
    # Clients' addresses, read as for the login lockout (DJANGO_NUM_PROXIES above).
    "NUM_PROXIES": num_proxies,
    # drf-spectacular's, with the error responses of each operation (api/schema.py).
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# Error responses
# https://drf-standardized-errors.readthedocs.io/en/latest/settings.html

DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "api.exceptions.ExceptionHandler",
    # drf-standardized-errors' own, and 413 for a body over the size limit.
    "ALLOWED_ERROR_STATUS_CODES": ["400", "401", "403", "404", "405", "406", "413", "415", "429", "500"],
    "ERROR_SCHEMAS": {
{%- if cookiecutter.api_auth == "jwt" %}
        "401": "api.exceptions.ErrorResponse401Serializer",
{%- endif %}
        "403": "api.exceptions.ErrorResponse403Serializer",
        "413": "api.exceptions.ErrorResponse413Serializer",
    },
}

# OpenAPI schema and docs pages
# https://drf-spectacular.readthedocs.io/en/latest/settings.html

SPECTACULAR_SETTINGS = {
    "TITLE": {{ (cookiecutter.project_name ~ " API") | python_string }},
    "DESCRIPTION": {{ cookiecutter.description | python_string }},
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies described apart from responses: without read-only fields,
    # and with minLength 1 where a text field may not be blank.
    "COMPONENT_SPLIT_REQUEST": True,
    # Served by this site from drf-spectacular-sidecar, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The error responses' enums get one name each, as drf-standardized-errors documents.
    "ENUM_NAME_OVERRIDES": {
        name: f"drf_standardized_errors.openapi_serializers.{name}.choices"
        for name in [
            "ValidationErrorEnum",
            "ClientErrorEnum",
            "ServerErrorEnum",
            "ErrorCode401Enum",
            "ErrorCode403Enum",
            "ErrorCode404Enum",
            "ErrorCode405Enum",
            "ErrorCode406Enum",
            "ErrorCode415Enum",
            "ErrorCode429Enum",
            "ErrorCode500Enum",
        ]
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
        "api.schema.empty_query_values_allowed",
    ],
}

# Cross-origin requests (CORS): a front end served from another origin, such
# as a React or Vue app on http://localhost:5173, may call the API only once
# its origin is listed. https://github.com/adamchainz/django-cors-headers

# Comma-separated origins, e.g. http://localhost:5173,https://app.example.com; none by default.
CORS_ALLOWED_ORIGINS = env.list("DJANGO_CORS_ALLOWED_ORIGINS", default=[])
# Only the API is shared with other origins, never the site or the admin.
CORS_URLS_REGEX = r"^/api/"
# Browsers send cookies (the session login) to the API from those origins only
# if this is on; tokens in the Authorization header need no cookies.
CORS_ALLOW_CREDENTIALS = env.bool("DJANGO_CORS_ALLOW_CREDENTIALS", default=False)

# Accounts through the API
# https://dj-rest-auth.readthedocs.io/en/latest/configuration.html

REST_AUTH = {
{%- if cookiecutter.api_auth == "token" %}
    # A login answers with the user's token (DRF's), sent as "Authorization: Token <key>".
    "SESSION_LOGIN": False,
{%- elif cookiecutter.api_auth == "jwt" %}
    # A login answers with an access and a refresh token, in the body: clients
    # keep them (not cookies, which a front end on another origin cannot read).
    "USE_JWT": True,
    "JWT_AUTH_HTTPONLY": False,
    "TOKEN_MODEL": None,
    "SESSION_LOGIN": False,
{%- else %}
    # A login sets the session cookie, as the site's does; no token.
    "TOKEN_MODEL": None,
{%- endif %}
    # The email's link opens the site's own page for a new password.
    "PASSWORD_RESET_SERIALIZER": "api.serializers.PasswordResetSerializer",
}
{%- if cookiecutter.api_auth == "jwt" %}

# JSON Web Tokens
# https://django-rest-framework-simplejwt.readthedocs.io/en/latest/settings.html

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=1)),
    "AUTH_HEADER_TYPES": ("Bearer",),
}
{%- endif %}