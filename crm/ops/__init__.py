"""Running the product: job workers, their heartbeat, and a health check for load balancers."""
