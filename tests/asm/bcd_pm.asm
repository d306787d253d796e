; BCD_BODY (body/bcd.inc) in 32-bit protected mode at CPL 0.
%include "lib/ember.inc"
%include "body/bcd.inc"

test_main:
    ENTER_PM
    BCD_BODY
    PASS
