; MISC_BODY (body/misc.inc) in real mode.
%include "lib/ember.inc"
%include "body/misc.inc"

test_main:
    MISC_BODY
    PASS
