; BITOPS_BODY (body/bitops.inc) in 32-bit protected mode at CPL 0.
%include "lib/ember.inc"
%include "body/bitops.inc"

test_main:
    ENTER_PM
    BITOPS_BODY
    PASS
