; BCD_BODY (body/bcd.inc) in real mode.
%include "lib/ember.inc"
%include "body/bcd.inc"

test_main:
    BCD_BODY
    PASS
