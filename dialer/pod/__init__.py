"""A dialer pod: one process, one pjsua2 endpoint, the agents logged into it and the calls it places."""
