; MULDIV_BODY (body/muldiv.inc) in real mode.
%include "lib/ember.inc"
%include "body/muldiv.inc"

test_main:
    MULDIV_BODY
    PASS
