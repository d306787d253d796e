; BITOPS_BODY (body/bitops.inc) in real mode.
%include "lib/ember.inc"
%include "body/bitops.inc"

test_main:
    BITOPS_BODY
    PASS
