"""Deploying releases to replicas: a new release rolled out one replica at a time.

A deployment runs several servers (``cgkg serve``), each on its own machine or
port with its own build folder, behind a load balancer. A release is an
immutable folder (``releases/<build_id>/``) copied to every machine; rolling it
out means pointing each machine's ``current`` at it, one replica after the
other, taking that replica out of the balancer while it switches and putting it
back only once its ``/health`` says the whole server serves the new release.

* :mod:`deploy.switch`: on one machine, point ``current`` at a verified release.
* :mod:`deploy.haproxy`: HAProxy's runtime API (drain, enable, state).
* :mod:`deploy.replica`: a replica's ``/health``, and waiting for a release on it.
* :mod:`deploy.inventory`: the replicas and the balancer, from a TOML file.
* :mod:`deploy.rollout`: the rollout itself, stopping (and putting the replica back on
  its old release) at the first replica that does not come up on the new one.

It checks a release with the server's own verification (:mod:`server.release`)
and sees the replicas only through their ``/health`` (docs/deployment.md).
"""
