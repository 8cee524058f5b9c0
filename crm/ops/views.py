"""A health check for load balancers and uptime monitors."""

from flask import Blueprint, jsonify

from crm.jobs import huey
from crm.ops.services import database_ok, worker_status

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def health():
    """200 when the database answers; says whether a periodic worker has been seen."""
    ok = database_ok()
    worker = worker_status() if ok else None
    body = {
        "database": "ok" if ok else "down",
        "queue": huey.describe(),
        "periodic_worker": "running" if worker and worker.running else "not seen",
    }
    return jsonify(body), 200 if ok else 503
