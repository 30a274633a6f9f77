"""Test session set-up shared by every test directory."""

import signal

# The interrupt tests send SIGINT to this process and to the processes it starts, and
# expect KeyboardInterrupt. A shell without job control starts background commands
# with SIGINT ignored (POSIX), and an ignored SIGINT is inherited by every child, so a
# CI runner that starts the tests that way would make them fail (and leave their
# children running). Restore Python's own handling: children started from here then
# begin with the default disposition.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)
