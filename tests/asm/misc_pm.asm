; MISC_BODY (body/misc.inc) in 32-bit protected mode at CPL 0.
%include "lib/ember.inc"
%include "body/misc.inc"

test_main:
    ENTER_PM
    MISC_BODY
    PASS
