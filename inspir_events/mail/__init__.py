"""Outgoing e-mail: a transactional outbox delivered by a worker on the task engine.

Issue 17 and DESIGN.md §9. A message is rendered in its recipient's language and written
to the ``mail_outbox`` table in the transaction of the change that causes it
(:func:`services.enqueue`); nothing is sent from a request, and a change rolled back
leaves no message. After the commit its delivery is queued on Huey (tasks.py); a
periodic sweep queues whatever is still pending, so a crash between the commit and the
queueing loses nothing. A worker claims messages with a conditional UPDATE (``FOR
UPDATE SKIP LOCKED`` on PostgreSQL) before it sends them (delivery.py): several workers
never send one message twice. SMTP errors are retried with a growing delay; after
``MAIL_MAX_ATTEMPTS`` a message is *failed* and shown to the admins at ``/admin/mail``.

A kind a person chose to receive daily is *held* instead, and told in their daily
digest (digest.py, issue 17 §4).

Rooms: rules.py (pure: statuses, modes, delays), models.py, kinds.py (the registry of
kinds of message, filled by the features), rendering.py (templates/mail/, links),
services.py (enqueue, preferences), admin.py (the admins' retry), queries.py (the admins'
page), recipients.py (the accounts a notice goes to),
delivery.py (claim, send, retry, fail), transport.py (SMTP or .eml files), tasks.py
(Huey; the features' periodic tasks), worker.py (the consumer), unsubscribe.py (RFC
8058), digest.py (the daily digest), devbox.py and routes.py (unsubscribe pages, the
development mailbox). It sits in the infrastructure layer and imports nothing above it.
"""
