; CMPXCHG_BODY (body/cmpxchg.inc) in 32-bit protected mode at CPL 0.
%include "lib/ember.inc"
%include "body/cmpxchg.inc"

test_main:
    ENTER_PM
    CMPXCHG_BODY
    PASS
