; CMPXCHG_BODY (body/cmpxchg.inc) in real mode.
%include "lib/ember.inc"
%include "body/cmpxchg.inc"

test_main:
    CMPXCHG_BODY
    PASS
