; MULDIV_BODY (body/muldiv.inc) in 32-bit protected mode at CPL 0.
%include "lib/ember.inc"
%include "body/muldiv.inc"

test_main:
    ENTER_PM
    MULDIV_BODY
    PASS
