"""Entry point: `flask --app run ...` and WSGI servers (gunicorn "run:app") find the app here."""

from crm import create_app

app = create_app()
