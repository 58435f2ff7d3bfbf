def axes_username(request, credentials) -> str:
    """The username axes counts failures against: the email as the login form would match it.

    Without this, "Worker@x" and "worker@x" would be separate counters and an attacker
    could multiply the five attempts by varying the case.
    """
    username = (credentials or {}).get("username")
    if username is None and request is not None:
        username = request.POST.get("username")
    return (username or "").strip().lower()
